"""Request and response serializers of REST API v1 (they also document the OpenAPI schema)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cert_manager_plugin import api, labels
from cert_manager_plugin.data import (
    ALL_MODES,
    GROUP_STATUS,
    IDENTIFIER_MAX_LENGTH,
    NOTES_MAX_LENGTH,
    CertificateStatus,
    ExceptionScope,
    IssuePolicy,
    JobKind,
    LearnerGroup,
)

STATUSES = [s.value for s in CertificateStatus]
GROUPS = [g.value for g in LearnerGroup]
SUBMITTABLE_KINDS = [JobKind.GENERATE_ALL.value, JobKind.REGENERATE.value, JobKind.GENERATE_EXCEPTIONS.value]


# --- settings ------------------------------------------------------------------------------------


class CourseSettingsSerializer(serializers.Serializer):
    """A course's certificate settings (PATCH any subset of the writable fields)."""

    course_id = serializers.CharField(source="course_key", read_only=True)
    self_generation_enabled = serializers.BooleanField(required=False)
    issue_policy = serializers.ChoiceField(choices=[p.value for p in IssuePolicy], required=False)
    revoke_on_grade_drop = serializers.BooleanField(required=False)
    eligible_modes = serializers.ListField(
        child=serializers.ChoiceField(choices=list(ALL_MODES)), required=False, allow_empty=True
    )
    print_grade = serializers.BooleanField(required=False)
    template = serializers.SerializerMethodField(help_text="The course's template (id and name), or null.")
    modified = serializers.DateTimeField(read_only=True, allow_null=True)

    def get_template(self, obj: api.CourseCertificateSettings) -> dict | None:
        """The course's template (id and name), or null."""
        template = getattr(obj, "template", None)
        return {"id": template.pk, "name": template.name} if template else None

    def to_internal_value(self, data: object) -> dict:
        """
        The validated changes; unknown and read-only fields are refused by name, not silently dropped.

        400 ``invalid_input`` with ``Unknown field.`` or ``This field is read-only.`` for each of them.
        """
        if isinstance(data, dict):
            unknown = set(data) - set(self.fields) - {"course_id", "modified", "template"}
            readonly = {"course_id", "modified", "template"} & set(data)
            if unknown or readonly:
                raise serializers.ValidationError(
                    {name: ["Unknown field."] for name in unknown}
                    | {name: ["This field is read-only."] for name in readonly}
                )
        return super().to_internal_value(data)


class PoliciesSerializer(serializers.Serializer):
    """A course's complete policies, as a policy change records them."""

    issue_policy = serializers.ChoiceField(choices=[p.value for p in IssuePolicy])
    revoke_on_grade_drop = serializers.BooleanField()
    eligible_modes = serializers.ListField(child=serializers.ChoiceField(choices=list(ALL_MODES)))
    print_grade = serializers.BooleanField()


class ModeChangeSerializer(serializers.Serializer):
    """How many certificates one transition changes in one mode (the mode they hold afterwards)."""

    before = serializers.CharField(help_text="A status, or new (no certificate yet).")
    after = serializers.CharField()
    mode = serializers.CharField()
    count = serializers.IntegerField()


class PolicyPreviewSerializer(serializers.Serializer):
    """
    What saving and applying proposed policies would do, computed before anything is saved.

    The dry run of "generate all" under the proposed policies (as ``DryRunSerializer``), ``by_mode`` (each
    transition by the mode the certificates hold afterwards), the policies in force (``current``), the complete
    proposed ones and the names of those that differ (``changed``).
    """

    total = serializers.IntegerField()
    would_change = serializers.IntegerField()
    transitions = serializers.DictField(child=serializers.IntegerField())
    by_mode = ModeChangeSerializer(many=True)
    not_issued = serializers.DictField(child=serializers.DictField())
    current = PoliciesSerializer()
    proposed = PoliciesSerializer()
    changed = serializers.ListField(child=serializers.CharField())


class LastPolicyChangeSerializer(serializers.Serializer):
    """
    The course's last policy change and whether it can be undone (``job`` null: none yet).

    ``reason`` says why not: ``running`` (still being applied), ``undone`` (it was an undo), ``changed_since``
    (the policies changed after it). ``restores``: the policies an undo brings back; ``applied``: those it set.
    """

    job = serializers.DictField(allow_null=True, help_text="The job that applied it (as in the history).")
    can_undo = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True)
    restores = PoliciesSerializer(allow_null=True)
    applied = PoliciesSerializer(allow_null=True)


