"""
Course policy changes: previewed under the proposed policies before anything is saved, saved and applied in one
step, and the last one undone; every number checked against the database's own counts.
"""

from __future__ import annotations

from collections import Counter

import pytest

from cert_manager_plugin import api, errors, policy_changes
from cert_manager_plugin.models import Certificate, CertificateRevision, CourseCertificateSettings, GenerationJob
from tests.factories import COURSE_KEY, CertificateFactory, GenerationJobFactory, LearnerRecordFactory, UserFactory

pytestmark = pytest.mark.django_db

ALL_BUT_AUDIT = ["executive-education", "honor", "masters", "no-id-professional", "paid-bootcamp",
                 "paid-executive-education", "professional", "verified"]  # fmt: skip
WITH_AUDIT = sorted([*ALL_BUT_AUDIT, "audit"])


def learner_with_certificate(mode: str, *, passed: bool = True, status: str = "downloadable") -> Certificate:
    """An enrolled learner in ``mode`` holding a certificate issued in that mode."""
    user = UserFactory()
    LearnerRecordFactory(user=user, mode=mode, passed=passed, percent_grade=0.9 if passed else 0.3)
    return CertificateFactory(user=user, mode=mode, grade=0.9 if passed else 0.3, status=status)


@pytest.fixture
def audit_course(course):
    """A course that certifies audit: two audit learners (one passing) and two verified, all issued; one notpassing."""
    CourseCertificateSettings.objects.create(course_key=COURSE_KEY, eligible_modes=WITH_AUDIT)
    return {
        "audit_pass": learner_with_certificate("audit"),
        "audit_fail": learner_with_certificate("audit", passed=False, status="notpassing"),
        "verified": learner_with_certificate("verified"),
        "verified2": learner_with_certificate("verified"),
        "honor": learner_with_certificate("honor"),
    }


def statuses() -> dict[int, tuple[str, str]]:
    """Every certificate of the course: user id -> (status, mode), read from the database."""
    return {
        user_id: (status, mode)
        for user_id, status, mode in Certificate.objects.filter(course_key=COURSE_KEY).values_list(
            "user_id", "status", "mode"
        )
    }


def transitions_between(before: dict, after: dict) -> tuple[Counter, Counter]:
    """The transitions from one snapshot to the next, in the dry run's keys, and by mode (independent counts)."""
    keys, modes = Counter(), Counter()
    for user_id, (status, mode) in after.items():
        old = before.get(user_id)
        if old is None or old != (status, mode):
            prev = old[0] if old else "new"
            keys[f"{prev}->{status}"] += 1
            modes[(prev, status, mode)] += 1
    return keys, modes


def apply(django_capture_on_commit_callbacks, proposed: dict, **kwargs) -> GenerationJob:
    with django_capture_on_commit_callbacks(execute=True):
        job = policy_changes.apply_policy_change(COURSE_KEY, proposed, **kwargs)
    job.refresh_from_db()
    return job


def undo(django_capture_on_commit_callbacks, job_id: int) -> GenerationJob:
    with django_capture_on_commit_callbacks(execute=True):
        job = policy_changes.undo_policy_change(COURSE_KEY, job_id)
    job.refresh_from_db()
    return job


def test_the_preview_is_of_the_proposed_policies_and_saves_nothing(audit_course):
    before = statuses()
    settings_before = CourseCertificateSettings.objects.get(course_key=COURSE_KEY).modified
    preview = api.preview_policy_change(COURSE_KEY, {"eligible_modes": ALL_BUT_AUDIT})
    assert preview["changed"] == ["eligible_modes"]
    assert preview["current"]["eligible_modes"] == WITH_AUDIT and preview["proposed"]["eligible_modes"] == ALL_BUT_AUDIT
    assert preview["transitions"] == {"downloadable->audit_passing": 1, "notpassing->audit_notpassing": 1}
    assert preview["by_mode"] == [
        {"before": "downloadable", "after": "audit_passing", "mode": "audit", "count": 1},
        {"before": "notpassing", "after": "audit_notpassing", "mode": "audit", "count": 1},
    ]
    assert (preview["would_change"], preview["total"]) == (2, 5)
    assert statuses() == before, "a preview writes no certificate"
    row = CourseCertificateSettings.objects.get(course_key=COURSE_KEY)
    assert (row.eligible_modes, row.modified) == (WITH_AUDIT, settings_before), "nor the settings"
    assert not GenerationJob.objects.exists()


