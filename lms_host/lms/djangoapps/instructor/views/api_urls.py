# Stand-in for edx-platform lms/djangoapps/instructor/views/api_urls.py at commit
# 52a7db7b8de2f9a7c3c63a85f27ca3eecc94b5d3 (openedx/openedx-platform).
"""
Instructor API endpoint urls. Reproduced: the v2 course metadata endpoint
``courses/<course_id>`` -> ``api_v2.CourseMetadataView`` (name ``course_metadata``; full path
``/api/instructor/v2/courses/<course_id>``, reverse ``instructor_api_v2:course_metadata``). Omitted: every other
v1/v2 endpoint.
"""

from django.urls import re_path

from lms.djangoapps.instructor.views import api_v2
from openedx.core.constants import COURSE_ID_PATTERN

v2_api_urls = [
    re_path(rf"^courses/{COURSE_ID_PATTERN}$", api_v2.CourseMetadataView.as_view(), name="course_metadata"),
]

urlpatterns = []
