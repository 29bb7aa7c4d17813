"""User retirement (``api.retire_user``): one learner's PII scrubbed, everything else kept, in constant queries."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader
from rest_framework.test import APIClient

from cert_manager_plugin import api
from cert_manager_plugin.models import (
    Certificate,
    CertificateException,
    CertificateInvalidation,
    CertificateRevision,
    GenerationJob,
)
from tests.factories import (
    COURSE_KEY,
    CertificateExceptionFactory,
    CertificateFactory,
    CertificateInvalidationFactory,
    GenerationJobFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PII = ("Bilbo", "Baggins", "bilbo", "bilbo@example.com")


def revision(cert, number: int, name: str) -> CertificateRevision:
    now = timezone.now()
    return CertificateRevision.objects.create(
        certificate=cert,
        revision=number,
        status="downloadable",  # earlier valid states: the public verify page lists these (and only these)
        mode=cert.mode,
        grade=0.8,
        name=name,
        issued_date=now - timedelta(days=number + 1),
        source="grade_event",
        valid_from=now - timedelta(days=number + 1),
        superseded_at=now - timedelta(days=number),
        superseded_by_source="grade_event",
    )


def learner_with_history(user, course_key=COURSE_KEY, revisions: int = 2):
    """A certificate with superseded states, an exception and a lifted invalidation, all naming ``user``."""
    cert = CertificateFactory(user=user, course_key=course_key, name=f"{user.first_name} {user.last_name}")
    for number in range(1, revisions + 1):
        revision(cert, number, f"{user.first_name} {user.last_name} (was)")
    CertificateExceptionFactory(user=user, course_key=course_key, notes=f"{user.username} asked by mail")
    CertificateInvalidationFactory(certificate=cert, notes=f"{user.first_name} copied", active=False)
    return cert


@pytest.fixture
def other(db):
    return UserFactory(username="sam", first_name="Samwise", last_name="Gamgee", email="sam@example.com")


NOTHING = {
    "certificates": 0,
    "revisions": 0,
    "exceptions": 0,
    "invalidations": 0,
    "credentials": 0,
    "lms_history": 0,
    "export_files": 0,
}


def test_retire_scrubs_one_learner_and_keeps_the_rest(course, learner, other):
    cert = learner_with_history(learner)
    before = Certificate.objects.values("verify_uuid", "status", "mode", "grade", "issued_date", "revision").get(
        pk=cert.pk
    )
    kept = learner_with_history(other)

    counts = api.retire_user(learner.pk)

    assert counts == {
        "certificates": 1,
        "revisions": 2,
        "exceptions": 1,
        "invalidations": 1,
        "credentials": 0,
        "lms_history": 0,
        "export_files": 0,
    }
    cert.refresh_from_db()
    assert cert.name == ""
    assert {
        k: getattr(cert, k) for k in ("verify_uuid", "status", "mode", "grade", "issued_date", "revision")
    } == before
    assert cert.user_id == learner.pk  # the foreign key stays: the LMS keeps the (retired) user row
    assert set(CertificateRevision.objects.filter(certificate=cert).values_list("name", flat=True)) == {""}
    assert CertificateRevision.objects.filter(certificate=cert).count() == 2
    assert CertificateException.objects.get(user=learner).notes == ""
    assert CertificateInvalidation.objects.get(certificate=cert).notes == ""

    kept.refresh_from_db()
    assert kept.name == "Samwise Gamgee"
    assert set(CertificateRevision.objects.filter(certificate=kept).values_list("name", flat=True)) == {
        "Samwise Gamgee (was)"
    }
    assert CertificateException.objects.get(user=other).notes == "sam asked by mail"
    assert CertificateInvalidation.objects.get(certificate=kept).notes == "Samwise copied"


def test_retire_is_idempotent(course, learner):
    cert = learner_with_history(learner)
    api.retire_user(learner.pk)
    assert api.retire_user(learner.pk) == NOTHING
    cert.refresh_from_db()
    assert cert.name == ""


def test_retire_a_user_without_rows(learner):
    assert api.retire_user(learner.pk) == NOTHING


def test_retire_leaves_jobs_alone(course, learner):
    """Jobs never name a learner (statuses, scope, counts, file names): nothing there changes."""
    job = GenerationJobFactory(requested_by=learner, params={"statuses": ["downloadable"]}, result={"changed": 1})
    learner_with_history(learner)
    api.retire_user(learner.pk)
    assert GenerationJob.objects.filter(
        pk=job.pk, requested_by=learner, params={"statuses": ["downloadable"]}, result={"changed": 1}
    ).exists()


def test_query_count_does_not_grow_with_the_learners_rows(learner, other):
    learner_with_history(other, revisions=1)
    with CaptureQueriesContext(connection) as few:
        api.retire_user(other.pk)
    for n in range(6):
        learner_with_history(learner, course_key=f"course-v1:TestX+R{n}+2026", revisions=4)
    with CaptureQueriesContext(connection) as many:
        counts = api.retire_user(learner.pk)
    assert counts == {**NOTHING, "certificates": 6, "revisions": 24, "exceptions": 6, "invalidations": 6}
    assert len(many) == len(few), [q["sql"] for q in many]
    # five UPDATEs (the fifth: the kept credentials), then reads only: the export jobs of the learner's courses
    # (inside the LMS also its history flag)
    statements = [q["sql"].split()[0] for q in many if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert statements[:5] == ["UPDATE"] * 5 and set(statements[5:]) == {"SELECT"}


def test_retirement_deletes_the_export_files_that_print_the_learner(course, learner, other, tmp_path, settings):
    """An export (one PDF of every certificate) made before retirement names them: it is deleted, the job says so."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    learner_with_history(learner)
    (tmp_path / "export.pdf").write_bytes(b"%PDF Bilbo Baggins")
    (tmp_path / "elsewhere.pdf").write_bytes(b"%PDF someone else")
    made = GenerationJobFactory(
        kind="export", state="succeeded", result={"file": "export.pdf", "storage": "default", "count": 1}
    )
    elsewhere = GenerationJobFactory(
        course_key="course-v1:Other+X+2026",
        kind="export",
        state="succeeded",
        result={"file": "elsewhere.pdf", "storage": "default", "count": 1},
    )

    assert api.retire_user(learner.pk)["export_files"] == 1

    assert not (tmp_path / "export.pdf").exists() and (tmp_path / "elsewhere.pdf").exists()
    made.refresh_from_db()
    assert (made.result["file"], made.result["removed"]) == ("", "retirement")
    elsewhere.refresh_from_db()
    assert elsewhere.result["file"] == "elsewhere.pdf"
    assert api.retire_user(learner.pk)["export_files"] == 0


