"""Serializers of the exception and invalidation lists: an entry, a request to add one, a bulk CSV upload's result."""

from __future__ import annotations

from rest_framework import serializers

from cert_manager_plugin import api, labels
from cert_manager_plugin.data import IDENTIFIER_MAX_LENGTH, NOTES_MAX_LENGTH

from .common import ClientTextField


class ListEntryRequestSerializer(serializers.Serializer):
    """Add a learner (username or email) to the exception or invalidation list."""

    user = ClientTextField(help_text=f"Username or email (at most {IDENTIFIER_MAX_LENGTH} characters).")
    notes = ClientTextField(
        required=False,
        allow_blank=True,
        default="",
        help_text=f"Staff notes (at most {NOTES_MAX_LENGTH} characters; tabs and line breaks kept).",
    )


class ExceptionSerializer(serializers.Serializer):
    """An exception-list entry with the instructor dashboard's columns."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.SerializerMethodField()
    email = serializers.EmailField()
    granted = serializers.DateTimeField(source="created")
    certificate_generated = serializers.DateTimeField(allow_null=True, default=None)
    notes = serializers.CharField()
    granted_by = serializers.CharField(allow_null=True, default=None)
    source = serializers.CharField(help_text="course_team, or lms_list: the LMS's own allowlist put them there.")
    source_label = serializers.SerializerMethodField(help_text="Who put them on the list, in words.")

    def get_source_label(self, obj: api.ExceptionRow) -> str:
        """Who put the learner on the list, in words."""
        return str(labels.label(labels.LIST_SOURCE_LABELS, obj.source))

    def get_name(self, obj: api.ExceptionRow) -> str:
        """The learner's full name (the LMS's profile name inside the LMS), else the username."""
        return obj.name


class InvalidationSerializer(serializers.Serializer):
    """An invalidation of a learner's certificate."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    email = serializers.EmailField()
    notes = serializers.CharField()
    invalidated_by = serializers.CharField(allow_null=True, default=None)
    created = serializers.DateTimeField()
    active = serializers.BooleanField()
    revalidated_by = serializers.CharField(allow_null=True, default=None)
    revalidated_at = serializers.DateTimeField(allow_null=True)
    source = serializers.CharField(
        help_text="course_team; lms_list (the LMS's invalidation list); lms_certificate (the LMS invalidated its "
        "certificate itself, e.g. a rejected proctored exam attempt)."
    )
    source_label = serializers.SerializerMethodField(help_text="Who invalidated it, in words.")

    def get_source_label(self, obj: api.InvalidationRow) -> str:
        """Who invalidated the certificate, in words."""
        return str(labels.label(labels.LIST_SOURCE_LABELS, obj.source))


class BulkFileSerializer(serializers.Serializer):
    """The uploaded CSV file of learners to add to the exception list."""

    file = serializers.FileField(help_text="CSV: username_or_email,notes (header optional, UTF-8).")


class BulkAddedSerializer(serializers.Serializer):
    """A CSV row that was added: its line, what it named, the learner's username and email, and the notes."""

    line = serializers.IntegerField()
    user = serializers.CharField()
    username = serializers.CharField()
    email = serializers.CharField()
    notes = serializers.CharField()


class BulkErrorSerializer(serializers.Serializer):
    """A CSV row that was not added: its line, what it named, why (``kind``) and a message."""

    line = serializers.IntegerField()
    user = serializers.CharField()
    kind = serializers.ChoiceField(
        choices=["bad_format", "user_not_found", "not_enrolled", "already_listed", "invalidated"]
    )
    message = serializers.CharField()


class BulkSummarySerializer(serializers.Serializer):
    """The counts of a bulk upload: rows read, added, failed, and failures per kind."""

    rows = serializers.IntegerField()
    added = serializers.IntegerField()
    failed = serializers.IntegerField()
    errors_by_kind = serializers.DictField(child=serializers.IntegerField())


class BulkResultSerializer(serializers.Serializer):
    """The result of a bulk exception upload: the rows added, the rows refused, and a summary."""

    added = BulkAddedSerializer(many=True)
    errors = BulkErrorSerializer(many=True)
    summary = BulkSummarySerializer()


class BulkInvalidationErrorSerializer(serializers.Serializer):
    """A CSV row whose certificate was not invalidated: its line, what it named, why (``kind``) and a message."""

    line = serializers.IntegerField()
    user = serializers.CharField()
    kind = serializers.ChoiceField(choices=list(api.InvalidationRowKind.ALL))
    message = serializers.CharField()


class BulkInvalidationResultSerializer(serializers.Serializer):
    """The result of a bulk invalidation upload: the rows invalidated (``added``), the rows refused, a summary."""

    added = BulkAddedSerializer(many=True)
    errors = BulkInvalidationErrorSerializer(many=True)
    summary = BulkSummarySerializer()
