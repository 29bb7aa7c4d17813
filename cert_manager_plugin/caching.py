"""
HTTP caching of the public certificate responses: the verify API, the verification page, the web certificate, the PDF.

A viral link or an employer verifying a cohort asks for the same few certificates over and over. Each public
response carries validators computed by ONE query, before anything is rendered (``public_validators``): the
certificate's revision, status, name and ``modified``, its course's settings row (``print_grade``, the course's
template) and the certificate templates (count and newest ``modified``: a template edit changes every body), plus
the response's language and variant and the plugin's version. A conditional GET whose ``If-None-Match`` (or, without
one, ``If-Modified-Since``) matches gets a 304 from Django's own ``condition`` machinery without rendering anything.

``Cache-Control: public, max-age=CERT_MANAGER_PUBLIC_MAX_AGE, must-revalidate`` (default 60 seconds; read here
only, ``max_age``): a change of status (a revocation) gets a new revision, so a new ETag, and no cache serves
the old answer for longer than that. ``Vary: Accept-Language, Cookie``: the language comes from either. The web
certificate its signed-in owner sees (share actions) is ``private, no-cache`` and has its own ETag: a shared cache
never stores it. A ``Last-Modified`` is sent only once it is at least a second old (RFC 9110 section 8.8.2.2): HTTP
dates count whole seconds, and a change in the same second must not answer a later ``If-Modified-Since`` with 304.

What a response renders (the page's bytes, the PDF, the API's data) is kept in Django's ``default`` cache under
its ETag and host (``cached``): a new revision, template or language is a new key, so nothing stored is stale.
Only the public variants are kept, never the owner's page.
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connections, router
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import condition

from . import __version__, lms
from .conf import cm_settings
from .models import Certificate, CertificateTemplate, CourseCertificateSettings

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

#: What a public response varies on besides its URL: the language (cookie or Accept-Language) and, for the web
#: certificate, whether its owner is signed in (the session cookie).
VARY = ("Accept-Language", "Cookie")
#: Rendered responses larger than this are not kept in the cache (memcached's default item limit is 1 MB).
MAX_CACHED_BYTES = 1024 * 1024
#: Seconds a rendered response stays in the cache (its key changes with every revision; this only frees memory).
CACHED_TIMEOUT = 24 * 3600
T = TypeVar("T")


def max_age() -> int:
    """Seconds a public response may be served from a cache (``CERT_MANAGER_PUBLIC_MAX_AGE``, default 60, >= 0)."""
    return cm_settings.PUBLIC_MAX_AGE


@dataclass(frozen=True)
class PublicValidators:
    """What a public certificate response is keyed by, read before rendering (``public_validators``)."""

    verify_uuid: uuid.UUID
    user_id: int
    status: str
    revision: int
    etag: str
    last_modified: datetime | None

    def variant(self, name: str) -> PublicValidators:
        """The same validators for another variant of the response (its owner's page): another ETag."""
        return replace(self, etag=_weak_etag(f"{self.etag}|{name}"))


def _weak_etag(key: str) -> str:
    """A weak ETag (the same meaning, not necessarily the same bytes: a PDF's bytes differ per rendering)."""
    return 'W/"' + hashlib.blake2b(key.encode(), digest_size=16).hexdigest() + '"'


@functools.cache
def _state_sql(alias: str, host: tuple[str, str, str] | None) -> str:
    """
    The one query of ``_state`` on database ``alias``, written once.

    An ORM query would be built and compiled anew on every request: most of a 304's time. Identifiers come from
    the models' meta, quoted; the verify id is bound. ``host``: the host's row that moves when what the course's
    pages print from it changes (``LmsAdapter.course_pages_changed``: inside the LMS, the course overview that a
    Studio publish rebuilds), read in the same query.
    """
    q = connections[alias].ops.quote_name
    cert, course, template = (m._meta for m in (Certificate, CourseCertificateSettings, CertificateTemplate))
    c = {f: q(cert.get_field(f).column) for f in (*STATE_COLUMNS, "course_key")}
    s_modified, s_key = (q(course.get_field(f).column) for f in ("modified", "course_key"))
    t_modified = q(template.get_field("modified").column)
    columns = ", ".join("c." + c[f] for f in STATE_COLUMNS)
    where = f"s.{s_key} = c.{c['course_key']}"
    course_modified = f"SELECT s.{s_modified} FROM {q(course.db_table)} s WHERE {where}"  # noqa: S608 - as below
    templates = f"SELECT COUNT(*) FROM {q(template.db_table)}"  # noqa: S608 - identifiers from _meta, quoted
    templates_modified = f"SELECT MAX(t.{t_modified}) FROM {q(template.db_table)} t"  # noqa: S608 - as above
    tail = f"FROM {q(cert.db_table)} c WHERE c.{c['verify_uuid']} = %s"
    host_modified = "NULL"
    if host is not None:
        h_table, h_key, h_modified = (q(name) for name in host)
        host_modified = f"(SELECT h.{h_modified} FROM {h_table} h WHERE h.{h_key} = c.{c['course_key']})"  # noqa: S608
    return f"SELECT {columns}, ({course_modified}), ({templates}), ({templates_modified}), {host_modified} {tail}"


#: The certificate's columns ``_state`` reads, in order; then settings_modified, templates_count, templates_modified,
#: host_modified.
STATE_COLUMNS = ("verify_uuid", "user", "status", "revision", "modified", "name")


def _aware(value: datetime | str | None) -> datetime | None:
    """A database's datetime as an aware UTC one (SQLite answers a subquery's datetime as text, MySQL naive)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return value


def _state(verify_uuid: uuid.UUID | str) -> dict | None:
    """The certificate's row and what else changes its pages (course settings, templates): one query."""
    alias = router.db_for_read(Certificate)
    connection = connections[alias]
    field = Certificate._meta.get_field("verify_uuid")
    try:
        param = field.get_db_prep_value(field.to_python(verify_uuid), connection)
    except ValidationError:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_state_sql(alias, lms.backend().course_pages_changed()), [param])
        row = cursor.fetchone()
    if row is None:
        return None
    found, user_id, status, revision, modified, name, settings_modified, templates_count, templates_modified, host = row
    return {
        "verify_uuid": field.to_python(found),
        "user_id": user_id,
        "status": status,
        "revision": revision,
        "modified": _aware(modified),
        "name": name,
        "settings_modified": _aware(settings_modified),
        "templates_count": templates_count,
        "templates_modified": _aware(templates_modified),
        "host_modified": _aware(host),
    }


