# Stand-in for edx-platform lms/djangoapps/certificates/models.py at commit d87ee18ca2d974268004a240f653618bc34c0291
# (openedx/openedx-platform; GeneratedCertificate identical at e57a655d77b614f19223984e9805b1fb940ab192).
"""
The LMS's course certificates.

Reproduced exactly: ``GeneratedCertificate`` (table ``certificates_generatedcertificate``): ``user`` FK,
``course_id`` CourseKeyField, ``verify_uuid`` CharField(32, blank, default "", db_index), ``grade`` CharField(5),
``key`` CharField(32), ``distinction``, ``status`` CharField(32, default "unavailable"), ``mode`` CharField(32,
choices MODES, default "honor"), ``name`` (255), ``created_date`` (auto_now_add), ``modified_date`` (auto_now),
``download_uuid`` (32), ``download_url`` (128), ``error_reason`` (512); ``unique_together (user, course_id)``;
``history = HistoricalRecords()``; managers ``objects``, ``eligible_certificates`` (excludes audit_passing and
audit_notpassing) and ``eligible_available_certificates``; ``certificate_for_student``,
``course_ids_with_certs_for_user``, ``get_unique_statuses``, ``is_valid``.

``save()``: after saving, ``COURSE_CERT_CHANGED.send_robust(sender=GeneratedCertificate, user, course_key, mode,
status)`` and ``CERTIFICATE_CHANGED.send_event(time=modified_date (UTC), certificate=CertificateData(...))``; when
``CertificateStatuses.is_passing_status(status)`` (downloadable or generating) also ``COURSE_CERT_AWARDED`` (same
kwargs) and ``CERTIFICATE_CREATED`` (same payload). ``CertificateData(user=UserData(pii=UserPersonalData(username,
email, name=user.profile.name), id, is_active), course=CourseData(course_key), mode, grade, current_status=status,
download_url, name)``; ``previous_status`` is not set.

``invalidate(mode=None, source=None)`` -> unavailable (mode from the enrollment when not given),
``mark_notpassing(mode, grade, source=None)`` -> notpassing, ``mark_unverified(mode, source=None)`` -> unverified,
all through ``_revoke_certificate(status, mode=None, grade=None, source=None)``: grade '' (a float becomes
``str(grade)``), clears error_reason/download_uuid/download_url, sets status, mode and name (the profile name),
``save()`` (so CHANGED events first), then ``COURSE_CERT_REVOKED.send_robust(...)`` and ``CERTIFICATE_REVOKED``.

Also ``CertificateAllowlist``, ``CertificateInvalidation`` (both with history) and
``CertificateGenerationConfiguration`` (edx-platform: a config_models ConfigurationModel; here a table with
``enabled``/``change_date`` whose ``current()`` is the latest row, or an unsaved disabled one).

And ``CertificateGenerationCourseSetting`` (the course's self-generation switch, at
2579a6d6aca7f65e8dbdda58066f294790808986). ``_get_preferred_certificate_name`` calls
``utils.get_preferred_certificate_name`` (the verified name when name affirmation says so).

Omitted: the ``edx.certificate.revoked`` tracking event, milestones, the other certificate models (templates, HTML
view configuration, example certificates, generation history, date overrides).
"""

import logging
from datetime import UTC

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Count
from model_utils import Choices
from model_utils.models import TimeStampedModel
from opaque_keys.edx.django.models import CourseKeyField
from openedx_events.learning.data import CertificateData, CourseData, UserData, UserPersonalData
from openedx_events.learning.signals import CERTIFICATE_CHANGED, CERTIFICATE_CREATED, CERTIFICATE_REVOKED
from simple_history.models import HistoricalRecords

from common.djangoapps.course_modes.models import CourseMode
from common.djangoapps.student.models import CourseEnrollment
from lms.djangoapps.certificates.data import CertificateStatuses
from openedx.core.djangoapps.signals.signals import COURSE_CERT_AWARDED, COURSE_CERT_CHANGED, COURSE_CERT_REVOKED

log = logging.getLogger(__name__)
User = get_user_model()