class UndoPolicyRequestSerializer(serializers.Serializer):
    """Undo the last policy change: the id of its job (``GET settings/undo`` names it)."""

    job = serializers.IntegerField(min_value=1)


# --- certificates -----------------------------------------------------------------------------------


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


#: The certificates CSV's columns: words for people first, then the codes and the exact grade for scripts.
CERTIFICATE_CSV_FIELDS = (
    "username",
    "email",
    "name",
    "status",
    "mode",
    "grade",
    "issued_date",
    "verify_uuid",
    "modified",
    "status_code",
    "mode_code",
    "grade_value",
)


def certificate_csv_header() -> list[str]:
    """The CSV's header row in the active language ("Username", "Status", …, "Status code")."""
    return [labels.label(labels.CSV_COLUMN_LABELS, field) for field in CERTIFICATE_CSV_FIELDS]


def certificate_csv_rows(rows: Iterable[api.CertificateRow]) -> Iterator[list]:
    """
    The certificates as CSV rows (``CERTIFICATE_CSV_FIELDS`` order), from ``api.certificate_list``'s stream.

    Status and mode in words and the grade as a percentage, in the language active when called (the rows are
    streamed later, in that same language); the codes and the grade as a fraction (``0.6600``) in the last
    columns.
    """
    words = (labels.as_text(labels.STATUS_LABELS), labels.as_text(labels.MODE_LABELS))
    return _csv_rows(rows, words, translation.get_language())


def _csv_rows(rows: Iterable[api.CertificateRow], words: tuple[dict, dict], language: str | None) -> Iterator[list]:
    """``certificate_csv_rows``' generator: ``words`` are the status and mode labels, read before streaming."""
    statuses, modes = words
    with translation.override(language):
        for row in rows:
            yield [
                row.username,
                row.email,
                row.name,
                statuses.get(row.status, row.status),
                modes.get(row.mode, row.mode),
                api.local_percent(row.grade) or "",
                _when(row.issued_date),
                row.verify_uuid,
                _when(row.modified),
                row.status,
                row.mode,
                "" if row.grade is None else f"{row.grade:.4f}",
            ]


# --- list CSV files (exception list, invalidations, generation history) ---------------------------------

#: The exception list CSV's columns: words for people, then the source code for scripts.
EXCEPTION_CSV_FIELDS = (
    "username",
    "email",
    "name",
    "granted",
    "granted_by",
    "certificate_issued",
    "notes",
    "added_by",
    "source_code",
)
#: The invalidation list CSV's columns.
INVALIDATION_CSV_FIELDS = (
    "username",
    "email",
    "name",
    "invalidated",
    "invalidated_by",
    "state",
    "revalidated",
    "revalidated_by",
    "notes",
    "added_by",
    "source_code",
)
#: The generation history CSV's columns: the job in words, then its kind and state codes.
JOB_CSV_FIELDS = (
    "job",
    "what",
    "requested_by",
    "created",
    "started",
    "finished",
    "state",
    "learners",
    "processed",
    "changed",
    "skipped",
    "failed",
    "error",
    "kind_code",
    "state_code",
)
#: Rows read per query (and names looked up per query) while a list CSV streams.
LIST_CSV_CHUNK = 1000


def list_csv_header(fields: tuple[str, ...]) -> list[str]:
    """A list CSV's header row in the active language."""
    return [labels.label(labels.LIST_CSV_COLUMN_LABELS, field) for field in fields]


def _when(value: datetime | None) -> str:
    """A date and time as ISO 8601 text ("" for none)."""
    return value.isoformat() if value else ""


def _chunks(queryset: QuerySet) -> Iterator[list]:
    """The queryset's rows, ``LIST_CSV_CHUNK`` at a time (one query each)."""
    rows = iter(queryset.iterator(chunk_size=LIST_CSV_CHUNK))
    while chunk := [row for _, row in zip(range(LIST_CSV_CHUNK), rows, strict=False)]:
        yield chunk


def exception_csv_rows(rows: Iterable[api.ExceptionRow]) -> Iterator[list]:
    """The exception list as CSV rows (``EXCEPTION_CSV_FIELDS``), streamed in the language active when called."""
    return _exception_rows(rows, labels.as_text(labels.LIST_SOURCE_LABELS), translation.get_language())


