"""Operators' commands: generate, regenerate --groups, job_status, backfill, held certificates, stale jobs."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cert_manager_plugin import lms
from cert_manager_plugin.models import Certificate, CourseCertificateSettings, GenerationJob, LearnerRecord
from tests.factories import (
    COURSE_ID,
    CertificateExceptionFactory,
    CertificateFactory,
    LearnerRecordFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def run(name: str, *args, capture=None) -> str:
    out = StringIO()
    if capture is None:
        call_command(name, *args, stdout=out)
    else:
        with capture(execute=True):
            call_command(name, *args, stdout=out)
    return out.getvalue()


def test_generate_certificates_runs_a_generate_all_job(course, django_capture_on_commit_callbacks):
    LearnerRecordFactory()
    LearnerRecordFactory(percent_grade=0.1, passed=False)
    admin = UserFactory(username="ops")

    out = run("generate_certificates", COURSE_ID, "--user", "ops", capture=django_capture_on_commit_callbacks)

    job = GenerationJob.objects.get()
    assert out.startswith(f"job {job.pk} generate_all queued")
    job.refresh_from_db()
    assert (job.state, job.changed, job.requested_by) == ("succeeded", 2, admin)
    assert sorted(Certificate.objects.values_list("status", flat=True)) == ["downloadable", "notpassing"]


def test_generate_certificates_dry_run_prints_counts(course):
    user = LearnerRecordFactory().user
    out = json.loads(run("generate_certificates", COURSE_ID, "--dry-run"))
    named = {"username": user.username, "name": f"{user.first_name} {user.last_name}".strip()}
    assert out == {
        "kind": "generate_all",
        "total": 1,
        "would_change": 1,
        "transitions": {"new->downloadable": 1},
        "not_issued": {},
        "learners": {"new->downloadable": {"count": 1, "learners": [named]}},
    }
    assert not GenerationJob.objects.exists() and not Certificate.objects.exists()


def test_generate_certificates_for_exceptions(course, django_capture_on_commit_callbacks):
    record = LearnerRecordFactory(percent_grade=0.1, passed=False)
    CertificateExceptionFactory(user=record.user)
    LearnerRecordFactory(percent_grade=0.1, passed=False)
    run("generate_certificates", COURSE_ID, "--exceptions", "all", capture=django_capture_on_commit_callbacks)
    job = GenerationJob.objects.get()
    assert (job.kind, job.params, job.total) == ("generate_exceptions", {"scope": "all"}, 1)
    assert list(Certificate.objects.values_list("user_id", "status")) == [(record.user_id, "downloadable")]


def test_regenerate_certificates_with_groups(course, django_capture_on_commit_callbacks):
    ok = LearnerRecordFactory(percent_grade=0.8)
    CertificateFactory(user=ok.user, status="notpassing", grade=0.2)
    err = LearnerRecordFactory(percent_grade=0.8)
    CertificateFactory(user=err.user, status="error", grade=0.2)

    run("regenerate_certificates", COURSE_ID, "--groups", "not_received", capture=django_capture_on_commit_callbacks)

    job = GenerationJob.objects.get()
    assert (job.params, job.changed) == ({"statuses": ["notpassing"]}, 1)
    assert dict(Certificate.objects.values_list("user_id", "status")) == {
        ok.user_id: "downloadable",
        err.user_id: "error",
    }


def test_regenerate_all_groups_dry_run(course):
    record = LearnerRecordFactory(percent_grade=0.8)
    CertificateFactory(user=record.user, status="error", grade=0.2)
    out = json.loads(run("regenerate_certificates", COURSE_ID, "--groups", "all", "--dry-run"))
    assert out["transitions"] == {"error->downloadable": 1}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("regenerate_certificates", COURSE_ID, "--groups", "bogus"), "statuses: 'bogus'"),
        (("regenerate_certificates", "nope", "--groups", "received"), "'nope' is not a valid course id"),
        (("generate_certificates", COURSE_ID, "--user", "ghost"), "No user with username or email 'ghost'"),
        (("job_status", COURSE_ID, "999"), "No job 999"),
        (("job_status", COURSE_ID, "--cancel"), "need a job id"),
    ],
)
def test_bad_input_is_a_command_error(course, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not GenerationJob.objects.exists()


def test_a_second_job_while_one_is_active_is_refused(course):
    run("generate_certificates", COURSE_ID)  # stays queued: the test transaction never commits
    with pytest.raises(CommandError, match=r"Generate all certificates, asked for by .* is already waiting to start"):
        run("regenerate_certificates", COURSE_ID, "--groups", "received")


def test_job_status_lists_shows_cancels_and_resumes(course, django_capture_on_commit_callbacks):
    LearnerRecordFactory()
    run("generate_certificates", COURSE_ID, capture=django_capture_on_commit_callbacks)
    queued = GenerationJob.objects.create(course_key=COURSE_ID, kind="generate_all", active_course_key=COURSE_ID)

    listing = run("job_status", COURSE_ID).splitlines()
    assert len(listing) == 2
    assert listing[0].startswith(f"job {queued.pk} generate_all queued")
    assert "succeeded: 1/1 processed, 1 changed" in listing[1]

    one = json.loads(run("job_status", COURSE_ID, str(queued.pk), "--json"))
    assert (one["id"], one["state"], one["course_id"]) == (queued.pk, "queued", COURSE_ID)

    assert "cancelled" in run("job_status", COURSE_ID, str(queued.pk), "--cancel")
    with pytest.raises(CommandError, match="already finished"):
        run("job_status", COURSE_ID, str(queued.pk), "--cancel")
    out = run("job_status", COURSE_ID, str(queued.pk), "--resume", capture=django_capture_on_commit_callbacks)
    assert f"job {queued.pk}" in out
    queued.refresh_from_db()
    assert (queued.state, queued.processed) == ("succeeded", 1)
    assert len(json.loads(run("job_status", COURSE_ID, "--json"))) == 2


def test_job_status_of_a_course_without_jobs(course):
    assert run("job_status", COURSE_ID).strip() == f"no jobs for {COURSE_ID}"


def test_backfill_learner_records_from_the_lms_adapter(course, monkeypatch):
    users = [UserFactory() for _ in range(2)]
    rows = [lms.BackfillRow(u.pk, "verified", True, 0.7, True, timezone.now()) for u in users]
    monkeypatch.setattr(lms.StandaloneBackend, "backfill_rows", lambda self, key: iter(rows))

    out = run("backfill_learner_records", COURSE_ID)

    assert out.strip() == (
        f"{COURSE_ID}: 2 records created, 0 updated; from the LMS: 0 certificates, 0 exceptions, 0 invalidations"
    )
    assert set(LearnerRecord.objects.values_list("user_id", "percent_grade", "passed")) == {
        (u.pk, 0.7, True) for u in users
    }


def test_issue_held_certificates_command(course):
    course.end = timezone.now() - timedelta(days=1)
    course.save()
    CourseCertificateSettings.objects.create(course_key=COURSE_ID, issue_policy="after_course_end")
    LearnerRecordFactory()
    assert run("issue_held_certificates").strip() == f"{COURSE_ID}: 1 certificates issued"
    assert Certificate.objects.get().source == "course_end"
    assert run("issue_held_certificates", "--course", COURSE_ID).strip() == f"{COURSE_ID}: 0 certificates issued"


def test_issue_held_certificates_with_nothing_held(db):
    assert run("issue_held_certificates").strip() == "no ended course holds certificates"


def test_resume_stale_jobs_command(course, settings, django_capture_on_commit_callbacks):
    settings.CERT_MANAGER_JOB_STALE_SECONDS = 60
    LearnerRecordFactory()
    job = GenerationJob.objects.create(
        course_key=COURSE_ID,
        kind="generate_all",
        state="running",
        active_course_key=COURSE_ID,
        heartbeat=timezone.now() - timedelta(minutes=5),
    )
    assert run("resume_stale_jobs", "--fail-only").strip() == f"1 stale jobs marked failed: [{job.pk}]"
    job.refresh_from_db()
    assert job.state == "failed"
    out = run("resume_stale_jobs", capture=django_capture_on_commit_callbacks)
    assert out.strip() == f"1 stale jobs resumed: [{job.pk}]"
    job.refresh_from_db()
    assert (job.state, job.processed, job.changed) == ("succeeded", 1, 1)
