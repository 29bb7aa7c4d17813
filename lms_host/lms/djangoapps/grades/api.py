# Stand-in for edx-platform lms/djangoapps/grades/api.py at commit e57a655d77b614f19223984e9805b1fb940ab192
# (openedx/openedx-platform).
"""Python API for grades. Reproduced: the ``CourseGradeFactory`` re-export. Omitted: the rest of the API."""

from lms.djangoapps.grades.course_grade_factory import CourseGradeFactory  # noqa: F401