def test_verify_web_certificate_and_pdf_then_show_no_name(course, learner):
    cert = learner_with_history(learner)
    client = APIClient()
    verify = f"/api/cert_manager/v1/verify/{cert.verify_uuid}"
    assert client.get(verify).json()["learner_name"] == "Bilbo Baggins"

    api.retire_user(learner.pk)

    body = client.get(verify)
    assert body.status_code == 200
    data = body.json()
    assert (data["learner_name"], data["valid"], data["status"]) == ("", True, "downloadable")
    assert len(data["revisions"]) == 2
    page = client.get(f"/cert_manager/certificates/{cert.verify_uuid}/")
    assert page.status_code == 200
    pdf = client.get(f"/cert_manager/certificates/{cert.verify_uuid}.pdf")
    assert pdf.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    for shown in (body.content.decode(), page.content.decode(), text):
        assert not [word for word in PII if word in shown], shown


def test_retirement_empties_the_learners_kept_credentials(course, settings):
    """A kept credential holds a salted hash of the learner's email: retirement empties it, and only theirs."""
    from cert_manager_plugin.credentials.models import CredentialVersion
    from tests.credentials_support import certificate_of, learner_at

    settings.CERT_MANAGER_VC_DEMO_KEY = True
    retired = learner_at(0.8, email="bilbo@example.com")
    kept = learner_at(0.9, email="sam@example.com")
    for record in (retired, kept):
        api.credential_for(certificate_of(record).pk)
    email_hash = api.credential_for(certificate_of(retired).pk)["credentialSubject"]["identifier"][0]["identityHash"]

    counts = api.retire_user(retired.user_id)

    assert counts["credentials"] == 1
    assert CredentialVersion.objects.get(slot__certificate__user_id=retired.user_id).signed == ""
    assert CredentialVersion.objects.get(slot__certificate__user_id=kept.user_id).signed
    assert not CredentialVersion.objects.filter(signed__contains=email_hash).exists()
    assert api.retire_user(retired.user_id) == NOTHING  # idempotent
