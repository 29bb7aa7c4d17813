"""The demo seed: real openedx-events build the course, and a second run duplicates nothing."""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from opaque_keys.edx.keys import CourseKey

from cert_manager_plugin.models import (
    Certificate,
    CertificateException,
    CertificateInvalidation,
    CertificateRevision,
    GenerationJob,
    LearnerRecord,
)
from cert_manager_plugin.standalone_host.models import StandaloneCourse, StandaloneCourseRole
from devsite.management.commands.seed_demo import ACCOUNTS, COURSE_ID

COURSE_KEY = CourseKey.from_string(COURSE_ID)
ROOT = Path(__file__).resolve().parents[1]


def _counts() -> dict[str, int]:
    return {
        "users": get_user_model().objects.count(),
        "records": LearnerRecord.objects.count(),
        "certificates": Certificate.objects.count(),
        "revisions": CertificateRevision.objects.count(),
        "exceptions": CertificateException.objects.count(),
        "invalidations": CertificateInvalidation.objects.count(),
        "jobs": GenerationJob.objects.count(),
        "roles": StandaloneCourseRole.objects.count(),
        "courses": StandaloneCourse.objects.count(),
    }


@pytest.mark.django_db(transaction=True)
def test_seed_sends_events_for_every_learner_and_a_second_run_adds_nothing():
    call_command("seed_demo", learners=60, stdout=io.StringIO())
    first = _counts()

    assert first["records"] == 60, "every learner got a LearnerRecord from COURSE_ENROLLMENT_CREATED"
    assert LearnerRecord.objects.filter(percent_grade__isnull=False).count() == 60, "and a grade event"
    assert first["users"] == 60 + len(ACCOUNTS)
    assert first["certificates"] == 60, "the generate_all job gave every learner a status"
    assert (first["exceptions"], first["invalidations"], first["jobs"]) == (1, 1, 1)
    statuses = set(Certificate.objects.values_list("status", flat=True))
    assert {"downloadable", "notpassing", "unavailable"} <= statuses
    modes = set(LearnerRecord.objects.values_list("mode", flat=True))
    assert {"verified", "honor", "audit"} <= modes

    call_command("seed_demo", learners=60, stdout=io.StringIO())
    assert _counts() == first


@pytest.mark.django_db(transaction=True)
def test_seed_creates_the_course_team_and_passwords():
    out = io.StringIO()
    call_command("seed_demo", learners=5, stdout=out)
    assert all(password in out.getvalue() for password, _ in ACCOUNTS.values()), "the logins are printed"
    User = get_user_model()
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    for username, (password, _) in ACCOUNTS.items():
        assert User.objects.get(username=username).check_password(password)
    roles = set(StandaloneCourseRole.objects.filter(course_key=COURSE_KEY).values_list("user__username", "role"))
    assert roles == {("instructor", "instructor"), ("staff", "staff")}
    course = StandaloneCourse.objects.get(course_key=COURSE_KEY)
    assert course.start < course.end


# --- the demo's real background jobs (scripts/demo.sh) ----------------------------------------------------------


