# Stand-in for edx-platform lms/djangoapps/instructor/views/api_v2.py at commit
# 13ded48478c08670882cab3178566aba0928cb2b (openedx/openedx-platform).
"""
Instructor API v2 views. Reproduced: ``CourseMetadataView`` (GET ``/api/instructor/v2/courses/<course_id>``;
``permission_classes = (IsAuthenticated, InstructorPermission)`` with ``permission_name = VIEW_DASHBOARD``;
authentication from REST_FRAMEWORK's defaults, JWT then session), which serializes
``{'tabs': ..., 'course': course, 'user': request.user, 'request': request}`` with
``CourseInformationSerializerV2``. Omitted: every other v2 view; ``tabs`` (the learner course tab list) is [].
"""

from opaque_keys.edx.keys import CourseKey
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from lms.djangoapps.instructor import permissions
from openedx.core.lib.courses import get_course_by_id

from .serializers_v2 import CourseInformationSerializerV2


class CourseMetadataView(APIView):
    """Retrieve course metadata for the instructor dashboard MFE, including its ``tabs``."""

    permission_classes = (IsAuthenticated, permissions.InstructorPermission)
    permission_name = permissions.VIEW_DASHBOARD

    def get(self, request, course_id):
        """GET /api/instructor/v2/courses/{course_id}"""
        course_key = CourseKey.from_string(course_id)
        course = get_course_by_id(course_key)

        tabs = []  # edx-platform: get_course_tab_list(request.user, course)
        context = {"tabs": tabs, "course": course, "user": request.user, "request": request}
        serializer = CourseInformationSerializerV2(context)

        return Response(serializer.data, status=status.HTTP_200_OK)
