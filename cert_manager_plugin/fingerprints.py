"""
Fingerprints: which learners a bulk job may skip, because nothing the engine reads changed since it wrote them.

Each certificate stores a fingerprint of what eligibility read when the engine last wrote it (the course's
policies, the learner's record, the exception and invalidation lists) and what it wrote (status, mode; inside the
LMS, the grade its row shows): ``inputs_print`` and ``full_print``, called by ``engine._plan`` / ``engine._compose``.
``stale_user_ids`` computes the same string in SQL, in one query over the course, and returns the learners whose
certificate no longer matches (any input changed, the certificate or the LMS's row was edited behind our back, the
printed name changed): the job coordinator runs those and counts the others as skipped
(``job_kinds.job_candidates``). A mismatch from float rounding can only make a learner a candidate again, never skip
one wrongly.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from django.db import connection
from opaque_keys.edx.keys import CourseKey

from . import lms
from .courses import course_policy
from .data import GRADE_PLACES
from .eligibility import CoursePolicy, LearnerState
from .lms.write_through import fresh_sql as lms_fresh_sql
from .models import Certificate, CertificateException, CertificateInvalidation, LearnerRecord
from .sql import column, table

#: ``Certificate.fingerprint``'s length: a longer fingerprint is stored as "" (never fresh, always reconciled).
FINGERPRINT_LENGTH = Certificate._meta.get_field("fingerprint").max_length
#: Active invalidations (on the whole platform) up to which ``_course_lists`` looks for the course's among them.
LISTED_LIMIT = 1000
#: Learners per display-name lookup of ``fresh_user_ids`` (within every database's parameter limit).
NAME_CHUNK = 5000


def policy_token(policy: CoursePolicy) -> str:
    """12 hex digits naming the course's policies (part of every fingerprint: a policy change reconciles all)."""
    raw = "|".join(
        (
            str(policy.issue_policy),
            "1" if policy.revoke_on_grade_drop else "0",
            ",".join(sorted(policy.eligible_modes)),
            policy.course_end.isoformat() if policy.course_end else "",
        )
    )
    return hashlib.blake2b(raw.encode(), digest_size=6).hexdigest()


def inputs_print(token: str, record: LearnerState | None, allowlisted: bool, invalidated: bool) -> str:
    """
    The fingerprint of what ``decide`` reads (but ``now``): policies, record, exception, invalidation.

    The record's grade is not in it (``decide`` reads ``passed``): the printed grade is ``round(grade, 4)``, which
    ``fresh_user_ids`` compares with the certificate's in SQL (a float printed alike in Python and three SQLs is not).
    """
    if record is None:
        rec = "-"
    else:
        flags = ("1" if record.enrollment_active else "0") + ("1" if record.passed else "0")
        rec = f"{record.mode}|{flags}"
    return f"{token}|{rec}|{'1' if allowlisted else '0'}{'1' if invalidated else '0'}"


def full_print(inputs: str, status: str, mode: str, grade: float | None, *, lms_rows: bool) -> str:
    """
    ``Certificate.fingerprint`` of a decided state: its inputs, the state written, the LMS's grade when written through.

    Inside the LMS the grade its row shows (``lms.lms_grade``) is in it. Neither the name nor our grade is:
    ``stale_user_ids`` compares those itself.
    """
    fingerprint = f"{inputs}|{status}|{mode}"
    if lms_rows:
        fingerprint = f"{fingerprint}|{lms.lms_grade(grade, status)}"
    return fingerprint if len(fingerprint) <= FINGERPRINT_LENGTH else ""


def _grade_sql() -> str:
    """SQL: the certificate ``c`` shows the grade of its record ``r`` (``_grade``: rounded to ``GRADE_PLACES``)."""
    ours, theirs = f"c.{column(Certificate, 'grade')}", f"r.{column(LearnerRecord, 'percent_grade')}"
    exact = theirs
    # rounded as decimals, as Python's round() does (PostgreSQL has no round(double, int); MariaDB rounds a double's
    # product half to even); a tie printed otherwise only makes the learner a candidate again
    if connection.vendor == "postgresql":
        exact = f"CAST({theirs} AS NUMERIC)"
    elif connection.vendor == "mysql":
        exact = f"CAST({theirs} AS DECIMAL(65, 30))"
    same = f"{ours} = ROUND({exact}, {GRADE_PLACES})"
    if connection.vendor == "mysql":
        # the decimal arithmetic was 40 % of the query: first in doubles, which is exact away from a tie (ours has
        # GRADE_PLACES places and lies nearer than half a unit of the last place, with a margin far above a double's
        # error, so it is the rounding of theirs); only a grade near a tie is rounded as decimals
        unit = 10**-GRADE_PLACES
        same = f"({ours} = ROUND({ours}, {GRADE_PLACES}) AND ABS({ours} - {theirs}) < {unit * 0.4999:.12f}) OR {same}"
    return f"(r.{column(LearnerRecord, 'id')} IS NULL OR ({ours} IS NULL AND {theirs} IS NULL) OR {same})"


