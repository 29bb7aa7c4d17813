"""
A real worker's course sweeps (``reconcile.sweep_course``): a change behind a running sweep lands a minimum gap after
it, not after the coalescing window, and a burst still ends in few revisions.

``celery -A devsite worker`` against Redis and the PostgreSQL test database, as ``test_celery_jobs``. Run with
``CERT_MANAGER_DB=postgresql CERT_MANAGER_TEST_DB_NAME=test_cm_<you> pytest -m integration``.
"""

from __future__ import annotations

import json
import statistics
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.utils import timezone

from cert_manager_plugin.models import Certificate, CertificateRevision, CourseSweep, LearnerRecord
from cert_manager_plugin.standalone_host.models import StandaloneCourse
from tests import lms_events
from tests.factories import COURSE_KEY
from tests.integration.test_celery_jobs import QUEUE, REDIS_URL, Workers
from tests.services import require_database, require_redis

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

GAP = 0.3
WINDOW = 5


class SweepWorkers(Workers):
    """The jobs tests' workers, with the sweep's minimum gap and window set."""

    def env(self) -> dict[str, str]:
        env = super().env()
        extra = json.loads(env["DEVSITE_EXTRA_SETTINGS"])
        extra.update({"CERT_MANAGER_SWEEP_MIN_GAP": GAP, "CERT_MANAGER_COALESCE_SECONDS": WINDOW})
        return {**env, "DEVSITE_EXTRA_SETTINGS": json.dumps(extra)}


@pytest.fixture
def worker(settings, tmp_path):
    """One worker on this run's queue; this process publishes to the same Redis (its current Celery app)."""
    require_redis()
    require_database("postgresql")
    import redis
    from celery import Celery, _state

    redis.Redis.from_url(REDIS_URL).flushdb()
    app = Celery("cm_sweeps", broker=REDIS_URL, set_as_current=False)
    old_current, old_default = _state.get_current_app(), _state.default_app
    app.set_current()
    app.set_default()
    settings.CERT_MANAGER_CELERY_QUEUE = QUEUE
    settings.CERT_MANAGER_SWEEP_MIN_GAP = GAP
    settings.CERT_MANAGER_COALESCE_SECONDS = WINDOW
    pool = SweepWorkers(tmp_path)
    pool.start("sweeper")
    pool.wait_ready("sweeper")
    yield pool
    pool.stop_all()
    old_current.set_current()
    _state.set_default_app(old_default)
    app.close()
    connections.close_all()


def _wait(predicate, timeout: float, what: str, pool: Workers):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.005)
    raise AssertionError(f"timed out waiting for {what}\n{pool.logs()}")


def _shows(user, grade: float) -> bool:
    return Certificate.objects.filter(user=user, course_key=COURSE_KEY, grade=grade).exists()


def _idle() -> bool:
    return not CourseSweep.objects.filter(course_key=COURSE_KEY, armed_at__isnull=False).exists()


def test_a_change_behind_a_running_sweep_lands_a_gap_later_not_a_window_later(worker):
    StandaloneCourse.objects.create(course_key=COURSE_KEY, display_name="Sweeps")
    User = get_user_model()
    users = [User.objects.create(username=f"sweep{i}", email=f"sweep{i}@example.com") for i in range(11)]
    lms_events.enroll(users[0], COURSE_KEY, "verified")
    lms_events.grade(users[0].pk, COURSE_KEY, 0.9, passed=True)
    _wait(lambda: _shows(users[0], 0.9), 60, "the warm-up certificate", worker)
    _wait(_idle, 30, "the course to go idle", worker)
    latencies = []
    for i, user in enumerate(users[1:]):
        lms_events.enroll(user, COURSE_KEY, "verified")
        claimed = LearnerRecord.objects.filter(user=user, reconcile_pending_since=None)
        _wait(claimed.exists, 30, "the enrollment's sweep to claim the learner", worker)
        grade = round(0.7 + i / 100, 4)
        start = time.monotonic()
        lms_events.grade(user.pk, COURSE_KEY, grade, passed=True)  # while that sweep runs (or just after)
        _wait(lambda u=user, g=grade: _shows(u, g), 30, "the grade", worker)
        latencies.append(time.monotonic() - start)
        _wait(_idle, 30, "the course to go idle", worker)
    assert max(latencies) < WINDOW / 2, f"a change waited for the window: {latencies}"
    assert statistics.median(latencies) < 1, latencies


def test_a_burst_behind_a_sweep_ends_in_at_most_three_revisions(worker):
    StandaloneCourse.objects.create(course_key=COURSE_KEY, display_name="Sweeps")
    user = get_user_model().objects.create(username="burst", email="burst@example.com")
    lms_events.enroll(user, COURSE_KEY, "verified", at=timezone.now())
    lms_events.grade(user.pk, COURSE_KEY, 0.9, passed=True)
    _wait(lambda: _shows(user, 0.9), 60, "the first certificate", worker)
    grades = [round(0.55 + i * 0.008, 4) for i in range(50)]
    for g in grades:
        lms_events.grade(user.pk, COURSE_KEY, g, passed=g >= 0.6)
    last = time.monotonic()
    _wait(lambda: _shows(user, grades[-1]), 30, "the final grade", worker)
    landed = time.monotonic() - last
    _wait(_idle, 30, "the course to go idle", worker)
    assert CertificateRevision.objects.filter(certificate__user=user).count() <= 3
    assert landed < WINDOW / 2, f"the end of the burst waited for the window: {landed:.2f} s"
