# Stand-in for edx-platform common/djangoapps/student/signals/__init__.py at commit
# e57a655d77b614f19223984e9805b1fb940ab192 (openedx/openedx-platform).
"""Student signals, re-exported as edx-platform does (only those CourseEnrollment sends)."""

from common.djangoapps.student.signals.signals import (  # noqa: F401
    ENROLL_STATUS_CHANGE,
    ENROLLMENT_TRACK_UPDATED,
    UNENROLL_DONE,
)
