"""URLs the LMS mounts through edx-django-utils ``get_plugin_url_patterns`` (namespace ``cert_manager``)."""

from django.urls import include, path

urlpatterns = [
    path("api/cert_manager/v1/", include("cert_manager_plugin.rest_api.v1.urls")),
    path("cert_manager/", include("cert_manager_plugin.dashboard.urls")),
]
