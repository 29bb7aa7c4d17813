# Stand-in for edx-platform common/djangoapps/student/models/course_enrollment.py at commit
# 0b870c132a5e8e2e1f1c4b3b2b20e329738d3a49 (openedx/openedx-platform).
"""
``CourseEnrollment`` and its side effects.

Reproduced with edx-platform's fields and signatures: ``user`` (FK), ``course`` (FK to CourseOverview,
``db_constraint=False``, DO_NOTHING; so ``course_id`` is the CourseKey), ``created``, ``is_active``, ``mode``
(default ``CourseMode.get_default_mode_slug`` = "audit"), ``history`` (table ``student_courseenrollment_history``),
``unique_together = (user, course)``; ``enroll(user, course_key, mode=None, check_access=False,
can_upgrade=False, enterprise_uuid=None)``, ``unenroll(user, course_id, skip_refund=False)``,
``update_enrollment(mode=None, is_active=None, skip_refund=False, enterprise_uuid=None)``, ``activate()``,
``deactivate()``, ``change_mode(mode)``, ``get_or_create_enrollment``, ``get_enrollment``, ``is_enrolled``,
``enrollment_mode_for_user`` (returns ``(mode, is_active)``, ``(None, None)`` without a row); the manager's
``is_small_course``, ``num_enrolled_in_exclude_admins``, ``users_enrolled_in``, ``enrollment_counts``.

Events, exactly as edx-platform sends them:

* ``enroll`` runs the ``CourseEnrollmentStarted`` filter, creates the row inactive in the default mode, then
  ``update_enrollment(is_active=True, mode=mode)`` (which sends ``COURSE_ENROLLMENT_CHANGED``, because the row
  becomes active), then ``ENROLL_STATUS_CHANGE`` and finally ``COURSE_ENROLLMENT_CREATED``. So a new enrollment
  sends COURSE_ENROLLMENT_CHANGED *then* COURSE_ENROLLMENT_CREATED; re-enrolling an inactive row sends the same
  two; enrolling an already active row in the same mode sends only COURSE_ENROLLMENT_CREATED.
* ``update_enrollment`` sends ``COURSE_ENROLLMENT_CHANGED`` when the mode or is_active changed; when it turned
  inactive also ``UNENROLL_DONE``, ``ENROLL_STATUS_CHANGE`` and ``COURSE_UNENROLLMENT_COMPLETED``; when the mode
  changed also ``ENROLLMENT_TRACK_UPDATED``.
* ``unenroll`` runs the ``CourseUnenrollmentStarted`` filter then ``update_enrollment(is_active=False)``.

Payload: ``enrollment=CourseEnrollmentData(user=UserData(pii=UserPersonalData(username, email,
name=user.profile.name), id, is_active), course=CourseData(course_key, display_name), mode, is_active,
creation_date=created)`` (``display_name`` absent when the CourseOverview does not exist). ``user.profile`` must
exist, as for every LMS user (registration creates it).

Omitted: check_access's enrollment-closed/course-full checks (NonExistentCourseError and AlreadyEnrolledError are
kept), CourseEnrollmentAllowed, analytics/segment events, emails, the RequestCache of enrollment states (every
read goes to the database), refunds, upgrade deadlines, enterprise.
"""

import logging
import uuid

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.db.models import Count, Index
from opaque_keys.edx.keys import CourseKey
from openedx_events.learning.data import CourseData, CourseEnrollmentData, UserData, UserPersonalData
from openedx_events.learning.signals import (
    COURSE_ENROLLMENT_CHANGED,
    COURSE_ENROLLMENT_CREATED,
    COURSE_UNENROLLMENT_COMPLETED,
)
from openedx_filters.learning.filters import CourseEnrollmentStarted, CourseUnenrollmentStarted
from simple_history.models import HistoricalRecords

from common.djangoapps.course_modes.models import CourseMode
from common.djangoapps.student.signals import ENROLL_STATUS_CHANGE, ENROLLMENT_TRACK_UPDATED, UNENROLL_DONE
from openedx.core.djangoapps.content.course_overviews.models import CourseOverview

log = logging.getLogger(__name__)

__all__ = [
    "SCORE_RECALCULATION_DELAY_ON_ENROLLMENT_UPDATE",
    "AlreadyEnrolledError",
    "CourseEnrollment",
    "CourseEnrollmentException",
    "CourseOverview",
    "EnrollStatusChange",
    "EnrollmentNotAllowed",
    "NonExistentCourseError",
    "UnenrollmentNotAllowed",
]