def _exception_rows(rows: Iterable[api.ExceptionRow], sources: dict, language: str | None) -> Iterator[list]:
    """``exception_csv_rows``' generator (``api.exception_list`` looks the names up, once per chunk of rows)."""
    with translation.override(language):
        for e in rows:
            yield [
                e.username,
                e.email,
                e.name,
                _when(e.created),
                e.granted_by or "",
                _when(e.certificate_generated),
                e.notes,
                sources.get(e.source, e.source),
                e.source,
            ]


def invalidation_csv_rows(rows: Iterable[api.InvalidationRow]) -> Iterator[list]:
    """The invalidations as CSV rows (``INVALIDATION_CSV_FIELDS``), streamed in the language active when called."""
    words = (
        labels.as_text(labels.LIST_SOURCE_LABELS),
        {active: str(text) for active, text in labels.INVALIDATION_STATE_LABELS.items()},
    )
    return _invalidation_rows(rows, words, translation.get_language())


def _invalidation_rows(
    rows: Iterable[api.InvalidationRow], words: tuple[dict, dict], language: str | None
) -> Iterator[list]:
    """``invalidation_csv_rows``' generator."""
    sources, states = words
    with translation.override(language):
        for i in rows:
            yield [
                i.username,
                i.email,
                i.name,
                _when(i.created),
                i.invalidated_by or "",
                states[bool(i.active)],
                _when(i.revalidated_at),
                i.revalidated_by or "",
                i.notes,
                sources.get(i.source, i.source),
                i.source,
            ]


def job_csv_rows(queryset: QuerySet[api.GenerationJob]) -> Iterator[list]:
    """The generation history as CSV rows (``JOB_CSV_FIELDS``), streamed in the language active when called."""
    return _job_rows(queryset, labels.as_text(labels.JOB_STATE_LABELS), translation.get_language())


def _job_rows(queryset: QuerySet, states: dict, language: str | None) -> Iterator[list]:
    """``job_csv_rows``' generator: each job's title in words (``labels.job_title``), its counts and codes."""
    with translation.override(language):
        for chunk in _chunks(queryset):
            for job in chunk:
                yield [
                    job.pk,
                    labels.job_title(job.kind, job.params),
                    job.requested_by.username if job.requested_by else "",
                    _when(job.created),
                    _when(job.started),
                    _when(job.finished),
                    states.get(job.state, job.state),
                    job.total,
                    job.processed,
                    job.changed,
                    job.skipped,
                    job.failed,
                    job.error,
                    job.kind,
                    job.state,
                ]


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


# --- jobs -----------------------------------------------------------------------------------------


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


def job_learners(jobs: Iterable[api.GenerationJob]) -> dict[int, api.LearnerName]:
    """The learners the one-learner jobs of a page are about (one lookup for the page, none without such a job)."""
    return api.learner_names({job.params["user_id"] for job in jobs if (job.params or {}).get("user_id")})


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
    requested_by = serializers.CharField(source="requested_by.username", allow_null=True, default=None)
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
    def get_learner(self, job: api.GenerationJob) -> dict | None:
        """For a job about one learner (``params.user_id``): their username and name, as they read now."""
        user_id = (job.params or {}).get("user_id")
        if not user_id:
            return None
        known = self.context.get("learners")
        found = (known if known is not None else job_learners([job])).get(int(user_id))
        return {"username": found.username, "name": found.name} if found else None

    def get_progress(self, job: api.GenerationJob) -> float:
        """The share of the job's learners processed, from 0.0 to 1.0 (1.0 once it succeeded with none)."""
        if job.total:
            return round(min(job.processed / job.total, 1.0), 4)
        return 1.0 if job.state == "succeeded" else 0.0

    def get_result(self, job: api.GenerationJob) -> dict:
        """What the job did: counts per status change and, for an export, the file's name, type and size."""
        result = dict(job.result or {})
        result.pop("file", None)  # a server path: never shown
        return result

    def get_download_url(self, job: api.GenerationJob) -> str | None:
        """For a succeeded export job: where to get the file (absolute when the request is known); else null."""
        if job.kind != JobKind.EXPORT or job.state != "succeeded" or not (job.result or {}).get("file"):
            return None
        path = reverse("cert_manager:api-v1-job-download", kwargs={"course_id": str(job.course_key), "job_id": job.pk})
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


