"""
Write-through: the LMS's certificate row (``GeneratedCertificate``) follows ours, set-based.

``sync_model_rows`` makes a batch of rows show our state (one read, at most two UPDATEs, one INSERT, one
``INSERT … SELECT`` into the django-simple-history table) on any model shaped like ``GeneratedCertificate``;
``_LmsPeople`` and ``_send_event`` serve the announcements ``save()`` would have sent. Used by the edx-platform
adapter; edx-platform is imported lazily, inside functions.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey

from ..data import is_passing
from ..sql import column, dt_adapter, ids_in, insert_many, int_list, table, update_rows
from .base import LmsCertificate, LmsTransition, lms_grade

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

log = logging.getLogger(__name__)


class _LmsPeople:
    """
    The learners of a batch of written rows as ``save()`` reads them (its ``user`` and ``user.profile.name``).

    Plain values (id, username, email, active, profile name) per learner, from which each row's ``UserData`` is
    built as it is sent (kept short-lived: a batch's worth of retained objects makes the collector run more);
    ``users`` holds ``User`` instances only when ``instances`` (a Django signal that passes one has listeners):
    then two queries (users, profile names), else one (the users joined to their profiles).
    """

    def __init__(self, user_ids: Iterable[int], *, instances: bool) -> None:
        from common.djangoapps.student.models import UserProfile

        User = get_user_model()
        ids = list(dict.fromkeys(user_ids))
        users = ids_in(User.objects.all(), User, User._meta.pk.name, ids)
        self.users: dict[int, AbstractBaseUser] = {}
        if instances:
            self.users = {u.pk: u for u in users}
            names = dict(ids_in(UserProfile.objects.all(), UserProfile, "user", ids).values_list("user_id", "name"))
            rows = [(pk, u.username, u.email, u.is_active, names.get(pk)) for pk, u in self.users.items()]
        else:
            profile_name = f"{UserProfile._meta.get_field('user').related_query_name()}__name"
            rows = users.values_list("pk", "username", "email", "is_active", profile_name)
        self.people = {row[0]: row for row in rows}

    def certificate_data(self, course: object, t: LmsTransition) -> object | None:
        """
        The ``CertificateData`` ``save()`` builds for the row (None: its learner is gone).

        ``course`` is the batch's ``CourseData`` (one course: built once, frozen).
        """
        from openedx_events.learning.data import CertificateData, UserData, UserPersonalData

        person = self.people.get(t.user_id)
        if person is None:
            return None
        pk, username, email, is_active, name = person
        return CertificateData(
            user=UserData(
                pii=UserPersonalData(username=username, email=email, name=name or ""), id=pk, is_active=is_active
            ),
            course=course,
            mode=t.mode,
            grade=t.grade,
            current_status=t.after,
            download_url=t.download_url,
            name=t.name,
        )


def _send_event(event: object, data: object, when: datetime) -> None:
    """``event.send_event`` as ``save()`` does; a failing receiver or bus is logged, never raised into the batch."""
    try:
        event.send_event(time=when, certificate=data)
    except Exception:
        log.exception("cert_manager: sending the certificate event %s failed", getattr(event, "event_type", event))


#: Columns of the LMS's certificate row the plugin writes (field names; columns come from the model's meta).
SYNCED_FIELDS = ("status", "mode", "grade", "name", "verify_uuid", "download_url", "download_uuid", "error_reason")


def sync_model_rows(
    model: type,
    course_key: CourseKey,
    targets: Sequence[LmsCertificate],
    verify_ids: Callable[[list[int]], dict[int, str]],
    download_url: Callable[[str], str],
) -> list[LmsTransition]:
    """
    ``EdxPlatformBackend.sync_lms_certificates`` on any model shaped like ``GeneratedCertificate``.

    ``download_url`` gives the PDF link stored on passing rows (the learner dashboard's download button).
    """
    if not targets:
        return []
    meta = model._meta
    qs = ids_in(model.objects.filter(course_id=course_key), model, "user", [t.user_id for t in targets])
    if connection.features.has_select_for_update:
        qs = qs.select_for_update()
    fields = ("pk", "user_id", "status", "mode", "grade", "name", "verify_uuid", "download_url", "download_uuid")
    current = {row[1]: row for row in qs.values_list(*fields)}
    writes: list[tuple[LmsCertificate, tuple | None, str]] = []
    for t in targets:
        grade = lms_grade(t.grade, t.status)
        row = current.get(t.user_id)
        if (
            row is not None
            and row[6]
            and row[2] == t.status
            and row[3] == t.mode
            and row[4] == grade
            and row[5] == t.name
        ):
            continue
        writes.append((t, row, grade))
    if not writes:
        return []
    missing = [t.user_id for t, _, _ in writes if not t.verify_uuid]
    known = verify_ids(missing) if missing else {}
    now = timezone.now()
    url_limit = meta.get_field("download_url").max_length

    def values(t: LmsCertificate, grade: str) -> tuple:
        verify = (t.verify_uuid or known.get(t.user_id) or "").replace("-", "")
        url = download_url(verify) if verify and is_passing(t.status) else ""
        url = url if len(url) <= url_limit else ""
        return (t.status, t.mode[:32], grade, t.name[:255], verify, url, "", "")

    updates, inserts, transitions = [], [], []  # (new values, row), (target, new values), what rows show
    for t, row, grade in writes:
        shown = values(t, grade)  # the row's SYNCED_FIELDS values, once
        if row is None:
            inserts.append((t, shown))
        else:
            updates.append((shown, row))
        transitions.append(_transition(t.user_id, row, shown))
    _update_rows(model, updates, now)
    if inserts:
        columns, rows = _insert_rows(model, course_key, inserts, now)
        qn = connection.ops.quote_name
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table(model)} ({', '.join(qn(c) for c in columns)}) VALUES ({placeholders})"  # noqa: S608
        with connection.cursor() as cursor:
            insert_many(cursor, sql, rows)
    created = {t.user_id for t, _ in inserts}
    _copy_history(model, course_key, [t.user_id for t, _, _ in writes], created, now)
    return transitions


#: Where ``LmsTransition``'s fields sit in a row's ``SYNCED_FIELDS`` values.
_STATUS, _MODE, _GRADE, _NAME, _URL = (
    SYNCED_FIELDS.index(f) for f in ("status", "mode", "grade", "name", "download_url")
)


def _transition(user_id: int, row: tuple | None, shown: tuple) -> LmsTransition:
    """What a written row shows (``shown``: its ``SYNCED_FIELDS`` values), from its status before (``row``)."""
    return LmsTransition(
        user_id, row[2] if row else None, shown[_STATUS], shown[_MODE], shown[_GRADE], shown[_NAME], shown[_URL]
    )


#: What ``_update_rows`` sets when the verify id and the download fields stay as they are (most updates: a new
#: grade or status); leaving them out spares the ``verify_uuid`` index an update per row.
SHORT_FIELDS = ("status", "mode", "grade", "name", "error_reason")


def _update_rows(model: type, updates: list[tuple[tuple, tuple]], now: datetime) -> None:
    """
    UPDATE the rows of ``updates`` (new ``SYNCED_FIELDS`` values, current row) by primary key.

    At most two ``sql.update_rows`` calls: one for rows whose verify id and link change, one for the rest.
    """
    if not updates:
        return
    stamp = dt_adapter()(now)
    full, short = [], []
    for new, row in updates:  # new: status, mode, grade, name, verify_uuid, download_url, download_uuid, error
        if new[4] == row[6] and new[5] == row[7] and new[6] == row[8]:
            short.append((*new[:4], new[7], stamp, row[0]))
        else:
            full.append((*new, stamp, row[0]))
    for names, params in ((SYNCED_FIELDS, full), (SHORT_FIELDS, short)):
        update_rows(model, [*names, "modified_date"], params)


def _insert_rows(
    model: type, course_key: CourseKey, targets: list[tuple[LmsCertificate, tuple]], now: datetime
) -> tuple[list[str], list[tuple]]:
    """
    Column names and parameter rows for new rows: our fields (``SYNCED_FIELDS`` values), every other's default.

    Each column's value is prepared for the database once per batch (the course, the dates, the defaults), not once
    per row: only the user and our text fields vary, and text is handed over as it is.
    """
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    fixed = {"course_id": course_key, "created_date": now, "modified_date": now}
    template: list[object] = []
    per_row: list[tuple[int, int | None, models.Field | None]] = []  # (position, index in SYNCED_FIELDS, field)
    for position, f in enumerate(fields):
        if f.name in SYNCED_FIELDS:
            text = isinstance(f, models.CharField | models.TextField)
            per_row.append((position, SYNCED_FIELDS.index(f.name), None if text else f))
            template.append(None)
        elif f.name == "user":
            per_row.append((position, None, None))
            template.append(None)
        elif f.name in fixed or not callable(f.default):
            template.append(f.get_db_prep_save(fixed.get(f.name, f.get_default()), connection))
        else:  # a callable default (a fresh value per row)
            per_row.append((position, -1, f))
            template.append(None)
    rows = []
    for t, synced in targets:
        row = list(template)
        for position, index, f in per_row:
            if index is None:
                row[position] = t.user_id
            elif index < 0:
                row[position] = f.get_db_prep_save(f.get_default(), connection)
            else:
                row[position] = synced[index] if f is None else f.get_db_prep_save(synced[index], connection)
        rows.append(tuple(row))
    return [f.column for f in fields], rows


#: django-simple-history's bookkeeping columns (the rest of a historical row copies the model's columns).
HISTORY_FIELDS = ("history_id", "history_date", "history_change_reason", "history_type", "history_user")


def _copy_history(model: type, course_key: CourseKey, user_ids: list[int], created: set[int], now: datetime) -> None:
    """
    Copy the written rows into the model's django-simple-history table, as ``save()`` would have recorded them.

    One ``INSERT … SELECT`` (``+`` created, ``~`` changed). No history table (or one with columns this does not
    know): nothing.
    """
    history = getattr(model, "history", None)
    historical = getattr(history, "model", None)
    if historical is None or not user_ids:
        return
    source_columns = {f.column for f in model._meta.concrete_fields}
    copied, extra = [], []
    for f in historical._meta.concrete_fields:
        if f.name in HISTORY_FIELDS:
            continue
        if f.column in source_columns:
            copied.append(f.column)
        elif not (f.null or f.has_default()):
            log.warning("cert_manager: %s has an unknown required column %s; history not written", historical, f.column)
            return
        else:
            extra.append(f)
    qn = connection.ops.quote_name
    user_col = column(model, "user")
    new = int_list(sorted(created)) if created else "NULL"
    bookkeeping = ("history_date", "history_change_reason", "history_type", "history_user")
    targets = [*(qn(c) for c in copied), *(column(historical, f) for f in bookkeeping)]
    sql = (
        f"INSERT INTO {table(historical)} ({', '.join(targets)}) "  # noqa: S608 - identifiers from _meta, quoted
        f"SELECT {', '.join(qn(c) for c in copied)}, %s, %s, "
        f"CASE WHEN {user_col} IN ({new}) THEN '+' ELSE '~' END, NULL "
        f"FROM {table(model)} "
        f"WHERE {column(model, 'course_id')} = %s AND {user_col} IN ({int_list(user_ids)})"
    )
    params = [dt_adapter()(now), "cert_manager_plugin", str(course_key)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def fresh_sql(course_key: CourseKey) -> tuple[str, list, list[str], str, bool] | None:
    """
    SQL pieces for ``fingerprints.stale_user_ids`` inside the LMS: where its row still shows our certificate ``c``.

    The row ``g`` must show it as ``sync_model_rows`` compares (status, mode, name, a verify id; the grade is in the
    fingerprint), and, unless name affirmation is installed, ``c.name`` must be the name the LMS prints now
    (``EdxPlatformBackend.display_names``: the profile name, else the username; nothing for a retired account).

    Returns the LEFT JOINs (each finds a row only where its conditions hold), their parameters, the expressions that
    must not be NULL (those rows), the LMS's grade and whether the names are compared; None when the LMS's model
    cannot be imported (then no learner counts as fresh).
    """
    try:  # the LMS's model by its app label (this module names no edx-platform module but ``common``)
        GeneratedCertificate = apps.get_model("certificates", "GeneratedCertificate")
    except LookupError:  # pragma: no cover - write-through runs inside the LMS only
        return None
    from ..models import Certificate

    def same(left: str, right: str) -> str:
        """SQL: equal byte for byte."""
        if connection.vendor == "mysql":  # its collations fold case and trailing spaces
            return f"CAST({left} AS BINARY) = CAST({right} AS BINARY)"
        return f"{left} = {right}"

    def g(field: str) -> str:
        """A column of the LMS's row ``g``."""
        return f"g.{column(GeneratedCertificate, field)}"

    def c(field: str) -> str:
        """A column of our certificate ``c``."""
        return f"c.{column(Certificate, field)}"

    join = (
        f"LEFT JOIN {table(GeneratedCertificate)} g ON {g('course_id')} = %s AND {g('user')} = {c('user')} "
        f"AND {same(g('status'), c('status'))} AND {same(g('mode'), c('mode'))} AND {same(g('name'), c('name'))} "
        f"AND {g('verify_uuid')} IS NOT NULL AND {g('verify_uuid')} <> '' "
    )
    params: list = [str(course_key)]
    found = [g(GeneratedCertificate._meta.pk.name)]
    names = _printed_name_sql(same)
    if names is not None:
        join += names[0]
        params += names[1]
        found.append(names[2])
    return join, params, found, g("grade"), names is not None


def _printed_name_sql(same: Callable[[str, str], str]) -> tuple[str, list, str] | None:
    """
    LEFT JOINs finding the learner ``u`` of ``c`` only where ``c`` shows the name ``display_names`` prints.

    Returns them (with the profile ``p``), their parameters and ``u``'s key; None when name affirmation is installed
    (its preferred name is the LMS's to compute).
    """
    from common.djangoapps.student.models import UserProfile

    if apps.is_installed("edx_name_affirmation"):  # get_name_affirmation_service() is not None
        return None
    from django.conf import settings

    from ..models import Certificate

    User = get_user_model()
    user = f"c.{column(Certificate, 'user')}"
    retired = str(getattr(settings, "RETIRED_USERNAME_PREFIX", "retired__user_"))
    username, name = f"u.{column(User, 'username')}", f"p.{column(UserProfile, 'name')}"
    printed = (
        f"CASE WHEN SUBSTR({username}, 1, {len(retired)}) = %s THEN '' "
        f"ELSE COALESCE(NULLIF({name}, ''), {username}) END"
    )
    shown = f"c.{column(Certificate, 'name')}"
    key = f"u.{column(User, User._meta.pk.name)}"
    join = (
        f"LEFT JOIN {table(UserProfile)} p ON p.{column(UserProfile, 'user')} = {user} "
        f"LEFT JOIN {table(User)} u ON {key} = {user} AND {same(shown, printed)} "
    )
    return join, [retired], key
