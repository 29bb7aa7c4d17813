"""
Job kinds as a registry: what each kind of bulk job takes, which learners it covers, and how it runs.

A kind is a ``JobKindSpec``: ``validate`` turns a request into the params stored on the job, ``candidates``
names the learners a batch kind covers (one set query), and ``runner`` says how the job runs: ``BATCH`` (the
job engine splits the candidates into chunks that go through ``engine.run``), ``INLINE`` (the caller
runs it itself, as deletions do) or a callable that runs the whole job in one step (an export).

Registration: the learner kinds of the engine (generate all, regenerate, exception certificates, delete) are
defined and registered here; a kind that belongs to a module above the job engine registers from that module
(``rendering.export`` registers ``export``), which ``apps.CertManagerConfig.ready`` imports. The import arrows
stay upward: ``rendering → job_kinds``, and ``jobs`` never imports ``rendering`` (``.importlinter``). A new kind:
a ``data.JobKind`` value, its words in ``labels.JOB_KIND_LABELS``, and one ``register`` call where it is defined.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from django.utils.translation import gettext as _
from opaque_keys.edx.keys import CourseKey

from . import errors
from .data import GROUP_STATUS, PASSING_STATUSES, ExceptionScope, JobKind, Source
from .models import Certificate, CertificateException, LearnerRecord

if TYPE_CHECKING:
    from .models import GenerationJob

#: ``runner`` of a kind whose candidates the job engine reconciles chunk by chunk.
BATCH = "batch"
#: ``runner`` of a kind the caller runs itself, at once (``jobs.start_inline_job``); never submitted.
INLINE = "inline"

#: A whole-job runner: ``runner(job, progress)`` returns the job's result; ``progress(processed, total)``.
WholeJobRunner = Callable[["GenerationJob", Callable[[int, int], None]], dict]


@dataclass(frozen=True)
class JobKindSpec:
    """One kind of job: its input, its candidates and its runner."""

    kind: str
    #: the request (``statuses``, ``scope``, ``options``; only the fields in ``fields`` are set) → the job's params;
    #: bad input raises ``errors.InvalidInput``
    validate: Callable[[Mapping[str, object]], dict]
    #: ``candidates(course_key, params)`` → user ids in id order; None for a kind that runs as a whole
    candidates: Callable[[CourseKey, dict], list[int]] | None
    #: ``BATCH``, ``INLINE`` or a ``WholeJobRunner``
    runner: str | WholeJobRunner = BATCH
    #: the ``Source`` the engine records for the certificates a batch kind changes
    source: str = Source.JOB.value
    #: its words: the key in ``labels.JOB_KIND_LABELS``
    label: str = ""
    #: the request fields besides ``options`` the kind takes (another kind's field is refused)
    fields: tuple[str, ...] = ()
    #: ``check(course_key, params)`` before the job row exists: a clear refusal rather than a job that fails
    check: Callable[[CourseKey, dict], None] | None = None
    #: ``changed(course_key, params)`` → the candidates something changed for, and how many are left as fresh
    #: (``fingerprints``); None: the coordinator runs every candidate
    changed: Callable[[CourseKey, dict], Candidates] | None = None

    @property
    def batch(self) -> bool:
        """Whether the job engine splits this kind's candidates into chunks."""
        return self.runner == BATCH

    @property
    def submittable(self) -> bool:
        """Whether ``jobs.submit_job`` starts this kind (an inline kind is started by its own operation)."""
        return self.runner != INLINE


_SPECS: dict[str, JobKindSpec] = {}


def register(spec: JobKindSpec) -> JobKindSpec:
    """Add a kind; registering the same spec again is a no-op, another spec under a taken kind a ``ValueError``."""
    kind = str(spec.kind)
    if kind in _SPECS and _SPECS[kind] != spec:
        raise ValueError(f"job kind {kind!r} is registered already")
    _SPECS[kind] = spec
    return spec


def unregister(kind: str) -> None:
    """Remove a kind (tests; a plugin replacing a kind unregisters it first)."""
    _SPECS.pop(str(kind), None)


def spec_for(kind: str) -> JobKindSpec:
    """The spec of ``kind``; an unknown kind raises ``errors.InvalidInput`` naming the registered ones."""
    spec = _SPECS.get(str(kind))
    if spec is None:
        raise errors.InvalidInput(
            _("Unknown job kind %(kind)s: kinds are %(kinds)s.") % {"kind": repr(kind), "kinds": ", ".join(_SPECS)},
            field="kind",
        )
    return spec


def specs() -> list[JobKindSpec]:
    """Every registered kind, in registration order."""
    return list(_SPECS.values())


def candidate_ids(course_key: CourseKey, kind: str, params: dict) -> list[int]:
    """The user ids a job of ``kind`` covers, from its kind's one set query, in id order."""
    spec = spec_for(kind)
    if spec.candidates is None:
        raise errors.InvalidInput(f"{kind} jobs have no learner candidates.", field="kind")
    return spec.candidates(course_key, params)


# --- the engine's learner kinds ------------------------------------------------------------------------------

#: The certificate statuses a regenerate job may select (one per regeneration group).
REGENERATE_STATUSES: tuple[str, ...] = tuple(s.value for s in GROUP_STATUS.values())


def _no_input(request: Mapping[str, object]) -> dict:
    """A kind that takes nothing but ``options``."""
    return {}


