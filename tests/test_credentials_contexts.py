"""The pinned JSON-LD contexts: their hashes (as contexts/README.rst records them) and the offline loader."""

from __future__ import annotations

import hashlib
import re

import pytest
from pyld import jsonld

from cert_manager_plugin.credentials import contexts

SHA256 = {
    "credentials-v2.json": "8a9f494a89ecc51db093e90e84713e07e84d6d9204364a9b3c7868b21751236f",
    "ob-context-3.0.3.json": "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761",
    "ob-extensions.json": "2d013f981d1f4516081a6a04e55468ba2b071d4153b794f19a79715c45a89a5e",
    "did-v1.json": "62c1054bf404d6dd3a4b26b64f830fd72095f6a26edc4469908c94351352ce5f",
    "multikey-v1.json": "c5f3806f8286920573221938917988a18a4cc5a09e968d29649613c7a1c2b1f6",
}


@pytest.mark.parametrize("name", sorted(SHA256))
def test_each_context_file_is_the_pinned_one(name):
    assert hashlib.sha256((contexts.HERE / name).read_bytes()).hexdigest() == SHA256[name]


def test_the_readme_records_every_file_and_its_hash():
    readme = (contexts.HERE / "README.rst").read_text(encoding="utf-8")
    assert set(re.findall(r"[0-9a-f]{64}", readme)) == set(SHA256.values())
    assert set(contexts.CONTEXTS.values()) == set(SHA256)


def test_the_loader_serves_the_pinned_urls_and_refuses_any_other():
    document = contexts.document_loader(contexts.OB_V3P0)
    assert document["documentUrl"] == contexts.OB_V3P0 and "@context" in document["document"]
    document["document"]["@context"]["changed"] = True
    assert "changed" not in contexts.document_loader(contexts.OB_V3P0)["document"]["@context"], "a fresh copy"
    for url in ("https://www.w3.org/2018/credentials/v1", "http://localhost/x.json", "file:///etc/passwd"):
        with pytest.raises(jsonld.JsonLdError):
            contexts.document_loader(url)
    assert contexts.loader() is contexts.document_loader
