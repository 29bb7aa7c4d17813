"""
DataIntegrityProof with the ``eddsa-rdfc-2022`` cryptosuite (W3C Data Integrity EdDSA Cryptosuites v1.0).

Transformation: RDF Dataset Canonicalization (RDFC-1.0, PyLD's ``URDNA2015``) of the document without its
proof and of the proof options (with the document's ``@context``), over the pinned contexts only. Hashing:
SHA-256 of each; the proof options' hash first. Signature: Ed25519 over the 64 bytes (``cryptography``),
``proofValue`` its base58btc multibase. No cryptography is written here: only the steps that join them.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.utils import timezone
from pyld import jsonld

from .contexts import document_loader
from .keys import SigningKey, b58decode, b58encode

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_PURPOSE = "assertionMethod"


def xsd_datetime(value: datetime) -> str:
    """A datetime as an XML Schema dateTime in UTC, to the second (``2026-12-07T15:04:05Z``)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def canonicalize(document: Mapping[str, Any]) -> str:
    """RDFC-1.0 (URDNA2015) N-Quads of a JSON-LD document, resolving contexts only from the pinned files."""
    return jsonld.normalize(
        copy.deepcopy(dict(document)),
        {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": document_loader},
    )


def hash_data(document: Mapping[str, Any], proof_options: Mapping[str, Any]) -> bytes:
    """The 64 bytes signed: SHA-256 of the canonical proof options, then of the canonical unsecured document."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    options = {k: v for k, v in proof_options.items() if k != "proofValue"}
    options["@context"] = document["@context"]
    return (
        hashlib.sha256(canonicalize(options).encode()).digest()
        + hashlib.sha256(canonicalize(unsecured).encode()).digest()
    )


def sign(document: Mapping[str, Any], key: SigningKey, *, created: datetime | None = None) -> dict[str, Any]:
    """``document`` with a ``DataIntegrityProof`` (eddsa-rdfc-2022) by ``key``, created now or at ``created``."""
    options = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": xsd_datetime(created or timezone.now()),
        "verificationMethod": key.verification_method,
        "proofPurpose": PROOF_PURPOSE,
    }
    signature = key.private_key.sign(hash_data(document, options))
    signed = {k: v for k, v in document.items() if k != "proof"}
    signed["proof"] = {**options, "proofValue": "z" + b58encode(signature)}
    return signed


def verify(document: Mapping[str, Any], keys: Mapping[str, Ed25519PublicKey]) -> bool:
    """
    Whether ``document``'s proof is a valid eddsa-rdfc-2022 signature by one of ``keys`` (by verification method).

    False for a missing or malformed proof, an unknown key, or a document that no longer canonicalizes.
    """
    proof = document.get("proof")
    if not isinstance(proof, dict) or proof.get("cryptosuite") != CRYPTOSUITE or proof.get("type") != PROOF_TYPE:
        return False
    key = keys.get(proof.get("verificationMethod", ""))
    value = proof.get("proofValue", "")
    if key is None or not isinstance(value, str) or not value.startswith("z"):
        return False
    try:
        key.verify(b58decode(value[1:]), hash_data(document, proof))
    except (InvalidSignature, ValueError, KeyError, TypeError, jsonld.JsonLdError):  # KeyError: no @context
        return False
    return True
