# Stand-in for edx-platform lms/djangoapps/grades/signals/handlers.py at commit
# e57a655d77b614f19223984e9805b1fb940ab192 (openedx/openedx-platform).
"""
The grades handlers that turn ``COURSE_GRADE_NOW_PASSED`` / ``COURSE_GRADE_NOW_FAILED`` (sent by
``CourseGradeFactory.update`` after every course grade update, passed or not) into ``COURSE_PASSING_STATUS_UPDATED``.
Reproduced exactly: ``listen_for_passing_grade`` and ``listen_for_failing_grade``. Omitted: the score-change and
first-time-pass handlers (tracking logs, segment) and the exam/external-grader handlers.
"""

from django.dispatch import receiver

from lms.djangoapps.grades import events
from openedx.core.djangoapps.signals.signals import COURSE_GRADE_NOW_FAILED, COURSE_GRADE_NOW_PASSED


@receiver(COURSE_GRADE_NOW_PASSED)
def listen_for_passing_grade(sender, user, course_id, **kwargs):
    """
    Listen for a signal indicating that the user has passed a course run.

    Emits an edx.course.grade.now_passed event
    """
    events.course_grade_now_passed(user, course_id)


@receiver(COURSE_GRADE_NOW_FAILED)
def listen_for_failing_grade(sender, user, course_id, **kwargs):
    """
    Listen for a signal indicating that the user has failed a course run.

    Emits an edx.course.grade.now_failed event
    """
    events.course_grade_now_failed(user, course_id)