def public_validators(verify_uuid: uuid.UUID | str, *, variant: str) -> PublicValidators | None:
    """
    The ETag and Last-Modified of one public response of a certificate (None: no such certificate).

    ``variant`` names the response ("api", "verify", "web", "pdf"; the owner's page is ``.variant("owner")`` of
    "web"); the active language is part of the key. One query, no rendering.
    """
    state = _state(verify_uuid)
    if state is None:
        return None
    language = translation.get_language() or ""
    key = repr((variant, language, __version__, *(state[k] for k in sorted(state))))
    etag = _weak_etag(key)
    dates = ("modified", "settings_modified", "templates_modified", "host_modified")
    changed = [state[d] for d in dates if state[d]]
    last_modified = max(changed)
    if timezone.now() - last_modified < timedelta(seconds=1):
        last_modified = None  # too fresh for a whole-second validator
    return PublicValidators(
        verify_uuid=state["verify_uuid"],
        user_id=state["user_id"],
        status=state["status"],
        revision=state["revision"],
        etag=etag,
        last_modified=last_modified,
    )


def add_cache_headers(response: HttpResponse, *, private: bool = False) -> HttpResponse:
    """``Cache-Control`` (public for ``max_age`` seconds, or private and revalidated) and ``Vary`` of a response."""
    if private:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, max_age=max_age(), must_revalidate=True)
    patch_vary_headers(response, VARY)
    return response


def conditional_response(
    request: HttpRequest,
    validators: PublicValidators,
    render: Callable[[], HttpResponse],
    *,
    private: bool = False,
) -> HttpResponse:
    """
    ``render()``'s response with the validators and cache headers, or a 304 (``render`` not called).

    Django's ``condition`` decorator does the HTTP part: If-None-Match (weak comparison), else If-Modified-Since,
    for GET and HEAD; it sets ``ETag`` and ``Last-Modified`` on the full response.
    """

    @condition(etag_func=lambda request: validators.etag, last_modified_func=lambda request: validators.last_modified)
    def view(request: HttpRequest) -> HttpResponse:
        return render()

    return add_cache_headers(view(request), private=private)


def cached(validators: PublicValidators, scope: str, render: Callable[[], T]) -> T:
    """
    ``render()``'s result (page bytes, a PDF, the verify API's data), kept in the ``default`` cache.

    Keyed by the response's ETag (revision, language, templates, version: never stale) and ``scope`` (what else
    the result depends on: the host its absolute links name). Bytes over ``MAX_CACHED_BYTES`` are not kept.
    """
    digest = hashlib.blake2b(f"{validators.etag}|{scope}".encode(), digest_size=16).hexdigest()
    key = f"cert_manager:public:{digest}"
    value = cache.get(key)
    if value is None:
        value = render()
        if not isinstance(value, bytes) or len(value) <= MAX_CACHED_BYTES:
            cache.set(key, value, CACHED_TIMEOUT)
    return value
