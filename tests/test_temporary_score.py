"""The Bilbo scenario end to end: real openedx-events through the plugin loaded via its entry point."""

import os

import pytest

from cert_manager_plugin import api, selectors
from cert_manager_plugin.models import Certificate, CertificateRevision
from tests import lms_events

#: Inside the LMS (lms_host), certificate events follow ``GeneratedCertificate.save()`` instead (one CHANGED per
#: write, CREATED on every write of a passing row): tests/lms_host/test_lms_truth.py checks them against the LMS's own.
standalone_events = pytest.mark.skipif(
    os.environ.get("DJANGO_SETTINGS_MODULE", "").startswith("lms.envs."),
    reason="inside the LMS, events follow GeneratedCertificate.save() (tests/lms_host/test_lms_truth.py)",
)


@standalone_events
@pytest.mark.django_db(transaction=True)
def test_grade_85_then_95_then_40_keeps_one_certificate_true_to_the_final_grade(course, course_key, learner):
    lms_events.enroll(learner, course_key, "verified")
    assert not Certificate.objects.exists(), "enrolling alone issues nothing"

    lms_events.grade(learner.pk, course_key, 0.85, passed=True)
    cert = Certificate.objects.get(user=learner, course_key=course_key)
    assert (cert.status, cert.grade, cert.revision) == ("downloadable", 0.85, 1)
    assert cert.name == "Bilbo Baggins"
    verify_uuid = cert.verify_uuid

    lms_events.grade(learner.pk, course_key, 0.95, passed=True)
    cert.refresh_from_db()
    assert (cert.status, cert.grade, cert.revision, cert.verify_uuid) == ("downloadable", 0.95, 2, verify_uuid)
    [old] = CertificateRevision.objects.filter(certificate=cert)
    assert (old.status, old.grade, old.revision, old.superseded_by_source) == ("downloadable", 0.85, 1, "grade_event")

    lms_events.grade(learner.pk, course_key, 0.40, passed=False)
    cert.refresh_from_db()
    assert (cert.status, cert.grade, cert.revision, cert.verify_uuid) == ("notpassing", 0.40, 3, verify_uuid)
    assert list(selectors.revisions(cert).values_list("grade", "status")) == [
        (0.95, "downloadable"),
        (0.85, "downloadable"),
    ]


@pytest.mark.django_db(transaction=True)
def test_allowlisted_learner_keeps_the_certificate_through_a_drop_and_it_shows_the_new_grade(
    course, course_key, learner
):
    lms_events.enroll(learner, course_key, "verified")
    api.grant_exception(course_key, "bilbo", notes="approved by the course team")

    lms_events.grade(learner.pk, course_key, 0.85, passed=True)
    cert = Certificate.objects.get(user=learner, course_key=course_key)
    assert (cert.status, cert.grade, cert.revision) == ("downloadable", 0.85, 1)
    verify_uuid = cert.verify_uuid

    lms_events.grade(learner.pk, course_key, 0.95, passed=True)
    cert.refresh_from_db()
    assert (cert.status, cert.grade, cert.revision) == ("downloadable", 0.95, 2)

    lms_events.grade(learner.pk, course_key, 0.40, passed=False)
    cert.refresh_from_db()
    assert (cert.status, cert.grade, cert.revision, cert.verify_uuid) == ("downloadable", 0.40, 3, verify_uuid)
    assert list(selectors.revisions(cert).values_list("grade", "status", "superseded_by_source")) == [
        (0.95, "downloadable", "grade_event"),
        (0.85, "downloadable", "grade_event"),
    ]


@pytest.mark.django_db(transaction=True)
def test_course_that_keeps_certificates_on_grade_drop(course, course_key, learner):
    api.update_course_settings(course_key, {"revoke_on_grade_drop": False})
    lms_events.enroll(learner, course_key, "verified")

    lms_events.grade(learner.pk, course_key, 0.85, passed=True)
    lms_events.grade(learner.pk, course_key, 0.95, passed=True)
    lms_events.grade(learner.pk, course_key, 0.40, passed=False)
    cert = Certificate.objects.get(user=learner, course_key=course_key)
    assert (cert.status, cert.grade, cert.revision) == ("downloadable", 0.40, 3)
    assert list(selectors.revisions(cert).values_list("grade", "status")) == [
        (0.95, "downloadable"),
        (0.85, "downloadable"),
    ]


@pytest.mark.django_db(transaction=True)
def test_a_late_grade_event_does_not_bring_back_an_old_score(course, course_key, learner):
    from datetime import timedelta

    from django.utils import timezone

    t0 = timezone.now()
    lms_events.enroll(learner, course_key, "verified", at=t0)
    lms_events.grade(learner.pk, course_key, 0.95, passed=True, at=t0 + timedelta(minutes=2))
    lms_events.grade(learner.pk, course_key, 0.85, passed=True, at=t0 + timedelta(minutes=1))  # delivered late
    cert = Certificate.objects.get(user=learner, course_key=course_key)
    assert (cert.status, cert.grade, cert.revision) == ("downloadable", 0.95, 1)
