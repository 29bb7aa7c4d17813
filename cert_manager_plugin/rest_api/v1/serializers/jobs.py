"""Serializers of bulk jobs: submitting one, a job's state and progress, a dry run, an export request."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cert_manager_plugin import api
from cert_manager_plugin.data import GROUP_STATUS, ExceptionScope, JobKind, LearnerGroup

from .common import GROUPS, STATUSES

SUBMITTABLE_KINDS = [JobKind.GENERATE_ALL.value, JobKind.REGENERATE.value, JobKind.GENERATE_EXCEPTIONS.value]


class JobRequestSerializer(serializers.Serializer):
    """Start a bulk job (or count what it would change, with ``dry_run``)."""

    kind = serializers.ChoiceField(choices=SUBMITTABLE_KINDS)
    statuses = serializers.ListField(
        child=serializers.ChoiceField(choices=STATUSES + GROUPS),
        required=False,
        allow_empty=False,
        help_text="regenerate: certificate statuses (or regeneration groups: " + ", ".join(GROUPS) + ").",
    )
    scope = serializers.ChoiceField(
        choices=[s.value for s in ExceptionScope], required=False, help_text="generate_exceptions: new or all."
    )
    dry_run = serializers.BooleanField(required=False, default=False)

    def validate_statuses(self, value: list[str]) -> list[str]:
        """The statuses asked for, each regeneration group replaced by its status, without repeats."""
        statuses = [GROUP_STATUS[LearnerGroup(v)].value if v in GROUPS else v for v in value]
        return list(dict.fromkeys(statuses))


class JobLearnerSerializer(serializers.Serializer):
    """The learner a one-learner job (deleting one certificate) is about."""

    username = serializers.CharField()
    name = serializers.CharField()


class JobSerializer(serializers.Serializer):
    """
    A bulk job: what it is, who asked, its state and progress.

    ``processed`` is always ``changed + skipped + failed`` (``skipped``: left as they were).
    """

    id = serializers.IntegerField()
    course_id = serializers.CharField(source="course_key")
    kind = serializers.CharField()
    state = serializers.CharField()
    params = serializers.DictField()
    requested_by = serializers.CharField(allow_null=True, default=None)
    created = serializers.DateTimeField()
    started = serializers.DateTimeField(allow_null=True)
    finished = serializers.DateTimeField(allow_null=True)
    heartbeat = serializers.DateTimeField(allow_null=True)
    total = serializers.IntegerField()
    processed = serializers.IntegerField()
    changed = serializers.IntegerField()
    failed = serializers.IntegerField()
    skipped = serializers.IntegerField()
    progress = serializers.SerializerMethodField(help_text="processed / total, 0.0 to 1.0")
    result = serializers.SerializerMethodField()
    error = serializers.CharField()
    cancel_requested = serializers.BooleanField()
    download_url = serializers.SerializerMethodField(help_text="For a succeeded export job: where to get the file.")
    learner = serializers.SerializerMethodField(help_text="For a one-learner job: the learner's username and name.")

    @extend_schema_field(JobLearnerSerializer(allow_null=True))
    def get_learner(self, job: api.JobRow) -> dict | None:
        """
        For a job about one learner (``params.user_id``): their username and name, as they read now.

        The view looks the names up (``context["learners"]``: ``{user_id: api.LearnerName}``); null without them.
        """
        user_id = (job.params or {}).get("user_id")
        if not user_id:
            return None
        found = (self.context.get("learners") or {}).get(int(user_id))
        return {"username": found.username, "name": found.name} if found else None

    def get_progress(self, job: api.JobRow) -> float:
        """The share of the job's learners processed, from 0.0 to 1.0 (1.0 once it succeeded with none)."""
        if job.total:
            return round(min(job.processed / job.total, 1.0), 4)
        return 1.0 if job.state == "succeeded" else 0.0

    def get_result(self, job: api.JobRow) -> dict:
        """What the job did: counts per status change and, for an export, the file's name, type and size."""
        result = dict(job.result or {})
        result.pop("file", None)  # a server path: never shown
        return result

    def get_download_url(self, job: api.JobRow) -> str | None:
        """For a succeeded export job: where to get the file (absolute when the request is known); else null."""
        if job.kind != JobKind.EXPORT or job.state != "succeeded" or not (job.result or {}).get("file"):
            return None
        path = reverse("cert_manager:api-v1-job-download", kwargs={"course_id": str(job.course_key), "job_id": job.id})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class NotIssuedSerializer(serializers.Serializer):
    """Learners a job would leave without an issued certificate for one reason (the first 50 named)."""

    count = serializers.IntegerField()
    learners = serializers.ListField(child=serializers.CharField())


class NamedLearnerSerializer(serializers.Serializer):
    """A learner as the panel names them: the username and the name the certificate prints."""

    username = serializers.CharField()
    name = serializers.CharField()


class WouldChangeSerializer(serializers.Serializer):
    """The learners whose certificate one transition would change: how many, and the first 50 named."""

    count = serializers.IntegerField()
    learners = NamedLearnerSerializer(many=True)


class DryRunSerializer(serializers.Serializer):
    """
    What a job would do: candidates, how many certificates would change, per transition, and who would go without.

    Those left with no issued certificate afterwards are grouped by reason (``mode_not_eligible``,
    ``invalidated``, ``not_enrolled``, ``not_passing``, ``held_until_course_end``…).
    """

    kind = serializers.CharField()
    total = serializers.IntegerField()
    would_change = serializers.IntegerField()
    transitions = serializers.DictField(child=serializers.IntegerField())
    not_issued = serializers.DictField(child=NotIssuedSerializer())
    learners = serializers.DictField(child=WouldChangeSerializer())  # by transition, as ``transitions``


class ExportRequestSerializer(serializers.Serializer):
    """Export the course's issued certificates into one file: ``pdf`` (a page each) or ``zip`` (a PDF each)."""

    format = serializers.ChoiceField(choices=["pdf", "zip"], default="pdf")
