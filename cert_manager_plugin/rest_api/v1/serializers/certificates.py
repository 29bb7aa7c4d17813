"""
Serializers of the course team's certificate resources.

Certificates, their revisions, a learner's history, deleting and regenerating certificates.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cert_manager_plugin.data import NOTES_MAX_LENGTH
from cert_manager_plugin.labels import CREDENTIAL_STATE_LABELS

from .common import STATUSES, ClientTextField, PageSerializer


class CertificateSerializer(serializers.Serializer):
    """One learner's certificate in a course."""

    username = serializers.CharField()
    email = serializers.EmailField()
    name = serializers.CharField()
    course_id = serializers.CharField()
    status = serializers.ChoiceField(choices=STATUSES)
    mode = serializers.CharField()
    grade = serializers.FloatField(allow_null=True)
    verify_uuid = serializers.UUIDField()
    revision = serializers.IntegerField()
    issued_date = serializers.DateTimeField(allow_null=True)
    source = serializers.CharField()
    error_reason = serializers.CharField()
    created = serializers.DateTimeField()
    modified = serializers.DateTimeField()
    credential_status = serializers.SerializerMethodField(
        help_text="The certificate's verifiable credential: active, suspended (grade below passing), revoked, expired "
        "or superseded (the last version issued is of an older revision); null when it never had one, or when the "
        "site signs no credentials."
    )

    @extend_schema_field(serializers.ChoiceField(choices=list(CREDENTIAL_STATE_LABELS), allow_null=True))
    def get_credential_status(self, row: object) -> str | None:
        """The view's ``credential_states`` (``{user_id: state}``) for this row; null without them."""
        return (self.context.get("credential_states") or {}).get(getattr(row, "user_id", None))


class CertificatePageSerializer(PageSerializer):
    """A page of certificates, with how many records of the whole search are in each status."""

    results = CertificateSerializer(many=True)
    status_counts = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="{status: n} for every record matching the search, whatever the status filter.",
    )


class RevisionSerializer(serializers.Serializer):
    """A superseded state of a certificate."""

    revision = serializers.IntegerField()
    status = serializers.ChoiceField(choices=STATUSES)
    mode = serializers.CharField()
    grade = serializers.FloatField(allow_null=True)
    name = serializers.CharField()
    issued_date = serializers.DateTimeField(allow_null=True)
    source = serializers.CharField()
    valid_from = serializers.DateTimeField()
    superseded_at = serializers.DateTimeField()
    superseded_by_source = serializers.CharField()


class PersonSerializer(serializers.Serializer):
    """Someone named in a learner's history: username and name (the username when there is none)."""

    username = serializers.CharField()
    name = serializers.CharField()


class JobRefSerializer(serializers.Serializer):
    """The generation job a change came from."""

    id = serializers.IntegerField()
    title = serializers.CharField(help_text="The job in words, with its scope (the panel's history title).")


class HistoryStateSerializer(serializers.Serializer):
    """One state of a learner's certificate, and what caused it."""

    number = serializers.IntegerField(help_text="1 for the first state, then 2, 3 … (the current one is the last).")
    revision = serializers.IntegerField()
    current = serializers.BooleanField()
    status = serializers.ChoiceField(choices=STATUSES)
    status_label = serializers.CharField()
    grade = serializers.FloatField(allow_null=True)
    mode = serializers.CharField()
    valid_from = serializers.DateTimeField()
    valid_to = serializers.DateTimeField(allow_null=True, help_text="null for the current state.")
    source = serializers.CharField()
    source_label = serializers.CharField()
    actor = PersonSerializer(allow_null=True, help_text="Who made the change, when a person did.")
    job = JobRefSerializer(allow_null=True, help_text="The generation job the change came from, when one did.")
    cause = serializers.CharField(help_text="Source, job and person in one sentence, in the request's language.")


class HistoryEventSerializer(serializers.Serializer):
    """An exception-list or invalidation-list event of the learner."""

    kind = serializers.ChoiceField(choices=["exception_added", "invalidated", "revalidated"])
    label = serializers.CharField()
    at = serializers.DateTimeField()
    actor = PersonSerializer(allow_null=True)
    active = serializers.BooleanField(help_text="The entry still holds (on the list, invalidation not lifted).")


class LearnerHistorySerializer(serializers.Serializer):
    """One learner's certificate story in a course: states and list events, newest first."""

    username = serializers.CharField()
    name = serializers.CharField()
    states = HistoryStateSerializer(many=True)
    events = HistoryEventSerializer(many=True)


class DeleteAllRequestSerializer(serializers.Serializer):
    """Deleting every certificate of a course must repeat the course id."""

    confirm = serializers.CharField(help_text="The course id, exactly.")


class DeleteAllResponseSerializer(serializers.Serializer):
    """How many certificates were deleted."""

    deleted = serializers.IntegerField()


class DeleteOneRequestSerializer(serializers.Serializer):
    """Deleting one certificate; ``invalidate`` also keeps it from coming back (an invalidation, with ``notes``)."""

    invalidate = serializers.BooleanField(required=False, default=False)
    notes = ClientTextField(
        required=False,
        allow_blank=True,
        default="",
        help_text=f"With invalidate: staff notes of the invalidation (at most {NOTES_MAX_LENGTH} characters).",
    )

    def to_internal_value(self, data: object) -> dict:
        """The validated request; unknown fields are refused by name, and notes need ``invalidate``."""
        if isinstance(data, dict) and set(data) - set(self.fields):
            unknown = set(data) - set(self.fields)
            raise serializers.ValidationError({name: [gettext_lazy("Unknown field.")] for name in unknown})
        values = super().to_internal_value(data)
        if values.get("notes") and not values.get("invalidate"):
            raise serializers.ValidationError({"notes": [gettext_lazy("Notes are kept only with invalidate: true.")]})
        return values


class RegenerateRequestSerializer(serializers.Serializer):
    """Regenerate one learner's certificate now (or say what would change, with ``dry_run``)."""

    dry_run = serializers.BooleanField(required=False, default=False)


class CertificateStateSerializer(serializers.Serializer):
    """A certificate's status, grade and revision number, before or after a regeneration."""

    status = serializers.ChoiceField(choices=STATUSES)
    grade = serializers.FloatField(allow_null=True)
    revision = serializers.IntegerField()


class RegenerationSerializer(serializers.Serializer):
    """
    What regenerating one learner's certificate did or would do.

    ``changed`` False: nothing changes (``after`` repeats ``before``). A change is a new revision of the same
    certificate: same ``verify_uuid``. ``certificate`` is the stored certificate afterwards (null for a dry run).
    """

    username = serializers.CharField()
    name = serializers.CharField()
    dry_run = serializers.BooleanField()
    changed = serializers.BooleanField()
    verify_uuid = serializers.UUIDField()
    before = CertificateStateSerializer()
    after = CertificateStateSerializer()
    certificate = CertificateSerializer(allow_null=True)
