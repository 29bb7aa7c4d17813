# Stand-in for edx-platform lms/djangoapps/certificates/urls.py at commit e57a655d77b614f19223984e9805b1fb940ab192
# (openedx/openedx-platform).
"""
URLs for the certificates app (included at ``certificates/`` by lms/urls.py, namespace ``certificates``).
Reproduced: ``^(?P<certificate_uuid>[0-9a-f]{32})$`` -> ``render_cert_by_uuid`` (name ``render_cert_by_uuid``).
Omitted: the preview, unsupported-URL and support endpoints.
"""

from django.urls import re_path

from lms.djangoapps.certificates import views

app_name = "certificates"
urlpatterns = [
    # Certificates HTML view end point to render web certs by certificate_uuid
    re_path(
        r"^(?P<certificate_uuid>[0-9a-f]{32})$",
        views.render_cert_by_uuid,
        name="render_cert_by_uuid",
    ),
]