class CertificateAllowlist(TimeStampedModel):
    """Tracks students who are on the certificate allowlist for a given course run."""

    class Meta:
        app_label = "certificates"
        unique_together = [["course_id", "user"]]

    user = models.ForeignKey(User, on_delete=models.CASCADE)
    course_id = CourseKeyField(blank=True, default=None)
    allowlist = models.BooleanField(default=0)
    notes = models.TextField(default=None, null=True)

    if "certificates" in apps.app_configs:
        history = HistoricalRecords()

    def __str__(self):
        return f"CertificateAllowlist({self.user_id}, {self.course_id}, {self.allowlist})"


class EligibleCertificateManager(models.Manager):
    """A manager for `GeneratedCertificate` models that automatically filters out ineligible certs."""

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .exclude(status__in=(CertificateStatuses.audit_passing, CertificateStatuses.audit_notpassing))
        )


class EligibleAvailableCertificateManager(EligibleCertificateManager):
    """Eligible certificates of courses that have a CourseOverview."""

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .extra(
                tables=["course_overviews_courseoverview"],
                where=["course_id = course_overviews_courseoverview.id"],
            )
        )


class GeneratedCertificate(models.Model):
    """Base model for generated course certificates (see the module docstring)."""

    # Normal object manager, which should only be used when ineligible
    # certificates (i.e. new audit certs) should be included in the
    # results. Django requires us to explicitly declare this.
    objects = models.Manager()

    # Only returns eligible certificates. This should be used in
    # preference to the default `objects` manager in most cases.
    eligible_certificates = EligibleCertificateManager()

    # Only returns eligible certificates for courses that have an
    # associated CourseOverview
    eligible_available_certificates = EligibleAvailableCertificateManager()

    MODES = Choices(
        "verified",
        "honor",
        "audit",
        "professional",
        "no-id-professional",
        "masters",
        "executive-education",
        "paid-executive-education",
        "paid-bootcamp",
    )

    VERIFIED_CERTS_MODES = [
        CourseMode.VERIFIED,
        CourseMode.CREDIT_MODE,
        CourseMode.MASTERS,
        CourseMode.EXECUTIVE_EDUCATION,
        CourseMode.PAID_EXECUTIVE_EDUCATION,
        CourseMode.PAID_BOOTCAMP,
    ]

    user = models.ForeignKey(User, on_delete=models.CASCADE)
    course_id = CourseKeyField(blank=True, default=None)
    verify_uuid = models.CharField(max_length=32, blank=True, default="", db_index=True)
    grade = models.CharField(max_length=5, blank=True, default="")
    key = models.CharField(max_length=32, blank=True, default="")
    distinction = models.BooleanField(default=False)
    status = models.CharField(max_length=32, default="unavailable")
    mode = models.CharField(max_length=32, choices=MODES, default=MODES.honor)
    name = models.CharField(blank=True, max_length=255)
    created_date = models.DateTimeField(auto_now_add=True)
    modified_date = models.DateTimeField(auto_now=True)

    # These fields have been kept around even though they are not used.
    download_uuid = models.CharField(max_length=32, blank=True, default="")
    download_url = models.CharField(max_length=128, blank=True, default="")
    error_reason = models.CharField(max_length=512, blank=True, default="")

    # This is necessary because CMS does not install the certificates app, but it
    # imports this model's code.
    if "certificates" in apps.app_configs:
        history = HistoricalRecords()

    class Meta:
        unique_together = (("user", "course_id"),)
        app_label = "certificates"

    def __str__(self):
        return f"<GeneratedCertificate: {self.course_id}, user={self.user}>"

    @classmethod
    def certificate_for_student(cls, student, course_id):
        """The certificate for a student for a particular course, or None."""
        try:
            return cls.objects.get(user=student, course_id=course_id)
        except cls.DoesNotExist:
            pass

        return None

    @classmethod
    def course_ids_with_certs_for_user(cls, user):
        """Return a set of CourseKeys for which the user has certificates."""
        return {cert.course_id for cert in cls.objects.filter(user=user).only("course_id")}

    @classmethod
    def get_unique_statuses(cls, course_key=None, flat=False):
        """``[{'status', 'count'}, ...]`` (or a flat list of statuses), optionally for one course."""
        query = cls.objects

        if course_key:
            query = query.filter(course_id=course_key)

        if flat:
            return query.values_list("status", flat=True).distinct()
        return query.values("status").annotate(count=Count("status"))

    def invalidate(self, mode=None, source=None):
        """Invalidate Generated Certificate by marking it 'unavailable'."""
        if not mode:
            mode, __ = CourseEnrollment.enrollment_mode_for_user(self.user, self.course_id)

        log.info(
            f"Marking certificate as unavailable for {self.user.id} : {self.course_id} with mode {mode} from "
            f"source {source}"
        )
        self._revoke_certificate(status=CertificateStatuses.unavailable, mode=mode, source=source)

    def mark_notpassing(self, mode, grade, source=None):
        """Invalidates a Generated Certificate by marking it as 'notpassing'."""
        log.info(
            f"Marking certificate as notpassing for {self.user.id} : {self.course_id} with mode {mode} from "
            f"source {source}"
        )
        self._revoke_certificate(status=CertificateStatuses.notpassing, mode=mode, grade=grade, source=source)

    def mark_unverified(self, mode, source=None):
        """Invalidates a Generated Certificate by marking it as 'unverified'."""
        log.info(
            f"Marking certificate as unverified for {self.user.id} : {self.course_id} with mode {mode} from "
            f"source {source}"
        )
        self._revoke_certificate(status=CertificateStatuses.unverified, mode=mode, source=source)

    def _certificate_data(self):
        return CertificateData(
            user=UserData(
                pii=UserPersonalData(
                    username=self.user.username,
                    email=self.user.email,
                    name=self.user.profile.name,
                ),
                id=self.user.id,
                is_active=self.user.is_active,
            ),
            course=CourseData(
                course_key=self.course_id,
            ),
            mode=self.mode,
            grade=self.grade,
            current_status=self.status,
            download_url=self.download_url,
            name=self.name,
        )

    def _revoke_certificate(self, status, mode=None, grade=None, source=None):
        """Revokes a course certificate from a learner, updating the certificate's status to ``status``."""
        if not grade:
            grade = ""
        # the grade can come through revocation as a float, so we must convert it to a string to be compatible with
        # the `CERTIFICATE_REVOKED` event definition
        elif isinstance(grade, float):
            grade = str(grade)

        if not mode:
            mode = self.mode

        preferred_name = self._get_preferred_certificate_name(self.user)

        self.error_reason = ""
        self.download_uuid = ""
        self.download_url = ""
        self.grade = grade
        self.status = status
        self.mode = mode
        self.name = preferred_name
        self.save()

        COURSE_CERT_REVOKED.send_robust(
            sender=self.__class__,
            user=self.user,
            course_key=self.course_id,
            mode=self.mode,
            status=self.status,
        )

        # .. event_implemented_name: CERTIFICATE_REVOKED
        # .. event_type: org.openedx.learning.certificate.revoked.v1
        CERTIFICATE_REVOKED.send_event(
            time=self.modified_date.astimezone(UTC),
            certificate=self._certificate_data(),
        )

    def _get_preferred_certificate_name(self, user):
        """Copy of ``get_preferred_certificate_name`` from utils.py (edx-platform's own comment)."""
        from lms.djangoapps.certificates.utils import get_preferred_certificate_name

        return get_preferred_certificate_name(user)

    def is_valid(self):
        """Return True if certificate is valid else return False."""
        return self.status == CertificateStatuses.downloadable

    def save(self, *args, **kwargs):  # noqa: DJ012 (edx-platform's method order)
        """
        After the base save() method finishes, fire the COURSE_CERT_CHANGED signal. If the learner is currently passing
        the course we also fire the COURSE_CERT_AWARDED signal.
        """
        super().save(*args, **kwargs)

        timestamp = self.modified_date.astimezone(UTC)

        COURSE_CERT_CHANGED.send_robust(
            sender=self.__class__,
            user=self.user,
            course_key=self.course_id,
            mode=self.mode,
            status=self.status,
        )

        # .. event_implemented_name: CERTIFICATE_CHANGED
        # .. event_type: org.openedx.learning.certificate.changed.v1
        CERTIFICATE_CHANGED.send_event(time=timestamp, certificate=self._certificate_data())

        if CertificateStatuses.is_passing_status(self.status):
            COURSE_CERT_AWARDED.send_robust(
                sender=self.__class__,
                user=self.user,
                course_key=self.course_id,
                mode=self.mode,
                status=self.status,
            )

            # .. event_implemented_name: CERTIFICATE_CREATED
            # .. event_type: org.openedx.learning.certificate.created.v1
            CERTIFICATE_CREATED.send_event(time=timestamp, certificate=self._certificate_data())


