"""
The job kind ``apply_design``: a design version applied to a course's issued certificates.

Registered here (``APPLY_KIND``; ``apps.ready`` imports this module) as a whole-job kind, run by the jobs module
(``designs.api.start_apply``). Set-based, a constant number of queries per batch of ``conf.batch_size()``
certificates, each batch one transaction:

1. lock the batch's certificates that are still issued (passing statuses) with another version
   (``SELECT … FOR UPDATE``; SQLite's ``IMMEDIATE`` transactions hold the write lock already),
2. copy their state into revisions (``certificate_rows.insert_revisions``: one ``INSERT … SELECT``, with the version
   they rendered with), superseded by ``Source.DESIGN`` and the requester,
3. one UPDATE: ``revision = revision + 1``, ``design_version``, ``source``, ``modified``, conditional on the state
   just locked (still issued, still another version): the count must match or the batch is undone,
4. ``engine.certificates_written`` (sender ``DesignVersion``): the credentials' status bits see the new revisions.

A concurrent engine batch on the same certificates waits for the locks (or the engine's, and this batch waits):
whichever commits second reads the other's state; the engine's writes record the course's current version
(``designs.recording``). No learner mail and no LMS write: what a certificate says is unchanged, only its look.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from opaque_keys.edx.keys import CourseKey

from .. import certificate_rows, engine, errors, job_kinds
from ..conf import batch_size
from ..data import PASSING_STATUSES, JobKind, Source
from ..models import Certificate, GenerationJob
from ..sql import retry_on_deadlock
from .api import pending_certificates, version
from .models import DesignVersion

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["APPLY_KIND", "apply_batch", "run_apply_job"]


def _apply_input(request: Mapping[str, object]) -> dict:
    """An apply request's params: ``{"version": k}`` from its options (a version number, 1 or more)."""
    options = request.get("options") or {}
    number = options.get("version") if isinstance(options, dict) else None
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        message = _("version must be a design version number (1 or more).")
        raise errors.InvalidInput(message, field="version", field_errors={"version": [message]})
    return {"version": number}


def _check_apply(course_key: CourseKey, params: dict) -> None:
    """Before the job exists: the version is one of the course's (``errors.NotFound``)."""
    version(course_key, params["version"])


def _locked(course_key: CourseKey, ids: Sequence[int], version_id: int) -> list[tuple]:
    """The batch's certificates still to change, locked: (id, user id, status, mode, revision)."""
    qs = Certificate.objects.filter(pk__in=ids, course_key=course_key, status__in=PASSING_STATUSES).exclude(
        design_version_id=version_id
    )
    if connection.features.has_select_for_update:
        qs = qs.select_for_update()
    return list(qs.order_by("pk").values_list("pk", "user_id", "status", "mode", "revision"))


def apply_batch(course_key: CourseKey, ids: Sequence[int], version_id: int, *, actor_id: int | None) -> Counter:
    """
    Apply version ``version_id`` to the certificates ``ids`` (one transaction, four statements); changes by mode.

    Each changed certificate keeps its old state as a revision and moves to ``revision + 1``.
    """
    with transaction.atomic():
        rows = _locked(course_key, ids, version_id)
        if not rows:
            return Counter()
        pks = [row[0] for row in rows]
        now = timezone.now()
        certificate_rows.insert_revisions(pks, superseded_at=now, source=Source.DESIGN.value, actor_id=actor_id)
        updated = (
            Certificate.objects.filter(pk__in=pks, status__in=PASSING_STATUSES)
            .exclude(design_version_id=version_id)
            .update(revision=F("revision") + 1, design_version_id=version_id, source=Source.DESIGN.value, modified=now)
        )
        if updated != len(pks):  # the locks make this impossible; never leave a revision without its update
            raise errors.CertManagerError(_("Certificates changed while the design was applied: run it again."))
        changes = [
            engine.CertChange(
                user_id,
                status,
                engine.WrittenCertificate(
                    pk,
                    user_id,
                    course_key,
                    None,
                    None,
                    revision + 1,
                    None,
                    status=status,
                    mode=mode,
                    source=Source.DESIGN.value,
                    modified=now,
                ),
            )
            for pk, user_id, status, mode, revision in rows
        ]
        engine.certificates_written.send(sender=DesignVersion, course_key=course_key, changes=changes)
    return Counter(row[3] for row in rows)


def run_apply_job(job: GenerationJob, progress: Callable[[int, int], None]) -> dict:
    """
    The whole-job runner: every issued certificate of the course with another version, batch by batch.

    Stops after the batch in which the job was cancelled. The result: ``{"version", "changed", "by_mode"}``; the
    job's ``changed``/``skipped`` counters as other jobs.
    """
    number = job.params["version"]
    found = DesignVersion.objects.filter(course_key=job.course_key, number=number).values_list("pk", flat=True)
    version_id = found.first()
    if version_id is None:
        raise errors.NotFound(_("This course has no design version %(number)s.") % {"number": number})
    pending = pending_certificates(job.course_key, version_id)
    total = pending.count()
    progress(0, total)
    size, last, done, by_mode = batch_size(), 0, 0, Counter()
    while True:
        ids = list(pending.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:size])
        if not ids:
            break
        last = ids[-1]
        by_mode.update(
            retry_on_deadlock(
                lambda ids=ids: apply_batch(job.course_key, ids, version_id, actor_id=job.requested_by_id)
            )
        )
        done += len(ids)
        progress(done, max(total, done))
        if GenerationJob.objects.filter(pk=job.pk, cancel_requested=True).exists():
            break
    changed = sum(by_mode.values())
    GenerationJob.objects.filter(pk=job.pk).update(changed=changed, skipped=done - changed)
    return {"version": number, "changed": changed, "by_mode": dict(sorted(by_mode.items()))}


#: The apply kind: no learner candidates (its dry run is ``designs.api.apply_dry_run``); one whole-job step.
APPLY_KIND = job_kinds.register(
    job_kinds.JobKindSpec(
        JobKind.APPLY_DESIGN.value,
        _apply_input,
        None,
        runner=run_apply_job,
        source=Source.DESIGN.value,
        label=JobKind.APPLY_DESIGN.value,
        check=_check_apply,
    )
)