# ENROLL signal used for free enrollment only
class EnrollStatusChange:
    """Possible event types for ENROLL_STATUS_CHANGE signal"""

    enroll = "enroll"
    unenroll = "unenroll"
    upgrade_start = "upgrade_start"
    upgrade_complete = "upgrade_complete"
    paid_start = "paid_start"
    paid_complete = "paid_complete"


SCORE_RECALCULATION_DELAY_ON_ENROLLMENT_UPDATE = 30


class CourseEnrollmentException(Exception):
    pass


class NonExistentCourseError(CourseEnrollmentException):
    pass


class AlreadyEnrolledError(CourseEnrollmentException):
    pass


class EnrollmentNotAllowed(CourseEnrollmentException):
    pass


class UnenrollmentNotAllowed(CourseEnrollmentException):
    pass


class CourseEnrollmentManager(models.Manager):
    """Custom manager for CourseEnrollment with Table-level filter methods."""

    def is_small_course(self, course_id):
        """False if the active enrollments exceed settings.MAX_ENROLLMENT_INSTR_BUTTONS (instructor plugin: 200)."""
        max_enrollments = settings.MAX_ENROLLMENT_INSTR_BUTTONS
        enrollment_number = super().get_queryset().filter(course_id=course_id, is_active=1)[: max_enrollments + 1]
        return enrollment_number.count() <= max_enrollments

    def num_enrolled_in_exclude_admins(self, course_id):
        """Active enrollments in a course excluding instructors, staff and CCX coaches."""
        from common.djangoapps.student.roles import CourseCcxCoachRole, CourseInstructorRole, CourseStaffRole

        staff = CourseStaffRole(course_id).users_with_role()
        admins = CourseInstructorRole(course_id).users_with_role()
        coaches = CourseCcxCoachRole(course_id).users_with_role()
        return (
            super()
            .get_queryset()
            .filter(course_id=course_id, is_active=1)
            .exclude(user__in=staff)
            .exclude(user__in=admins)
            .exclude(user__in=coaches)
            .count()
        )

    def users_enrolled_in(self, course_id, include_inactive=False, verified_only=False):
        """A User queryset of every user enrolled in the course."""
        filter_kwargs = {"courseenrollment__course_id": course_id}
        if not include_inactive:
            filter_kwargs["courseenrollment__is_active"] = True
        if verified_only:
            filter_kwargs["courseenrollment__mode"] = CourseMode.VERIFIED
        return User.objects.filter(**filter_kwargs)

    def enrollment_counts(self, course_id):
        """``{'total': n, <mode>: n, ...}`` of active enrollments (a defaultdict(int))."""
        from collections import defaultdict

        query = (
            super()
            .get_queryset()
            .filter(course_id=course_id, is_active=True)
            .values("mode")
            .order_by()
            .annotate(Count("mode"))
        )
        total = 0
        enroll_dict = defaultdict(int)
        for item in query:
            enroll_dict[item["mode"]] = item["mode__count"]
            total += item["mode__count"]
        enroll_dict["total"] = total
        return enroll_dict


