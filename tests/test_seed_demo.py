"""The demo seed: real openedx-events build the course, and a second run duplicates nothing."""

from __future__ import annotations

import io

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
    StandaloneCourse,
    StandaloneCourseRole,
)
from devsite.management.commands.seed_demo import ACCOUNTS, COURSE_ID

COURSE_KEY = CourseKey.from_string(COURSE_ID)


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
