# Stand-in for edx-platform lms/djangoapps/grades/course_grade.py (CourseGradeBase as stored in the search index
# without a commit id), as used by lms/djangoapps/grades/course_grade_factory.py at commit
# e57a655d77b614f19223984e9805b1fb940ab192 (openedx/openedx-platform).
"""
``CourseGrade`` / ``ZeroCourseGrade`` as ``CourseGradeFactory.read`` returns them. Reproduced: the constructor's
``(user, course_data, percent, letter_grade, passed, last_updated)`` and the ``percent``, ``letter_grade``,
``passed``, ``user``, ``course_data`` attributes (``attempted`` True for a persisted grade). Omitted: computing a
grade from course content (chapter/subsection grades, graders).
"""


class CourseGradeBase:
    """Base class for Course Grades."""

    def __init__(  # noqa: PLR0917 (edx-platform's signature)
        self, user, course_data, percent=0.0, letter_grade=None, passed=False, last_updated=None
    ):
        self.user = user
        self.course_data = course_data
        self.percent = percent
        self.passed = passed
        # Convert empty strings to None when reading from the table
        self.letter_grade = letter_grade or None
        self.last_updated = last_updated

    def __str__(self):
        return f"Course Grade: percent: {self.percent}, letter_grade: {self.letter_grade}, passed: {self.passed}"

    @property
    def attempted(self):
        return False


class ZeroCourseGrade(CourseGradeBase):
    """Course Grade class for Zero-value grades when no problems were attempted in the course."""


class CourseGrade(CourseGradeBase):
    """Course Grade class read from a PersistentCourseGrade."""

    @property
    def attempted(self):
        return True
