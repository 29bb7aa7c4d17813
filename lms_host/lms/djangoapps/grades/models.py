# Stand-in for edx-platform lms/djangoapps/grades/models.py at commit 3b7eee77d13ce639d136eaa68b74d9b51e1a8a1a
# (openedx/openedx-platform).
"""
``PersistentCourseGrade`` (table ``grades_persistentcoursegrade``).

Reproduced: the fields (``user_id`` integer, ``course_id``, ``course_edited_timestamp``, ``course_version``,
``grading_policy_hash``, ``percent_grade`` float, ``letter_grade`` ("" when failing), ``passed_timestamp``,
created/modified), ``unique_together (course_id, user_id)`` and the indexes; ``read(user_id, course_id)``;
``update_or_create(cls, user_id, course_id, **kwargs)`` exactly: it pops ``passed`` (required kwarg), defaults
``course_version`` to "", updates or creates the row, and when ``passed`` and no ``passed_timestamp`` yet sends
``COURSE_GRADE_PASSED_FIRST_TIME``, sets ``passed_timestamp = now()``, saves and sends
``COURSE_GRADE_PASSED_UPDATE_IN_LEARNER_PATHWAY``. It NEVER clears ``passed_timestamp`` (a learner who falls below
the cutoff keeps it; only ``letter_grade`` becomes ""). It then sends openedx-events
``PERSISTENT_GRADE_SUMMARY_CHANGED`` with ``grade=PersistentCourseGradeData(user_id, course=CourseData(course_key),
course_edited_timestamp, course_version, grading_policy_hash, percent_grade, letter_grade, passed_timestamp)`` on
every call, changed or not. Returns the row.

Omitted: the ``id`` is a BigAutoField (edx-platform: UnsignedBigIntAutoField), the request-cache prefetch, the
``edx.grades.course.grade_calculated`` tracking event, subsection grades, visible blocks and overrides.
"""

from django.db import models
from django.utils.timezone import now
from model_utils.models import TimeStampedModel
from opaque_keys.edx.django.models import CourseKeyField
from openedx_events.learning.data import CourseData, PersistentCourseGradeData
from openedx_events.learning.signals import PERSISTENT_GRADE_SUMMARY_CHANGED

from lms.djangoapps.grades.signals.signals import (
    COURSE_GRADE_PASSED_FIRST_TIME,
    COURSE_GRADE_PASSED_UPDATE_IN_LEARNER_PATHWAY,
)


class PersistentCourseGrade(TimeStampedModel):
    """A django model tracking persistent course grades."""

    class Meta:
        app_label = "grades"
        unique_together = [
            ("course_id", "user_id"),
        ]
        indexes = [
            models.Index(fields=["passed_timestamp", "course_id"], name="passed_timestamp_course_id_idx"),
            models.Index(fields=["modified", "course_id"], name="modified_course_id_idx"),
        ]

    # primary key will need to be large for this table
    id = models.BigAutoField(primary_key=True)
    user_id = models.IntegerField(blank=False, db_index=True)
    course_id = CourseKeyField(blank=False, max_length=255)

    # Information relating to the state of content when grade was calculated
    course_edited_timestamp = models.DateTimeField("Last content edit timestamp", blank=True, null=True)
    course_version = models.CharField("Course content version identifier", blank=True, max_length=255)
    grading_policy_hash = models.CharField("Hash of grading policy", blank=False, max_length=255)

    # Information about the course grade itself
    percent_grade = models.FloatField(blank=False)
    letter_grade = models.CharField("Letter grade for course", blank=False, max_length=255)

    # Information related to course completion
    passed_timestamp = models.DateTimeField("Date learner earned a passing grade", blank=True, null=True)

    def __str__(self):
        """Returns a string representation of this model."""
        return ", ".join(
            [
                f"{type(self).__name__} user: {self.user_id}",
                f"course version: {self.course_version}",
                f"grading policy: {self.grading_policy_hash}",
                f"percent grade: {self.percent_grade}%",
                f"letter grade: {self.letter_grade}",
                f"passed timestamp: {self.passed_timestamp}",
            ]
        )

    @classmethod
    def read(cls, user_id, course_id):
        """The grade row; raises PersistentCourseGrade.DoesNotExist if there is none."""
        return cls.objects.get(user_id=user_id, course_id=course_id)

    @classmethod
    def update_or_create(cls, user_id, course_id, **kwargs):
        """
        Creates a course grade in the database.
        Returns a PersistedCourseGrade object.
        """
        passed = kwargs.pop("passed")

        if kwargs.get("course_version", None) is None:
            kwargs["course_version"] = ""

        grade, _ = cls.objects.update_or_create(user_id=user_id, course_id=course_id, defaults=kwargs)
        if passed and not grade.passed_timestamp:
            COURSE_GRADE_PASSED_FIRST_TIME.send(sender=None, course_id=course_id, user_id=user_id)
            grade.passed_timestamp = now()
            grade.save()
            COURSE_GRADE_PASSED_UPDATE_IN_LEARNER_PATHWAY.send(sender=None, user_id=user_id, course_id=course_id)

        cls._emit_openedx_persistent_grade_summary_changed_event(course_id, user_id, grade)
        return grade

    @classmethod
    def delete_course_grade_for_learner(cls, course_id, user_id):
        """Clears course grade for a learner in a course."""
        cls.objects.filter(user_id=user_id, course_id=course_id).delete()

    @staticmethod
    def _emit_openedx_persistent_grade_summary_changed_event(course_id, user_id, grade):
        """When called emits an event when a persistent grade is created or updated."""
        # .. event_implemented_name: PERSISTENT_GRADE_SUMMARY_CHANGED
        # .. event_type: org.openedx.learning.course.persistent_grade_summary.changed.v1
        PERSISTENT_GRADE_SUMMARY_CHANGED.send_event(
            grade=PersistentCourseGradeData(
                user_id=user_id,
                course=CourseData(
                    course_key=course_id,
                ),
                course_edited_timestamp=grade.course_edited_timestamp,
                course_version=grade.course_version,
                grading_policy_hash=grade.grading_policy_hash,
                percent_grade=grade.percent_grade,
                letter_grade=grade.letter_grade,
                passed_timestamp=grade.passed_timestamp,
            )
        )
