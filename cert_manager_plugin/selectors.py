"""Reads: querysets and lookups for views, exports and learners. No writes here."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, NamedTuple

from django.db.models import CharField, Count, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Concat
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey

from . import errors
from .courses import course_policy
from .data import ACTIVE_JOB_STATES, IDENTIFIER_MAX_LENGTH, CertificateStatus
from .eligibility import decide
from .lms.standalone import standalone_model
from .models import (
    Certificate,
    CertificateException,
    CertificateInvalidation,
    CertificateRevision,
    GenerationJob,
    LearnerRecord,
)
from .sql import FoldedLower

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


def certificates(
    course_key: CourseKey, *, search: str = "", status: str | None = None, ordering: str | None = None
) -> QuerySet[Certificate]:
    """
    The course's certificate records with their users, searchable by username, email or name.

    Every status, those the course team deleted included ("All statuses"); ``status`` keeps the comma-separated
    statuses given. A search longer than any name, username or email (``IDENTIFIER_MAX_LENGTH``) is refused
    with ``InvalidInput``: it cannot match, and a 20,000-character LIKE pattern over every row is work for
    nothing. ``ordering``: a key of ``CERTIFICATE_ORDERINGS`` (``-`` first for descending), by username when
    None; the id breaks ties, so pages never repeat or skip a row.
    """
    qs = _searched(course_key, search).select_related("user").order_by(*certificate_order_by(ordering))
    if status:
        qs = qs.filter(status__in=[s.strip() for s in status.split(",") if s.strip()])
    return qs


#: The certificate list's sort keys (``?ordering=``; ``-key`` for descending) and what each sorts by.
CERTIFICATE_ORDERINGS = {
    "username": F("user__username"),
    "name": FoldedLower("name"),
    "status": F("status"),
    "grade": F("grade"),
    "mode": F("mode"),
    "issued_date": F("issued_date"),
    "modified": F("modified"),
}


def certificate_order_by(ordering: str | None) -> list:
    """
    The ORDER BY of the certificate list for ``ordering`` (a ``CERTIFICATE_ORDERINGS`` key, ``-`` for descending).

    Empty values last in both directions on every database; the id breaks ties. ``InvalidInput`` for any other
    key.
    """
    key = (ordering or "username").strip()
    field = CERTIFICATE_ORDERINGS.get(key[1:] if key.startswith("-") else key)
    if field is None:
        choices = ", ".join(CERTIFICATE_ORDERINGS)
        raise errors.InvalidInput(
            f"Unknown sort order '{key}': sort by {choices}, with a leading '-' for descending.",
            field_errors={"ordering": [f"Choose from {choices} (or -{next(iter(CERTIFICATE_ORDERINGS))}, …)."]},
        )
    order = field.desc(nulls_last=True) if key.startswith("-") else field.asc(nulls_last=True)
    return [order, "id"]


def certificate_status_counts(course_key: CourseKey, *, search: str = "") -> dict[str, int]:
    """
    How many of the course's certificate records (matching ``search``) are in each status: ``{status: n}``.

    One GROUP BY query whatever the number of rows; statuses with no record are left out.
    """
    rows = _searched(course_key, search).order_by().values_list("status").annotate(n=Count("id"))
    return {status: n for status, n in rows}


def matching(qs: QuerySet, search: str, fields: tuple) -> QuerySet:
    """
    ``qs`` narrowed to rows where any of ``fields`` (names or expressions) contains ``search``, whatever the case.

    ``%`` and ``_`` match themselves (Django escapes them in ``contains``). A search longer than any name,
    username or email (``IDENTIFIER_MAX_LENGTH``) is ``InvalidInput``.
    """
    if len(search or "") > IDENTIFIER_MAX_LENGTH:
        raise errors.InvalidInput(
            f"search must be at most {IDENTIFIER_MAX_LENGTH} characters.", field_errors={"search": ["Too long."]}
        )
    search = (search or "").strip().lower()
    if not search:
        return qs
    folded = {f"_search_{n}": FoldedLower(name) for n, name in enumerate(fields)}
    wanted = Q()
    for alias in folded:
        wanted |= Q(**{f"{alias}__contains": search})
    return qs.annotate(**folded).filter(wanted)


def _searched(course_key: CourseKey, search: str) -> QuerySet[Certificate]:
    """The course's certificates whose learner's username, email or name contains ``search`` (any case)."""
    # Folded + contains rather than icontains: MySQL's icontains is LIKE, which is case-sensitive under a binary
    # collation (the test databases use utf8mb4_bin), and SQLite's folds ASCII letters only.
    return matching(
        Certificate.objects.filter(course_key=course_key), search, ("user__username", "user__email", "name")
    )


def certificate_for(course_key: CourseKey, user_id: int) -> Certificate | None:
    """One learner's certificate in a course."""
    return Certificate.objects.filter(course_key=course_key, user_id=user_id).select_related("user").first()


def certificate_by_verify_uuid(verify_uuid: uuid.UUID | str) -> Certificate | None:
    """The certificate behind a public verification link."""
    return Certificate.objects.filter(verify_uuid=verify_uuid).select_related("user").first()


