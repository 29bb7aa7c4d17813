"""The Bilbo scenario end to end: real openedx-events through the plugin loaded via its entry point."""

import pytest

from cert_manager_plugin import api
from cert_manager_plugin.models import Certificate, CertificateRevision
from tests import lms_events


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
    assert list(api.revisions(cert).values_list("grade", "status")) == [
        (0.95, "downloadable"),
        (0.85, "downloadable"),
    ]
