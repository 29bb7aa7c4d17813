"""
The issuer's identity and keys: a did:web DID, its DID document with every key ever used, and the signing key.

Identity: ``did:web:<host>:cert_manager:issuer`` (its document at ``https://<host>/cert_manager/issuer/did.json``,
under the plugin's own URLs), or the operator's ``CERT_MANAGER_VC_ISSUER_DID``. Keys are Ed25519 (``cryptography``).
The private key is the operator's PEM file ``CERT_MANAGER_VC_KEY_FILE``; without one and with
``CERT_MANAGER_VC_DEMO_KEY`` a key is generated and kept in the database (demo and tests only). Every public key
that ever signed is an ``IssuerKey`` row and stays in the DID document: replacing the file (rotation) adds a row
and marks the previous one retired, so credentials signed before still verify.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import base58
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..conf import cm_settings
from ..links import base_url
from .contexts import DID_V1, MULTIKEY_V1
from .models import IssuerKey

#: The multicodec prefix of an Ed25519 public key (0xed, varint-encoded) in a Multikey.
ED25519_PUB_PREFIX = b"\xed\x01"
#: The path of the issuer's DID under the host (did:web path segments); its document is ``…/did.json``.
DID_PATH = ("cert_manager", "issuer")
log = logging.getLogger(__name__)
_lock = threading.Lock()
_loaded: dict[str, SigningKey] = {}


class SigningKeyMissing(RuntimeError):
    """No key to sign with: no ``CERT_MANAGER_VC_KEY_FILE`` and no demo key allowed."""


@dataclass(frozen=True)
class SigningKey:
    """The key credentials are signed with now, and the verification method that names its public half."""

    private_key: Ed25519PrivateKey
    public_key_multibase: str
    verification_method: str


def b58encode(data: bytes) -> str:
    """Base58btc (the Bitcoin alphabet) of ``data``: multibase's ``z`` encoding, without the prefix."""
    return base58.b58encode(data).decode("ascii")


def b58decode(text: str) -> bytes:
    """The bytes of a base58btc string (``ValueError`` on a character outside the alphabet)."""
    return base58.b58decode(text)


def multikey(public_key: Ed25519PublicKey) -> str:
    """A public key as a Multikey ``publicKeyMultibase``: ``z`` + base58btc(0xed01 + the 32 raw bytes)."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + b58encode(ED25519_PUB_PREFIX + raw)


def public_key_from_multikey(value: str) -> Ed25519PublicKey:
    """The Ed25519 public key of a Multikey value (``ValueError`` when it is not one)."""
    if not value.startswith("z"):
        raise ValueError(_("Not a base58btc multibase value."))
    data = b58decode(value[1:])
    if not data.startswith(ED25519_PUB_PREFIX) or len(data) != 34:
        raise ValueError(_("Not an Ed25519 Multikey."))
    return Ed25519PublicKey.from_public_bytes(data[2:])


def issuer_did() -> str:
    """The issuer's DID: the setting, else ``did:web:<host>:cert_manager:issuer`` of the plugin's base URL."""
    if cm_settings.VC_ISSUER_DID:
        return cm_settings.VC_ISSUER_DID
    host = urlsplit(base_url()).netloc or "localhost"
    return ":".join(["did:web", quote(host, safe=""), *DID_PATH])


def did_document_url(did: str) -> str:
    """Where a did:web document is served (did:web method): ``/.well-known/did.json`` or ``/<path>/did.json``."""
    if not did.startswith("did:web:"):
        raise ValueError(_("Not a did:web identifier: %(did)s") % {"did": did})
    host, *path = did[len("did:web:") :].split(":")
    tail = "/".join(path) + "/did.json" if path else ".well-known/did.json"
    return f"https://{unquote(host)}/{tail}"


def verification_method(public_key_multibase: str, did: str | None = None) -> str:
    """A key's verification method id: the DID and the Multikey as its fragment."""
    return f"{did or issuer_did()}#{public_key_multibase}"


def _from_file(path: str) -> Ed25519PrivateKey:
    """The operator's PEM (PKCS#8) Ed25519 private key."""
    key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyMissing(_("The credential key file does not hold an Ed25519 private key."))
    return key


def private_key_pem(key: Ed25519PrivateKey) -> str:
    """A private key as unencrypted PKCS#8 PEM (what the key file holds)."""
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")


