"""``manage.py cert_manager_role``: grant, revoke and list the standalone adapter's course roles."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cert_manager_plugin import api
from cert_manager_plugin.standalone_host.models import StandaloneCourseRole
from tests.factories import COURSE_ID, COURSE_KEY, UserFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("cert_manager_role", *args, stdout=out)
    return out.getvalue()


def test_grant_list_revoke(course):
    user = UserFactory(username="teacher", email="teacher@example.com")
    assert "now instructor" in run("grant", "TEACHER@example.com", COURSE_ID)
    assert api.course_access(user, COURSE_KEY) == "manage"
    assert "already" in run("grant", "teacher", COURSE_ID)
    run("grant", "teacher", COURSE_ID, "--role", "staff")
    assert run("list", "--course", COURSE_ID).splitlines() == [
        f"{COURSE_ID}\tinstructor\tteacher",
        f"{COURSE_ID}\tstaff\tteacher",
    ]
    assert "no longer" in run("revoke", "teacher", COURSE_ID)
    assert api.course_access(user, COURSE_KEY) == "read"
    assert StandaloneCourseRole.objects.filter(user=user).count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("grant", "nobody", COURSE_ID), "No user"),
        (("grant", "teacher", "not-a-course"), "not a valid course id"),
        (("grant", "teacher", "course-v1:Nope+X+1"), "No course"),
        (("revoke", "teacher", COURSE_ID), "is not instructor"),
    ],
)
def test_errors(course, args, message):
    UserFactory(username="teacher")
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_refuses_inside_the_lms(course, settings):
    settings.CERT_MANAGER_LMS_BACKEND = "edx_platform"
    with pytest.raises(CommandError, match="LMS"):
        run("list")
