"""Reads: certificate search and filters, exception and invalidation lists, a learner's certificates."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cert_manager_plugin import api, selectors
from tests.factories import (
    COURSE_KEY,
    CertificateExceptionFactory,
    CertificateFactory,
    CertificateInvalidationFactory,
    GenerationJobFactory,
    LearnerRecordFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
OTHER = api.parse_course_key("course-v1:Other+X+1")


@pytest.fixture
def certs():
    """Three certificates in the course, one elsewhere."""
    return {
        "bilbo": CertificateFactory(
            user=UserFactory(username="bilbo", email="bilbo@shire.org"), name="Bilbo Baggins", status="downloadable"
        ),
        "frodo": CertificateFactory(
            user=UserFactory(username="frodo", email="ringbearer@shire.org"), name="Frodo Baggins", status="notpassing"
        ),
        "sam": CertificateFactory(
            user=UserFactory(username="samwise", email="sam@gamgee.net"), name="Samwise Gamgee", status="error"
        ),
        "elsewhere": CertificateFactory(
            user=UserFactory(username="bilbo_other", email="b2@shire.org"), name="Bilbo Other", course_key=OTHER
        ),
    }


def usernames(qs) -> list[str]:
    return [c.user.username for c in qs]


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("", ["bilbo", "frodo", "samwise"]),
        ("BILBO", ["bilbo"]),  # username, any case
        ("ringbearer@", ["frodo"]),  # email
        ("@SHIRE.org", ["bilbo", "frodo"]),
        ("baggins", ["bilbo", "frodo"]),  # printed name
        ("gamgee", ["samwise"]),  # name and email
        ("  sam  ", ["samwise"]),  # trimmed
        ("gandalf", []),
    ],
)
def test_certificate_search(certs, search, expected):
    assert usernames(selectors.certificates(COURSE_KEY, search=search)) == expected


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (None, ["bilbo", "frodo", "samwise"]),
        ("downloadable", ["bilbo"]),
        ("downloadable,error", ["bilbo", "samwise"]),
        (" notpassing , error ,", ["frodo", "samwise"]),
        ("unavailable", []),
    ],
)
def test_certificate_status_filter(certs, status, expected):
    assert usernames(selectors.certificates(COURSE_KEY, status=status)) == expected


def test_search_and_status_combine(certs):
    assert usernames(selectors.certificates(COURSE_KEY, search="baggins", status="notpassing")) == ["frodo"]


def test_certificate_list_costs_one_query_whatever_its_size(certs):
    with CaptureQueriesContext(connection) as small:
        list(selectors.certificates(COURSE_KEY))
    CertificateFactory.create_batch(30)
    with CaptureQueriesContext(connection) as large:
        rows = list(selectors.certificates(COURSE_KEY))
        [c.user.email for c in rows]
    assert len(rows) == 33
    assert len(small) == len(large) == 1


def test_certificate_for_and_by_verify_uuid(certs):
    bilbo = certs["bilbo"]
    assert selectors.certificate_for(COURSE_KEY, bilbo.user_id) == bilbo
    assert selectors.certificate_for(OTHER, bilbo.user_id) is None
    assert api.certificate_by_verify_uuid(bilbo.verify_uuid) == bilbo
    assert api.certificate_by_verify_uuid(certs["elsewhere"].verify_uuid).course_key == OTHER


def test_learner_certificates_are_only_the_learners(certs):
    user = certs["bilbo"].user
    elsewhere = CertificateFactory(user=user, course_key=OTHER, modified=timezone.now() + timedelta(hours=1))
    assert list(selectors.learner_certificates(user)) == [elsewhere, certs["bilbo"]]
    assert list(selectors.learner_certificates(certs["frodo"].user)) == [certs["frodo"]]
    assert list(selectors.learner_certificates(UserFactory())) == []


def test_exceptions_list_annotates_certificate_generated():
    issued_at = timezone.now() - timedelta(days=2)
    with_cert = CertificateExceptionFactory(user=UserFactory(username="with_cert"))
    CertificateFactory(user=with_cert.user, status="downloadable", issued_date=issued_at)
    revoked = CertificateExceptionFactory(user=UserFactory(username="revoked"))
    CertificateFactory(user=revoked.user, status="notpassing", issued_date=issued_at)
    without = CertificateExceptionFactory(user=UserFactory(username="without"))
    CertificateFactory(user=without.user, course_key=OTHER, status="downloadable")  # another course's certificate
    CertificateExceptionFactory(course_key=OTHER)
    rows = {e.user.username: e for e in selectors.exceptions(COURSE_KEY)}
    assert set(rows) == {"with_cert", "revoked", "without"}
    assert rows["with_cert"].certificate_generated == issued_at
    assert rows["revoked"].certificate_generated is None
    assert rows["without"].certificate_generated is None
    assert [e.pk for e in selectors.exceptions(COURSE_KEY)] == [without.pk, revoked.pk, with_cert.pk], "newest first"


def test_invalidations_active_filter():
    active = CertificateInvalidationFactory()
    lifted = CertificateInvalidationFactory(active=False)
    CertificateInvalidationFactory(certificate=CertificateFactory(course_key=OTHER))
    assert list(selectors.invalidations(COURSE_KEY)) == [active]
    assert list(selectors.invalidations(COURSE_KEY, active=False)) == [lifted]
    assert set(selectors.invalidations(COURSE_KEY, active=None)) == {active, lifted}


def test_revisions_newest_first(course, learner):
    record = LearnerRecordFactory(user=learner, percent_grade=0.8)
    for grade in (0.85, 0.9, 0.95):
        record.percent_grade = grade
        record.save()
        api.reconcile_learner(learner.pk, COURSE_KEY, source="grade_event")
    cert = selectors.certificate_for(COURSE_KEY, learner.pk)
    assert list(selectors.revisions(cert).values_list("revision", "grade")) == [(2, 0.9), (1, 0.85)]


def test_learner_record_and_jobs(learner):
    record = LearnerRecordFactory(user=learner)
    assert selectors.learner_record(COURSE_KEY, learner.pk) == record
    assert selectors.learner_record(OTHER, learner.pk) is None
    first, second = GenerationJobFactory(), GenerationJobFactory()
    GenerationJobFactory(course_key=OTHER)
    assert list(selectors.jobs(COURSE_KEY)) == [second, first]


def test_a_search_longer_than_any_identifier_is_refused(certs):
    from cert_manager_plugin import errors
    from cert_manager_plugin.data import IDENTIFIER_MAX_LENGTH

    assert list(selectors.certificates(COURSE_KEY, search="x" * IDENTIFIER_MAX_LENGTH)) == []
    with pytest.raises(errors.InvalidInput, match="search must be at most 254 characters"):
        selectors.certificates(COURSE_KEY, search="x" * (IDENTIFIER_MAX_LENGTH + 1))
