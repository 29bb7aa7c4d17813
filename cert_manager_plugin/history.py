"""
A learner's story in a course: every state of their certificate, in order, and what caused each one.

Two readers, two views of the same rows (``Certificate`` is the current state, ``CertificateRevision`` the
superseded ones, numbered 1, 2, 3 … by every write):

* the course team (``learner_timeline``): every state with its status, grade, from/to times and its cause in
  words: the change's source, the generation job it came from (a job holds the course's one active slot while
  it runs, so the job whose run covers the change's time is that job), the person who made it
  (``superseded_by`` of the state before), plus the learner's exception and invalidation entries;
* anyone holding the verification link (``public_history``): every state numbered consecutively with its
  date and time, "valid" or "not valid"/"no longer valid" and nothing else, never why. A grade only on valid
  states, only when the course prints grades and only while the certificate is valid (a revoked certificate's
  page shows no grade at all, as ``rendering.html`` has it).

Frozen dataclasses, not models: callers cannot write through them. A constant number of queries per learner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext as _

from . import labels
from .access import LearnerName, learner_names
from .data import CertificateStatus, JobKind, Source
from .models import Certificate, CertificateException, CertificateInvalidation, CertificateRevision, GenerationJob

if TYPE_CHECKING:
    from collections.abc import Sequence

    from opaque_keys.edx.keys import CourseKey

DOWNLOADABLE = CertificateStatus.DOWNLOADABLE
#: Sources whose change a job made: a bulk job (``job``) or a "delete all" (``deletion`` while it holds the slot).
JOB_SOURCES = frozenset({Source.JOB, Source.DELETION})
#: Slack around a job's run when matching a change to it (the job's clock reads and the batch's are not one).
JOB_SLACK = timedelta(seconds=1)
#: A public state's words by its kind: never why a certificate is not valid.
PUBLIC_WORDS = {
    "valid": labels.PUBLIC_VALID,
    "not_valid": labels.PUBLIC_NOT_VALID,
    "no_longer_valid": labels.PUBLIC_NO_LONGER_VALID,
}


@dataclass(frozen=True)
class JobRef:
    """The generation job a change came from: its id and its title in words (``labels.job_title``)."""

    id: int
    title: str


@dataclass(frozen=True)
class TimelineState:
    """One state of a learner's certificate, as the course team reads it."""

    number: int  # 1, 2, 3 … in order (the stored revision numbers, which every write increments)
    revision: int
    current: bool
    status: str
    status_label: str
    grade: float | None
    mode: str
    valid_from: datetime
    valid_to: datetime | None  # None: the current state
    source: str
    source_label: str
    actor: LearnerName | None  # who made the change, when a person did
    job: JobRef | None  # the job it came from, when one did
    cause: str  # the source, the job and the person in one sentence


@dataclass(frozen=True)
class TimelineEvent:
    """An exception-list or invalidation-list event of the learner (added, invalidated, re-validated)."""

    kind: str  # "exception_added", "invalidated", "revalidated"
    label: str
    at: datetime
    actor: LearnerName | None
    active: bool  # the entry still holds (an exception on the list, an invalidation not lifted)


@dataclass(frozen=True)
class LearnerTimeline:
    """One learner's story in one course: states and list events, newest first."""

    user_id: int
    username: str
    name: str
    states: tuple[TimelineState, ...]
    events: tuple[TimelineEvent, ...]


@dataclass(frozen=True)
class PublicState:
    """One state as a verification page shows it: number, valid or not, when, the grade if it may show."""

    number: int
    current: bool
    valid: bool
    kind: str  # "valid", "not_valid" (never valid before) or "no_longer_valid"
    label: str  # "Valid", "Not valid" or "No longer valid": never why
    grade: float | None
    valid_from: datetime
    valid_to: datetime | None


def ordered_states(certificate: Certificate, revisions: Sequence[CertificateRevision]) -> list[tuple]:
    """
    ``(revision, status, grade, mode, source, valid_from, valid_to, actor_id)`` of every state, oldest first.

    ``actor_id`` is who wrote that state: ``superseded_by`` of the state before it (None for the first).
    """
    old = sorted(revisions, key=lambda r: r.revision)
    rows, actor = [], None
    for r in old:
        rows.append((r.revision, r.status, r.grade, r.mode, r.source, r.valid_from, r.superseded_at, actor))
        actor = r.superseded_by_id
    rows.append(
        (
            certificate.revision,
            certificate.status,
            certificate.grade,
            certificate.mode,
            certificate.source,
            certificate.modified,
            None,
            actor,
        )
    )
    return rows


def public_history(
    certificate: Certificate, revisions: Sequence[CertificateRevision], *, print_grade: bool
) -> list[PublicState]:
    """Every state of the certificate numbered 1, 2, 3 …, newest first, in public words (no query)."""
    valid_now = certificate.status == DOWNLOADABLE
    out, issued_before = [], False
    for number, row in enumerate(ordered_states(certificate, revisions), start=1):
        _revision, status, grade, _mode, _source, start, end, _actor = row
        valid = status == DOWNLOADABLE
        kind = "valid" if valid else "no_longer_valid" if issued_before else "not_valid"
        shown = grade if valid and valid_now and print_grade else None
        out.append(PublicState(number, end is None, valid, kind, str(PUBLIC_WORDS[kind]), shown, start, end))
        issued_before = issued_before or valid
    return out[::-1]


