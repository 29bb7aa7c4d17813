# Stand-in for edx-platform openedx/core/djangoapps/content/course_overviews/api.py at commit
# e57a655d77b614f19223984e9805b1fb940ab192 (openedx/openedx-platform).
"""
CourseOverview api. Reproduced exactly: ``get_course_overview_or_none(course_id)`` (None, with a warning logged,
for an unknown course; None, with the exception logged, for any other error) and ``get_course_overview_or_404``.
Omitted: pseudo overviews from the catalog, serialized overviews.
"""

import logging

from django.http.response import Http404

from openedx.core.djangoapps.content.course_overviews.models import CourseOverview

log = logging.getLogger(__name__)


def get_course_overview_or_none(course_id):
    """
    Retrieve and return course overview data for the provided course id.

    If the course overview does not exist, return None.
    """
    try:
        return CourseOverview.get_from_id(course_id)
    except CourseOverview.DoesNotExist:
        log.warning(f"Course overview does not exist for {course_id}")
    except Exception as ex:
        log.exception(f"Unhandled exception getting course overview for {course_id}: {ex}")

    return None


def get_course_overview_or_404(course_id):
    """
    Retrieve and return course overview data for the provided course id.

    If the course overview does not exist, raises Http404.
    """
    try:
        return CourseOverview.get_from_id(course_id)
    except CourseOverview.DoesNotExist as e:
        raise Http404(f"Course overview does not exist for {course_id}") from e


def get_course_overviews_from_ids(course_ids):
    """``{course_key: CourseOverview or None}`` for the given keys (edx-platform: CourseOverview.get_from_ids)."""
    overviews = {overview.id: overview for overview in CourseOverview.objects.filter(id__in=course_ids)}
    return {course_id: overviews.get(course_id) for course_id in course_ids}