def _concat(parts: list[str]) -> str:
    """SQL concatenation of text expressions (none of them NULL)."""
    return f"CONCAT({', '.join(parts)})" if connection.vendor == "mysql" else f"({' || '.join(parts)})"


def _same(left: str, right: str) -> str:
    """SQL: two strings equal byte for byte (MariaDB's collations fold case and trailing spaces)."""
    if connection.vendor == "mysql":
        return f"CAST({left} AS BINARY) = CAST({right} AS BINARY)"
    return f"{left} = {right}"


def _record_sql() -> str:
    """SQL of ``inputs_print``'s record part for ``r``: its mode, then both flags from one CASE (fewer concats)."""
    mode, active, passed = (f"r.{column(LearnerRecord, f)}" for f in ("mode", "is_active", "passed"))

    def flags(first: str) -> str:
        """'|<first>1' or '|<first>0' by ``passed``."""
        return f"CASE WHEN {passed} THEN '|{first}1' ELSE '|{first}0' END"

    return _concat([mode, f"CASE WHEN {active} THEN {flags('1')} ELSE {flags('0')} END"])


def _listed_sql(listed: bool, condition: str) -> str:
    """'1' where ``condition`` holds; the literal '0' when the course lists nobody (``_course_lists``: no lookup)."""
    return f"CASE WHEN {condition} THEN '1' ELSE '0' END" if listed else "'0'"


def _merged(parts: list[str]) -> list[str]:
    """SQL text parts with adjacent string literals merged into one (fewer concatenations per row)."""
    out: list[str] = []
    for part in parts:
        literal = part.startswith("'") and part.endswith("'") and "'" not in part[1:-1]
        if literal and out and out[-1].startswith("'") and out[-1].endswith("'") and "'" not in out[-1][1:-1]:
            out[-1] = f"'{out[-1][1:-1]}{part[1:-1]}'"
        else:
            out.append(part)
    return out


def _fingerprint_sql(token: str, lms_grade_sql: str | None, *, exceptions: bool, invalidations: bool) -> str:
    """
    SQL of ``full_print`` for the certificate ``c``, its record ``r`` and ``lms_grade_sql`` (the LMS's row).

    ``exceptions`` / ``invalidations``: whether the course lists anybody there (else the flag is the literal '0').
    """
    exc = (
        f"EXISTS (SELECT 1 FROM {table(CertificateException)} e "  # noqa: S608 - identifiers from _meta
        f"WHERE e.{column(CertificateException, 'course_key')} = c.{column(Certificate, 'course_key')} "
        f"AND e.{column(CertificateException, 'user')} = c.{column(Certificate, 'user')})"
    )
    invalidation = column(CertificateInvalidation, "certificate")
    inv = (
        f"EXISTS (SELECT 1 FROM {table(CertificateInvalidation)} i "  # noqa: S608 - identifiers from _meta
        f"WHERE i.{invalidation} = c.{column(Certificate, 'id')} "
        f"AND i.{column(CertificateInvalidation, 'active')} = TRUE)"
    )
    parts = [
        f"'{token}|'",  # hex digits only
        f"CASE WHEN r.{column(LearnerRecord, 'id')} IS NULL THEN '-' ELSE {_record_sql()} END",
        "'|'",
        _listed_sql(exceptions, exc),
        _listed_sql(invalidations, inv),
        "'|'",
        f"c.{column(Certificate, 'status')}",
        "'|'",
        f"c.{column(Certificate, 'mode')}",
    ]
    if lms_grade_sql is not None:
        parts += ["'|'", f"COALESCE({lms_grade_sql}, '')"]
    return _concat(_merged(parts))


