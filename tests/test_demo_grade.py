"""``demo_grade``: the demo's 85 → 95 story through the events the LMS sends, one certificate, a revision kept."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cert_manager_plugin.models import Certificate, CertificateRevision
from devsite.management.commands.demo_grade import parse_percent
from devsite.management.commands.seed_demo import COURSE_ID
from tests import lms_events
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(django_capture_on_commit_callbacks):
    user = UserFactory(username="bilbo")
    with django_capture_on_commit_callbacks(execute=True):
        lms_events.enroll(user, COURSE_ID, "verified")
    return user


def _grade(capture, *args) -> str:
    out = io.StringIO()
    with capture(execute=True):
        call_command("demo_grade", *args, "--wait", "0", stdout=out)
    return out.getvalue()


def test_85_then_95_is_one_certificate_with_a_revision(learner, django_capture_on_commit_callbacks):
    first = _grade(django_capture_on_commit_callbacks, "bilbo", "85")
    cert = Certificate.objects.get(user=learner)
    assert (cert.status, cert.grade, cert.revision) == ("downloadable", 0.85, 1)
    assert "grade 85% sent" in first

    second = _grade(django_capture_on_commit_callbacks, "bilbo", "0.95")
    again = Certificate.objects.get(user=learner)
    assert (again.verify_uuid, again.grade, again.revision) == (cert.verify_uuid, 0.95, 2)
    assert CertificateRevision.objects.filter(certificate=again, grade=0.85).exists()
    assert f"/cert_manager/certificates/{again.verify_uuid}/verify/" in second


@pytest.mark.parametrize(("raw", "fraction"), [("95", 0.95), ("95%", 0.95), ("0.5", 0.5), ("100", 1.0), ("0", 0.0)])
def test_grades_read_as_percent_or_fraction(raw, fraction):
    assert parse_percent(raw) == fraction


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["bilbo", "ninety"], "is not a grade"),
        (["bilbo", "140"], "not between 0 and 100"),
        (["nobody", "90"], "No user 'nobody'"),
        (["bilbo", "90", "--course", "not-a-course"], "is not a course id"),
        (["bilbo", "90", "--course", "course-v1:Other+X+2026"], "is not enrolled"),
    ],
)
def test_bad_input_is_a_clear_error_and_sends_nothing(learner, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("demo_grade", *args, "--wait", "0")
    assert not Certificate.objects.filter(user=learner).exists()


@pytest.mark.django_db(transaction=True)
def test_it_reports_the_certificate_that_followed():
    """As in the demo (autocommit): the sweep runs after the event's commit and the command prints the result."""
    user = UserFactory(username="frodo")
    lms_events.enroll(user, COURSE_ID, "verified")
    out = io.StringIO()
    call_command("demo_grade", "frodo", "91", "--wait", "5", stdout=out)
    cert = Certificate.objects.get(user=user)
    assert f"Certificate {cert.verify_uuid}: downloadable, grade 91%, revision 1." in out.getvalue()