def test_a_mode_turned_off_then_on_again_keeps_verify_ids_with_new_revisions(
    audit_course, django_capture_on_commit_callbacks
):
    cert = audit_course["audit_pass"]
    verify, revision = cert.verify_uuid, cert.revision
    job = apply(django_capture_on_commit_callbacks, {"eligible_modes": ALL_BUT_AUDIT})
    assert job.state == "succeeded" and job.kind == "generate_all"
    cert.refresh_from_db()
    assert (cert.status, cert.verify_uuid, cert.revision) == ("audit_passing", verify, revision + 1)
    revision_row = CertificateRevision.objects.get(certificate=cert)
    assert (revision_row.status, revision_row.superseded_by_source) == ("downloadable", "settings")
    for key in ("verified", "verified2", "honor"):
        other = audit_course[key]
        other.refresh_from_db()
        assert (other.status, other.revision) == ("downloadable", 1), "other modes are untouched"

    apply(django_capture_on_commit_callbacks, {"eligible_modes": WITH_AUDIT})
    cert.refresh_from_db()
    assert (cert.status, cert.verify_uuid, cert.revision) == ("downloadable", verify, revision + 2)


def test_the_preview_numbers_are_what_the_apply_changes(audit_course, django_capture_on_commit_callbacks):
    proposed = {"eligible_modes": ["verified"], "revoke_on_grade_drop": False}
    preview = api.preview_policy_change(COURSE_KEY, proposed)
    before = statuses()
    job = apply(django_capture_on_commit_callbacks, proposed)
    keys, modes = transitions_between(before, statuses())
    assert preview["transitions"] == dict(keys)
    assert {(m["before"], m["after"], m["mode"]): m["count"] for m in preview["by_mode"]} == dict(modes)
    assert preview["would_change"] == sum(keys.values()) == job.changed == 3  # audit x2, honor
    assert job.processed == job.changed + job.skipped + job.failed


def test_the_job_records_the_policies_before_and_after_and_nothing_else(
    audit_course, django_capture_on_commit_callbacks
):
    teacher = UserFactory(username="teacher")
    job = apply(django_capture_on_commit_callbacks, {"eligible_modes": ALL_BUT_AUDIT}, requested_by=teacher)
    assert set(job.params) == {"policies"}
    assert job.params["policies"]["before"] == {
        "issue_policy": "on_pass",
        "revoke_on_grade_drop": True,
        "eligible_modes": WITH_AUDIT,
        "print_grade": True,
    }
    assert job.params["policies"]["after"] == {**job.params["policies"]["before"], "eligible_modes": ALL_BUT_AUDIT}
    assert job.requested_by == teacher
    assert CourseCertificateSettings.objects.get(course_key=COURSE_KEY).updated_by == teacher