class CourseEnrollment(models.Model):
    """
    Represents a Student's Enrollment record for a single Course. You should
    generally not manipulate CourseEnrollment objects directly, but use the
    classmethods provided to enroll, unenroll, or check on the enrollment status
    of a given student.
    """

    MODEL_TAGS = ["course", "is_active", "mode"]

    user = models.ForeignKey(User, on_delete=models.CASCADE)

    course = models.ForeignKey(
        CourseOverview,
        db_constraint=False,
        on_delete=models.DO_NOTHING,
    )

    created = models.DateTimeField(auto_now_add=True, null=True, db_index=True)

    # If is_active is False, then the student is not considered to be enrolled
    # in the course (is_enrolled() will return False)
    is_active = models.BooleanField(default=True)

    # Represents the modes that are possible.
    mode = models.CharField(default=CourseMode.get_default_mode_slug, max_length=100)

    # An audit row will be created for every change to a CourseEnrollment.
    history = HistoricalRecords(
        history_id_field=models.UUIDField(default=uuid.uuid4),
        table_name="student_courseenrollment_history",
    )

    objects = CourseEnrollmentManager()

    class Meta:
        unique_together = (("user", "course"),)
        indexes = [Index(fields=["user", "-created"])]
        ordering = ("user", "course")

    def __str__(self):
        return f"[CourseEnrollment] {self.user}: {self.course_id} ({self.created}); active: ({self.is_active})"

    @classmethod
    def get_or_create_enrollment(cls, user, course_key):
        """The user's enrollment in the course, created inactive in the default mode if missing."""
        assert isinstance(course_key, CourseKey)

        if user.id is None:
            user.save()

        enrollment, __ = cls.objects.get_or_create(
            user=user,
            course_id=course_key,
            defaults={"mode": CourseMode.DEFAULT_MODE_SLUG, "is_active": False},
        )
        return enrollment

    @classmethod
    def get_enrollment(cls, user, course_key, select_related=None):
        """The CourseEnrollment or None."""
        assert user

        if user.is_anonymous:
            return None
        try:
            query = cls.objects
            if select_related is not None:
                query = query.select_related(*select_related)
            return query.get(user=user, course_id=course_key)
        except cls.DoesNotExist:
            return None

    def _enrollment_data(self, course_data):
        return CourseEnrollmentData(
            user=UserData(
                pii=UserPersonalData(
                    username=self.user.username,
                    email=self.user.email,
                    name=self.user.profile.name,
                ),
                id=self.user.id,
                is_active=self.user.is_active,
            ),
            course=course_data,
            mode=self.mode,
            is_active=self.is_active,
            creation_date=self.created,
        )

    def update_enrollment(self, mode=None, is_active=None, skip_refund=False, enterprise_uuid=None):
        """Update the mode and/or is_active, save, and send the events (see the module docstring)."""
        activation_changed = False
        # if is_active is None, then the call to update_enrollment didn't specify
        # any value, so just leave is_active as it is
        if self.is_active != is_active and is_active is not None:
            self.is_active = is_active
            activation_changed = True

        mode_changed = False
        # if mode is None, the call to update_enrollment didn't specify a new
        # mode, so leave as-is
        if self.mode != mode and mode is not None:
            self.mode = mode
            mode_changed = True

        try:
            course_data = CourseData(course_key=self.course_id, display_name=self.course.display_name)
        except CourseOverview.DoesNotExist:
            course_data = CourseData(course_key=self.course_id)

        if activation_changed or mode_changed:
            self.save()

            # .. event_implemented_name: COURSE_ENROLLMENT_CHANGED
            # .. event_type: org.openedx.learning.course.enrollment.changed.v1
            COURSE_ENROLLMENT_CHANGED.send_event(enrollment=self._enrollment_data(course_data))

        if activation_changed and not self.is_active:
            UNENROLL_DONE.send(sender=None, course_enrollment=self, skip_refund=skip_refund)
            self.send_signal(EnrollStatusChange.unenroll)

            # .. event_implemented_name: COURSE_UNENROLLMENT_COMPLETED
            # .. event_type: org.openedx.learning.course.unenrollment.completed.v1
            COURSE_UNENROLLMENT_COMPLETED.send_event(enrollment=self._enrollment_data(course_data))

        if mode_changed:
            # this signal is meant to trigger a score recalculation celery task,
            # `countdown` is added to celery task as delay so that cohort is duly updated
            # before starting score recalculation
            ENROLLMENT_TRACK_UPDATED.send(
                sender=None,
                user=self.user,
                course_key=self.course_id,
                mode=self.mode,
                countdown=SCORE_RECALCULATION_DELAY_ON_ENROLLMENT_UPDATE,
            )

    def send_signal(self, event, cost=None, currency=None):
        """Sends a signal announcing changes in course enrollment status."""
        ENROLL_STATUS_CHANGE.send(
            sender=None,
            event=event,
            user=self.user,
            mode=self.mode,
            course_id=self.course_id,
            cost=cost,
            currency=currency,
        )

    @classmethod
    def enroll(  # noqa: PLR0917 (edx-platform's signature)
        cls, user, course_key, mode=None, check_access=False, can_upgrade=False, enterprise_uuid=None
    ):
        """Enroll a user in a course. This saves immediately. Returns the CourseEnrollment."""
        try:
            # .. filter_implemented_name: CourseEnrollmentStarted
            # .. filter_type: org.openedx.learning.course.enrollment.started.v1
            user, course_key, mode = CourseEnrollmentStarted.run_filter(
                user=user,
                course_key=course_key,
                mode=mode,
            )
        except CourseEnrollmentStarted.PreventEnrollment as exc:
            raise EnrollmentNotAllowed(str(exc)) from exc

        if mode is None:
            # edx-platform: enrollments.api._default_course_mode (the course's CourseModes; "audit" by default)
            mode = CourseMode.DEFAULT_MODE_SLUG
        try:
            course = CourseOverview.get_from_id(course_key)
            course_data = CourseData(course_key=course.id, display_name=course.display_name)
        except CourseOverview.DoesNotExist as err:
            # This is here to preserve legacy behavior which allowed enrollment in courses
            # announced before the start of content creation.
            course_data = CourseData(course_key=course_key)
            if check_access:
                log.warning("User %s failed to enroll in non-existent course %s", user.id, str(course_key))
                raise NonExistentCourseError from err

        if cls.is_enrolled(user, course_key):
            log.warning("User %s attempted to enroll in %s, but they were already enrolled", user.id, course_key)
            if check_access:
                raise AlreadyEnrolledError

        # User is allowed to enroll if they've reached this point.
        enrollment = cls.get_or_create_enrollment(user, course_key)
        enrollment.update_enrollment(is_active=True, mode=mode, enterprise_uuid=enterprise_uuid)
        enrollment.send_signal(EnrollStatusChange.enroll)

        # .. event_implemented_name: COURSE_ENROLLMENT_CREATED
        # .. event_type: org.openedx.learning.course.enrollment.created.v1
        COURSE_ENROLLMENT_CREATED.send_event(
            enrollment=CourseEnrollmentData(
                user=UserData(
                    pii=UserPersonalData(
                        username=user.username,
                        email=user.email,
                        name=user.profile.name,
                    ),
                    id=user.id,
                    is_active=user.is_active,
                ),
                course=course_data,
                mode=enrollment.mode,
                is_active=enrollment.is_active,
                creation_date=enrollment.created,
            )
        )

        return enrollment

    @classmethod
    def unenroll(cls, user, course_id, skip_refund=False):
        """Remove the user from a given course; a missing enrollment is logged, not raised."""
        try:
            record = cls.objects.get(user=user, course_id=course_id)

            try:
                # .. filter_implemented_name: CourseUnenrollmentStarted
                # .. filter_type: org.openedx.learning.course.unenrollment.started.v1
                record = CourseUnenrollmentStarted.run_filter(enrollment=record)
            except CourseUnenrollmentStarted.PreventUnenrollment as exc:
                raise UnenrollmentNotAllowed(str(exc)) from exc

            record.update_enrollment(is_active=False, skip_refund=skip_refund)

        except cls.DoesNotExist:
            log.error("Tried to unenroll student %s from %s but they were not enrolled", user, course_id)

    @classmethod
    def is_enrolled(cls, user, course_key):
        """True if the user has an active enrollment in the course."""
        __, is_active = cls.enrollment_mode_for_user(user, course_key)
        return is_active or False

    @classmethod
    def enrollment_mode_for_user(cls, user, course_id):
        """``(mode, is_active)`` of the user's enrollment, or ``(None, None)`` if there is none."""
        assert user

        if user.is_anonymous:
            return None, None
        try:
            record = cls.objects.get(user=user, course_id=course_id)
        except cls.DoesNotExist:
            return None, None
        return record.mode, record.is_active

    @classmethod
    def enrollments_for_user(cls, user):
        return cls.objects.filter(user=user, is_active=1).select_related("user")

    def activate(self):
        """Makes this `CourseEnrollment` record active. Saves immediately."""
        self.update_enrollment(is_active=True)

    def deactivate(self):
        """Makes this `CourseEnrollment` record inactive. Saves immediately."""
        self.update_enrollment(is_active=False)

    def change_mode(self, mode):
        """Changes this `CourseEnrollment` record's mode to `mode`.  Saves immediately."""
        self.update_enrollment(mode=mode)

    @property
    def username(self):
        return self.user.username

    @property
    def course_overview(self):
        """The CourseOverview of the course, or None."""
        try:
            return self.course
        except CourseOverview.DoesNotExist:
            return None

    @classmethod
    def get_active_enrollments_in_course(cls, course_key):
        """Active CourseEnrollments of a course with their users and profiles."""
        return cls.objects.filter(course_id=course_key, is_active=True).select_related("user", "user__profile")