def revisions(certificate: Certificate) -> QuerySet[CertificateRevision]:
    """The superseded states of a certificate, newest first."""
    return CertificateRevision.objects.filter(certificate=certificate).order_by("-revision")


def learner_certificates(user: AbstractBaseUser) -> QuerySet[Certificate]:
    """Every certificate of one learner, newest first (not those the course team deleted)."""
    return Certificate.objects.filter(user=user).exclude(status=CertificateStatus.DELETED).order_by("-modified", "-id")


def exceptions(course_key: CourseKey, *, search: str = "") -> QuerySet[CertificateException]:
    """
    The exception list with the seed's columns.

    ``certificate_generated`` is the issue date of the learner's certificate while it is issued (a revoked one
    keeps its old issue date, which must not show here). ``search`` matches part of the learner's username,
    email, name (the account's, or the name printed on the certificate) or the notes, whatever the case.
    """
    issued = Certificate.objects.filter(
        course_key=course_key, user_id=OuterRef("user_id"), status=CertificateStatus.DOWNLOADABLE
    ).values("issued_date")[:1]
    listed = CertificateException.objects.filter(course_key=course_key)
    if search:
        printed = Certificate.objects.filter(course_key=course_key, user_id=OuterRef("user_id")).values("name")[:1]
        full_name = Concat("user__first_name", Value(" "), "user__last_name", output_field=CharField())
        listed = matching(listed, search, ("user__username", "user__email", full_name, Subquery(printed), "notes"))
    return (
        listed.select_related("user", "granted_by")
        .annotate(certificate_generated=Subquery(issued))
        .order_by("-created", "-id")
    )


def invalidations(
    course_key: CourseKey, *, active: bool | None = True, search: str = ""
) -> QuerySet[CertificateInvalidation]:
    """
    The course's invalidations (active ones by default).

    ``search`` matches part of the learner's username, email, printed name or the notes, whatever the case.
    """
    qs = CertificateInvalidation.objects.filter(certificate__course_key=course_key).select_related(
        "certificate__user", "invalidated_by", "revalidated_by"
    )
    if active is not None:
        qs = qs.filter(active=active)
    if search:
        qs = matching(
            qs, search, ("certificate__user__username", "certificate__user__email", "certificate__name", "notes")
        )
    return qs.order_by("-created", "-id")


def learner_record(course_key: CourseKey, user_id: int) -> LearnerRecord | None:
    """What the LMS last told us about one learner."""
    return LearnerRecord.objects.filter(course_key=course_key, user_id=user_id).first()


def jobs(course_key: CourseKey, *, active: bool = False, search: str = "") -> QuerySet[GenerationJob]:
    """
    The course's job history, newest first.

    ``active``: only the queued or running job (one at most). ``search`` matches part of the requester's
    username or email, whatever the case.
    """
    qs = GenerationJob.objects.filter(course_key=course_key)
    if active:
        qs = qs.filter(state__in=sorted(ACTIVE_JOB_STATES))
    if search:
        qs = matching(qs, search, ("requested_by__username", "requested_by__email"))
    return qs.select_related("requested_by").order_by("-created", "-id")


def standalone_course_roles(course_key: CourseKey | None = None) -> QuerySet:
    """The standalone adapter's course team roles (of one course, or all), by course, role and username."""
    roles = standalone_model("StandaloneCourseRole").objects.select_related("user")
    roles = roles.order_by("course_key", "role", "user__username")
    return roles.filter(course_key=course_key) if course_key is not None else roles


class ExceptionEligibility(NamedTuple):
    """Whether an exception certificate is ``issued``, ``pending`` (the next job issues it) or ``blocked`` (why)."""

    state: str
    reason: str
    mode: str | None


def exception_eligibility(course_key: CourseKey) -> dict[str, ExceptionEligibility]:
    """
    For each learner on the course's exception list (by username), whether an exception certificate is issued.

    What the engine's own eligibility rules say of it: issued, pending or blocked (and why). A constant number
    of queries for the whole list.
    """
    entries = list(CertificateException.objects.filter(course_key=course_key).values_list("user_id", "user__username"))
    ids = [user_id for user_id, _username in entries]
    records = {r.user_id: r for r in LearnerRecord.objects.filter(course_key=course_key, user_id__in=ids)}
    statuses = dict(Certificate.objects.filter(course_key=course_key, user_id__in=ids).values_list("user_id", "status"))
    invalidated = set(
        CertificateInvalidation.objects.filter(
            certificate__course_key=course_key, certificate__user_id__in=ids, active=True
        ).values_list("certificate__user_id", flat=True)
    )
    policy, now = course_policy(course_key), timezone.now()
    out = {}
    for user_id, username in entries:
        record = records.get(user_id)
        learner = record.learner_state() if record is not None else None
        current = statuses.get(user_id)
        decision = decide(
            learner,
            current_status=current,
            allowlisted=True,
            invalidated=user_id in invalidated,
            policy=policy,
            now=now,
        )
        if current == CertificateStatus.DOWNLOADABLE:
            state, reason = "issued", ""
        elif decision.status == CertificateStatus.DOWNLOADABLE and not decision.keep:
            state, reason = "pending", "pending"
        else:
            state, reason = "blocked", decision.reason
        out[username] = ExceptionEligibility(state, reason, record.mode if record is not None else None)
    return out
