# Stand-in for edx-platform lms/djangoapps/grades/course_grade_factory.py at commit
# e57a655d77b614f19223984e9805b1fb940ab192 (openedx/openedx-platform).
"""
``CourseGradeFactory``. Reproduced: ``read(user, course=None, collected_block_structure=None,
course_structure=None, course_key=None, create_if_needed=True)``: the persisted grade as a ``CourseGrade``
(``passed`` is ``letter_grade != ''``), else a ``ZeroCourseGrade`` (percent 0.0, not passed).

Omitted: ``update()``/``iter()``, which compute grades from course content. What ``update()`` does after
computing, in order: ``PersistentCourseGrade.update_or_create(user_id, course_id, course_version,
course_edited_timestamp, grading_policy_hash, percent_grade, letter_grade=letter or "", passed)`` when the learner
attempted something; ``COURSE_GRADE_CHANGED.send_robust(sender=None, user, course_grade, course_key, deadline)``;
then, on EVERY update, ``COURSE_GRADE_NOW_PASSED.send(sender=CourseGradeFactory, user, course_id)`` if passed else
``COURSE_GRADE_NOW_FAILED.send(sender=CourseGradeFactory, user, course_id, grade)``, whose grades handlers send
``COURSE_PASSING_STATUS_UPDATED``. Tests reproduce an update by calling those in that order.
"""

from collections import namedtuple
from types import SimpleNamespace

from .course_grade import CourseGrade, ZeroCourseGrade
from .models import PersistentCourseGrade


class CourseGradeFactory:
    """Factory class to create Course Grade objects."""

    GradeResult = namedtuple("GradeResult", ["student", "course_grade", "error"])

    def read(  # noqa: PLR0917 (edx-platform's signature)
        self,
        user,
        course=None,
        collected_block_structure=None,
        course_structure=None,
        course_key=None,
        create_if_needed=True,
    ):
        """Returns the CourseGrade for the given user in the course (zero if none is stored)."""
        course_data = SimpleNamespace(course_key=course_key or course.id)
        try:
            return self._read(user, course_data)
        except PersistentCourseGrade.DoesNotExist:
            return ZeroCourseGrade(user, course_data)

    @staticmethod
    def _read(user, course_data):
        """A CourseGrade object based on stored grade information for the given user and course."""
        persistent_grade = PersistentCourseGrade.read(user.id, course_data.course_key)
        return CourseGrade(
            user,
            course_data,
            persistent_grade.percent_grade,
            persistent_grade.letter_grade,
            persistent_grade.letter_grade != "",
            last_updated=persistent_grade.modified,
        )