def test_undo_restores_the_policies_and_the_statuses(audit_course, django_capture_on_commit_callbacks):
    original = statuses()
    cert = audit_course["audit_pass"]
    applied = apply(django_capture_on_commit_callbacks, {"eligible_modes": ALL_BUT_AUDIT})
    last = policy_changes.last_policy_change(COURSE_KEY)
    assert (last.job.pk, last.can_undo, last.reason) == (applied.pk, True, "")
    assert last.restores["eligible_modes"] == WITH_AUDIT
    # the undo's own impact, as the panel shows it before undoing
    preview = api.preview_policy_change(COURSE_KEY, last.restores)
    assert preview["transitions"] == {"audit_passing->downloadable": 1, "audit_notpassing->notpassing": 1}

    undone = undo(django_capture_on_commit_callbacks, applied.pk)
    assert undone.params == {"policies": {"before": applied.params["policies"]["after"],
                                          "after": applied.params["policies"]["before"]},
                             "undo_of": applied.pk}  # fmt: skip
    assert CourseCertificateSettings.objects.get(course_key=COURSE_KEY).eligible_modes == WITH_AUDIT
    assert statuses() == original, "every status (and mode) is back"
    cert.refresh_from_db()
    assert cert.revision == 3, "two new revisions, the same certificate"
    last = policy_changes.last_policy_change(COURSE_KEY)
    assert (last.job.pk, last.can_undo, last.reason) == (undone.pk, False, "undone")
    with pytest.raises(errors.PolicyChangeOutdated):
        undo(django_capture_on_commit_callbacks, undone.pk)
    with pytest.raises(errors.PolicyChangeOutdated):
        undo(django_capture_on_commit_callbacks, applied.pk)


def test_undo_is_offered_only_while_the_change_is_still_in_force(audit_course, django_capture_on_commit_callbacks):
    applied = apply(django_capture_on_commit_callbacks, {"eligible_modes": ALL_BUT_AUDIT})
    api.update_course_settings(COURSE_KEY, {"print_grade": False})
    last = policy_changes.last_policy_change(COURSE_KEY)
    assert (last.can_undo, last.reason) == (False, "changed_since")
    with pytest.raises(errors.PolicyChangeOutdated):
        undo(django_capture_on_commit_callbacks, applied.pk)
    assert CourseCertificateSettings.objects.get(course_key=COURSE_KEY).eligible_modes == ALL_BUT_AUDIT


def test_no_undo_while_the_change_is_being_applied(audit_course, monkeypatch):
    from cert_manager_plugin import dispatch

    monkeypatch.setattr(dispatch, "send_task", lambda *args, **kwargs: None)  # the job stays queued
    job = policy_changes.apply_policy_change(COURSE_KEY, {"eligible_modes": ALL_BUT_AUDIT})
    last = policy_changes.last_policy_change(COURSE_KEY)
    assert (last.job.pk, last.can_undo, last.reason) == (job.pk, False, "running")


def test_apply_while_a_job_runs_saves_nothing(audit_course):
    GenerationJobFactory(state="running", active_course_key=str(COURSE_KEY))
    with pytest.raises(errors.JobAlreadyRunning):
        policy_changes.apply_policy_change(COURSE_KEY, {"eligible_modes": ALL_BUT_AUDIT})
    assert CourseCertificateSettings.objects.get(course_key=COURSE_KEY).eligible_modes == WITH_AUDIT
    assert GenerationJob.objects.count() == 1


@pytest.mark.parametrize(
    "proposed",
    [
        {},
        {"self_generation_enabled": True},
        {"eligible_modes": ["gold"]},
        {"eligible_modes": "verified"},
        {"issue_policy": "whenever"},
        {"print_grade": "yes"},
        {"colour": "red"},
        {"eligible_modes": WITH_AUDIT},  # the policies in force: nothing to apply
        None,
    ],
)
def test_bad_or_empty_changes_are_refused_and_nothing_is_saved(audit_course, proposed):
    with pytest.raises(errors.InvalidInput):
        policy_changes.apply_policy_change(COURSE_KEY, proposed)
    if proposed != {"eligible_modes": WITH_AUDIT}:
        with pytest.raises(errors.InvalidInput):
            api.preview_policy_change(COURSE_KEY, proposed)
    assert CourseCertificateSettings.objects.get(course_key=COURSE_KEY).eligible_modes == WITH_AUDIT
    assert not GenerationJob.objects.exists()


def test_no_policy_change_yet(course):
    assert policy_changes.last_policy_change(COURSE_KEY) is None
    with pytest.raises(errors.PolicyChangeOutdated):
        policy_changes.undo_policy_change(COURSE_KEY, 1)
