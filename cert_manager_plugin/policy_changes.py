"""
Course policy changes: what they would do first, then saved and applied together, and the last one undone.

A policy change is previewed under the proposed policies before anything is saved (``preview_policy_change``: the
dry run of "generate all" decided under them), then saved and applied to every existing certificate in one step
(``apply_policy_change``: the settings row and a "generate all" job in one transaction, so a refused job saves
nothing). The job's params keep the policies before and after (no PII), so the last change can be undone
(``undo_policy_change``): the previous policies come back and are applied the same way; certificates get new
revisions under their verify ids.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext, gettext_lazy
from opaque_keys.edx.keys import CourseKey

from . import dry_runs, errors, jobs, services
from .courses import course_policy
from .data import ACTIVE_JOB_STATES, JobKind
from .eligibility import CoursePolicy
from .models import CourseCertificateSettings, GenerationJob
from .sql import retry_on_deadlock

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

#: The settings a policy change covers (learner requests have their own switch and change no certificate).
POLICY_FIELDS: tuple[str, ...] = ("issue_policy", "revoke_on_grade_drop", "eligible_modes", "print_grade")


def policies_of(row: CourseCertificateSettings) -> dict:
    """The course's policies as a job's params keep them (modes sorted: equal policies compare equal)."""
    return {
        "issue_policy": row.issue_policy,
        "revoke_on_grade_drop": bool(row.revoke_on_grade_drop),
        "eligible_modes": sorted(row.eligible_modes or ()),
        "print_grade": bool(row.print_grade),
    }


def current_policies(course_key: CourseKey) -> dict:
    """The policies in force (the defaults for a course that never changed them)."""
    return policies_of(services.get_course_settings(course_key))


def clean_policies(proposed: object) -> dict:
    """
    Proposed policies checked as settings changes are (``InvalidInput`` names the field) and limited to policies.

    An empty change is refused: there would be nothing to preview or apply.
    """
    changes = services.clean_settings_changes(proposed)
    outside = sorted(set(changes) - set(POLICY_FIELDS))
    if outside:
        raise errors.InvalidInput(
            f"Not a course policy: {', '.join(outside)}. Policies are {', '.join(POLICY_FIELDS)}.", fields=outside
        )
    if not changes:
        raise errors.InvalidInput(f"Name at least one policy to change: {', '.join(POLICY_FIELDS)}.")
    if "eligible_modes" in changes:
        changes["eligible_modes"] = sorted(changes["eligible_modes"])
    return changes


def decision_policy(course_key: CourseKey, policies: dict) -> CoursePolicy:
    """The engine's ``CoursePolicy`` under ``policies`` (the course end date stays the course's)."""
    return replace(
        course_policy(course_key),
        issue_policy=policies["issue_policy"],
        revoke_on_grade_drop=policies["revoke_on_grade_drop"],
        eligible_modes=frozenset(policies["eligible_modes"]),
    )


def preview_policy_change(course_key: CourseKey, proposed: object) -> dict:
    """
    What saving and applying ``proposed`` would do, before anything is saved: nothing is written.

    The dry run of "generate all" decided under the proposed policies (``dry_runs.dry_run_job``: totals, transitions,
    ``by_mode``), with ``current`` and ``proposed`` (complete policies) and ``changed`` (the policies that differ).
    """
    current = current_policies(course_key)
    proposed = {**current, **clean_policies(proposed)}
    preview = dry_runs.dry_run_job(course_key, JobKind.GENERATE_ALL, {}, policy=decision_policy(course_key, proposed))
    changed = [name for name in POLICY_FIELDS if proposed[name] != current[name]]
    return {**preview, "current": current, "proposed": proposed, "changed": changed}


def apply_policy_change(
    course_key: CourseKey,
    proposed: object,
    *,
    requested_by: AbstractBaseUser | None = None,
    undo_of: int | None = None,
    expect: dict | None = None,
) -> GenerationJob:
    """
    Save ``proposed`` and start the job that applies them to every existing certificate, in one transaction.

    ``JobAlreadyRunning`` (another job holds the course) saves nothing; so does ``InvalidInput`` for a change
    that changes no policy, and ``errors.PolicyChangeOutdated`` when ``expect`` (the policies an undo restores from) is
    no longer what is in force. The job's params: ``{"policies": {"before", "after"}}`` (+ ``undo_of``).
    """
    changes = clean_policies(proposed)
    CourseCertificateSettings.objects.get_or_create(course_key=course_key)  # alone first: see update_course_settings

    def save_and_start() -> GenerationJob:
        with transaction.atomic():
            row = CourseCertificateSettings.objects.select_for_update().get(course_key=course_key)
            before = policies_of(row)
            if expect is not None and before != expect:
                raise errors.PolicyChangeOutdated(
                    gettext("The policies changed since; the last change cannot be undone.")
                )
            after = {**before, **changes}
            if after == before:
                raise errors.InvalidInput(gettext("These are the policies in force already: nothing to apply."))
            services.save_course_settings(course_key, changes, updated_by=requested_by)
            params: dict = {"policies": {"before": before, "after": after}}
            if undo_of is not None:
                params["undo_of"] = undo_of
            return jobs.start_job(course_key, JobKind.GENERATE_ALL, params=params, requested_by=requested_by)

    job = retry_on_deadlock(save_and_start)
    if not transaction.get_connection().in_atomic_block:  # an inline (eager) job ran at the commit
        job.refresh_from_db()
    return job


@dataclass(frozen=True)
class LastPolicyChange:
    """The course's last policy apply: its job, whether it can be undone (and why not), what undo restores."""

    job: GenerationJob
    can_undo: bool
    reason: str  # "" when it can be undone, else: running, undone (an undo itself), changed_since
    restores: dict  # the policies an undo brings back
    applied: dict  # the policies that change set


def last_policy_change(course_key: CourseKey) -> LastPolicyChange | None:
    """The course's last policy apply (a job whose params name policies), or None: two queries."""
    job = (
        GenerationJob.objects.filter(course_key=course_key, kind=JobKind.GENERATE_ALL, params__has_key="policies")
        .select_related("requested_by")
        .order_by("-id")
        .first()
    )
    if job is None:
        return None
    policies = job.params["policies"]
    if job.state in ACTIVE_JOB_STATES:
        reason = "running"
    elif job.params.get("undo_of"):
        reason = "undone"
    elif current_policies(course_key) != policies["after"]:
        reason = "changed_since"
    else:
        reason = ""
    return LastPolicyChange(job, not reason, reason, policies["before"], policies["after"])


def undo_policy_change(
    course_key: CourseKey, job_id: int, *, requested_by: AbstractBaseUser | None = None
) -> GenerationJob:
    """
    Undo the last policy change: its previous policies are saved again and applied (a new job).

    ``errors.PolicyChangeOutdated`` unless ``job_id`` is the course's last policy apply and can still be undone.
    """
    last = last_policy_change(course_key)
    if last is None or last.job.pk != job_id:
        raise errors.PolicyChangeOutdated(gettext("Only the last policy change can be undone."))
    if not last.can_undo:
        raise errors.PolicyChangeOutdated(str(UNDO_REFUSALS[last.reason]))
    return apply_policy_change(
        course_key, last.restores, requested_by=requested_by, undo_of=last.job.pk, expect=last.applied
    )


UNDO_REFUSALS = {
    "running": gettext_lazy("The policy change is still being applied; undo it when it has finished."),
    "undone": gettext_lazy("The last policy change was an undo; it cannot be undone in turn."),
    "changed_since": gettext_lazy("The policies changed since; the last change cannot be undone."),
}
