# Stand-in for edx-platform lms/djangoapps/courseware/access.py, as its callers use it at commit
# 8fe0640e92a89c80864ceb3386bea570e536140b (lms/djangoapps/instructor/permissions.py) and
# 32ad8dd701f44d2865a62902303002a84fb63c1e (instructor_dashboard.py), openedx/openedx-platform.
"""
``has_access(user, action, obj, course_key=None)`` for the two course actions the instructor dashboard asks:

* ``'staff'``: global staff, or the course's staff or instructor role (an instructor has staff access);
* ``'instructor'``: global staff, or the course's instructor role.

Returns a bool (edx-platform returns a truthy/falsy AccessResponse). Omitted: masquerading, org-wide roles,
every other action and object type (blocks, locations, ...).
"""

from common.djangoapps.student.roles import CourseInstructorRole, CourseStaffRole, GlobalStaff


def has_access(user, action, obj, course_key=None):
    """Whether ``user`` has ``action`` ('staff' or 'instructor') access to the course ``obj``."""
    course_key = course_key or getattr(obj, "id", obj)
    if not user or not user.is_authenticated:
        return False
    if GlobalStaff().has_user(user):
        return True
    if action == "instructor":
        return CourseInstructorRole(course_key).has_user(user)
    if action == "staff":
        return CourseStaffRole(course_key).has_user(user) or CourseInstructorRole(course_key).has_user(user)
    raise ValueError(f"Unknown action for has_access: {action!r}")
