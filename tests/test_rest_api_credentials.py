"""
REST API v1's verifiable credentials (issue 16): a certificate's credential (course team, the learner's own), the
course's credential expiry, and the public documents at the URLs the credentials name — checked end to end by the
independent verifier (``tests/credentials_verifier``), which fetches the DID document and the status lists over HTTP.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from cert_manager_plugin import api
from cert_manager_plugin.credentials import credential, keys, status_list
from cert_manager_plugin.models import Certificate, LearnerRecord
from tests import credentials_verifier
from tests.credentials_support import BASE, vc_settings  # noqa: F401
from tests.factories import COURSE_ID, COURSE_KEY
from tests.rest_api_support import PREFIX, client_for, course_url, world  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vc_settings")]


def path_of(url: str) -> str:
    """The path of one of the credentials' absolute URLs (the test client speaks paths)."""
    assert url.startswith(BASE + "/"), url
    return urlsplit(url).path


def fetch(url: str) -> dict:
    """What a verifier downloads at a URL a credential names (anonymous, no session)."""
    response = client_for(None).get(path_of(url))
    assert response.status_code == 200, (url, response.content)
    return response.json()


def independent_state(document: dict) -> str:
    """The independent verifier's state, everything fetched over HTTP."""
    did_url = keys.did_document_url(document["issuer"]["id"])
    did = client_for(None).get(urlsplit(did_url).path).json()
    return credentials_verifier.verify(document, did, fetch).state


def test_the_public_urls_are_the_ids_the_credentials_carry(world):  # noqa: F811
    assert keys.did_document_url(keys.issuer_did()) == f"https://{urlsplit(BASE).netloc}/cert_manager/issuer/did.json"
    assert reverse("cert_manager:credential-issuer-did") == "/cert_manager/issuer/did.json"
    assert reverse(
        "cert_manager:credential-status-list", kwargs={"course_id": COURSE_ID, "purpose": "revocation"}
    ) == status_list.STATUS_LIST_PATH.format(course_key=COURSE_ID, purpose="revocation")
    assert reverse(
        "cert_manager:credential-achievement", kwargs={"course_id": COURSE_ID}
    ) == credential.ACHIEVEMENT_PATH.format(course_key=COURSE_ID)


def test_the_course_team_gets_a_learners_credential_that_verifies_independently(world):  # noqa: F811
    response = client_for(world.course_staff).get(course_url("certificates/bilbo/credential"))
    assert response.status_code == 200, response.content
    document = response.json()
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert "bilbo@example.com" not in response.content.decode()
    assert independent_state(document) == "valid"
    assert api.check_credential(document)["state"] == "valid"
    again = client_for(world.instructor).get(course_url("certificates/bilbo/credential")).json()
    assert again == document, "kept per revision: the same signed copy"


def test_the_learner_gets_their_own_credential_and_nobody_elses(world):  # noqa: F811
    mine = client_for(world.learner).get(course_url("me/certificate/credential"))
    assert mine.status_code == 200
    assert mine.json()["credentialSubject"]["achievement"]["name"]
    assert client_for(world.learner).get(course_url("certificates/bilbo/credential")).status_code == 404
    assert client_for(world.other_learner).get(course_url("certificates/bilbo/credential")).status_code == 404
    none = client_for(world.other_learner).get(course_url("me/certificate/credential"))
    assert (none.status_code, none.json()["code"]) == (404, "certificate_not_found")
    assert client_for(world.learner).post(course_url("me/certificate/credential")).status_code == 405


def test_a_certificate_that_is_not_valid_has_no_credential(world):  # noqa: F811
    response = client_for(world.instructor).get(course_url("certificates/gollum/credential"))
    assert (response.status_code, response.json()["code"]) == (409, "credential_not_issuable")
    own = client_for(world.invalidated).get(course_url("me/certificate/credential"))
    assert (own.status_code, own.json()["code"]) == (409, "credential_not_issuable")
    nobody = client_for(world.instructor).get(course_url("certificates/nobody/credential"))
    assert (nobody.status_code, nobody.json()["code"]) == (404, "user_not_found")
    missing = client_for(world.instructor).get(course_url("certificates/frodo/credential"))
    assert (missing.status_code, missing.json()["code"]) == (404, "certificate_not_found")


