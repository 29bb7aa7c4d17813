"""The credentials' tables: names, uniqueness of indices within a course."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from cert_manager_plugin.credentials.models import (
    CourseCredentialSettings,
    CredentialSlot,
    CredentialVersion,
    IssuerKey,
    StatusList,
)
from tests.factories import COURSE_KEY, CertificateFactory

pytestmark = pytest.mark.django_db


def test_each_row_says_what_it_is():
    cert = CertificateFactory()
    slot = CredentialSlot.objects.create(certificate=cert, course_key=COURSE_KEY, suspension_index=7, salt="s")
    version = CredentialVersion.objects.create(slot=slot, course_key=COURSE_KEY, revision=1, revocation_index=9)
    assert str(slot) == f"{COURSE_KEY} #7" and str(version) == f"{COURSE_KEY} r1 #9"
    assert str(IssuerKey(fragment="z6Mk")) == "z6Mk"
    assert str(CourseCredentialSettings(course_key=COURSE_KEY)) == str(COURSE_KEY)
    assert str(StatusList(course_key=COURSE_KEY, purpose="revocation")) == f"{COURSE_KEY} revocation"


def test_an_index_is_used_once_per_course_and_list():
    cert, other = CertificateFactory(), CertificateFactory()
    slot = CredentialSlot.objects.create(certificate=cert, course_key=COURSE_KEY, suspension_index=7, salt="s")
    CredentialVersion.objects.create(slot=slot, course_key=COURSE_KEY, revision=1, revocation_index=9)
    with pytest.raises(IntegrityError), transaction.atomic():
        CredentialSlot.objects.create(certificate=other, course_key=COURSE_KEY, suspension_index=7, salt="t")
    with pytest.raises(IntegrityError), transaction.atomic():
        CredentialVersion.objects.create(slot=slot, course_key=COURSE_KEY, revision=2, revocation_index=9)
