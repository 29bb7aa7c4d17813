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

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey

from ..data import is_passing
from ..sql import column, dt_adapter, ids_in, table, update_rows
from .base import LmsCertificate, LmsTransition, lms_grade

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

log = logging.getLogger(__name__)


class _LmsPeople:
    """The users of a batch of written rows and their profile names, two queries (what ``save()`` reads per row)."""

    def __init__(self, user_ids: Iterable[int]) -> None:
        from common.djangoapps.student.models import UserProfile

        User = get_user_model()
        ids = list(dict.fromkeys(user_ids))
        self.users = {u.pk: u for u in ids_in(User.objects.all(), User, User._meta.pk.name, ids)}
        self.profile_names = dict(
            ids_in(UserProfile.objects.all(), UserProfile, "user", ids).values_list("user_id", "name")
        )

    def certificate_data(self, user: AbstractBaseUser, course_key: CourseKey, t: LmsTransition) -> object:
        """The ``CertificateData`` ``save()`` builds: the user's profile name in ``pii``, the row's own fields."""
        from openedx_events.learning.data import CertificateData, CourseData, UserData, UserPersonalData

        return CertificateData(
            user=UserData(
                pii=UserPersonalData(
                    username=user.username, email=user.email, name=self.profile_names.get(user.pk) or ""
                ),
                id=user.pk,
                is_active=user.is_active,
            ),
            course=CourseData(course_key=course_key),
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

    written = [(t, row, values(t, grade)) for t, row, grade in writes]  # each row's SYNCED_FIELDS values, once
    _update_rows(model, [(shown, row) for _, row, shown in written if row is not None], now)
    inserts = [(t, shown) for t, row, shown in written if row is None]
    if inserts:
        columns, rows = _insert_rows(model, course_key, inserts, now)
        qn = connection.ops.quote_name
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table(model)} ({', '.join(qn(c) for c in columns)}) VALUES ({placeholders})"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
    created = {t.user_id for t, _ in inserts}
    _copy_history(model, course_key, [t.user_id for t, _, _ in written], created, now)
    return [_transition(t.user_id, row, shown) for t, row, shown in written]


def _transition(user_id: int, row: tuple | None, shown: tuple) -> LmsTransition:
    """What a written row shows (``shown``: its ``SYNCED_FIELDS`` values), from its status before (``row``)."""
    fields = dict(zip(SYNCED_FIELDS, shown, strict=True))
    return LmsTransition(
        user_id,
        row[2] if row else None,
        fields["status"],
        fields["mode"],
        grade=fields["grade"],
        name=fields["name"],
        download_url=fields["download_url"],
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
    """Column names and parameter rows for new rows: our fields (``SYNCED_FIELDS`` values), every other's default."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    rows = []
    for t, synced in targets:
        mine = dict(zip(SYNCED_FIELDS, synced, strict=True))
        mine.update(user=t.user_id, course_id=course_key, created_date=now, modified_date=now)
        row = []
        for f in fields:
            value = mine[f.name] if f.name in mine else f.get_default()
            row.append(f.get_db_prep_save(value, connection))
        rows.append(tuple(row))
    return columns, rows


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
    ids = ", ".join(["%s"] * len(user_ids))
    new = ", ".join(["%s"] * len(created)) or "NULL"
    bookkeeping = ("history_date", "history_change_reason", "history_type", "history_user")
    targets = [*(qn(c) for c in copied), *(column(historical, f) for f in bookkeeping)]
    sql = (
        f"INSERT INTO {table(historical)} ({', '.join(targets)}) "  # noqa: S608 - identifiers from _meta, quoted
        f"SELECT {', '.join(qn(c) for c in copied)}, %s, %s, "
        f"CASE WHEN {user_col} IN ({new}) THEN '+' ELSE '~' END, NULL "
        f"FROM {table(model)} "
        f"WHERE {column(model, 'course_id')} = %s AND {user_col} IN ({ids})"
    )
    params = [dt_adapter()(now), "cert_manager_plugin", *sorted(created), str(course_key), *user_ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