def regeneration_data(outcome: api.Regeneration, *, dry_run: bool) -> dict:
    """The ``RegenerationSerializer`` fields of a regeneration (the name: the one printed, else the stored one)."""
    before, change = outcome.before, outcome.change
    old = {"status": before.status, "grade": before.grade, "revision": before.revision}
    new = dict(old)
    if outcome.after is not None:
        new = {"status": outcome.after.status, "grade": outcome.after.grade, "revision": outcome.after.revision}
    elif change is not None:
        new = {"status": change.after, "grade": change.grade_after, "revision": before.revision + 1}
    return {
        "username": outcome.user.username,
        "name": (change.name if change else "") or before.name or outcome.user.username,
        "dry_run": dry_run,
        "changed": change is not None,
        "verify_uuid": before.verify_uuid,
        "before": old,
        "after": new,
        "certificate": api.certificate_row(outcome.after) if outcome.after is not None else None,
    }


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


# --- exceptions and invalidations ---------------------------------------------------------------------


class ClientTextField(serializers.CharField):
    """Text as the client sent it, only parsed: the rules (length, control characters) are the services' own.

    DRF's ``CharField`` refuses NUL with a message of its own; the services refuse every control character
    whatever the door (JSON, CSV row, management command), so the JSON answer says what a CSV row says.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]


class ListEntryRequestSerializer(serializers.Serializer):
    """Add a learner (username or email) to the exception or invalidation list."""

    user = ClientTextField(help_text=f"Username or email (at most {IDENTIFIER_MAX_LENGTH} characters).")
    notes = ClientTextField(
        required=False,
        allow_blank=True,
        default="",
        help_text=f"Staff notes (at most {NOTES_MAX_LENGTH} characters; tabs and line breaks kept).",
    )


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
            raise serializers.ValidationError({name: ["Unknown field."] for name in set(data) - set(self.fields)})
        values = super().to_internal_value(data)
        if values.get("notes") and not values.get("invalidate"):
            raise serializers.ValidationError({"notes": ["Notes are kept only with invalidate: true."]})
        return values


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


# --- learner and public -------------------------------------------------------------------------------


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

    def _links(self, cert: api.Certificate) -> dict:
        """The certificate's four URLs while it is issued (one ``links_builder`` per page); else none."""
        if cert.status != CertificateStatus.DOWNLOADABLE:
            return {}
        cache = self.context.setdefault("_links_builder", {})
        if "build" not in cache:  # one reverse() per kind for a whole page of certificates
            cache["build"] = api.links_builder(request=self.context.get("request"))
        return cache["build"](cert.verify_uuid)

    def get_web_url(self, cert: api.Certificate) -> str | None:
        """The public web certificate (the page the QR code opens), while issued; else null."""
        return self._links(cert).get("web_url")

    def get_verify_page_url(self, cert: api.Certificate) -> str | None:
        """The public verification page, while issued; else null."""
        return self._links(cert).get("verify_page_url")

    def get_pdf_url(self, cert: api.Certificate) -> str | None:
        """The certificate as a PDF, while issued; else null."""
        return self._links(cert).get("pdf_url")

    def get_verify_api_url(self, cert: api.Certificate) -> str | None:
        """The verification JSON (``verify/{verify_uuid}``), while issued; else null."""
        return self._links(cert).get("verify_api_url")

    @extend_schema_field({"type": "string", "nullable": True, "deprecated": True})
    def get_verify_url(self, cert: api.Certificate) -> str | None:
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


# --- pages ----------------------------------------------------------------------------------------


class PageSerializer(serializers.Serializer):
    """The envelope of a paginated list (``pagination.CertManagerPagination``)."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    num_pages = serializers.IntegerField()
    current_page = serializers.IntegerField()


_PAGES: dict[type, type] = {}


class CertificatePageSerializer(PageSerializer):
    """A page of certificates, with how many records of the whole search are in each status."""

    results = CertificateSerializer(many=True)
    status_counts = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="{status: n} for every record matching the search, whatever the status filter.",
    )


def paginated(child: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """The page serializer of ``child`` rows, for the schema (one class, and one component, per row type)."""
    if child not in _PAGES:
        name = f"Paginated{child.__name__.removesuffix('Serializer')}ListSerializer"
        _PAGES[child] = type(name, (PageSerializer,), {"results": child(many=True), "__module__": __name__})
    return _PAGES[child]