def test_without_a_signing_key_the_answer_is_a_clear_503(world, settings):  # noqa: F811
    settings.CERT_MANAGER_VC_DEMO_KEY = False
    response = client_for(world.learner).get(course_url("me/certificate/credential"))
    assert (response.status_code, response.json()["code"]) == (503, "credentials_not_configured")


def test_the_status_lists_are_public_signed_and_cached(world):  # noqa: F811
    document = client_for(world.learner).get(course_url("me/certificate/credential")).json()
    for entry in document["credentialStatus"]:
        path = path_of(entry["statusListCredential"])
        response = client_for(None).get(path)
        assert response.status_code == 200
        body = response.json()
        assert body["id"] == entry["statusListCredential"]
        assert body["credentialSubject"]["statusPurpose"] == entry["statusPurpose"]
        assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]
        assert response["ETag"]
        assert client_for(None).get(path, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
        purpose = entry["statusPurpose"]
        rest = client_for(None).get(f"{PREFIX}/credentials/status/{COURSE_ID}/{purpose}")
        assert rest.status_code == 200 and rest.json() == body


def test_a_status_list_changes_its_etag_when_a_bit_flips(world):  # noqa: F811
    document = client_for(world.learner).get(course_url("me/certificate/credential")).json()
    (entry,) = [e for e in document["credentialStatus"] if e["statusPurpose"] == "suspension"]
    before = client_for(None).get(path_of(entry["statusListCredential"]))
    from cert_manager_plugin import engine

    LearnerRecord.objects.filter(user=world.learner).update(percent_grade=0.1, passed=False)
    engine.run(COURSE_KEY, [world.learner.pk], engine.Intent.job())
    assert Certificate.objects.get(user=world.learner).status != "downloadable"
    after = client_for(None).get(path_of(entry["statusListCredential"]), HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert independent_state(document) == "suspended"
    assert api.check_credential(document)["state"] == "suspended"


def test_status_list_errors(world):  # noqa: F811
    client = client_for(None)
    assert client.get(f"{PREFIX}/credentials/status/{COURSE_ID}/revocation").status_code == 404  # none issued yet
    assert client.get(f"/cert_manager/credentials/status/{COURSE_ID}/revocation").status_code == 404
    bad = client.get(f"{PREFIX}/credentials/status/not-a-course/revocation")
    assert (bad.status_code, bad.json()["code"]) == (404, "not_found")  # a public lookup: no document there
    client_for(world.learner).get(course_url("me/certificate/credential"))
    assert client.get(f"{PREFIX}/credentials/status/{COURSE_ID}/revocation").status_code == 200
    other = client.get(f"{PREFIX}/credentials/status/{COURSE_ID}/refresh")
    assert (other.status_code, other.json()["code"]) == (404, "not_found")


def test_the_issuer_did_document_and_profile_are_public(world):  # noqa: F811
    document = client_for(world.learner).get(course_url("me/certificate/credential")).json()
    did = client_for(None).get("/cert_manager/issuer/did.json")
    assert did.status_code == 200 and "public" in did["Cache-Control"]
    assert did.json()["id"] == document["issuer"]["id"]
    assert document["proof"]["verificationMethod"] in did.json()["assertionMethod"]
    assert client_for(None).get(f"{PREFIX}/credentials/issuer/did.json").json() == did.json()
    profile = client_for(None).get(f"{PREFIX}/credentials/issuer")
    assert profile.status_code == 200 and profile.json() == document["issuer"]


def test_the_did_document_publishes_the_operators_key_before_the_first_credential(world, settings, tmp_path):  # noqa: F811
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = tmp_path / "issuer.pem"
    path.write_text(keys.private_key_pem(Ed25519PrivateKey.generate()))
    settings.CERT_MANAGER_VC_KEY_FILE, settings.CERT_MANAGER_VC_DEMO_KEY = str(path), False
    keys.forget_loaded_keys()
    did = client_for(None).get("/cert_manager/issuer/did.json").json()
    (method,) = did["verificationMethod"]
    assert did["assertionMethod"] == [method["id"]], "published before anything was signed"
    document = client_for(world.learner).get(course_url("me/certificate/credential")).json()
    assert document["proof"]["verificationMethod"] == method["id"]
    assert credentials_verifier.proof_ok(document, did), "the document fetched first verifies the credential"


def test_the_achievement_id_resolves(world):  # noqa: F811
    document = client_for(world.learner).get(course_url("me/certificate/credential")).json()
    achievement = document["credentialSubject"]["achievement"]
    served = fetch(achievement["id"])
    assert served["id"] == achievement["id"] and served["name"] == achievement["name"]
    unknown = client_for(None).get(f"{PREFIX}/credentials/achievements/course-v1:TestX+Nope+2026")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")


def test_credential_expiry_setting_staff_read_instructors_write(world):  # noqa: F811
    url = course_url("credentials/settings")
    read = client_for(world.course_staff).get(url)
    assert read.status_code == 200 and read.json() == {"course_id": COURSE_ID, "valid_for_days": None}
    denied = client_for(world.course_staff).patch(url, {"valid_for_days": 30}, format="json")
    assert denied.status_code == 403
    bad = client_for(world.instructor).patch(url, {"valid_for_days": 0}, format="json")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_input")
    saved = client_for(world.instructor).patch(url, {"valid_for_days": 30}, format="json")
    assert saved.status_code == 200 and saved.json()["valid_for_days"] == 30
    assert api.credential_valid_for_days(COURSE_KEY) == 30
    document = client_for(world.learner).get(course_url("me/certificate/credential")).json()
    assert document["validUntil"]
    cleared = client_for(world.instructor).patch(url, {"valid_for_days": None}, format="json")
    assert cleared.json()["valid_for_days"] is None
    assert client_for(world.learner).get(url).status_code == 404


def test_regrade_and_invalidation_over_http_as_an_outside_verifier_sees_them(world):  # noqa: F811
    """A regrade supersedes the old copy (a generic verifier: revoked), an invalidation revokes the new one."""
    from cert_manager_plugin import engine

    url = course_url("me/certificate/credential")
    first = client_for(world.learner).get(url).json()
    LearnerRecord.objects.filter(user=world.learner).update(percent_grade=0.97, passed=True)
    engine.run(COURSE_KEY, [world.learner.pk], engine.Intent.job())
    second = client_for(world.learner).get(url).json()
    assert second["id"] != first["id"]
    assert (independent_state(first), api.check_credential(first)["state"]) == ("revoked", "superseded")
    assert (independent_state(second), api.check_credential(second)["state"]) == ("valid", "valid")
    response = client_for(world.instructor).post(course_url("invalidations"), {"user": "bilbo"}, format="json")
    assert response.status_code == 201
    assert (independent_state(second), api.check_credential(second)["state"]) == ("revoked", "revoked")
    gone = client_for(world.learner).get(url)
    assert (gone.status_code, gone.json()["code"]) == (409, "credential_not_issuable")


# --- the panel's credential surfaces: the expiry's errors, each certificate's credential in the list ------------


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        (0, "greater than or equal to 1"),
        (-5, "greater than or equal to 1"),
        (36501, "less than or equal to 36500"),
        ("abc", "valid integer"),
        ("12.5", "valid integer"),
    ],
)
def test_a_bad_expiry_is_refused_with_the_fields_reason_and_changes_nothing(world, typed, reason):  # noqa: F811
    url = course_url("credentials/settings")
    client_for(world.instructor).patch(url, {"valid_for_days": 30}, format="json")
    response = client_for(world.instructor).patch(url, {"valid_for_days": typed}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "invalid_input")
    (said,) = response.json()["field_errors"]["valid_for_days"]
    assert reason in said, said
    assert api.credential_valid_for_days(COURSE_KEY) == 30, "the saved expiry is kept"
    typed_text = client_for(world.instructor).patch(url, {"valid_for_days": "45"}, format="json")
    assert typed_text.json()["valid_for_days"] == 45, "the panel sends what was typed; digits are a number"


