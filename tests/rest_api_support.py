"""Shared fixtures and helpers of the REST API tests: a course with learners in every list, and every role."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import pytest
from rest_framework.test import APIClient

from cert_manager_plugin.models import CourseCertificateSettings
from tests.factories import (
    COURSE_ID,
    COURSE_KEY,
    CertificateExceptionFactory,
    CertificateFactory,
    CertificateInvalidationFactory,
    CourseRoleFactory,
    LearnerRecordFactory,
    StandaloneCourseFactory,
    UserFactory,
)

PREFIX = "/api/cert_manager/v1"
ROLES = ("anonymous", "learner", "other_learner", "course_staff", "instructor", "global_staff")


def course_url(suffix: str, course_id: str = COURSE_ID) -> str:
    """A course-scoped API path (the course id as a client would put it in the path)."""
    return f"{PREFIX}/courses/{quote(course_id, safe=':+')}/{suffix}"


@dataclass
class World:
    """The people and rows of the standard test course."""

    learner: object  # enrolled, passing, downloadable certificate
    other_learner: object  # enrolled, not passing, no certificate
    invalidated: object  # enrolled, certificate invalidated
    allowlisted: object  # enrolled, on the exception list
    course_staff: object
    instructor: object
    global_staff: object
    certificate: object
    invalidation: object

    def user(self, role: str):
        return None if role == "anonymous" else getattr(self, role)


@pytest.fixture
def world(db) -> World:
    StandaloneCourseFactory()
    CourseCertificateSettings.objects.create(course_key=COURSE_KEY, self_generation_enabled=True)
    learner = UserFactory(username="bilbo", first_name="Bilbo", last_name="Baggins", email="bilbo@example.com")
    other = UserFactory(username="frodo", email="frodo@example.com")
    invalidated = UserFactory(username="gollum", email="gollum@example.com")
    allowlisted = UserFactory(username="merry", email="merry@example.com")
    LearnerRecordFactory(user=learner)
    LearnerRecordFactory(user=other, percent_grade=0.2, passed=False)
    LearnerRecordFactory(user=invalidated)
    LearnerRecordFactory(user=allowlisted, percent_grade=0.1, passed=False)
    certificate = CertificateFactory(user=learner)
    invalidation = CertificateInvalidationFactory(
        certificate=CertificateFactory(user=invalidated, status="unavailable", source="invalidation")
    )
    CertificateExceptionFactory(user=allowlisted)
    staff = UserFactory(username="staffer")
    CourseRoleFactory(user=staff, role="staff")
    instructor = UserFactory(username="teacher")
    CourseRoleFactory(user=instructor, role="instructor")
    global_staff = UserFactory(username="admin", is_staff=True)
    return World(learner, other, invalidated, allowlisted, staff, instructor, global_staff, certificate, invalidation)


def client_for(user, *, csrf: bool = False) -> APIClient:
    """An API client signed in through the session (as a browser), or anonymous for None."""
    client = APIClient(enforce_csrf_checks=csrf)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def instructor_client(world) -> APIClient:
    return client_for(world.instructor)
