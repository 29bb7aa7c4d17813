# Stand-in for edx-platform lms/djangoapps/grades/signals/signals.py at commit
# e57a655d77b614f19223984e9805b1fb940ab192 (openedx/openedx-platform).
"""
Grades' Django signals that ``PersistentCourseGrade.update_or_create`` sends, the first time a grade passes:
``COURSE_GRADE_PASSED_FIRST_TIME.send(sender=None, course_id, user_id)`` then
``COURSE_GRADE_PASSED_UPDATE_IN_LEARNER_PATHWAY.send(sender=None, user_id, course_id)``. Omitted: the other
grades signals (problem/subsection score changes).
"""

from django.dispatch import Signal

# Signal that indicates that a user has passed a course for the first time.
# providing_args=['user_id', 'course_id']
COURSE_GRADE_PASSED_FIRST_TIME = Signal()

# Signal that indicates a learner pathway update is needed after a course passes.
# providing_args=['user_id', 'course_id']
COURSE_GRADE_PASSED_UPDATE_IN_LEARNER_PATHWAY = Signal()
