"""
Bulk invalidation from CSV (``username_or_email,notes``): the exception import's file rules, the invalidation rules.

The file is read by ``bulk_exceptions.parse`` (encoding, size, row limit, header, one or two columns, the JSON
endpoint's field rules), so both uploads accept and refuse exactly the same files. Each row then meets the rules of
``POST invalidations`` (``services.invalidate_certificate``): the learner must have a certificate in the course,
must not be on the exception list, and must not be invalidated already. Every valid row is applied in one
transaction (the certificates locked first, as a single invalidation locks its certificate), the certificates are
reconciled set-based (``engine.run``: they become ``unavailable``), and each invalidation is written to
the LMS's own invalidation list as a single one is (``lms_sync.push_invalidation``). Nothing is half-applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import router, transaction
from django.utils.translation import gettext as _
from opaque_keys.edx.keys import CourseKey

from . import engine, lms, lms_sync
from .bulk_exceptions import BulkResult, CsvEmpty, CsvRow, RowError, RowErrorKind, _course_lists, _find_learners, parse
from .data import Source
from .models import Certificate, CertificateInvalidation

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


class InvalidationRowKind:
    """Why a row was not invalidated (stable codes in the response)."""

    BAD_FORMAT = RowErrorKind.BAD_FORMAT
    USER_NOT_FOUND = RowErrorKind.USER_NOT_FOUND
    NO_CERTIFICATE = "certificate_not_found"
    ALLOWLISTED = "allowlisted"
    ALREADY_INVALIDATED = "already_invalidated"
    DUPLICATE = "duplicate"

    ALL = (BAD_FORMAT, USER_NOT_FOUND, NO_CERTIFICATE, ALLOWLISTED, ALREADY_INVALIDATED, DUPLICATE)


@dataclass(frozen=True)
class _Checks:
    """What each row is checked against: the users the file names, their certificates and the course's lists."""

    users: dict[str, AbstractBaseUser]
    certificates: dict[int, int]  # user id -> certificate id
    listed: set[int]
    invalidated: set[int]
    reveal_accounts: bool


def import_invalidations(
    course_key: CourseKey, data: bytes, *, invalidated_by: object = None, reveal_accounts: bool = True
) -> BulkResult:
    """
    Invalidate the certificate of every valid row of the CSV in one transaction; the others are row errors.

    File-level problems (encoding, size, row limit, CSV syntax, no row at all) raise ``InvalidInput`` subclasses
    and change nothing. ``reveal_accounts=False`` (callers who are not global staff): an identifier naming no
    account and one naming an account that is not a learner of the course get the same ``user_not_found``.
    """
    rows, bad = parse(data)
    if not rows and not bad:
        raise CsvEmpty(
            _("The file names no learner: it has no row with a username or email (only a header or blank lines).")
        )
    result = BulkResult(errors=bad, kinds=InvalidationRowKind.ALL)
    users, _enrolled = _find_learners(course_key, rows, reveal_accounts=reveal_accounts)
    actor_id = getattr(invalidated_by, "pk", None)
    with transaction.atomic(using=router.db_for_write(CertificateInvalidation)):
        certificates = _locked_certificates(course_key, {u.pk for u in users.values()})
        listed, invalidated = _course_lists(course_key)  # read after the locks: a concurrent invalidation shows
        checks = _Checks(users, certificates, listed, invalidated, reveal_accounts)
        accepted = _accept_rows(rows, checks, result)
        CertificateInvalidation.objects.bulk_create(
            [
                CertificateInvalidation(certificate_id=certificates[user_id], notes=notes, invalidated_by_id=actor_id)
                for user_id, notes in accepted
            ]
        )
        ids = [user_id for user_id, _notes in accepted]
        engine.run(course_key, ids, engine.Intent.job(Source.INVALIDATION, actor_id=actor_id))
        for user_id in ids:  # after the reconcile wrote the LMS's rows they refer to, as a single invalidation
            lms_sync.push_invalidation(user_id, course_key)
    result.errors.sort(key=lambda e: e.line)
    return result


def _locked_certificates(course_key: CourseKey, user_ids: set[int]) -> dict[int, int]:
    """The course's certificates of ``user_ids`` (user id -> certificate id), locked until the transaction ends."""
    found: dict[int, int] = {}
    ids = sorted(user_ids)
    for start in range(0, len(ids), lms.LOOKUP_CHUNK):  # below SQLite's host-parameter limit
        chunk = ids[start : start + lms.LOOKUP_CHUNK]
        rows = Certificate.objects.select_for_update().filter(course_key=course_key, user_id__in=chunk)
        found.update(rows.order_by("pk").values_list("user_id", "pk"))
    return found


def _row_error(row: CsvRow, user: AbstractBaseUser | None, checks: _Checks, seen: dict[int, int]) -> RowError | None:
    """Why the row's certificate cannot be invalidated (``seen``: user id -> the line that took it), or None."""
    values = {"user": row.user}
    if user is None:
        text = _("No user '%(user)s'.") if checks.reveal_accounts else _("No learner '%(user)s' in this course.")
        return RowError(row.line, row.user, InvalidationRowKind.USER_NOT_FOUND, text % values)
    if user.pk in seen:
        values["line"] = seen[user.pk]
        text = _("'%(user)s' is listed twice in the file (first at line %(line)s).") % values
        return RowError(row.line, row.user, InvalidationRowKind.DUPLICATE, text)
    if user.pk not in checks.certificates:
        text = _("'%(user)s' has no certificate in this course.") % values
        return RowError(row.line, row.user, InvalidationRowKind.NO_CERTIFICATE, text)
    if user.pk in checks.listed:
        text = _("'%(user)s' is on the exception list; remove the exception before invalidating.") % values
        return RowError(row.line, row.user, InvalidationRowKind.ALLOWLISTED, text)
    if user.pk in checks.invalidated:
        text = _("The certificate of '%(user)s' is already invalidated.") % values
        return RowError(row.line, row.user, InvalidationRowKind.ALREADY_INVALIDATED, text)
    return None


def _accept_rows(rows: list[CsvRow], checks: _Checks, result: BulkResult) -> list[tuple[int, str]]:
    """The ``(user_id, notes)`` to invalidate, in file order; every row is recorded in ``result``."""
    accepted: list[tuple[int, str]] = []
    seen: dict[int, int] = {}
    for row in rows:
        user = checks.users.get(row.user)
        error = _row_error(row, user, checks, seen)
        if error is not None:
            result.errors.append(error)
            continue
        seen[user.pk] = row.line
        accepted.append((user.pk, row.notes))
        result.added.append(
            {"line": row.line, "user": row.user, "username": user.username, "email": user.email, "notes": row.notes}
        )
    return accepted