def _course_lists(course_key: CourseKey) -> tuple[bool, bool]:
    """
    Whether the course has any exception, and any active invalidation (two small reads).

    Most courses list nobody: their flags are then the literal '0' in ``_fingerprint_sql`` instead of two lookups per
    certificate. A learner listed after these reads is reconciled by the listing itself.
    """
    exceptions = CertificateException.objects.filter(course_key=course_key).exists()
    # from the invalidations' side (few on any platform): joined from the course's side, the planner scanned every
    # certificate of the course; more than ``LISTED_LIMIT`` active ones anywhere: looked up per certificate
    active = list(
        CertificateInvalidation.objects.filter(active=True).values_list("certificate_id", flat=True)[: LISTED_LIMIT + 1]
    )
    invalidations = len(active) > LISTED_LIMIT or (
        bool(active) and Certificate.objects.filter(course_key=course_key, pk__in=active).exists()
    )
    return exceptions, invalidations


def stale_user_ids(course_key: CourseKey, statuses: Sequence[str] | None = None) -> list[int]:
    """
    The holders of a certificate in the course (in ``statuses`` when given) that a bulk job must reconcile, by user id.

    The others are fresh, nothing changed for them since the engine wrote their certificate: its stored fingerprint
    is the one the database computes from the learner's record, lists, the course's policies and the certificate
    itself; inside the LMS, the LMS's row still shows it; and it shows the name the LMS prints now. One query over
    the course (standalone, the names are compared in Python: ``display_names`` by ``NAME_CHUNK``).
    """
    backend = lms.backend()
    lms_sql = None
    if backend.writes_lms_certificates:
        lms_sql = lms_fresh_sql(course_key)
    join, join_params, found, lms_grade_sql, names_compared = lms_sql or ("", [], [], None, False)
    listed = _course_lists(course_key)
    fresh = " AND ".join(
        [
            f"c.{column(Certificate, 'fingerprint')} <> ''",
            f"c.{column(Certificate, 'error_reason')} = ''",
            *(f"{key} IS NOT NULL" for key in found),
            _grade_sql(),
            _same(
                "c." + column(Certificate, "fingerprint"),
                _fingerprint_sql(
                    policy_token(course_policy(course_key)),
                    lms_grade_sql,
                    exceptions=listed[0],
                    invalidations=listed[1],
                ),
            ),
        ]
    )
    if backend.writes_lms_certificates and lms_sql is None:
        fresh = "1 = 0"  # the LMS's rows cannot be compared: nobody is fresh
    c_user, c_course, status = (
        column(Certificate, "user"),
        column(Certificate, "course_key"),
        column(Certificate, "status"),
    )
    in_statuses = f"AND c.{status} IN ({', '.join(['%s'] * len(statuses))}) " if statuses else ""
    flag = f"CASE WHEN {fresh} THEN 1 ELSE 0 END"
    sql = (
        f"SELECT c.{c_user}, c.{column(Certificate, 'name')}, {flag} FROM {table(Certificate)} c "  # noqa: S608
        f"LEFT JOIN {table(LearnerRecord)} r ON r.{column(LearnerRecord, 'course_key')} = c.{c_course} "
        f"AND r.{column(LearnerRecord, 'user')} = c.{c_user} {join}"
        f"WHERE c.{c_course} = %s {in_statuses}"
        f"{f'AND {flag} = 0 ' if names_compared else ''}ORDER BY c.{c_user}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*join_params, str(course_key), *(statuses or ())])
        rows = cursor.fetchall()
    if names_compared:
        return [user_id for user_id, _, _ in rows]
    stale = {user_id for user_id, _, is_fresh in rows if not is_fresh}
    fresh_rows = [(user_id, name) for user_id, name, is_fresh in rows if is_fresh]
    for start in range(0, len(fresh_rows), NAME_CHUNK):
        part = fresh_rows[start : start + NAME_CHUNK]
        names = backend.display_names([user_id for user_id, _ in part])
        stale.update(user_id for user_id, name in part if names.get(user_id, name) != name)
    return sorted(stale)


def fresh_user_ids(course_key: CourseKey) -> set[int]:
    """The holders of a certificate in the course that a bulk job skips (``stale_user_ids``: the others)."""
    holders = Certificate.objects.filter(course_key=course_key).values_list("user_id", flat=True)
    return set(holders) - set(stale_user_ids(course_key))