def _regenerate_input(request: Mapping[str, object]) -> dict:
    """Status or group names → the certificate statuses a regenerate job selects (order kept, no repeats)."""
    statuses = request.get("statuses")
    if statuses is None or isinstance(statuses, str) or not isinstance(statuses, list | tuple) or not statuses:
        raise errors.InvalidInput(
            "statuses must be a non-empty list of statuses or groups for a regenerate job.", field="statuses"
        )
    groups = {g.value: s.value for g, s in GROUP_STATUS.items()}
    out: list[str] = []
    for name in statuses:
        status = name if name in REGENERATE_STATUSES else groups.get(name)
        if status is None:
            raise errors.InvalidInput(
                f"statuses: '{name}' is not one of {', '.join(sorted(set(REGENERATE_STATUSES) | set(groups)))}.",
                field="statuses",
            )
        if status not in out:
            out.append(status)
    return {"statuses": out}


def _exceptions_input(request: Mapping[str, object]) -> dict:
    """The scope of an exception-certificate job: ``new`` (default) or ``all``."""
    scopes = [s.value for s in ExceptionScope]
    scope = request.get("scope") or ExceptionScope.NEW.value
    if scope not in scopes:
        raise errors.InvalidInput(f"scope must be one of {', '.join(scopes)}.", field="scope")
    return {"scope": scope}


def _generate_all(course_key: CourseKey, params: dict) -> list[int]:
    """Every learner with a record or a certificate in the course."""
    records = LearnerRecord.objects.filter(course_key=course_key).values_list("user_id")
    holders = Certificate.objects.filter(course_key=course_key).values_list("user_id")
    return sorted(uid for (uid,) in records.union(holders))


def _regenerate(course_key: CourseKey, params: dict) -> list[int]:
    """The holders of a certificate in one of the selected statuses."""
    qs = Certificate.objects.filter(course_key=course_key, status__in=params["statuses"])
    return list(qs.order_by("user_id").values_list("user_id", flat=True))


class Candidates(NamedTuple):
    """A job's learners for its coordinator: those to reconcile, and how many it leaves out as fresh."""

    #: the learners to reconcile, in id order
    ids: list[int]
    #: the candidates nothing changed for since the engine wrote their certificate (each would be skipped)
    fresh: int


def job_candidates(course_key: CourseKey, kind: str, params: dict) -> Candidates:
    """
    ``candidate_ids`` without the learners the engine would leave as they are: for the job coordinator.

    Only for a job that decides under the course's saved policies (a dry run under proposed ones keeps
    ``candidate_ids``). A kind that declares ``changed`` (generate all, regenerate) leaves out the holders whose
    fingerprint is the database's (``fingerprints.stale_user_ids``), so a job over a course where little changed
    writes few chunks; the coordinator counts them as processed and skipped. Other kinds: every candidate.
    """
    spec = spec_for(kind)
    if spec.changed is None:
        return Candidates(candidate_ids(course_key, kind, params), 0)
    return spec.changed(course_key, params)


def _generate_all_changed(course_key: CourseKey, params: dict) -> Candidates:
    """Generate all: the learners without a certificate, and the holders whose inputs changed."""
    from .fingerprints import stale_user_ids

    holders = Certificate.objects.filter(course_key=course_key)
    new = LearnerRecord.objects.filter(course_key=course_key).exclude(user_id__in=holders.values("user_id"))
    stale = stale_user_ids(course_key)
    ids = sorted({*new.values_list("user_id", flat=True), *stale})
    return Candidates(ids, holders.count() - len(stale))


def _regenerate_changed(course_key: CourseKey, params: dict) -> Candidates:
    """Regenerate: the holders in the selected statuses whose inputs changed."""
    from .fingerprints import stale_user_ids

    holders = Certificate.objects.filter(course_key=course_key, status__in=params["statuses"])
    stale = stale_user_ids(course_key, params["statuses"])
    return Candidates(stale, holders.count() - len(stale))


def _exceptions(course_key: CourseKey, params: dict) -> list[int]:
    """The allowlisted learners; scope ``new``: those without a certificate in a passing status yet."""
    qs = CertificateException.objects.filter(course_key=course_key)
    if params.get("scope", ExceptionScope.NEW) == ExceptionScope.NEW:
        # Open edX's "new": not yet generated, i.e. no certificate in a passing status (a notpassing row
        # from an earlier "generate all" does not count)
        passing = Certificate.objects.filter(course_key=course_key, status__in=PASSING_STATUSES).values("user_id")
        qs = qs.exclude(user_id__in=passing)
    return list(qs.order_by("user_id").values_list("user_id", flat=True))


def _deletion_input(request: Mapping[str, object]) -> dict:
    """Deletions are started by deleting certificates (``services``), never submitted as a job."""
    raise errors.InvalidInput("delete jobs are started by deleting certificates.", field="kind")


register(
    JobKindSpec(
        JobKind.GENERATE_ALL.value,
        _no_input,
        _generate_all,
        label=JobKind.GENERATE_ALL.value,
        changed=_generate_all_changed,
    )
)
register(
    JobKindSpec(
        JobKind.REGENERATE.value,
        _regenerate_input,
        _regenerate,
        label=JobKind.REGENERATE.value,
        fields=("statuses",),
        changed=_regenerate_changed,
    )
)
register(
    JobKindSpec(
        JobKind.GENERATE_EXCEPTIONS.value,
        _exceptions_input,
        _exceptions,
        label=JobKind.GENERATE_EXCEPTIONS.value,
        fields=("scope",),
    )
)
register(
    JobKindSpec(
        JobKind.DELETE.value, _deletion_input, None, runner=INLINE, source=Source.DELETION.value, label="delete"
    )
)
