"""
Serializers of the verifiable credentials' endpoints (issue 16).

The signed documents (a credential, the issuer's DID document and Profile, a status list credential) are answered
exactly as signed: these serializers only document their shape in the OpenAPI schema (JSON-LD keys such as
``@context`` are not Python names, so each declares its fields by name). ``CredentialSettingsSerializer`` parses
and renders the course's credential expiry.
"""

from __future__ import annotations

import copy
from typing import ClassVar

from rest_framework import serializers


class JsonLdSerializer(serializers.Serializer):
    """A JSON-LD document's documented keys (``json_ld_fields``: key → (field class, kwargs))."""

    json_ld_fields: ClassVar[dict[str, tuple[type[serializers.Field], dict]]] = {}

    def get_fields(self) -> dict[str, serializers.Field]:
        """One field per documented key, ``@context`` and the like included (a fresh copy of each child field)."""
        return {name: field(**copy.deepcopy(kwargs)) for name, (field, kwargs) in self.json_ld_fields.items()}


_CONTEXT = (serializers.ListField, {"child": serializers.CharField(), "help_text": "JSON-LD contexts."})
_TYPE = (serializers.JSONField, {"help_text": "JSON-LD type(s)."})
_PROOF = (
    serializers.DictField,
    {
        "help_text": "DataIntegrityProof (cryptosuite eddsa-rdfc-2022): type, cryptosuite, created, "
        "verificationMethod, proofPurpose, proofValue."
    },
)


class CredentialSerializer(JsonLdSerializer):
    """An OpenBadgeCredential (VC Data Model 2.0, Open Badges 3.0), signed with a DataIntegrityProof."""

    json_ld_fields: ClassVar = {
        "@context": _CONTEXT,
        "id": (serializers.CharField, {"help_text": "urn:uuid of this credential version."}),
        "type": _TYPE,
        "name": (serializers.CharField, {"help_text": "The course's name."}),
        "issuer": (serializers.DictField, {"help_text": "The issuer Profile (id: its did:web, name, url, image)."}),
        "validFrom": (serializers.CharField, {"help_text": "When this version was written (UTC)."}),
        "validUntil": (
            serializers.CharField,
            {"required": False, "help_text": "When it expires, if the course sets an expiry."},
        ),
        "credentialSubject": (
            serializers.DictField,
            {"help_text": "AchievementSubject: salted email hash, the course's Achievement, the grade as a result."},
        ),
        "credentialSchema": (serializers.ListField, {"child": serializers.DictField()}),
        "credentialStatus": (
            serializers.ListField,
            {"child": serializers.DictField(), "help_text": "BitstringStatusListEntry: suspension and revocation."},
        ),
        "proof": _PROOF,
    }


class DidDocumentSerializer(JsonLdSerializer):
    """The issuer's DID document: every key that ever signed, as Multikey verification methods."""

    json_ld_fields: ClassVar = {
        "@context": _CONTEXT,
        "id": (serializers.CharField, {"help_text": "The issuer's DID (did:web)."}),
        "verificationMethod": (serializers.ListField, {"child": serializers.DictField()}),
        "assertionMethod": (serializers.ListField, {"child": serializers.CharField()}),
    }


class IssuerProfileSerializer(JsonLdSerializer):
    """The issuer's Open Badges Profile, as every credential carries it."""

    json_ld_fields: ClassVar = {
        "id": (serializers.CharField, {"help_text": "The issuer's DID."}),
        "type": _TYPE,
        "name": (serializers.CharField, {}),
        "url": (serializers.CharField, {"required": False}),
        "image": (serializers.DictField, {"required": False}),
    }


class AchievementSerializer(JsonLdSerializer):
    """A course's Achievement: the same for every learner and every credential version of the course."""

    json_ld_fields: ClassVar = {
        "@context": _CONTEXT,
        "id": (serializers.CharField, {}),
        "type": _TYPE,
        "achievementType": (serializers.CharField, {}),
        "name": (serializers.CharField, {}),
        "description": (serializers.CharField, {}),
        "criteria": (serializers.DictField, {}),
        "resultDescription": (serializers.ListField, {"child": serializers.DictField()}),
        "image": (serializers.DictField, {"required": False}),
    }


class StatusListCredentialSerializer(JsonLdSerializer):
    """A BitstringStatusListCredential: one course's list for one purpose (suspension or revocation), signed."""

    json_ld_fields: ClassVar = {
        "@context": _CONTEXT,
        "id": (serializers.CharField, {"help_text": "The list's public URL."}),
        "type": _TYPE,
        "issuer": (serializers.CharField, {"help_text": "The issuer's DID."}),
        "validFrom": (serializers.CharField, {}),
        "credentialSubject": (
            serializers.DictField,
            {"help_text": "BitstringStatusList: statusPurpose and encodedList (u + base64url of the GZIP bits)."},
        ),
        "proof": _PROOF,
    }


class CredentialSettingsSerializer(serializers.Serializer):
    """The course's credential expiry: credentials issued from now on carry ``validUntil`` that many days later."""

    course_id = serializers.CharField(read_only=True)
    valid_for_days = serializers.IntegerField(
        min_value=1,
        max_value=36500,
        allow_null=True,
        help_text="Days a credential stays valid after the certificate was issued; null: no expiry.",
    )
