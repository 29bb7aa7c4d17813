# Stand-in for edx-platform lms/djangoapps/instructor/urls.py at commit e57a655d77b614f19223984e9805b1fb940ab192
# (openedx/openedx-platform).
"""
Instructor API endpoint urls (included by the plugin URL mechanism). Reproduced: ``api/instructor/v2/`` with
namespace ``instructor_api_v2``. Omitted: ``courses/<id>/instructor/api/`` (the legacy AJAX API) and
``api/instructor/v1/``.
"""

from django.urls import include, path

from .views import api_urls

urlpatterns = [
    # New v2 API endpoints, intended to be used by MFEs and other API clients.
    path(
        "api/instructor/v2/",
        include((api_urls.v2_api_urls, "lms.djangoapps.instructor"), namespace="instructor_api_v2"),
    ),
]
