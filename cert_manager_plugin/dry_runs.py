"""
Dry runs: what a job would change, per status transition and learner, without writing anything.

The job's candidates (``job_kinds.candidate_ids``) go through ``engine.run`` with a preview intent (batches of
``CERT_MANAGER_BATCH_SIZE``, nothing written); the answer counts every change and names the first ``DRY_RUN_NAMES``
learners of each. ``jobs.submit_job`` answers ``dry_run`` requests here; ``policy_changes`` previews proposed
policies here.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth import get_user_model
from opaque_keys.edx.keys import CourseKey

from . import engine, job_kinds


def dry_run_job(course_key: CourseKey, kind: str, params: dict, *, policy: engine.CoursePolicy | None = None) -> dict:
    """
    What a job would change, per status transition, without writing anything.

    ``policy``: decide under these policies instead of the course's saved ones (a preview of proposed policies);
    the answer then also has ``by_mode``: the changes by transition and the mode each certificate holds afterwards.
    """
    ids = job_kinds.candidate_ids(course_key, kind, params)
    proposed, policy = policy, policy or engine.course_policy(course_key)
    total = engine.BatchResult()
    engine.run(course_key, ids, engine.Intent.preview(policy=policy), total=total)
    out = {
        "kind": kind,
        "total": len(ids),
        "would_change": total.changed,
        "transitions": total.transitions_dict(),
        "not_issued": _not_issued(total.not_issued),
        "learners": _would_change_learners(total.would_change),
    }
    if proposed is not None:
        out["by_mode"] = [
            {"before": before or "new", "after": after, "mode": mode, "count": n}
            for (before, after, mode), n in sorted(total.transition_modes.items(), key=str)
        ]
    return out


#: How many learners a dry run names per reason (the count is always complete).
DRY_RUN_NAMES = 50


def _not_issued(by_reason: dict[str, list[int]]) -> dict[str, dict]:
    """``{reason: {"count": n, "learners": [usernames…]}}``: who would hold no certificate, and why."""
    named = [uid for ids in by_reason.values() for uid in ids[:DRY_RUN_NAMES]]
    usernames = dict(get_user_model().objects.filter(pk__in=named).values_list("pk", "username")) if named else {}
    return {
        reason: {"count": len(ids), "learners": [usernames.get(uid, str(uid)) for uid in ids[:DRY_RUN_NAMES]]}
        for reason, ids in sorted(by_reason.items())
    }


def _would_change_learners(changes: Sequence[engine.WouldChange]) -> dict[str, dict]:
    """
    ``{"notpassing->downloadable": {"count": n, "learners": [{"username", "name"}…]}}``: who would change.

    The first ``DRY_RUN_NAMES`` of each transition are named with the name the certificate would print (the
    engine read it) and their username (one query for them all, none when nothing changes); read for the
    answer only, never stored in a job.
    """
    by_key: dict[str, list[engine.WouldChange]] = {}
    for change in changes:
        by_key.setdefault(f"{change.before or 'new'}->{change.after}", []).append(change)
    named = [c.user_id for items in by_key.values() for c in items[:DRY_RUN_NAMES]]
    usernames = dict(get_user_model().objects.filter(pk__in=named).values_list("pk", "username")) if named else {}

    def learner(change: engine.WouldChange) -> dict[str, str]:
        username = usernames.get(change.user_id, str(change.user_id))
        return {"username": username, "name": change.name or username}

    return {
        key: {"count": len(items), "learners": [learner(c) for c in items[:DRY_RUN_NAMES]]}
        for key, items in sorted(by_key.items())
    }
