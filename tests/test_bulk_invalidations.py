"""Bulk invalidation by CSV: the exception import's file rules, each per-row outcome, one transaction."""

from __future__ import annotations

import pytest

from cert_manager_plugin import api, bulk_invalidations
from cert_manager_plugin.bulk_exceptions import CsvEmpty, CsvEncodingError
from cert_manager_plugin.bulk_invalidations import InvalidationRowKind, import_invalidations
from cert_manager_plugin.errors import InvalidInput
from cert_manager_plugin.models import Certificate, CertificateInvalidation
from tests.factories import COURSE_KEY, CertificateFactory, LearnerRecordFactory, UserFactory
from tests.rest_api_support import world  # noqa: F401

pytestmark = pytest.mark.django_db


def active() -> set[str]:
    """The usernames whose certificate has an active invalidation (read from the database)."""
    rows = CertificateInvalidation.objects.filter(certificate__course_key=COURSE_KEY, active=True)
    return set(rows.values_list("certificate__user__username", flat=True))


FILE = (
    b"username_or_email,notes\n"
    b"bilbo,copied the exam\n"  # 2 invalidated
    b"nobody,x\n"  # 3 no such user
    b"frodo,x\n"  # 4 no certificate
    b"merry,x\n"  # 5 on the exception list
    b"gollum,x\n"  # 6 already invalidated
    b"BILBO@example.com,again\n"  # 7 the same learner twice in the file
    b"x,y,z\n"  # 8 bad format
)


def test_every_outcome_is_reported_and_only_the_valid_row_is_applied(world):  # noqa: F811
    CertificateFactory(user=world.allowlisted)  # on the exception list, with a certificate
    before = CertificateInvalidation.objects.count()
    result = import_invalidations(COURSE_KEY, FILE, invalidated_by=world.instructor)
    assert [(a["line"], a["username"]) for a in result.added] == [(2, "bilbo")]
    assert [(e.line, e.kind) for e in result.errors] == [
        (3, "user_not_found"),
        (4, "certificate_not_found"),
        (5, "allowlisted"),
        (6, "already_invalidated"),
        (7, "duplicate"),
        (8, "bad_format"),
    ]
    assert "line 2" in result.errors[4].message
    summary = result.as_dict()["summary"]
    assert (summary["rows"], summary["added"], summary["failed"]) == (7, 1, 6)
    assert summary["errors_by_kind"] == {kind: 1 for kind in InvalidationRowKind.ALL}
    # Counts against the database: one new invalidation, the certificate revoked as a single invalidation does.
    assert CertificateInvalidation.objects.count() - before == summary["added"]
    assert active() == {"bilbo", "gollum"}
    entry = CertificateInvalidation.objects.get(certificate__user=world.learner)
    assert (entry.notes, entry.invalidated_by, entry.active) == ("copied the exam", world.instructor, True)
    assert Certificate.objects.get(user=world.learner, course_key=COURSE_KEY).status == "unavailable"


def test_a_second_submit_of_the_same_file_changes_nothing(world):  # noqa: F811
    import_invalidations(COURSE_KEY, b"bilbo,x\n", invalidated_by=world.instructor)
    count = CertificateInvalidation.objects.count()
    again = import_invalidations(COURSE_KEY, b"bilbo,x\n", invalidated_by=world.instructor)
    assert again.added == []
    assert [e.kind for e in again.errors] == ["already_invalidated"]
    assert CertificateInvalidation.objects.count() == count


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ("bilbo,x\n".encode("utf-16"), CsvEncodingError),
        (b"username_or_email,notes\n\n", CsvEmpty),
        (b'bilbo,"unclosed\n', InvalidInput),
    ],
)
def test_a_broken_file_changes_nothing(world, data, error):  # noqa: F811
    before = (CertificateInvalidation.objects.count(), active())
    with pytest.raises(error):
        import_invalidations(COURSE_KEY, data, invalidated_by=world.instructor)
    assert (CertificateInvalidation.objects.count(), active()) == before


def test_a_crash_half_way_applies_nothing(world, monkeypatch):  # noqa: F811
    def boom(*args, **kwargs):
        raise RuntimeError("reconcile failed")

    monkeypatch.setattr(bulk_invalidations.engine, "reconcile_batch", boom)
    with pytest.raises(RuntimeError):
        import_invalidations(COURSE_KEY, b"bilbo,x\n", invalidated_by=world.instructor)
    assert active() == {"gollum"}
    assert Certificate.objects.get(user=world.learner, course_key=COURSE_KEY).status == "downloadable"


def test_without_revealing_accounts_an_outsider_is_no_learner(world):  # noqa: F811
    outsider = UserFactory(username="outsider")
    CertificateFactory(user=outsider, course_key="course-v1:Other+X+1")
    result = import_invalidations(COURSE_KEY, b"outsider,x\nnobody,x\n", reveal_accounts=False)
    assert [(e.kind, e.message) for e in result.errors] == [
        ("user_not_found", "No learner 'outsider' in this course."),
        ("user_not_found", "No learner 'nobody' in this course."),
    ]


def test_bulk_agrees_with_the_single_invalidation(world):  # noqa: F811
    sam = UserFactory(username="sam")
    LearnerRecordFactory(user=sam)
    CertificateFactory(user=sam)
    api.invalidate_certificate(COURSE_KEY, "sam", notes="single", invalidated_by=world.instructor)
    import_invalidations(COURSE_KEY, b"bilbo,bulk\n", invalidated_by=world.instructor)
    single = Certificate.objects.get(user=sam, course_key=COURSE_KEY)
    bulk = Certificate.objects.get(user=world.learner, course_key=COURSE_KEY)
    assert (bulk.status, bulk.source) == (single.status, single.source)
