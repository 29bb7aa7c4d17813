"""
Concurrent writes that collide answer 409 with the existing row, never a 500: real threads, each with its own
database connection, on SQLite (a file database), PostgreSQL and MariaDB — each run of scripts/test.sh covers one.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from cert_manager_plugin.models import CertificateException, CertificateInvalidation, CourseCertificateSettings
from tests.factories import COURSE_KEY, CertificateFactory, CourseRoleFactory, LearnerRecordFactory, UserFactory
from tests.services import require

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 15
PREFIX = "/api/cert_manager/v1"
COURSE_URL = f"{PREFIX}/courses/{COURSE_KEY}"


@pytest.fixture
def shared_database():
    """Threads need a database every connection sees: a server, or an SQLite file (not the in-memory default)."""
    name = str(connection.settings_dict["NAME"])
    require(
        "a database shared by threads",
        connection.vendor != "sqlite" or ("memory" not in name and name != ""),
        "set CERT_MANAGER_SQLITE_TEST_PATH for SQLite (scripts/test.sh does)",
    )


def in_parallel(make_request, n: int = THREADS) -> Counter:
    """Run ``make_request(client)`` in n threads released together; the status codes they got."""
    barrier = threading.Barrier(n)
    statuses: list[int] = []
    lock = threading.Lock()

    def run() -> None:
        client = APIClient()
        client.raise_request_exception = False
        client.force_authenticate(instructor_user())
        try:
            barrier.wait(30)
            response = make_request(client)
            with lock:
                statuses.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return Counter(statuses)


_INSTRUCTOR: dict = {}


def instructor_user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=_INSTRUCTOR["pk"])


@pytest.fixture
def course_team(course, shared_database):
    instructor = UserFactory(username="teacher")
    CourseRoleFactory(user=instructor, course_key=COURSE_KEY, role="instructor")
    _INSTRUCTOR["pk"] = instructor.pk
    return instructor


def test_fifteen_identical_invalidations_make_one_and_fourteen_conflicts(course_team, learner):
    CertificateFactory(user=learner)
    statuses = in_parallel(
        lambda c: c.post(f"{COURSE_URL}/invalidations", {"user": "bilbo", "notes": "x"}, format="json")
    )
    assert statuses == Counter({201: 1, 409: THREADS - 1}), statuses
    assert CertificateInvalidation.objects.filter(active=True).count() == 1


def test_fifteen_identical_exceptions_make_one_and_fourteen_conflicts(course_team, learner):
    LearnerRecordFactory(user=learner, percent_grade=0.2, passed=False)
    statuses = in_parallel(lambda c: c.post(f"{COURSE_URL}/exceptions", {"user": "bilbo", "notes": "x"}, format="json"))
    assert statuses == Counter({201: 1, 409: THREADS - 1}), statuses
    assert CertificateException.objects.count() == 1


def test_fifteen_settings_changes_at_once_all_succeed_into_one_row(course_team):
    statuses = in_parallel(
        lambda c: c.patch(f"{COURSE_URL}/settings", {"self_generation_enabled": True}, format="json")
    )
    assert statuses == Counter({200: THREADS}), statuses
    assert CourseCertificateSettings.objects.filter(course_key=COURSE_KEY).count() == 1


@pytest.fixture
def broker_app():
    """A non-eager Celery app (in-memory broker) made current: submitted jobs stay queued, holding the course."""
    from celery import Celery, _state

    app = Celery("cm_test_concurrency", broker="memory://", set_as_current=False)
    old_current, old_default = _state.get_current_app(), _state.default_app
    app.set_current()
    app.set_default()  # threads see the default app
    yield app
    old_current.set_current()
    _state.set_default_app(old_default)
    app.close()


def test_fifteen_generate_all_at_once_start_one_job(course_team, broker_app):
    LearnerRecordFactory()
    statuses = in_parallel(lambda c: c.post(f"{COURSE_URL}/jobs", {"kind": "generate_all"}, format="json"))
    assert statuses[202] == 1 and statuses[409] == THREADS - 1 and 500 not in statuses, statuses
