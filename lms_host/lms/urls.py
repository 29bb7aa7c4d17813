# Stand-in for edx-platform lms/urls.py at commit 06d1a0ef72bc827363fa82984405f25a05ae8476
# (openedx/openedx-platform).
"""
URLs for LMS (``ROOT_URLCONF = "lms.urls"``), in edx-platform's order.

Reproduced: the admin site when ``DEBUG or ENABLE_DJANGO_ADMIN_SITE`` (edx-platform redirects ``admin/login/`` to
the LMS login; the host keeps Django's); ``^courses/{COURSE_ID_PATTERN}/instructor$`` ->
``instructor_dashboard_2`` (name ``instructor_dashboard``); ``certificates/`` -> ``lms.djangoapps.certificates.urls``
(namespace ``certificates``: ``/certificates/<32 hex uuid>``); edx-drf-extensions' ``csrf.urls``; then
``urlpatterns.extend(get_plugin_url_patterns(ProjectType.LMS))`` (near the end, as edx-platform, after the
certificates URLs; this brings edx-platform's own instructor app URLs, ``/api/instructor/v2/courses/<course_id>``
included, and every plugin's); and the LMS API schema ``lms-api/schema/`` (name ``lms-schema``). Omitted: every
other LMS URL (there is no login page: tests log in with ``client.force_login``).
"""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from edx_django_utils.plugins import get_plugin_url_patterns

from lms.djangoapps.instructor.views import instructor_dashboard as instructor_dashboard_views
from openedx.core.djangoapps.plugins.constants import ProjectType

urlpatterns = [
    # For the instructor
    re_path(
        rf"^courses/{settings.COURSE_ID_PATTERN}/instructor$",
        instructor_dashboard_views.instructor_dashboard_2,
        name="instructor_dashboard",
    ),
]

if settings.DEBUG or settings.ENABLE_DJANGO_ADMIN_SITE:
    urlpatterns += [
        path("admin/", admin.site.urls),
    ]

# Certificates
urlpatterns += [
    path("certificates/", include("lms.djangoapps.certificates.urls")),
]

# edx-drf-extensions csrf app
urlpatterns += [
    path("", include("csrf.urls")),
]

urlpatterns.extend(get_plugin_url_patterns(ProjectType.LMS))

# LMS API schema for openedx-platform-sdk generation.
urlpatterns += [
    path("lms-api/schema/", SpectacularAPIView.as_view(), name="lms-schema"),
]
