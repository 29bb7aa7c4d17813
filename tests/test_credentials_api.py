"""What the plugin's API gets of credentials: plain data, the verify page's one-word answer, retirement."""

from __future__ import annotations

import copy

import pytest

from cert_manager_plugin.credentials import api
from cert_manager_plugin.credentials.models import CredentialVersion
from tests.credentials_support import certificate_of, learner_at, vc_settings  # noqa: F401
from tests.factories import COURSE_KEY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vc_settings", "course")]


def test_plain_data_for_the_lead():
    assert api.issuer_profile_data()["type"] == ["Profile"]
    assert api.valid_for_days(COURSE_KEY) is None
    api.set_valid_for_days(COURSE_KEY, 365)
    assert api.valid_for_days(COURSE_KEY) == 365
    api.set_valid_for_days(COURSE_KEY, None)
    assert api.valid_for_days(COURSE_KEY) is None
    record = learner_at(0.8)
    issued = api.credential_for(certificate_of(record).pk)
    assert issued["proof"]["verificationMethod"] in api.issuer_did_document()["assertionMethod"]


def test_a_tampered_or_foreign_credential_is_invalid():
    cert = certificate_of(learner_at(0.8))
    issued = api.credential_for(cert.pk)
    tampered = copy.deepcopy(issued)
    tampered["credentialSubject"]["result"][0]["value"] = "100"
    assert api.check_credential(tampered) == {
        "state": "invalid",
        "signature": False,
        "revision": None,
        "certificate_id": None,
    }
    answer = api.check_credential(issued)
    assert answer["state"] == "valid" and answer["signature"] is True
    assert (answer["certificate_id"], answer["revision"]) == (cert.pk, cert.revision)


def test_retiring_a_learner_empties_the_kept_credentials():
    record = learner_at(0.8)
    api.credential_for(certificate_of(record).pk)
    assert api.retire_learner(record.user_id) == 1
    assert CredentialVersion.objects.get().signed == ""
    assert api.credential_for(certificate_of(record).pk)["type"][1] == "OpenBadgeCredential", "signed again on ask"
