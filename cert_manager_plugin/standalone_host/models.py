"""
The standalone adapter's tables: its courses and course team roles (hosts without edx-platform only).

Their tables keep the names they had in ``cert_manager_plugin`` (``db_table``), so a standalone install's
rows survive the move (``cert_manager_plugin`` migration 0009 and this app's 0001).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from opaque_keys.edx.django.models import CourseKeyField

from ..data import CourseRole


class StandaloneCourse(models.Model):
    """
    The standalone adapter's course overview (the LMS adapter reads CourseOverview instead).

    .. no_pii:
    """

    course_key = CourseKeyField(max_length=255, unique=True)
    display_name = models.CharField(max_length=255)
    org = models.CharField(max_length=255, blank=True, default="")
    start = models.DateTimeField(null=True, blank=True)
    end = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "cert_manager_plugin_standalonecourse"

    def __str__(self) -> str:
        return f"{self.display_name} ({self.course_key})"


class StandaloneCourseRole(models.Model):
    """
    The standalone adapter's course team roles (the LMS adapter reads CourseAccessRole instead).

    .. no_pii:
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    course_key = CourseKeyField(max_length=255, db_index=True)
    role = models.CharField(max_length=32, choices=[(r.value, r.value) for r in CourseRole])

    class Meta:
        db_table = "cert_manager_plugin_standalonecourserole"
        constraints = [models.UniqueConstraint(fields=["user", "course_key", "role"], name="cm_role_user_course_role")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} of {self.course_key}"
