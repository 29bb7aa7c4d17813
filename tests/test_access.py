"""Course access levels from the LMS adapter's roles: who manages, who reads, who gets nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from cert_manager_plugin import access
from tests.factories import COURSE_KEY, CourseRoleFactory, UserFactory

pytestmark = pytest.mark.django_db
OTHER = "course-v1:TestX+Other+2026"


@pytest.mark.parametrize(
    ("roles", "is_staff", "expected"),
    [
        ([], False, None),
        ([("instructor", COURSE_KEY)], False, "manage"),
        ([("staff", COURSE_KEY)], False, "read"),
        ([("staff", COURSE_KEY), ("instructor", COURSE_KEY)], False, "manage"),
        ([("instructor", OTHER)], False, None),
        ([], True, "manage"),
    ],
)
def test_course_access(roles, is_staff, expected):
    user = UserFactory(is_staff=is_staff)
    for role, course_key in roles:
        CourseRoleFactory(user=user, role=role, course_key=course_key)
    assert access.course_access(user, COURSE_KEY) == expected


def test_anonymous_and_missing_users_have_no_access():
    assert access.course_access(AnonymousUser(), COURSE_KEY) is None
    assert access.course_access(None, COURSE_KEY) is None


def test_course_info_and_display_names(course):
    assert access.course_info(COURSE_KEY).display_name == "Certificates 101"
    assert access.course_info(OTHER) is None
    named = UserFactory(first_name="Samwise", last_name="Gamgee")
    bare = UserFactory(username="nameless", first_name="", last_name="")
    assert access.display_names([named.pk, bare.pk]) == {named.pk: "Samwise Gamgee", bare.pk: "nameless"}
