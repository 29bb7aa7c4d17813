"""URLs the LMS mounts through edx-django-utils ``get_plugin_url_patterns`` (namespace ``cert_manager``)."""

from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

urlpatterns = [
    path("api/cert_manager/v1/", include("cert_manager_plugin.rest_api.v1.urls")),
    # The plugin's JavaScript translations (djangojs domain), in the request's language: the instructor panel
    # and the learner dashboard load it before their scripts; inside the LMS it adds to the LMS's own catalog.
    path(
        "cert_manager/jsi18n/",
        JavaScriptCatalog.as_view(packages=["cert_manager_plugin"]),
        name="jsi18n",
    ),
    path("cert_manager/", include("cert_manager_plugin.dashboard.urls")),
]
