"""
The plugin on the LMS's real Celery workers: the host's production settings (lms.envs.production, the operator's
YAML in lms_host/lms.yml: a Redis broker), the LMS's own Celery app (``celery -A lms.celery worker``) and queue.

Run (scripts/test.sh does):
``PYTHONPATH=lms_host:. DJANGO_SETTINGS_MODULE=lms.envs.production LMS_CFG=lms_host/lms.yml CERT_MANAGER_DB=mysql
python -m pytest -m integration tests/lms_host/test_lms_worker.py``. Without Redis or a server database it skips;
with ``CI=true`` or ``CERT_MANAGER_REQUIRE_SERVICES=1`` it fails.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.db import connection

from tests.services import die_with_parent, require, require_redis

pytestmark = [pytest.mark.lms_host, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
COURSE_ID = "course-v1:HostX+WORK+2026"


@pytest.fixture
def services():
    from celery import current_app

    require_redis()
    require("a server database (MariaDB or PostgreSQL)", connection.vendor != "sqlite", "CERT_MANAGER_DB=mysql")
    if current_app.conf.task_always_eager:
        pytest.skip("these tests need the LMS's production settings (a broker), not its eager test settings")
    import redis

    redis.Redis.from_url(current_app.conf.broker_url).flushdb()


@pytest.fixture
def worker(services, tmp_path):
    """One LMS Celery worker on the LMS's default queue, against this test database."""
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT / 'lms_host'}{os.pathsep}{ROOT}",
        "DJANGO_SETTINGS_MODULE": "lms.envs.production",
        "CERT_MANAGER_DB_NAME": connection.settings_dict["NAME"],
    }
    log = (tmp_path / "worker.log").open("w")
    cmd = [sys.executable, "-m", "celery", "-A", "lms.celery", "worker", "--pool=solo", "-Q", "edx.lms.core.default"]
    cmd += ["--without-gossip", "--without-mingle", "-l", "info", "-n", "lms-worker@%h"]
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=die_with_parent,  # noqa: PLW1509 - only prctl, before exec
    )
    yield proc
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    log.close()
    print((tmp_path / "worker.log").read_text()[-4000:])


def wait_for(predicate, timeout: float = 60.0, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


def _course():
    from opaque_keys.edx.keys import CourseKey

    from openedx.core.djangoapps.content.course_overviews.models import CourseOverview

    key = CourseKey.from_string(COURSE_ID)
    CourseOverview.objects.create(id=key, org="HostX", display_name="Worker course", cert_html_view_enabled=True)
    return key


def test_a_job_runs_on_the_lms_worker_and_writes_the_lms_rows(worker):
    from django.contrib.auth import get_user_model

    from cert_manager_plugin import api
    from cert_manager_plugin.models import GenerationJob, LearnerRecord
    from common.djangoapps.student.models import CourseEnrollment
    from lms.djangoapps.certificates.models import GeneratedCertificate

    course_key = _course()
    User = get_user_model()
    User.objects.bulk_create([User(username=f"w{i}", email=f"w{i}@example.com") for i in range(1500)])
    users = list(User.objects.filter(username__startswith="w").values_list("pk", flat=True))
    CourseEnrollment.objects.bulk_create(
        [CourseEnrollment(user_id=u, course_id=course_key, mode="verified", is_active=True) for u in users]
    )
    LearnerRecord.objects.bulk_create(
        [
            LearnerRecord(
                user_id=u, course_key=course_key, mode="verified", is_active=True, percent_grade=0.9, passed=True
            )
            for u in users
        ]
    )
    job = api.submit_job(course_key, "generate_all")
    assert GenerationJob.objects.get(pk=job.pk).state == "queued", "handed to the broker, not run in this process"
    wait_for(lambda: GenerationJob.objects.get(pk=job.pk).state == "succeeded", 120, "the job on the worker")
    job = GenerationJob.objects.get(pk=job.pk)
    assert (job.total, job.changed, job.chunks_total) == (1500, 1500, 2)
    assert GeneratedCertificate.objects.filter(course_id=course_key, status="downloadable").count() == 1500


def test_85_95_40_on_the_lms_worker(worker):
    from django.contrib.auth import get_user_model

    from cert_manager_plugin.models import Certificate
    from common.djangoapps.student.models import CourseEnrollment, UserProfile
    from lms.djangoapps.certificates.models import GeneratedCertificate
    from lms.djangoapps.grades.course_grade_factory import CourseGradeFactory
    from lms.djangoapps.grades.models import PersistentCourseGrade
    from openedx.core.djangoapps.signals.signals import COURSE_GRADE_NOW_FAILED, COURSE_GRADE_NOW_PASSED

    course_key = _course()
    learner = get_user_model().objects.create_user(username="bilbo", email="bilbo@example.com")
    UserProfile.objects.create(user=learner, name="Bilbo Baggins")
    CourseEnrollment.enroll(learner, course_key, mode="verified")

    def grade(percent):
        passed = percent >= 0.5
        PersistentCourseGrade.update_or_create(
            user_id=learner.id,
            course_id=course_key,
            course_edited_timestamp=datetime(2026, 1, 1, tzinfo=UTC),
            percent_grade=percent,
            letter_grade="Pass" if passed else "",
            passed=passed,
        )
        course_grade = CourseGradeFactory().read(learner, course_key=course_key)
        if passed:
            COURSE_GRADE_NOW_PASSED.send(sender=CourseGradeFactory, user=learner, course_id=course_key)
        else:
            COURSE_GRADE_NOW_FAILED.send(
                sender=CourseGradeFactory, user=learner, course_id=course_key, grade=course_grade
            )

    def state():
        cert = Certificate.objects.filter(user=learner, course_key=course_key).first()
        row = GeneratedCertificate.objects.filter(user=learner, course_id=course_key).first()
        if cert is None or row is None:
            return None
        return cert.status, cert.grade, row.status, row.grade, row.verify_uuid == cert.verify_uuid.hex

    for percent, expected in (
        (0.85, ("downloadable", 0.85, "downloadable", "0.85", True)),
        (0.95, ("downloadable", 0.95, "downloadable", "0.95", True)),
        (0.40, ("notpassing", 0.4, "notpassing", "0.4", True)),
    ):
        grade(percent)
        wait_for(lambda expected=expected: state() == expected, 60, f"the worker to reconcile {percent}")
    assert Certificate.objects.get(user=learner).revision == 3
