"""The course team's lists as frozen rows: pages, streams and single rows, with constant queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cert_manager_plugin import listings
from cert_manager_plugin.courses import parse_course_key
from cert_manager_plugin.models import CertificateException, CertificateRevision
from tests.factories import (
    COURSE_KEY,
    CertificateExceptionFactory,
    CertificateFactory,
    CertificateInvalidationFactory,
    CourseRoleFactory,
    UserFactory,
)

OTHER = parse_course_key("course-v1:Other+X+1")

pytestmark = pytest.mark.django_db


def test_a_certificate_page_counts_once_and_reads_once():
    for n in range(5):
        CertificateFactory(user=UserFactory(username=f"learner{n}"), name=f"Learner {n}", grade=0.5 + n / 10)
    rows = listings.certificate_list(COURSE_KEY, ordering="-username")
    with CaptureQueriesContext(connection) as queries:
        assert len(rows) == 5 and rows.count() == 5
        page = rows[1:3]
    assert len(queries) == 3, "two COUNTs and one SELECT"
    assert [r.username for r in page] == ["learner3", "learner2"]
    assert page[0].name == "Learner 3" and page[0].course_id == COURSE_KEY and page[0].grade == pytest.approx(0.8)


def test_a_stream_reads_every_row_in_order():
    for n in range(3):
        CertificateFactory(user=UserFactory(username=f"s{n}"))
    assert [r.username for r in listings.certificate_list(COURSE_KEY)] == ["s0", "s1", "s2"]


def test_rows_are_read_a_page_at_a_time():
    with pytest.raises(TypeError):
        listings.certificate_list(COURSE_KEY)[0]


def test_one_certificate_record():
    cert = CertificateFactory(user=UserFactory(username="bilbo", email="bilbo@shire.org"))
    row = listings.certificate_record(COURSE_KEY, cert.user_id)
    assert (row.username, row.email, row.verify_uuid, row.revision) == ("bilbo", "bilbo@shire.org", cert.verify_uuid, 1)
    assert listings.certificate_record(COURSE_KEY, UserFactory().pk) is None
    assert listings.certificate_row(cert) == row, "a certificate read by an operation, as the same row"


def test_exception_rows_carry_the_learners_names_one_lookup_per_page():
    boss = UserFactory(username="elrond")
    named = CertificateExceptionFactory(user=UserFactory(username="arwen", first_name="Arwen", last_name="Undómiel"))
    bare = CertificateExceptionFactory(user=UserFactory(username="gimli", first_name="", last_name=""), granted_by=boss)
    rows = listings.exception_list(COURSE_KEY)
    with CaptureQueriesContext(connection) as queries:
        page = rows[0:10]
    assert len(queries) == 2, "one SELECT and one names lookup"
    by_id = {row.id: row for row in page}
    assert by_id[named.pk].name == "Arwen Undómiel" and by_id[named.pk].granted_by is None
    assert by_id[bare.pk].name == "gimli" and by_id[bare.pk].granted_by == "elrond"
    assert rows.get(bare.pk).username == "gimli"
    with pytest.raises(CertificateException.DoesNotExist):
        rows.get(bare.pk + 1000)


def test_invalidation_rows_name_the_people_by_username():
    boss = UserFactory(username="elrond")
    lifted = CertificateInvalidationFactory(
        certificate=CertificateFactory(user=UserFactory(username="boromir"), name="Boromir"),
        active=False,
        invalidated_by=boss,
        revalidated_by=boss,
    )
    CertificateInvalidationFactory()
    assert len(listings.invalidation_list(COURSE_KEY)) == 1
    (row,) = listings.invalidation_list(COURSE_KEY, active=False)[0:5]
    assert (row.id, row.username, row.name, row.active) == (lifted.pk, "boromir", "Boromir", False)
    assert (row.invalidated_by, row.revalidated_by) == ("elrond", "elrond")


def test_revision_rows_are_one_learners_in_one_course_newest_first():
    cert = CertificateFactory()
    elsewhere = CertificateFactory(user=cert.user, course_key=OTHER)
    now = timezone.now()
    for owner, number in ((cert, 1), (cert, 2), (elsewhere, 1)):
        CertificateRevision.objects.create(
            certificate=owner,
            revision=number,
            status="notpassing",
            grade=number / 10,
            source="job",
            valid_from=now,
            superseded_at=now,
            superseded_by_source="job",
        )
    rows = listings.revision_list(COURSE_KEY, cert.user_id)
    assert [(r.revision, r.grade) for r in rows[0:10]] == [(2, 0.2), (1, 0.1)]
    assert len(listings.revision_list(COURSE_KEY, UserFactory().pk)) == 0


def test_course_role_rows_name_the_user():
    CourseRoleFactory(user=UserFactory(username="elrond"), role="staff")
    CourseRoleFactory(user=UserFactory(username="galadriel"), course_key=OTHER)
    assert [(r.course_key, r.role, r.username) for r in listings.course_role_list(COURSE_KEY)] == [
        (COURSE_KEY, "staff", "elrond")
    ]
    assert len(list(listings.course_role_list())) == 2