class CertificateInvalidation(TimeStampedModel):
    """Model for storing Certificate Invalidation."""

    generated_certificate = models.ForeignKey(GeneratedCertificate, on_delete=models.CASCADE)
    invalidated_by = models.ForeignKey(User, on_delete=models.CASCADE)
    notes = models.TextField(default=None, null=True)
    active = models.BooleanField(default=True)

    if "certificates" in apps.app_configs:
        history = HistoricalRecords()

    class Meta:
        app_label = "certificates"

    def __str__(self):
        return f"Certificate {self.generated_certificate}, invalidated by {self.invalidated_by} on {self.created}."

    def deactivate(self):
        """Deactivate certificate invalidation by setting active to False."""
        self.active = False
        self.save()

    @classmethod
    def has_certificate_invalidation(cls, student, course_key):
        """Whether the student's certificate in the course has an active invalidation."""
        return cls.objects.filter(
            generated_certificate__course_id=course_key,
            active=True,
            generated_certificate__user=student,
        ).exists()


class CertificateGenerationConfiguration(models.Model):
    """
    Configure certificate generation (edx-platform: ``ConfigurationModel``; ``current().enabled`` gates the
    instructor dashboard's certificates section/tab and ``certs_api.is_certificate_generation_enabled()``).
    """

    change_date = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    enabled = models.BooleanField(default=False)

    class Meta:
        app_label = "certificates"

    def __str__(self):
        return f"CertificateGenerationConfiguration(enabled={self.enabled})"

    @classmethod
    def current(cls):
        """The latest configuration row, or an unsaved disabled one."""
        return cls.objects.order_by("-change_date", "-id").first() or cls(enabled=False)


