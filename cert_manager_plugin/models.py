"""Tables of the certificate manager. Writes go through ``services``/``engine``, reads through ``selectors``."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from model_utils.models import TimeStampedModel
from opaque_keys.edx.django.models import CourseKeyField

from .data import (
    DEFAULT_ELIGIBLE_MODES,
    CertificateStatus,
    ChunkState,
    IssuePolicy,
    JobKind,
    JobState,
    ListSource,
    Source,
)
from .eligibility import LearnerState

STATUS_CHOICES = CertificateStatus.choices()
SOURCE_CHOICES = [(s.value, s.value) for s in Source]


def _default_modes() -> list[str]:
    return list(DEFAULT_ELIGIBLE_MODES)


class CourseCertificateSettings(TimeStampedModel):
    """
    Per-course certificate policies and the self-generation toggle.

    .. no_pii:
    """

    course_key = CourseKeyField(max_length=255, unique=True)
    self_generation_enabled = models.BooleanField(default=False)
    issue_policy = models.CharField(
        max_length=32, choices=[(p.value, p.value) for p in IssuePolicy], default=IssuePolicy.ON_PASS
    )
    revoke_on_grade_drop = models.BooleanField(default=True)
    eligible_modes = models.JSONField(default=_default_modes)
    print_grade = models.BooleanField(default=True)
    template = models.ForeignKey(
        "CertificateTemplate", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "course certificate settings"

    def __str__(self) -> str:
        return f"settings for {self.course_key}"


class LearnerRecord(models.Model):
    """
    What the LMS told us about one learner in one course: enrollment and grade, with event times.

    .. no_pii:
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    course_key = CourseKeyField(max_length=255, db_index=True)
    mode = models.CharField(max_length=100, blank=True, default="")
    is_active = models.BooleanField(default=False)
    enrollment_at = models.DateTimeField(null=True, blank=True, help_text="time of the newest enrollment event")
    percent_grade = models.FloatField(null=True, blank=True, help_text="0.0 to 1.0")
    passed = models.BooleanField(default=False)
    passed_timestamp = models.DateTimeField(null=True, blank=True)
    grade_at = models.DateTimeField(null=True, blank=True, help_text="time of the newest grade event")
    passed_at = models.DateTimeField(null=True, blank=True, help_text="time of the newest event that set passed")
    reconcile_pending_since = models.DateTimeField(
        null=True, blank=True, help_text="set while the learner waits for the course's sweep (the last change's time)"
    )
    reconcile_source = models.CharField(
        max_length=32, blank=True, default="", help_text="what changed last (the source the sweep records)"
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "course_key"], name="cm_learnerrecord_user_course")]
        indexes = [models.Index(fields=["course_key", "reconcile_pending_since"], name="cm_record_course_pending")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.course_key}"

    def learner_state(self) -> LearnerState:
        """This record as the eligibility rules read it (``eligibility.decide``)."""
        return LearnerState(
            mode=self.mode, enrollment_active=self.is_active, percent_grade=self.percent_grade, passed=self.passed
        )


class CourseSweep(models.Model):
    """
    The course's one reconcile of its pending learners (``reconcile.sweep_course``).

    ``armed_at`` is set while a sweep task is scheduled or running (its heartbeat), NULL otherwise. Its unique row
    and conditional UPDATE let a burst of LMS events send one task per course, whatever the timing. ``swept_at``
    is when the last sweep ended: the next one starts ``CERT_MANAGER_SWEEP_MIN_GAP`` after it at the earliest.

    .. no_pii:
    """

    course_key = CourseKeyField(max_length=255, unique=True)
    armed_at = models.DateTimeField(null=True, blank=True)
    swept_at = models.DateTimeField(null=True, blank=True, help_text="when the course's last sweep ended")

    def __str__(self) -> str:
        return f"sweep of {self.course_key} ({'armed' if self.armed_at else 'idle'})"


