"""Helpers of the credentials tests: settings, moving one learner's grade through the real engine, verifying."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from opaque_keys.edx.keys import CourseKey

from cert_manager_plugin import engine
from cert_manager_plugin.credentials import api, keys, status_list
from cert_manager_plugin.models import Certificate, LearnerRecord
from tests import credentials_verifier
from tests.factories import COURSE_KEY, LearnerRecordFactory, UserFactory

BASE = "https://lms.example.com"


@pytest.fixture
def vc_settings(settings):
    """A demo signing key and an absolute base URL (the issuer's did:web host)."""
    settings.CERT_MANAGER_VC_DEMO_KEY = True
    settings.CERT_MANAGER_BASE_URL = BASE
    keys.forget_loaded_keys()
    return settings


def learner_at(grade: float, passed: bool = True, email: str = "frodo@example.com") -> LearnerRecord:
    """A learner with ``grade`` whose certificate the engine has reconciled."""
    record = LearnerRecordFactory(user=UserFactory(email=email), percent_grade=grade, passed=passed)
    engine.run(COURSE_KEY, [record.user_id], engine.Intent.job())
    return record


def regrade(record: LearnerRecord, grade: float, passed: bool) -> Certificate:
    """Move the learner's grade and run the engine (a job): the certificate as it is afterwards."""
    LearnerRecord.objects.filter(pk=record.pk).update(percent_grade=grade, passed=passed)
    engine.run(COURSE_KEY, [record.user_id], engine.Intent.job())
    return certificate_of(record)


def certificate_of(record: LearnerRecord) -> Certificate:
    """The learner's certificate in the test course."""
    return Certificate.objects.get(user_id=record.user_id, course_key=COURSE_KEY)


def fetch_list(url: str) -> dict[str, Any]:
    """The signed status list a credential's entry names, as a verifier would download it."""
    path = url[len(BASE) :]
    prefix = status_list.STATUS_LIST_PATH.split("{")[0]
    course, purpose = path[len(prefix) :].rsplit("/", 1)
    return api.status_list_credential(CourseKey.from_string(course), purpose)


def verdict(credential: dict[str, Any], *, now: datetime | None = None) -> credentials_verifier.Verdict:
    """The independent verifier's verdict, with the DID document as the issuer publishes it."""
    return credentials_verifier.verify(credential, keys.did_document(), fetch_list, now=now)