def _demo_env(tmp_path, **extra) -> dict[str, str]:
    """What scripts/demo.sh exports: SQLite, kombu's filesystem broker, small chunks, a pause per chunk."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "devsite.settings",
        "CERT_MANAGER_SETTINGS_TYPE": "devstack",
        "CERT_MANAGER_DB": "sqlite",
        "CERT_MANAGER_SQLITE_PATH": str(tmp_path / "demo.sqlite3"),
        "DJANGO_SECRET_KEY": "test-only-demo-worker-key",
        "CERT_MANAGER_BROKER_URL": "filesystem://",
        "CERT_MANAGER_BROKER_DIR": str(tmp_path / "celery"),
        "DEVSITE_EXTRA_SETTINGS": json.dumps({"CERT_MANAGER_BATCH_SIZE": 5}),
        "CERT_MANAGER_LOG": "WARNING",
    }
    env.pop("CERT_MANAGER_TEST_DB_NAME", None)
    return {**env, **extra}


def _manage(env, *args) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _job(db: Path, job_id: int) -> dict:
    with sqlite3.connect(db, timeout=30) as connection:
        row = connection.execute(
            "SELECT state, processed, total FROM cert_manager_plugin_generationjob WHERE id = ?", (job_id,)
        ).fetchone()
    return dict(zip(("state", "processed", "total"), row, strict=True))


#: Every learner's grade moves a little first (a rescore): a job only runs the learners something changed for.
SUBMIT = (
    "from django.contrib.auth import get_user_model; from django.db.models import F; "
    "from cert_manager_plugin import api; from cert_manager_plugin.models import LearnerRecord; "
    "LearnerRecord.objects.update(percent_grade=F('percent_grade') * 0.999); "
    "job = api.submit_job('course-v1:DemoX+CERT101+2026', 'generate_all', "
    "requested_by=get_user_model().objects.get(username='instructor')); print(job.pk, job.state)"
)


def test_the_demo_runs_jobs_on_a_real_worker_with_live_progress_and_cancel(tmp_path):
    """
    As ``scripts/demo.sh`` runs it: the seed's job in-process, then a Celery worker on kombu's filesystem broker
    (no server): a job started by another process goes queued, running (progress moving), succeeded; another
    is cancelled half way and stops there.
    """
    from django.db import connection

    if connection.vendor != "sqlite":  # the demo is SQLite whatever the run's database; the SQLite run covers it
        pytest.skip(f"the demo runs on SQLite; this run uses {connection.vendor}")
    env = _demo_env(tmp_path)
    _manage({**env, "CERT_MANAGER_BROKER_URL": "memory://"}, "migrate", "--noinput", "-v", "0")
    _manage({**env, "CERT_MANAGER_BROKER_URL": "memory://"}, "seed_demo", "--learners", "40")
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "devsite.celery", "worker", "--pool=solo", "-n", "demo-test@%h",
         "--without-gossip", "--without-mingle", "-l", "info"],
        cwd=ROOT, env={**env, "CERT_MANAGER_DEMO_CHUNK_DELAY": "0.3"}, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    db = tmp_path / "demo.sqlite3"
    try:
        job_id, state = _manage(env, "shell", "--no-imports", "-c", SUBMIT).split()
        assert state == "queued", "published to the broker, not run in the web process"
        seen, deadline = [], time.monotonic() + 90
        while time.monotonic() < deadline:
            job = _job(db, int(job_id))
            seen.append((job["state"], job["processed"]))
            if job["state"] not in ("queued", "running"):
                break
            time.sleep(0.1)
        assert job["state"] == "succeeded", (job, (tmp_path / "worker.log").read_text()[-3000:])
        partial = {processed for state, processed in seen if state == "running" and 0 < processed < job["total"]}
        assert len(partial) >= 2, f"the progress moved in steps: {seen[-20:]}"

        second, _ = _manage(env, "shell", "--no-imports", "-c", SUBMIT).split()
        deadline = time.monotonic() + 60
        while _job(db, int(second))["processed"] == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        _manage(
            env,
            "shell",
            "--no-imports",
            "-c",
            f"from cert_manager_plugin import api; api.cancel_job('course-v1:DemoX+CERT101+2026', {second})",
        )
        stopped = _job(db, int(second))
        time.sleep(1.5)
        later = _job(db, int(second))
        assert later["state"] == "cancelled"
        assert later["processed"] < later["total"], "cancelled before the end"
        assert later["processed"] <= stopped["processed"] + 5, "at most the chunk in hand finishes"
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(5)
        log.close()


def test_demo_settings_use_the_filesystem_broker_only_when_asked(tmp_path):
    """The test settings stay eager (memory://); filesystem:// gets its folders under the broker directory."""
    from django.conf import settings

    assert settings.CELERY_TASK_ALWAYS_EAGER and settings.CELERY_BROKER_URL == "memory://"
    code = (
        "from django.conf import settings as s; import json; "
        "print(json.dumps([s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_TRANSPORT_OPTIONS]))"
    )
    eager, options = json.loads(_manage(_demo_env(tmp_path), "shell", "--no-imports", "-c", code))
    assert eager is False
    assert options["data_folder_in"] == options["data_folder_out"] == str(tmp_path / "celery" / "queue")
    assert (tmp_path / "celery" / "queue").is_dir()
