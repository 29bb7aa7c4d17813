"""
The certificate table's set-based writes, for the engine and the design job: one statement per batch each.

``update_certificates`` (UPDATE by primary key: ``sql.update_rows``), ``insert_certificates`` (one ``executemany``
INSERT), ``insert_revisions`` (one ``INSERT … SELECT`` copying the superseded states, which never travel through
Python) and ``verify_ids`` (a batch's verify ids, read raw). The columns come from the models' ``_meta``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from opaque_keys.edx.keys import CourseKey

from .models import Certificate, CertificateRevision
from .sql import column, dt_adapter, insert_many, int_list, table, update_rows


@dataclass(slots=True)
class WrittenCertificate:
    """
    The state a batch wrote for one certificate (the Certificate fields events and emails read).

    A plain object rather than a model instance: a 100k-learner job builds one per changed learner.
    ``pk`` is None for a certificate the batch created.
    """

    pk: int | None
    user_id: int
    course_key: CourseKey
    verify_uuid: uuid.UUID | None  # set for a new certificate; an update never changes it (events look it up)
    created: datetime | None  # set for a new certificate only (an update never rewrites it)
    revision: int
    issued_date: datetime | None
    status: str = ""
    mode: str = ""
    grade: float | None = None
    name: str = ""
    source: str = ""
    error_reason: str = ""
    modified: datetime | None = None
    fingerprint: str = ""  # ``Certificate.fingerprint``: "" for a state nothing decided (a forced one)


def verify_ids(course_key: CourseKey, user_ids: Sequence[int]) -> dict[int, str]:
    """
    The verify ids (32 hex) of these learners' certificates in the course, in one query.

    Read raw: building 1,000 UUID objects only to print them again cost more than the query.
    """
    if not user_ids:
        return {}
    ids = list(user_ids)
    user = column(Certificate, "user")
    sql = (
        f"SELECT {user}, {column(Certificate, 'verify_uuid')} FROM {table(Certificate)} "  # noqa: S608
        f"WHERE {column(Certificate, 'course_key')} = %s AND {user} IN ({int_list(ids)})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [str(course_key)])
        return {user_id: _hex(value) for user_id, value in cursor.fetchall()}


def _hex(value: object) -> str:
    """A verify id as 32 hex digits, however the driver returns it (SQLite/MariaDB: text; PostgreSQL: UUID)."""
    return value.hex if isinstance(value, uuid.UUID) else str(value).replace("-", "")


#: The certificate fields a batch writes (field names: the columns come from ``Certificate._meta``).
UPDATE_COLUMNS = (
    "status",
    "mode",
    "grade",
    "name",
    "revision",
    "issued_date",
    "source",
    "error_reason",
    "modified",
    "fingerprint",
)


def _written_values(c: WrittenCertificate, dt: Callable[[datetime | None], object]) -> tuple:
    """The values of ``UPDATE_COLUMNS``, in that order, as the driver takes them."""
    return (
        c.status,
        c.mode,
        c.grade,
        c.name,
        c.revision,
        dt(c.issued_date),
        c.source,
        c.error_reason,
        dt(c.modified),
        c.fingerprint,
    )


def update_certificates(rows: list[WrittenCertificate]) -> None:
    """
    UPDATE by primary key the batch's changed existing certificates (rows locked): ``sql.update_rows``.

    ``issued_date`` is written only when the certificate becomes downloadable (``COALESCE`` keeps the stored
    date otherwise), so a batch never has to load it.
    """
    _dt = dt_adapter()
    params = [(*_written_values(c, _dt), c.pk) for c in rows]
    update_rows(Certificate, UPDATE_COLUMNS, params, keep_when_null={"issued_date"})


#: Revision fields copied from the certificate row they supersede (``valid_from`` is its ``modified``); field
#: names of ``CertificateRevision`` → of ``Certificate`` (the columns come from their ``_meta``).
REVISION_COPIED = {
    "certificate": "id",
    "revision": "revision",
    "status": "status",
    "mode": "mode",
    "grade": "grade",
    "name": "name",
    "issued_date": "issued_date",
    "source": "source",
    "valid_from": "modified",
    "design_version": "design_version",  # the design it rendered with (``designs``: the batch's writes record the new)
}


def insert_revisions(certificate_ids: list[int], *, superseded_at: datetime, source: str, actor_id: int | None) -> None:
    """
    One ``INSERT … SELECT`` copying the current state of ``certificate_ids`` into revisions.

    Run before the UPDATE that supersedes them: the stored states never travel through Python.
    """
    targets = ", ".join(
        column(CertificateRevision, f)
        for f in (*REVISION_COPIED, "superseded_at", "superseded_by_source", "superseded_by")
    )
    copied = ", ".join(column(Certificate, f) for f in REVISION_COPIED.values())
    sql = (
        f"INSERT INTO {table(CertificateRevision)} ({targets}) "  # noqa: S608 - identifiers from _meta, quoted
        f"SELECT {copied}, %s, %s, %s FROM {table(Certificate)} "
        f"WHERE {column(Certificate, 'id')} IN ({int_list(certificate_ids)})"
    )
    params = [dt_adapter()(superseded_at), str(source), actor_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


INSERT_COLUMNS = ("user", "course_key", "verify_uuid", "created", *UPDATE_COLUMNS)


def insert_certificates(rows: list[WrittenCertificate]) -> None:
    """
    One ``executemany`` INSERT of the batch's new certificates.

    A learner whose certificate another writer created since the batch read raises ``IntegrityError``
    (unique user+course): callers retry the batch, which then sees that row and updates it.
    """
    cols = [column(Certificate, f) for f in INSERT_COLUMNS]
    sql = f"INSERT INTO {table(Certificate)} ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})"  # noqa: S608
    _dt = dt_adapter()
    # ``UUIDField.get_db_prep_value``, decided once: the UUID itself where the database has the type, else 32 hex
    native_uuid = connection.features.has_native_uuid_field
    params = [
        (
            c.user_id,
            str(c.course_key),
            c.verify_uuid if native_uuid or c.verify_uuid is None else c.verify_uuid.hex,
            _dt(c.created),
            *_written_values(c, _dt),
        )
        for c in rows
    ]
    with connection.cursor() as cursor:
        insert_many(cursor, sql, params)