def listed_states(user) -> dict[str, str | None]:
    response = client_for(user).get(course_url("certificates") + "?page_size=100")
    assert response.status_code == 200, response.content
    return {row["username"]: row["credential_status"] for row in response.json()["results"]}


def test_the_certificate_list_says_what_each_credential_is_now(world):  # noqa: F811
    from datetime import timedelta

    from django.utils import timezone

    from cert_manager_plugin import engine

    assert listed_states(world.course_staff) == {"bilbo": "active", "gollum": None}, "never issued: nothing to say"
    client_for(world.learner).get(course_url("me/certificate/credential"))
    assert listed_states(world.course_staff)["bilbo"] == "active"

    LearnerRecord.objects.filter(user=world.learner).update(percent_grade=0.97, passed=True)
    engine.run(COURSE_KEY, [world.learner.pk], engine.Intent.job())
    assert listed_states(world.instructor)["bilbo"] == "superseded", "the learner's copy is of an older revision"
    client_for(world.learner).get(course_url("me/certificate/credential"))
    assert listed_states(world.instructor)["bilbo"] == "active"

    api.set_credential_valid_for_days(COURSE_KEY, 10)
    Certificate.objects.filter(user=world.learner).update(issued_date=timezone.now() - timedelta(days=11))
    assert listed_states(world.instructor)["bilbo"] == "expired"
    api.set_credential_valid_for_days(COURSE_KEY, None)

    LearnerRecord.objects.filter(user=world.learner).update(percent_grade=0.1, passed=False)
    engine.run(COURSE_KEY, [world.learner.pk], engine.Intent.job())
    assert listed_states(world.instructor)["bilbo"] == "suspended"
    detail = client_for(world.course_staff).get(course_url("certificates/bilbo"))
    assert detail.json()["credential_status"] == "suspended", "the detail says it too"

    LearnerRecord.objects.filter(user=world.learner).update(percent_grade=0.9, passed=True)
    engine.run(COURSE_KEY, [world.learner.pk], engine.Intent.job())
    response = client_for(world.instructor).post(course_url("invalidations"), {"user": "bilbo"}, format="json")
    assert response.status_code == 201
    assert listed_states(world.instructor)["bilbo"] == "revoked"