def _register(key: Ed25519PrivateKey, *, pem: str = "") -> IssuerKey:
    """The ``IssuerKey`` row of ``key``, created (and the others retired) the first time it signs."""
    value = multikey(key.public_key())
    with transaction.atomic():
        row = IssuerKey.objects.filter(public_key_multibase=value).first()
        if row is None:
            IssuerKey.objects.filter(retired_at__isnull=True).update(retired_at=timezone.now())
            row = IssuerKey.objects.create(fragment=value, public_key_multibase=value, private_key_pem=pem)
    return row


def _demo_key() -> Ed25519PrivateKey:
    """The newest generated demo key in the database, or a new one."""
    row = IssuerKey.objects.exclude(private_key_pem="").filter(retired_at__isnull=True).last()
    if row is not None:
        return serialization.load_pem_private_key(row.private_key_pem.encode("ascii"), password=None)
    key = Ed25519PrivateKey.generate()
    _register(key, pem=private_key_pem(key))
    return key


def signing_configured() -> bool:
    """Whether a key can sign (the operator's file, or the demo key): a page offers credentials only then."""
    return bool(cm_settings.VC_KEY_FILE or cm_settings.VC_DEMO_KEY)


def signing_key() -> SigningKey:
    """
    The key that signs now: the operator's file (read again when it changes: rotation), else the demo key.

    Raises ``SigningKeyMissing`` when neither is configured.
    """
    path = cm_settings.VC_KEY_FILE
    if path:
        stat = Path(path).stat()
        cache_key = f"file:{path}:{stat.st_mtime_ns}:{stat.st_size}"
        with _lock:
            if cache_key not in _loaded:
                key = _from_file(path)
                _register(key)
                _loaded[cache_key] = _signing(key)
            return _loaded[cache_key]
    if not cm_settings.VC_DEMO_KEY:
        raise SigningKeyMissing(_("No credential signing key is configured (CERT_MANAGER_VC_KEY_FILE)."))
    return _signing(_demo_key())


def _signing(key: Ed25519PrivateKey) -> SigningKey:
    """A ``SigningKey`` for ``key`` under the issuer's DID."""
    value = multikey(key.public_key())
    return SigningKey(key, value, verification_method(value))


def rotate_demo_key() -> SigningKey:
    """Generate a new demo key and sign with it from now on (the old ones stay published)."""
    key = Ed25519PrivateKey.generate()
    _register(key, pem=private_key_pem(key))
    return _signing(key)


def forget_loaded_keys() -> None:
    """Drop the keys read from files (tests; a changed file is read again anyway)."""
    with _lock:
        _loaded.clear()


def published_keys() -> dict[str, Ed25519PublicKey]:
    """Every published key by its verification method id (for verifying this issuer's credentials)."""
    did = issuer_did()
    return {
        verification_method(value, did): public_key_from_multikey(value)
        for value in IssuerKey.objects.values_list("public_key_multibase", flat=True)
    }


def register_current_key() -> bool:
    """
    Make sure the key that signs now is recorded (``IssuerKey``), before anything is signed with it.

    A verifier may fetch the DID document before the first credential exists: the key must already be there.
    Reading the key file (or the demo key) is what records it; cheap once read (kept until the file changes).
    Whether a key is recorded; a key file that cannot be read is logged, not raised (the document still lists
    every earlier key).
    """
    if not signing_configured():
        return False
    try:
        signing_key()
    except (SigningKeyMissing, OSError, ValueError):
        log.warning("The credential signing key could not be read (CERT_MANAGER_VC_KEY_FILE)", exc_info=True)
        return False
    return True


def did_document() -> dict[str, Any]:
    """The issuer's DID document: every key that ever signed and the one signing now (Multikeys, oldest first)."""
    register_current_key()
    did = issuer_did()
    methods = [
        {"id": verification_method(value, did), "type": "Multikey", "controller": did, "publicKeyMultibase": value}
        for value in IssuerKey.objects.order_by("created", "id").values_list("public_key_multibase", flat=True)
    ]
    return {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }


def key_fingerprint(value: str) -> str:
    """A short fingerprint of a Multikey (operators' logs and docs)."""
    return hashlib.sha256(value.encode("ascii")).hexdigest()[:16]
