"""
The JSON-LD contexts credentials use, pinned in this folder, and a PyLD document loader serving only them.

The loader never goes online: any URL not in ``CONTEXTS`` is refused (``jsonld.JsonLdError``), so a credential
naming an unknown context cannot be canonicalized, and a context cannot change under a signature. Where each
file comes from, its version and sha256 are in ``README.rst`` (a test pins the hashes).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from pyld import jsonld

HERE = Path(__file__).resolve().parent

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3P0 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
DID_V1 = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"

#: Each served URL and its file in this folder.
CONTEXTS: dict[str, str] = {
    VC_V2: "credentials-v2.json",
    OB_V3P0: "ob-context-3.0.3.json",
    OB_EXTENSIONS: "ob-extensions.json",
    DID_V1: "did-v1.json",
    MULTIKEY_V1: "multikey-v1.json",
}


@cache
def context_document(url: str) -> dict[str, Any]:
    """The parsed context served for ``url`` (KeyError for a URL not pinned here)."""
    return json.loads((HERE / CONTEXTS[url]).read_text(encoding="utf-8"))


def document_loader(url: str, options: dict | None = None) -> dict[str, Any]:
    """
    PyLD's document loader over the pinned files: a remote document for a pinned URL, an error for any other.

    A fresh copy each call (PyLD may keep what it gets).
    """
    if url not in CONTEXTS:
        raise jsonld.JsonLdError(
            f"Context {url!r} is not pinned: refused (no network access).",
            "jsonld.LoadDocumentError",
            {"url": url},
            code="loading document failed",
        )
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": json.loads(json.dumps(context_document(url))),
    }


def loader() -> Callable[[str, dict | None], dict[str, Any]]:
    """The loader to pass as PyLD's ``documentLoader``."""
    return document_loader