# Copied from lms/djangoapps/certificates/models.py at openedx/openedx-platform
# 2579a6d6aca7f65e8dbdda58066f294790808986 (fields, Meta, the three classmethods). Its writes are
# ``update_or_create`` (``set_self_generation_enabled_for_course``): a post_save each time.
class CertificateGenerationCourseSetting(TimeStampedModel):
    """Enable or disable certificate generation for a particular course (self-generation by learners)."""

    course_key = CourseKeyField(max_length=255, db_index=True)
    self_generation_enabled = models.BooleanField(default=False)
    language_specific_templates_enabled = models.BooleanField(default=False)
    include_hours_of_effort = models.BooleanField(default=None, null=True)

    class Meta:
        get_latest_by = "created"
        app_label = "certificates"

    def __str__(self):
        return f"Certificate Generation Course Setting: {self.course_key}, {self.self_generation_enabled}"

    @classmethod
    def get(cls, course_key):
        """The latest setting of the course, or None."""
        try:
            return cls.objects.filter(course_key=course_key).latest()
        except cls.DoesNotExist:
            return None

    @classmethod
    def is_self_generation_enabled_for_course(cls, course_key):
        """Whether learners may generate their own certificates in the course."""
        try:
            latest = cls.objects.filter(course_key=course_key).latest()
        except cls.DoesNotExist:
            return False
        else:
            return latest.self_generation_enabled

    @classmethod
    def set_self_generation_enabled_for_course(cls, course_key, is_enabled):
        """Enable or disable self-generated certificates for a course (``update_or_create``)."""
        default = {"self_generation_enabled": is_enabled}
        CertificateGenerationCourseSetting.objects.update_or_create(course_key=course_key, defaults=default)
