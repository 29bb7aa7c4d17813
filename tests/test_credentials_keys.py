"""Issuer identity and keys: did:web, the DID document, the key file, the demo key and rotation."""

from __future__ import annotations

import os

import base58
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cert_manager_plugin.credentials import api, keys
from cert_manager_plugin.credentials.models import IssuerKey
from tests.credentials_support import certificate_of, learner_at, vc_settings, verdict  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vc_settings")]


def test_the_did_is_path_based_under_the_plugin_and_resolves_to_its_document(settings):
    assert keys.issuer_did() == "did:web:lms.example.com:cert_manager:issuer"
    assert keys.did_document_url(keys.issuer_did()) == "https://lms.example.com/cert_manager/issuer/did.json"
    assert keys.did_document_url("did:web:lms.example.com") == "https://lms.example.com/.well-known/did.json"
    settings.CERT_MANAGER_BASE_URL = "http://localhost:8000"
    assert keys.issuer_did() == "did:web:localhost%3A8000:cert_manager:issuer"
    settings.CERT_MANAGER_VC_ISSUER_DID = "did:web:credentials.example.org"
    assert keys.issuer_did() == "did:web:credentials.example.org"
    with pytest.raises(ValueError):
        keys.did_document_url("did:key:z6Mk")


def test_base58_and_multikey_agree_with_an_independent_library():
    for data in (b"", b"\0\0abc", os.urandom(64)):
        assert keys.b58encode(data) == base58.b58encode(data).decode()
        assert keys.b58decode(keys.b58encode(data)) == data
    public = Ed25519PrivateKey.generate().public_key()
    value = keys.multikey(public)
    assert value.startswith("z6Mk") and base58.b58decode(value[1:])[:2] == b"\xed\x01"
    assert keys.multikey(keys.public_key_from_multikey(value)) == value
    with pytest.raises(ValueError):
        keys.public_key_from_multikey("u" + value[1:])


def test_without_a_key_file_or_demo_key_nothing_signs(settings):
    settings.CERT_MANAGER_VC_DEMO_KEY = False
    with pytest.raises(keys.SigningKeyMissing):
        keys.signing_key()


def test_demo_key_rotation_keeps_old_keys_published_and_old_credentials_valid(course):
    first = api.credential_for(certificate_of(learner_at(0.8, email="a@example.com")).pk)
    old_method = first["proof"]["verificationMethod"]
    new = keys.rotate_demo_key()
    second = api.credential_for(certificate_of(learner_at(0.8, email="b@example.com")).pk)
    assert second["proof"]["verificationMethod"] == new.verification_method != old_method
    document = keys.did_document()
    assert [m["id"] for m in document["verificationMethod"]] == [old_method, new.verification_method]
    assert document["assertionMethod"] == [old_method, new.verification_method]
    assert verdict(first).state == verdict(second).state == "valid"
    assert IssuerKey.objects.filter(retired_at__isnull=True).count() == 1


def test_the_operator_key_file_signs_and_replacing_it_rotates(settings, tmp_path, course):
    path = tmp_path / "issuer.pem"
    path.write_text(keys.private_key_pem(Ed25519PrivateKey.generate()))
    settings.CERT_MANAGER_VC_KEY_FILE = str(path)
    settings.CERT_MANAGER_VC_DEMO_KEY = False
    first = keys.signing_key()
    assert keys.signing_key() is first, "read once while the file is unchanged"
    assert IssuerKey.objects.get().private_key_pem == "", "an operator's private key never goes to the database"
    path.write_text(keys.private_key_pem(Ed25519PrivateKey.generate()))
    os.utime(path, ns=(1, 1))
    second = keys.signing_key()
    assert second.public_key_multibase != first.public_key_multibase
    assert set(keys.published_keys()) == {first.verification_method, second.verification_method}
    credential = api.credential_for(certificate_of(learner_at(0.8)).pk)
    assert credential["proof"]["verificationMethod"] == second.verification_method
    assert verdict(credential).state == "valid"


def test_a_key_file_without_an_ed25519_key_is_refused(settings, tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    path = tmp_path / "ec.pem"
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path.write_bytes(pem)
    settings.CERT_MANAGER_VC_KEY_FILE = str(path)
    with pytest.raises(keys.SigningKeyMissing):
        keys.signing_key()
    assert keys.key_fingerprint("z6Mk") == keys.key_fingerprint("z6Mk") and len(keys.key_fingerprint("z")) == 16


def test_the_did_document_lists_the_operators_key_before_anything_is_signed(settings, tmp_path):
    path = tmp_path / "issuer.pem"
    first = Ed25519PrivateKey.generate()
    path.write_text(keys.private_key_pem(first))
    settings.CERT_MANAGER_VC_KEY_FILE = str(path)
    settings.CERT_MANAGER_VC_DEMO_KEY = False
    assert not IssuerKey.objects.exists(), "nothing signed yet"
    methods = [m["publicKeyMultibase"] for m in keys.did_document()["verificationMethod"]]
    assert methods == [keys.multikey(first.public_key())]
    assert IssuerKey.objects.get().private_key_pem == ""
    second = Ed25519PrivateKey.generate()
    path.write_text(keys.private_key_pem(second))
    os.utime(path, ns=(1, 1))
    document = keys.did_document()
    values = [m["publicKeyMultibase"] for m in document["verificationMethod"]]
    assert values == [keys.multikey(first.public_key()), keys.multikey(second.public_key())], "rotation keeps both"
    assert document["assertionMethod"] == [m["id"] for m in document["verificationMethod"]]


def test_the_did_document_lists_the_demo_key_that_will_sign(course):
    assert not IssuerKey.objects.exists()
    (method,) = keys.did_document()["verificationMethod"]
    credential = api.credential_for(certificate_of(learner_at(0.8)).pk)
    assert credential["proof"]["verificationMethod"] == method["id"]
    assert IssuerKey.objects.count() == 1


def test_an_unreadable_key_file_leaves_the_document_with_the_keys_it_had(settings, tmp_path, caplog):
    settings.CERT_MANAGER_VC_KEY_FILE = str(tmp_path / "missing.pem")
    assert keys.did_document()["verificationMethod"] == []
    assert "could not be read" in caplog.text
    settings.CERT_MANAGER_VC_KEY_FILE = None
    settings.CERT_MANAGER_VC_DEMO_KEY = False
    assert keys.did_document()["verificationMethod"] == [] and not IssuerKey.objects.exists()
