# Stand-in for edx-platform openedx/core/lib/courses.py at commit e57a655d77b614f19223984e9805b1fb940ab192
# (openedx/openedx-platform).
"""
``get_course_by_id(course_key, depth=0)``: the course or ``Http404``. edx-platform returns the CourseBlock from the
modulestore; the host has no modulestore and returns the ``CourseOverview`` (id, display_name,
display_name_with_default, display_org_with_default, display_number_with_default, start, end, self_paced,
enable_proctored_exams, cert_html_view_enabled, has_started(), has_ended(), location, and the host-only
``certificates`` property standing for the block's ``certificates`` field, which the web certificate view reads
through ``get_active_web_certificate``). The block's certificate display fields (``certificates_display_behavior``,
``certificate_available_date``, ``certificates_show_before_end``) are the overview's, which is what
``certificates_viewable_for_course`` prefers anyway.
"""

from django.http import Http404

from openedx.core.djangoapps.content.course_overviews.models import CourseOverview


def get_course_by_id(course_key, depth=0):
    """The course for ``course_key``; raises Http404 if it does not exist."""
    try:
        return CourseOverview.get_from_id(course_key)
    except CourseOverview.DoesNotExist as exc:
        raise Http404(f"Course not found: {course_key}.") from exc