def _jobs_covering(course_key: CourseKey, times: list[datetime]) -> list[GenerationJob]:
    """The course's jobs (not exports) whose run may cover one of ``times`` (one query; none without times)."""
    if not times:
        return []
    first, last = min(times) - JOB_SLACK, max(times) + JOB_SLACK
    return list(
        GenerationJob.objects.filter(course_key=course_key, started__isnull=False, started__lte=last)
        .filter(Q(finished__isnull=True) | Q(finished__gte=first))
        .exclude(kind=JobKind.EXPORT)
        .order_by("started", "id")
    )


def _job_at(jobs: list[GenerationJob], at: datetime, source: str) -> GenerationJob | None:
    """
    The job whose run covers ``at``; a deletion only from a "delete all" (one learner's has no run).

    A run that covers it exactly wins over one that covers it only with ``JOB_SLACK``.
    """
    if source == Source.DELETION:
        fitting = [j for j in jobs if j.kind == JobKind.DELETE and (j.params or {}).get("scope") == "all"]
    else:
        fitting = [j for j in jobs if j.kind != JobKind.DELETE]
    for slack in (timedelta(0), JOB_SLACK):
        for job in fitting:
            end = job.finished or job.heartbeat or at
            if job.started - slack <= at <= end + slack:
                return job
    return None


def cause_words(source: str, job: JobRef | None, actor: LearnerName | None) -> str:
    """The cause of a change in one sentence: "Generation job: Generate all certificates, by Ann (ann)"."""
    what = labels.label(labels.SOURCE_LABELS, source)
    if job is not None:
        what = _("%(source)s: %(job)s") % {"source": what, "job": job.title}
    if actor is not None:
        return _("%(cause)s, by %(person)s") % {"cause": what, "person": person_words(actor)}
    return what


def person_words(person: LearnerName) -> str:
    """A person as the course team reads them: "Ann Lee (ann)", or "ann" when the name is the username."""
    if person.name and person.name != person.username:
        return _("%(name)s (%(username)s)") % {"name": person.name, "username": person.username}
    return person.username


def learner_timeline(course_key: CourseKey, user_id: int) -> LearnerTimeline:
    """
    One learner's story in the course (the course team's view): every state and list event, newest first.

    A constant number of queries: the certificate, its revisions, the exception, the invalidations, the jobs
    covering job-made changes (only when there is one) and the names of the people involved (only when any).
    """
    certificate = Certificate.objects.filter(course_key=course_key, user_id=user_id).first()
    revisions = list(CertificateRevision.objects.filter(certificate=certificate)) if certificate else []
    rows = ordered_states(certificate, revisions) if certificate else []
    exception = CertificateException.objects.filter(course_key=course_key, user_id=user_id).first()
    invalidations = list(
        CertificateInvalidation.objects.filter(certificate__course_key=course_key, certificate__user_id=user_id)
    )
    jobs = _jobs_covering(course_key, [row[5] for row in rows if row[4] in JOB_SOURCES])
    people_ids = {row[7] for row in rows} | {user_id}
    people_ids |= {getattr(exception, "granted_by_id", None)}
    for inv in invalidations:
        people_ids |= {inv.invalidated_by_id, inv.revalidated_by_id}
    people = learner_names(i for i in people_ids if i)
    states = [_state(number, row, jobs, people) for number, row in enumerate(rows, start=1)]
    me = people.get(user_id) or LearnerName("", "")
    return LearnerTimeline(
        user_id=user_id,
        username=me.username,
        name=me.name,
        states=tuple(reversed(states)),
        events=tuple(_events(exception, invalidations, people)),
    )


def _state(number: int, row: tuple, jobs: list[GenerationJob], people: dict[int, LearnerName]) -> TimelineState:
    """One ``ordered_states`` row in the course team's words."""
    revision, status, grade, mode, source, start, end, actor_id = row
    found = _job_at(jobs, start, source) if source in JOB_SOURCES else None
    job = JobRef(found.pk, labels.job_title(found.kind, found.params)) if found is not None else None
    actor = people.get(actor_id) if actor_id else None
    return TimelineState(
        number=number,
        revision=revision,
        current=end is None,
        status=status,
        status_label=labels.label(labels.STATUS_LABELS, status),
        grade=grade,
        mode=mode,
        valid_from=start,
        valid_to=end,
        source=source,
        source_label=labels.label(labels.SOURCE_LABELS, source),
        actor=actor,
        job=job,
        cause=cause_words(source, job, actor),
    )


def _events(
    exception: CertificateException | None,
    invalidations: list[CertificateInvalidation],
    people: dict[int, LearnerName],
) -> list[TimelineEvent]:
    """The learner's exception and invalidation events, newest first."""
    events = []
    if exception is not None:
        who = people.get(exception.granted_by_id) if exception.granted_by_id else None
        events.append(TimelineEvent("exception_added", _("Added to the exception list"), exception.created, who, True))
    for inv in invalidations:
        who = people.get(inv.invalidated_by_id) if inv.invalidated_by_id else None
        events.append(TimelineEvent("invalidated", _("Certificate invalidated"), inv.created, who, inv.active))
        if inv.revalidated_at is not None:
            back = people.get(inv.revalidated_by_id) if inv.revalidated_by_id else None
            events.append(TimelineEvent("revalidated", _("Certificate re-validated"), inv.revalidated_at, back, False))
    return sorted(events, key=lambda e: e.at, reverse=True)
