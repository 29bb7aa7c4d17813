"""eddsa-rdfc-2022 proofs: the issuer's signature verifies here and with the independent verifier; tampering fails."""

from __future__ import annotations

import copy

import pytest
from pyld import jsonld

from cert_manager_plugin.credentials import keys, proof
from cert_manager_plugin.credentials.contexts import VC_V2
from tests import credentials_verifier
from tests.credentials_support import vc_settings  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vc_settings")]

DOCUMENT = {
    "@context": [VC_V2],
    "id": "urn:uuid:0f8f0d5c-2c1e-4d8e-9d7e-8c2a4f4e1a10",
    "type": ["VerifiableCredential"],
    "issuer": "did:web:lms.example.com:cert_manager:issuer",
    "validFrom": "2026-12-07T10:00:00Z",
    "credentialSubject": {"id": "urn:example:subject", "name": "Ünïcode ✓"},
}


def test_a_signed_document_verifies_with_both_verifiers():
    signed = proof.sign(DOCUMENT, keys.signing_key())
    assert signed["proof"]["cryptosuite"] == "eddsa-rdfc-2022" and signed["proof"]["proofValue"].startswith("z")
    assert proof.verify(signed, keys.published_keys())
    assert credentials_verifier.proof_ok(signed, keys.did_document())


@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: d["credentialSubject"].__setitem__("name", "Someone else"),
        lambda d: d.__setitem__("validFrom", "2020-01-01T00:00:00Z"),
        lambda d: d["proof"].__setitem__("created", "2020-01-01T00:00:00Z"),
        lambda d: d["proof"].__setitem__("proofValue", "z" + "1" * 80),
        lambda d: d["proof"].__setitem__("verificationMethod", "did:web:evil.example#key"),
        lambda d: d["proof"].__setitem__("cryptosuite", "ecdsa-rdfc-2019"),
        lambda d: d.pop("proof"),
    ],
)
def test_any_change_breaks_the_proof(tamper):
    signed = proof.sign(DOCUMENT, keys.signing_key())
    tampered = copy.deepcopy(signed)
    tamper(tampered)
    assert not proof.verify(tampered, keys.published_keys())
    assert not credentials_verifier.proof_ok(tampered, keys.did_document())


def test_canonicalization_never_leaves_the_pinned_contexts():
    with pytest.raises(jsonld.JsonLdError):
        proof.canonicalize({"@context": "https://example.com/evil.jsonld", "name": "x"})
    signed = proof.sign(DOCUMENT, keys.signing_key())
    signed["@context"] = [*signed["@context"], "https://example.com/evil.jsonld"]
    assert not proof.verify(signed, keys.published_keys())


def test_the_same_canonical_form_as_the_verifiers_own_call():
    assert proof.canonicalize(DOCUMENT).encode() == credentials_verifier.rdfc(DOCUMENT)
