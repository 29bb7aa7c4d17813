# Stand-in for edx-platform lms/djangoapps/grades/events.py at commit e57a655d77b614f19223984e9805b1fb940ab192
# (openedx/openedx-platform).
"""
Course grade events. Reproduced: ``course_grade_now_passed(user, course_id)`` and
``course_grade_now_failed(user, course_id)``, which send openedx-events ``COURSE_PASSING_STATUS_UPDATED``
(``CCX_COURSE_PASSING_STATUS_UPDATED`` for a CCX key) with
``course_passing_status=CoursePassingStatusData(is_passing, user=UserData(pii=UserPersonalData(username, email,
name=user.get_full_name() or user.profile.name), id, is_active), course=CourseData(course_key=course_id))``.
Omitted: the tracking-log events (eventtracking) and segment events.
"""

from openedx_events.learning.data import (
    CcxCourseData,
    CcxCoursePassingStatusData,
    CourseData,
    CoursePassingStatusData,
    UserData,
    UserPersonalData,
)
from openedx_events.learning.signals import CCX_COURSE_PASSING_STATUS_UPDATED, COURSE_PASSING_STATUS_UPDATED


def course_grade_now_passed(user, course_id):
    """Emits the passing status updated event for a user who passes now (and edx-platform's tracking log)."""
    _emit_course_passing_status_update(user, course_id, is_passing=True)


def course_grade_now_failed(user, course_id):
    """Emits the passing status updated event for a user who fails now (and edx-platform's tracking log)."""
    _emit_course_passing_status_update(user, course_id, is_passing=False)


def _emit_course_passing_status_update(user, course_id, is_passing):
    """
    Emit course passing status event according to the course type.
    The status of event is determined by is_passing parameter.
    """
    user_data = UserData(
        pii=UserPersonalData(
            username=user.username,
            email=user.email,
            name=user.get_full_name() or user.profile.name,
        ),
        id=user.id,
        is_active=user.is_active,
    )
    if hasattr(course_id, "ccx"):
        # .. event_implemented_name: CCX_COURSE_PASSING_STATUS_UPDATED
        # .. event_type: org.openedx.learning.ccx.course.passing.status.updated.v1
        CCX_COURSE_PASSING_STATUS_UPDATED.send_event(
            course_passing_status=CcxCoursePassingStatusData(
                is_passing=is_passing,
                user=user_data,
                course=CcxCourseData(
                    ccx_course_key=course_id,
                    master_course_key=course_id.to_course_locator(),
                ),
            )
        )
    else:
        # .. event_implemented_name: COURSE_PASSING_STATUS_UPDATED
        # .. event_type: org.openedx.learning.course.passing.status.updated.v1
        COURSE_PASSING_STATUS_UPDATED.send_event(
            course_passing_status=CoursePassingStatusData(
                is_passing=is_passing,
                user=user_data,
                course=CourseData(
                    course_key=course_id,
                ),
            )
        )
