"""Shared fixtures."""

from __future__ import annotations

import pytest

from tests.factories import COURSE_KEY, StandaloneCourseFactory, UserFactory


@pytest.fixture
def course(db):
    return StandaloneCourseFactory()


@pytest.fixture
def course_key(course):
    return COURSE_KEY


@pytest.fixture
def learner(db):
    return UserFactory(username="bilbo", first_name="Bilbo", last_name="Baggins", email="bilbo@example.com")