def test_without_a_signing_key_the_list_says_nothing_of_credentials(world, settings):  # noqa: F811
    client_for(world.learner).get(course_url("me/certificate/credential"))
    settings.CERT_MANAGER_VC_DEMO_KEY = False
    assert listed_states(world.instructor) == {"bilbo": None, "gollum": None}
    assert client_for(world.instructor).get(course_url("certificates/bilbo")).json()["credential_status"] is None


def test_the_credential_states_cost_the_same_queries_for_ten_rows_as_for_three_hundred(world):  # noqa: F811
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cert_manager_plugin.credentials import credential as credential_module
    from tests.test_rest_api_queries import certificates_for, users

    def issue(prefix: str, count: int) -> None:
        for cert in certificates_for(users(prefix, count)):
            credential_module.issue_credential(cert.pk)

    def queries() -> int:
        client = client_for(world.instructor)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(course_url("certificates") + "?page_size=500")
        assert response.status_code == 200
        assert {row["credential_status"] for row in response.json()["results"]} <= {"active", None}
        return len(captured)

    issue("q", 10)
    queries()  # warm up: a host may read something once, on its first request (as tests/test_rest_api_queries)
    small = queries()
    issue("r", 290)
    assert queries() == small


def test_the_list_words_every_credential_state_the_api_can_say():
    """One vocabulary: the states ``credential_states`` answers are the ones ``labels`` words and the schema lists."""
    from django.utils import translation

    from cert_manager_plugin import labels
    from cert_manager_plugin.credentials.api import CREDENTIAL_STATES

    assert set(labels.CREDENTIAL_STATE_LABELS) == set(CREDENTIAL_STATES)
    with translation.override("en"):
        assert labels.panel_labels()["credentialStates"] == {
            "active": "Active",
            "suspended": "Suspended: grade below passing",
            "revoked": "Revoked",
            "expired": "Expired",
            "superseded": "Superseded by a newer version",
        }
