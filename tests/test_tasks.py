"""Celery tasks: registered by name on the host's app, idempotent chunk delivery, retries, periodic tasks."""

from __future__ import annotations

import gc
from datetime import timedelta

import pytest
from celery import current_app
from django.db import OperationalError
from django.utils import timezone

from cert_manager_plugin import api, dispatch, engine, jobs, tasks, wiring
from cert_manager_plugin.models import Certificate, CourseCertificateSettings, GenerationJob, GenerationJobChunk
from tests.factories import COURSE_KEY, LearnerRecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chunk(settings, monkeypatch, django_capture_on_commit_callbacks):
    """A running job with one pending chunk of two learners (its chunk task captured, not sent)."""
    sent = []
    monkeypatch.setattr(dispatch, "send_task", lambda name, args, countdown=None: sent.append((name, args)))
    LearnerRecordFactory()
    LearnerRecordFactory()
    with django_capture_on_commit_callbacks(execute=True):
        job = api.submit_job(COURSE_KEY, "generate_all")
    tasks.run_job.apply(args=[job.pk]).get()
    [(_name, (_job_id, chunk_id))] = [s for s in sent if s[0] == jobs.TASK_RUN_CHUNK]
    return GenerationJobChunk.objects.get(pk=chunk_id)


def test_tasks_are_registered_under_the_names_jobs_send():
    for name in (jobs.TASK_RUN_JOB, jobs.TASK_RUN_CHUNK, dispatch.TASK_SWEEP_COURSE):
        assert name in current_app.tasks
    for name in ("fail_stale_jobs", "resume_stale_jobs", "issue_held_certificates"):
        assert f"cert_manager_plugin.tasks.{name}" in current_app.tasks


def test_job_tasks_acknowledge_late_and_return_to_the_queue_when_the_worker_dies():
    for task in (tasks.run_job, tasks.run_chunk):
        assert task.acks_late is True and task.reject_on_worker_lost is True
        assert task.autoretry_for == (OperationalError,)
        assert task.retry_backoff and task.max_retries >= 3


def test_chunk_task_runs_once_however_often_it_is_delivered(course, chunk):
    assert tasks.run_chunk.apply(args=[chunk.job_id, chunk.pk]).get() == "done"
    assert tasks.run_chunk.apply(args=[chunk.job_id, chunk.pk]).get() == "skipped"
    job = GenerationJob.objects.get(pk=chunk.job_id)
    assert (job.state, job.processed, job.changed, job.chunks_done) == ("succeeded", 2, 2, 1)
    assert Certificate.objects.count() == 2


def test_chunk_task_retries_operational_errors(course, chunk, monkeypatch):
    real = engine.reconcile_batch
    calls = []

    def deadlock_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("deadlock detected")
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "reconcile_batch", deadlock_once)
    tasks.run_chunk.apply(args=[chunk.job_id, chunk.pk], throw=False)  # eager: the retry runs at once

    assert len(calls) == 2
    chunk.refresh_from_db()
    assert (chunk.state, chunk.attempts) == ("done", 1)  # the rolled-back attempt left nothing behind
    assert GenerationJob.objects.get(pk=chunk.job_id).state == "succeeded"


def test_chunk_task_marks_the_chunk_failed_when_retries_run_out(course, chunk):
    # Celery calls on_failure once autoretry gives up (eager apply() would re-raise instead)
    error = OperationalError("server closed the connection")
    tasks.run_chunk.on_failure(error, "task-id", (chunk.job_id, chunk.pk), {}, None)

    chunk.refresh_from_db()
    assert chunk.state == "failed" and "server closed the connection" in chunk.error
    job = GenerationJob.objects.get(pk=chunk.job_id)
    assert (job.state, job.failed, job.active_course_key) == ("failed", 2, None)


def test_other_errors_fail_the_chunk_without_retry(course, chunk, monkeypatch):
    calls = []

    def broken(*args, **kwargs):
        calls.append(1)
        raise ValueError("bad template")

    monkeypatch.setattr(engine, "reconcile_batch", broken)
    assert tasks.run_chunk.apply(args=[chunk.job_id, chunk.pk]).get() == "failed"
    assert len(calls) == 1
    assert GenerationJob.objects.get(pk=chunk.job_id).state == "failed"


