"""Shared fixtures."""

from __future__ import annotations

import pytest

from tests.factories import COURSE_KEY, StandaloneCourseFactory, UserFactory


@pytest.fixture
def course(db):
    """The test course: a ``StandaloneCourse`` row, or inside the LMS-shaped host its CourseOverview (``save()``)."""
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
