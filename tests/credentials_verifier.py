"""
An independent verifier of the plugin's credentials, written apart from the issuer's code.

It shares nothing with ``cert_manager_plugin.credentials`` but the pinned context files: its own document loader
(URL → file, refusing anything else), its own canonicalization call (``pyld.jsonld.normalize``), Ed25519 through
PyNaCl (the issuer signs with ``cryptography``), base58 through the ``base58`` package (the issuer has its own),
multikey and multibase decoding, GZIP/base64url status lists decoded here. It checks the proof, the contexts,
the fields Open Badges 3.0 requires, the status bits and the validity period.
"""

from __future__ import annotations

import base64
import copy
import gzip
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import base58
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey
from pyld import jsonld

CONTEXT_DIR = Path(__file__).resolve().parent.parent / "cert_manager_plugin" / "credentials" / "contexts"
FILES = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json": "ob-extensions.json",
}
VC_V2, OB_303 = "https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def loader(url: str, options: dict | None = None) -> dict:
    """Serve the pinned files; refuse every other URL (no network)."""
    if url not in FILES:
        raise jsonld.JsonLdError(f"refused {url}", "jsonld.LoadDocumentError", code="loading document failed")
    document = json.loads((CONTEXT_DIR / FILES[url]).read_text(encoding="utf-8"))
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": document}


def rdfc(document: Mapping[str, Any]) -> bytes:
    """RDFC-1.0 N-Quads of ``document``."""
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader}
    return jsonld.normalize(copy.deepcopy(dict(document)), options).encode("utf-8")


def key_from_did_document(did_document: Mapping[str, Any], method_id: str) -> VerifyKey | None:
    """The Ed25519 key a DID document publishes as ``method_id`` for assertions (multikey decoded here)."""
    if method_id not in did_document.get("assertionMethod", []):
        return None
    for method in did_document.get("verificationMethod", []):
        if method.get("id") == method_id and method.get("type") == "Multikey":
            value = method["publicKeyMultibase"]
            assert value.startswith("z")
            raw = base58.b58decode(value[1:])
            assert raw[:2] == b"\xed\x01" and len(raw) == 34
            return VerifyKey(raw[2:])
    return None


def proof_ok(document: Mapping[str, Any], did_document: Mapping[str, Any]) -> bool:
    """Whether the eddsa-rdfc-2022 DataIntegrityProof verifies with a key of ``did_document``."""
    proof = dict(document.get("proof") or {})
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != "eddsa-rdfc-2022":
        return False
    if proof.get("proofPurpose") != "assertionMethod":
        return False
    key = key_from_did_document(did_document, proof.get("verificationMethod", ""))
    if key is None or not str(proof.get("proofValue", "")).startswith("z"):
        return False
    signature = base58.b58decode(proof.pop("proofValue")[1:])
    proof["@context"] = document["@context"]
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    data = hashlib.sha256(rdfc(proof)).digest() + hashlib.sha256(rdfc(unsecured)).digest()
    try:
        key.verify(data, signature)
    except (BadSignatureError, ValueError):  # a wrong signature, or one of the wrong length
        return False
    return True


def bit(encoded_list: str, index: int) -> bool:
    """Bit ``index`` (most significant bit first) of a ``u``-multibase base64url GZIP bitstring."""
    assert encoded_list.startswith("u")
    body = encoded_list[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    assert len(bits) * 8 >= 131_072, "a status list holds at least 131,072 entries"
    return bool(bits[index // 8] >> (7 - index % 8) & 1)


def ob_fields_missing(credential: Mapping[str, Any]) -> list[str]:
    """The fields Open Badges 3.0 (AchievementCredential) requires that ``credential`` lacks."""
    missing = [
        f for f in ("@context", "id", "type", "issuer", "validFrom", "name", "credentialSubject") if f not in credential
    ]
    contexts = credential.get("@context", [])
    if contexts[:1] != [VC_V2] or OB_303 not in contexts:
        missing.append("@context: VC 2.0 first, then OB 3.0.3")
    if not {"VerifiableCredential", "OpenBadgeCredential"} <= set(credential.get("type", [])):
        missing.append("type")
    issuer = credential.get("issuer") or {}
    missing += [f"issuer.{f}" for f in ("id", "type", "name") if f not in issuer]
    subject = credential.get("credentialSubject") or {}
    if "AchievementSubject" not in subject.get("type", []):
        missing.append("credentialSubject.type")
    achievement = subject.get("achievement") or {}
    missing += [f"achievement.{f}" for f in ("id", "type", "name", "description", "criteria") if f not in achievement]
    schemas = credential.get("credentialSchema") or []
    if not any(s.get("type") == "1EdTechJsonSchemaValidator2019" for s in schemas):
        missing.append("credentialSchema")
    return missing


@dataclass
class Verdict:
    """What the verifier found."""

    signature: bool
    missing: list[str]
    status: dict[str, bool] = field(default_factory=dict)
    lists_signed: bool = True
    expired: bool = False

    @property
    def state(self) -> str:
        """``invalid``, ``revoked``, ``suspended``, ``expired`` or ``valid``."""
        if not self.signature or self.missing or not self.lists_signed:
            return "invalid"
        if self.status.get("revocation"):
            return "revoked"
        if self.status.get("suspension"):
            return "suspended"
        return "expired" if self.expired else "valid"


def verify(
    credential: Mapping[str, Any],
    did_document: Mapping[str, Any],
    fetch_list: Callable[[str], Mapping[str, Any]],
    *,
    now: datetime | None = None,
) -> Verdict:
    """Verify a credential: its proof, fields, each status entry's bit (the list's own proof too) and dates."""
    verdict = Verdict(signature=proof_ok(credential, did_document), missing=ob_fields_missing(credential))
    for entry in credential.get("credentialStatus", []):
        assert entry["type"] == "BitstringStatusListEntry"
        status_list = fetch_list(entry["statusListCredential"])
        verdict.lists_signed &= proof_ok(status_list, did_document)
        subject = status_list["credentialSubject"]
        assert subject["type"] == "BitstringStatusList" and subject["statusPurpose"] == entry["statusPurpose"]
        verdict.status[entry["statusPurpose"]] = bit(subject["encodedList"], int(entry["statusListIndex"]))
    until = credential.get("validUntil")
    moment = now or datetime.now(UTC)
    if until:
        verdict.expired = datetime.fromisoformat(until.replace("Z", "+00:00")) < moment
    return verdict
