# Stand-in for edx-platform common/djangoapps/student/models/__init__.py at commit
# 0b870c132a5e8e2e1f1c4b3b2b20e329738d3a49 (openedx/openedx-platform).
"""The student models, importable from ``common.djangoapps.student.models`` as in edx-platform."""

from .course_enrollment import *  # noqa: F403
from .user import *  # noqa: F403
