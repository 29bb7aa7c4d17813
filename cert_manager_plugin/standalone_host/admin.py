"""Django admin of the standalone host's courses and course team roles (editable; see ``cert_manager_role``)."""

from __future__ import annotations

from django.contrib import admin

from ..admin import USER_SEARCH
from .models import StandaloneCourse, StandaloneCourseRole


@admin.register(StandaloneCourse)
class StandaloneCourseAdmin(admin.ModelAdmin):
    """The standalone adapter's courses (outside the LMS): editable."""

    list_display = ("course_key", "display_name", "org", "start", "end")
    search_fields = ("course_key", "display_name", "org")


@admin.register(StandaloneCourseRole)
class StandaloneCourseRoleAdmin(admin.ModelAdmin):
    """Course team roles of the standalone adapter: instructors manage certificates, staff read."""

    list_display = ("user", "course_key", "role")
    list_filter = ("role",)
    search_fields = (*USER_SEARCH, "course_key")
    raw_id_fields = ("user",)
    list_select_related = ("user",)