class Certificate(models.Model):
    """
    A learner's certificate for a course run; one row per (user, course), superseded states in revisions.

    .. pii: ``name``, the learner's name as printed on the certificate. On retirement
       (``retirement.retire_user``, from the LMS's ``USER_RETIRE_LMS_CRITICAL`` / ``USER_RETIRE_LMS_MISC``) it
       becomes ``""``; the row, its user foreign key (the LMS keeps the retired user row), ``verify_uuid``,
       status, mode, grade and dates are kept, so a shared verification link answers without naming anyone.
    .. pii_types: name
    .. pii_retirement: local_api
    """

    #: no index of its own: ``cm_certificate_user_course`` (user first) serves every lookup by user and the key
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    course_key = CourseKeyField(max_length=255)
    status = models.CharField(max_length=32, choices=STATUS_CHOICES)
    mode = models.CharField(max_length=100, blank=True, default="")
    grade = models.FloatField(null=True, blank=True, help_text="0.0 to 1.0 at the time of the last change")
    name = models.CharField(max_length=255, blank=True, default="")
    verify_uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    revision = models.PositiveIntegerField(default=1)
    issued_date = models.DateTimeField(null=True, blank=True, help_text="when it last became downloadable")
    source = models.CharField(max_length=32, choices=SOURCE_CHOICES)
    error_reason = models.CharField(max_length=512, blank=True, default="")
    created = models.DateTimeField()
    modified = models.DateTimeField()
    #: what the engine decided this state from (``engine.fingerprint``): the learner's record, lists, the course's
    #: policies and the state written (and, inside the LMS, the grade its row shows); "" when unknown. A bulk job
    #: skips a learner whose fingerprint the database computes alike (``fingerprints.fresh_user_ids``).
    fingerprint = models.CharField(max_length=300, blank=True, default="", editable=False)
    #: the course design version it renders with (``designs``); NULL: the template or built-in layout, as before designs
    design_version = models.ForeignKey(
        "DesignVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "course_key"], name="cm_certificate_user_course")]
        indexes = [models.Index(fields=["course_key", "status"], name="cm_cert_course_status")]

    def __str__(self) -> str:
        return f"{self.status} certificate of {self.user_id} in {self.course_key}"


class CertificateRevision(models.Model):
    """
    A superseded state of a certificate, kept when the certificate changed.

    .. pii: ``name``, the learner's name as it was printed then. On retirement (``retirement.retire_user``)
       every revision's ``name`` becomes ``""``; status, grade and dates stay (the verification history).
    .. pii_types: name
    .. pii_retirement: local_api
    """

    #: no index of its own: ``cm_revision_cert_revision`` (certificate first) serves every lookup by certificate
    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="revisions", db_index=False)
    revision = models.PositiveIntegerField()
    status = models.CharField(max_length=32, choices=STATUS_CHOICES)
    mode = models.CharField(max_length=100, blank=True, default="")
    grade = models.FloatField(null=True, blank=True)
    name = models.CharField(max_length=255, blank=True, default="")
    issued_date = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=32, choices=SOURCE_CHOICES)
    valid_from = models.DateTimeField(help_text="when this state was written")
    superseded_at = models.DateTimeField()
    superseded_by_source = models.CharField(max_length=32, choices=SOURCE_CHOICES)
    superseded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: the design version this state rendered with (NULL: the template or built-in layout)
    design_version = models.ForeignKey(
        "DesignVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["certificate", "revision"], name="cm_revision_cert_revision")]
        ordering = ["-revision"]

    def __str__(self) -> str:
        return f"revision {self.revision} of certificate {self.certificate_id}"


class CertificateException(TimeStampedModel):
    """
    An allowlist entry: a learner approved for a certificate without a passing grade.

    .. pii: ``notes``, free text the course team wrote about the learner (it may name them or give reasons
       about them). On retirement (``retirement.retire_user``) the notes of the learner's entries become
       ``""``; the entry itself stays (it still decides the certificate).
    .. pii_types: other
    .. pii_retirement: local_api
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    course_key = CourseKeyField(max_length=255, db_index=True)
    notes = models.TextField(blank=True, default="")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(
        max_length=16, choices=[(s.value, s.value) for s in ListSource], default=ListSource.COURSE_TEAM
    )
    #: The LMS's own allowlist holds it too (pushed there, or mirrored from there): its removal there removes this.
    in_lms = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "course_key"], name="cm_exception_user_course")]

    def __str__(self) -> str:
        return f"exception for {self.user_id} in {self.course_key}"


class CertificateInvalidation(TimeStampedModel):
    """
    An invalidation of a learner's certificate; inactive once re-validated (kept for history).

    .. pii: ``notes``, free text the course team wrote about the learner. On retirement
       (``retirement.retire_user``) the notes of invalidations of the learner's certificates become ``""``;
       the invalidation stays (it still decides the certificate).
    .. pii_types: other
    .. pii_retirement: local_api
    """

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="invalidations")
    notes = models.TextField(blank=True, default="")
    invalidated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    active = models.BooleanField(default=True)
    revalidated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revalidated_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(
        max_length=16, choices=[(s.value, s.value) for s in ListSource], default=ListSource.COURSE_TEAM
    )
    #: The LMS's own invalidation list holds it too (pushed there, or mirrored from there): lifted there, lifted here.
    in_lms = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["certificate", "active"], name="cm_invalidation_cert_active")]

    def __str__(self) -> str:
        return f"invalidation of certificate {self.certificate_id} ({'active' if self.active else 'lifted'})"


class GenerationJob(models.Model):
    """
    A bulk job (generate, regenerate, exception certificates, export): the generation history.

    ``active_course_key`` holds the course key while the job is queued or running and NULL after: its
    unique index lets the database, not a check-then-insert, refuse a second active job per course.

    .. no_pii: ``params`` (statuses, scope, export options), ``result`` (counts, the export file's name: course
       and job id) and ``error`` (exception text) never name a learner; ``requested_by``/``cancelled_by`` are
       user foreign keys, kept on retirement as the LMS keeps the user row.
    """

    course_key = CourseKeyField(max_length=255, db_index=True)
    kind = models.CharField(max_length=32, choices=[(k.value, k.value) for k in JobKind])
    state = models.CharField(max_length=16, choices=[(s.value, s.value) for s in JobState], default=JobState.QUEUED)
    active_course_key = models.CharField(max_length=255, null=True, blank=True, unique=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    params = models.JSONField(default=dict, blank=True, help_text="groups/statuses, scope and other inputs")
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    chunks_total = models.PositiveIntegerField(default=0)
    chunks_done = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True, help_text="counts per status change, file, etc.")
    error = models.TextField(blank=True, default="")
    cancel_requested = models.BooleanField(default=False)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["state", "heartbeat"], name="cm_job_state_heartbeat")]

    def __str__(self) -> str:
        return f"{self.kind} job {self.pk} for {self.course_key} ({self.state})"


class GenerationJobChunk(models.Model):
    """
    One slice of a job's candidates; a chunk is done at most once, so a resumed job skips it.

    .. no_pii: ``user_ids`` are numeric user ids (kept on retirement, as foreign keys are).
    """

    job = models.ForeignKey(GenerationJob, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    user_ids = models.JSONField(default=list)
    state = models.CharField(
        max_length=16, choices=[(s.value, s.value) for s in ChunkState], default=ChunkState.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    transitions = models.JSONField(default=dict, blank=True, help_text='{"notpassing->downloadable": 3, ...}')
    error = models.TextField(blank=True, default="")
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "number"], name="cm_chunk_job_number")]

    def __str__(self) -> str:
        return f"chunk {self.number} of job {self.job_id} ({self.state})"


class CertificateTemplate(TimeStampedModel):
    """
    A certificate layout: HTML for the web certificate, optional background PDF, per course/mode/language.

    .. no_pii:
    """

    name = models.CharField(max_length=255)
    course_key = CourseKeyField(max_length=255, null=True, blank=True, db_index=True)
    organization = models.CharField(max_length=255, blank=True, default="")
    mode = models.CharField(max_length=100, blank=True, default="")
    language = models.CharField(max_length=16, blank=True, default="")
    html = models.TextField(blank=True, default="")
    background_pdf = models.FileField(upload_to="cert_manager/backgrounds/", null=True, blank=True)
    is_active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.name
