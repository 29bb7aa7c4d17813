"""Shared fixtures."""

from __future__ import annotations

import pytest
from django.db.models.signals import post_save

from cert_manager_plugin.models import StandaloneCourse
from tests.factories import COURSE_KEY, StandaloneCourseFactory, UserFactory, lms_course


@pytest.fixture(autouse=True, scope="session")
def lms_course_overviews_follow_test_courses():
    """Inside the LMS-shaped host, a test's change to its course (dates, name) reaches the LMS's CourseOverview."""

    def sync(sender, instance, **kwargs):
        lms_course(instance)

    post_save.connect(sync, sender=StandaloneCourse, dispatch_uid="tests.lms_course_overview", weak=False)
    yield
    post_save.disconnect(sender=StandaloneCourse, dispatch_uid="tests.lms_course_overview")


@pytest.fixture
def course(db):
    return StandaloneCourseFactory()


@pytest.fixture
def course_key(course):
    return COURSE_KEY


@pytest.fixture
def learner(db):
    return UserFactory(username="bilbo", first_name="Bilbo", last_name="Baggins", email="bilbo@example.com")


@pytest.fixture(autouse=True)
def forget_sweep_rows():
    """The process remembers which courses have a CourseSweep row; a test database starts without any."""
    from cert_manager_plugin import reconcile

    reconcile._SWEEP_ROWS.clear()
    yield
    reconcile._SWEEP_ROWS.clear()
