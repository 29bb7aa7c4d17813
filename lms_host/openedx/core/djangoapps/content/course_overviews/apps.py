# Stand-in for edx-platform openedx/core/djangoapps/content/course_overviews/apps.py at commit
# 0c1605271506cb52c0f624ecf040db6b0927631c (openedx/edx-platform).
"""Configuration for course_overviews Django app (label ``course_overviews``). Omitted: the publish signals."""

from django.apps import AppConfig


class CourseOverviewsConfig(AppConfig):
    """Configuration class for course_overviews Django app"""

    name = "openedx.core.djangoapps.content.course_overviews"
    verbose_name = "Course Overviews"
    default_auto_field = "django.db.models.AutoField"
