"""Backfill: LearnerRecords from the LMS, then certificates, exceptions and invalidations seeded from its own."""

from __future__ import annotations

import uuid

import pytest

from cert_manager_plugin import api, backfill
from cert_manager_plugin.lms import BackfillRow, LmsAllowlistRow, LmsCertificateRow
from cert_manager_plugin.models import Certificate, CertificateException, CertificateInvalidation, LearnerRecord
from tests.factories import COURSE_KEY, CertificateFactory, LearnerRecordFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_backfill_creates_missing_records_and_keeps_event_fed_ones(course, settings):
    settings.CERT_MANAGER_BATCH_SIZE = 2
    users = [UserFactory() for _ in range(3)]
    fed = LearnerRecordFactory(user=users[0], percent_grade=0.99)
    bare = LearnerRecord.objects.create(user=users[1], course_key=COURSE_KEY)
    rows = [BackfillRow(u.pk, "verified", True, 0.5, False, None) for u in users]

    assert api.backfill_learner_records(COURSE_KEY, rows=rows) == {"created": 1, "updated": 1}

    fed.refresh_from_db()
    bare.refresh_from_db()
    assert fed.percent_grade == 0.99
    assert (bare.mode, bare.is_active, bare.percent_grade) == ("verified", True, 0.5)
    assert LearnerRecord.objects.get(user=users[2]).percent_grade == 0.5


def _lms_row(user, status: str, **kw) -> LmsCertificateRow:
    values = {"mode": "verified", "grade": 0.9, "name": user.username, "verify_uuid": uuid.uuid4().hex, "created": None}
    return LmsCertificateRow(user.pk, status, **{**values, **kw})


def test_seeding_keeps_the_lms_certificates_their_verify_ids_and_invalidations(course, settings):
    settings.CERT_MANAGER_BATCH_SIZE = 2
    valid, revoked, odd, ours = (UserFactory() for _ in range(4))
    mine = CertificateFactory(user=ours, status="notpassing")
    rows = [
        _lms_row(valid, "downloadable"),
        _lms_row(revoked, "downloadable", invalidated=True, invalidation_notes="cheated"),
        _lms_row(odd, "restricted"),
        _lms_row(ours, "downloadable"),
    ]

    counts = backfill.seed_from_lms(COURSE_KEY, certificates=rows, allowlist=[LmsAllowlistRow(odd.pk, "jury")])

    assert counts == {"certificates": 2, "exceptions": 1, "invalidations": 1, "skipped_statuses": {"restricted": 1}}
    cert = Certificate.objects.get(user=valid)
    assert (cert.status, cert.verify_uuid.hex, cert.source) == ("downloadable", rows[0].verify_uuid, "backfill")
    assert CertificateInvalidation.objects.get().certificate.user == revoked
    assert CertificateException.objects.get().user == odd
    mine.refresh_from_db()
    assert mine.status == "notpassing", "learners who have ours are left alone"
    again = backfill.seed_from_lms(COURSE_KEY, certificates=rows, allowlist=[LmsAllowlistRow(odd.pk, "jury")])
    assert (again["certificates"], again["exceptions"], again["invalidations"]) == (0, 0, 0)
