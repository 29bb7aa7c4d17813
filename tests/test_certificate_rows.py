"""The certificate table's set-based writes: one statement each, values prepared as the ORM would."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cert_manager_plugin import certificate_rows
from cert_manager_plugin.models import Certificate, CertificateRevision
from tests.factories import COURSE_KEY, CertificateFactory, UserFactory

pytestmark = pytest.mark.django_db


def _row(user_id: int, pk: int | None = None, **values) -> certificate_rows.WrittenCertificate:
    now = timezone.now()
    verify = uuid.uuid4() if pk is None else None
    row = certificate_rows.WrittenCertificate(pk, user_id, COURSE_KEY, verify, now if pk is None else None, 1, now)
    row.status, row.mode, row.grade, row.name, row.source, row.modified = (
        "downloadable",
        "verified",
        0.9,
        "N",
        "job",
        now,
    )
    for key, value in values.items():
        setattr(row, key, value)
    return row


def test_inserted_certificates_keep_the_verify_id_and_course_the_batch_chose(course):
    """``insert_certificates`` prepares the verify id as ``UUIDField`` would (native UUID, else 32 hex), once a row."""
    user = UserFactory()
    row = _row(user.pk)
    certificate_rows.insert_certificates([row])
    stored = Certificate.objects.get(user=user)
    assert (stored.verify_uuid, stored.course_key, stored.status) == (row.verify_uuid, COURSE_KEY, "downloadable")
    assert Certificate.objects.filter(verify_uuid=row.verify_uuid.hex).exists()
    assert certificate_rows.verify_ids(COURSE_KEY, [user.pk]) == {user.pk: row.verify_uuid.hex}
    assert certificate_rows.verify_ids(COURSE_KEY, []) == {}


def test_a_revision_copies_the_superseded_state_then_the_update_writes_the_new_one(course):
    certs = [CertificateFactory(status="downloadable", grade=0.8, revision=1) for _ in range(3)]
    pks = [c.pk for c in certs]
    now = timezone.now()
    with CaptureQueriesContext(connection) as queries:
        certificate_rows.insert_revisions(pks, superseded_at=now, source="event", actor_id=None)
        certificate_rows.update_certificates(
            [_row(c.user_id, c.pk, status="notpassing", grade=0.4, revision=2, issued_date=None) for c in certs]
        )
    assert len(queries) <= 2, "one statement each, whatever the batch's size"
    revisions = CertificateRevision.objects.filter(certificate_id__in=pks)
    assert sorted(revisions.values_list("revision", "status", "grade")) == [(1, "downloadable", 0.8)] * 3
    stored = Certificate.objects.filter(pk__in=pks)
    assert set(stored.values_list("status", "grade", "revision")) == {("notpassing", 0.4, 2)}
    assert all(c.issued_date is not None for c in stored), "an update without an issue date keeps the stored one"
