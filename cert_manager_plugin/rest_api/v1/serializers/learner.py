"""Serializers of the learner-facing and public resources: a learner's own certificates, public verification."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cert_manager_plugin import api

from .common import STATUSES


class LearnerCertificateSerializer(serializers.Serializer):
    """A learner's own certificate with its links (links only while it is issued)."""

    course_id = serializers.CharField(source="course_key")
    status = serializers.ChoiceField(choices=STATUSES)
    mode = serializers.CharField()
    grade = serializers.FloatField(allow_null=True)
    name = serializers.CharField()
    issued_date = serializers.DateTimeField(allow_null=True)
    modified = serializers.DateTimeField()
    verify_uuid = serializers.UUIDField()
    web_url = serializers.SerializerMethodField(help_text="The public web certificate (the page the QR code opens).")
    verify_page_url = serializers.SerializerMethodField(help_text="The public verification page.")
    pdf_url = serializers.SerializerMethodField(help_text="The certificate as a PDF.")
    verify_api_url = serializers.SerializerMethodField(help_text="The verification JSON (``verify/{verify_uuid}``).")
    verify_url = serializers.SerializerMethodField(
        help_text="Deprecated (removed in the next minor release): the same as ``verify_api_url``.",
    )

    def _links(self, cert: api.LearnerCertificateRow) -> dict:
        """
        The certificate's four URLs while it is issued; else none.

        The view builds them (``context["links"]``: ``{verify_uuid: {field: url}}``, issued certificates only).
        """
        return self.context.get("links", {}).get(cert.verify_uuid, {})

    def get_web_url(self, cert: api.LearnerCertificateRow) -> str | None:
        """The public web certificate (the page the QR code opens), while issued; else null."""
        return self._links(cert).get("web_url")

    def get_verify_page_url(self, cert: api.LearnerCertificateRow) -> str | None:
        """The public verification page, while issued; else null."""
        return self._links(cert).get("verify_page_url")

    def get_pdf_url(self, cert: api.LearnerCertificateRow) -> str | None:
        """The certificate as a PDF, while issued; else null."""
        return self._links(cert).get("pdf_url")

    def get_verify_api_url(self, cert: api.LearnerCertificateRow) -> str | None:
        """The verification JSON (``verify/{verify_uuid}``), while issued; else null."""
        return self._links(cert).get("verify_api_url")

    @extend_schema_field({"type": "string", "nullable": True, "deprecated": True})
    def get_verify_url(self, cert: api.LearnerCertificateRow) -> str | None:
        """Deprecated (removed in the next minor release): the same as ``verify_api_url``."""
        return self._links(cert).get("verify_api_url")


class MyCertificateSerializer(serializers.Serializer):
    """The signed-in learner's status in one course and whether self-generation is on."""

    course_id = serializers.CharField()
    self_generation_enabled = serializers.BooleanField()
    status = serializers.CharField(allow_null=True)
    certificate = LearnerCertificateSerializer(allow_null=True)


class VerifyRevisionSerializer(serializers.Serializer):
    """A superseded state of the certificate while it was valid (its status is always ``downloadable``)."""

    revision = serializers.IntegerField()
    status = serializers.CharField()
    issued_date = serializers.DateTimeField(allow_null=True)
    valid_from = serializers.DateTimeField()
    superseded_at = serializers.DateTimeField()


class VerifyHistorySerializer(serializers.Serializer):
    """One state of the certificate, as anyone may read it: valid, not valid or no longer valid, never why."""

    number = serializers.IntegerField(help_text="1 for the first state, then 2, 3 … (the current one is the last).")
    current = serializers.BooleanField()
    valid = serializers.BooleanField()
    state = serializers.ChoiceField(choices=["valid", "not_valid", "no_longer_valid"], source="kind")
    label = serializers.CharField(help_text="The state in words, in the request's language.")
    grade = serializers.FloatField(
        allow_null=True, help_text="A valid state's grade, only while the certificate is valid and grades print."
    )
    valid_from = serializers.DateTimeField()
    valid_to = serializers.DateTimeField(allow_null=True, help_text="null for the current state.")


class VerifySerializer(serializers.Serializer):
    """
    Public verification of a certificate: its status, dates and history (every state, never why it changed).

    A grade only while the certificate is valid and its course prints grades (a revoked certificate must not
    show the learner's grade); no email.
    """

    verify_uuid = serializers.UUIDField()
    status = serializers.CharField()
    valid = serializers.BooleanField()
    learner_name = serializers.CharField()
    course_id = serializers.CharField()
    course_name = serializers.CharField(allow_null=True)
    issued_date = serializers.DateTimeField(allow_null=True)
    revoked_reason = serializers.CharField(allow_null=True)
    revision = serializers.IntegerField()
    modified = serializers.DateTimeField()
    revisions = VerifyRevisionSerializer(
        many=True, help_text="Superseded revisions that were valid certificates (downloadable), newest first."
    )
    grade = serializers.FloatField(
        allow_null=True, help_text="0.0 to 1.0, only while the certificate is valid and its course prints grades."
    )
    history = VerifyHistorySerializer(
        many=True, help_text="Every state, the current one included, numbered 1, 2, 3 …, newest first."
    )