def _collector_during_the_engine(monkeypatch) -> list[bool]:
    """Record, at each engine batch, whether Python's cyclic garbage collector is on."""
    seen, real = [], engine.reconcile_batch

    def watched(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "reconcile_batch", watched)
    return seen


def test_a_chunk_runs_with_the_collector_paused_and_turns_it_back_on(course, chunk, monkeypatch):
    seen = _collector_during_the_engine(monkeypatch)
    assert gc.isenabled()
    assert tasks.run_chunk.apply(args=[chunk.job_id, chunk.pk]).get() == "done"
    assert seen == [False] and gc.isenabled()


def test_the_collector_comes_back_after_a_failing_chunk(course, chunk, monkeypatch):
    monkeypatch.setattr(engine, "reconcile_batch", lambda *a, **k: 1 / 0)
    assert tasks.run_chunk.apply(args=[chunk.job_id, chunk.pk]).get() == "failed"
    assert gc.isenabled()


def test_pause_gc_off_leaves_the_collector_alone(course, chunk, monkeypatch, settings):
    settings.CERT_MANAGER_PAUSE_GC = False
    seen = _collector_during_the_engine(monkeypatch)
    assert tasks.run_chunk.apply(args=[chunk.job_id, chunk.pk]).get() == "done"
    assert seen == [True] and gc.isenabled()


def test_a_collector_the_operator_turned_off_stays_off(course, chunk, monkeypatch):
    seen = _collector_during_the_engine(monkeypatch)
    gc.disable()
    try:
        assert tasks.run_chunk.apply(args=[chunk.job_id, chunk.pk]).get() == "done"
        assert seen == [False] and not gc.isenabled()
    finally:
        gc.enable()


def test_periodic_tasks(course, settings):
    settings.CERT_MANAGER_JOB_STALE_SECONDS = 60
    stale = GenerationJob.objects.create(
        course_key=COURSE_KEY,
        kind="generate_all",
        state="running",
        active_course_key=str(COURSE_KEY),
        heartbeat=timezone.now() - timedelta(minutes=2),
    )
    assert tasks.fail_stale_jobs.apply().get() == [stale.pk]
    assert GenerationJob.objects.get(pk=stale.pk).state == "failed"

    course.end = timezone.now() - timedelta(hours=1)
    course.save()
    CourseCertificateSettings.objects.create(course_key=COURSE_KEY, issue_policy="after_course_end")
    LearnerRecordFactory()
    assert tasks.issue_held_certificates.apply().get() == {str(COURSE_KEY): 1}


# --- learner emails -----------------------------------------------------------------------------------------


def test_email_task_is_registered_under_the_name_notifications_send():
    from cert_manager_plugin import notifications

    assert notifications.TASK_SEND_EMAILS in current_app.tasks
    task = tasks.send_certificate_emails
    assert task.name == notifications.TASK_SEND_EMAILS
    assert task.acks_late is True and task.autoretry_for == (OperationalError,)


def test_email_task_mails_its_batch(course):
    from django.core import mail

    from tests.factories import CertificateFactory

    certs = CertificateFactory.create_batch(2)
    revoked = CertificateFactory(status="unavailable")
    items = [[c.user_id, str(c.course_key), "issued"] for c in (*certs, revoked)]
    assert tasks.send_certificate_emails.apply(args=[items]).get() == {"sent": 2, "skipped": 1, "failed": 0}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.user.email for c in certs)


def test_email_task_retries_a_database_error_while_loading_its_batch(course, monkeypatch):
    real = wiring.send_certificate_emails
    calls = []

    def lost_connection_once(items):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection")
        return real(items)

    monkeypatch.setattr(wiring, "send_certificate_emails", lost_connection_once)
    result = tasks.send_certificate_emails.apply(args=[[]], throw=False)  # eager: the retry runs at once
    assert len(calls) == 2 and result.get() == {"sent": 0, "skipped": 0, "failed": 0}
