"""The OpenBadgeCredential of a certificate revision: its fields, no plain email, the per-revision cache."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cert_manager_plugin.credentials import credential, keys
from cert_manager_plugin.credentials.contexts import OB_EXTENSIONS, OB_V3P0, VC_V2
from cert_manager_plugin.models import CourseCertificateSettings
from tests.credentials_support import certificate_of, learner_at, regrade, vc_settings, verdict  # noqa: F401
from tests.factories import COURSE_KEY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vc_settings", "course")]


def test_an_open_badge_credential_with_every_required_field():
    record = learner_at(0.875, email="Frodo@Example.com")
    cert = certificate_of(record)
    issued = credential.issue_credential(cert.pk)
    assert issued["@context"] == [VC_V2, OB_V3P0, OB_EXTENSIONS]
    assert issued["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert issued["id"] == credential.credential_id(cert.verify_uuid, cert.revision)
    assert issued["issuer"]["id"] == keys.issuer_did() and issued["issuer"]["url"] == "https://lms.example.com/"
    assert issued["credentialSchema"][0]["type"] == "1EdTechJsonSchemaValidator2019"
    subject = issued["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"] and subject["result"][0]["value"] == "87.5"
    identity = subject["identifier"][0]
    assert identity["hashed"] is True and identity["identityType"] == "emailAddress"
    assert identity["identityHash"] == credential.identity_hash("frodo@example.com", identity["salt"])
    assert "frodo@example.com" not in json.dumps(issued).lower(), "never the plain email"
    assert "validUntil" not in issued
    assert verdict(issued).state == "valid" and verdict(issued).missing == []


def test_the_achievement_is_the_same_for_every_learner_and_revision():
    first = learner_at(0.8, email="a@example.com")
    second = learner_at(0.9, email="b@example.com")
    a = credential.issue_credential(certificate_of(first).pk)["credentialSubject"]["achievement"]
    b = credential.issue_credential(certificate_of(second).pk)["credentialSubject"]["achievement"]
    c = credential.issue_credential(regrade(first, 0.95, True).pk)["credentialSubject"]["achievement"]
    assert a == b == c and a["id"] == credential.achievement_id(COURSE_KEY)
    assert {"name", "description", "criteria"} <= set(a)


def test_no_result_when_the_course_does_not_print_grades(settings):
    CourseCertificateSettings.objects.create(course_key=COURSE_KEY, print_grade=False)
    settings.CERT_MANAGER_VC_ISSUER_IMAGE = "https://lms.example.com/logo.png"
    issued = credential.issue_credential(certificate_of(learner_at(0.8)).pk)
    assert "result" not in issued["credentialSubject"]
    assert issued["issuer"]["image"]["id"] == "https://lms.example.com/logo.png"
    assert verdict(issued).state == "valid"


def test_a_certificate_that_is_not_valid_has_no_credential():
    record = learner_at(0.3, passed=False)
    with pytest.raises(credential.NotIssuable):
        credential.issue_credential(certificate_of(record).pk)


def test_a_revision_is_signed_once_then_served_from_its_copy(monkeypatch):
    cert = certificate_of(learner_at(0.8))
    first = credential.issue_credential(cert.pk)
    assert credential.cached_credential(cert.pk, cert.revision) == first
    assert credential.cached_credential(cert.pk, cert.revision + 1) is None
    monkeypatch.setattr(credential, "sign", lambda *a, **k: pytest.fail("signed twice"))
    with CaptureQueriesContext(connection) as ctx:
        assert credential.issue_credential(cert.pk) == first
    assert len(ctx.captured_queries) == 1, "the kept copy of the current revision: one query, no lock"
    assert credential.grade_text(0.5) == "50" and credential.grade_text(0.12345) == "12.35"
