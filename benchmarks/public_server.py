"""
The server ``bench_public`` measures: the demo host's settings and URLs plus a one-row JSON baseline view.

Settings module and URLconf at once (``DJANGO_SETTINGS_MODULE=benchmarks.public_server``), on the database the
environment names (``CERT_MANAGER_DB``, ``CERT_MANAGER_DB_NAME``) with persistent connections; gunicorn serves
it with ``'django.core.wsgi:get_wsgi_application()'``. ``python -m benchmarks.public_server setup`` migrates,
writes one course, learner and certificate, and prints ``{"verify_uuid", "certificate_id"}``.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta

os.environ.setdefault("CERT_MANAGER_SETTINGS_TYPE", "devstack")

from devsite.settings import *  # noqa: F403
from devsite.settings import DATABASES, MIDDLEWARE

DEBUG = False
ROOT_URLCONF = "benchmarks.public_server"
ALLOWED_HOSTS = ["*"]
LOGGING = {"version": 1, "disable_existing_loggers": False}
DATABASES["default"]["CONN_MAX_AGE"] = 600  # persistent connections, as a production LMS runs
MIDDLEWARE = [m for m in MIDDLEWARE if "debug_toolbar" not in m]
#: A shared cache, as the LMS's memcached, when ``bench_public`` found Redis; else each worker's own memory.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("BENCH_PUBLIC_REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["BENCH_PUBLIC_REDIS_URL"],
        }
    }


def one_row(request, pk: int):
    """The baseline: one certificate row as JSON (one query, no template, no serializer)."""
    from django.http import Http404, JsonResponse

    from cert_manager_plugin.models import Certificate

    row = Certificate.objects.filter(pk=pk).values("id", "status", "revision", "modified").first()
    if row is None:
        raise Http404
    return JsonResponse(row)


def _urlpatterns() -> list:
    from django.urls import path

    from devsite.urls import urlpatterns as demo

    return [path("bench/one-row/<int:pk>/", one_row), *demo]


def setup() -> dict:
    """Migrate, then one course, learner and issued certificate: what the measure requests."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone
    from opaque_keys.edx.keys import CourseKey

    from cert_manager_plugin.models import Certificate, CourseCertificateSettings
    from cert_manager_plugin.standalone_host.models import StandaloneCourse

    call_command("migrate", verbosity=0, interactive=False)
    key = CourseKey.from_string("course-v1:BenchPublic+P101+2026")
    StandaloneCourse.objects.get_or_create(
        course_key=key, defaults={"display_name": "Public Pages 101", "org": "Bench"}
    )
    CourseCertificateSettings.objects.get_or_create(course_key=key, defaults={"print_grade": True})
    user = get_user_model().objects.create(username=f"viral{os.getpid()}", first_name="Viral", last_name="Learner")
    earlier = timezone.now() - timedelta(minutes=5)
    cert = Certificate.objects.create(
        user=user,
        course_key=key,
        status="downloadable",
        mode="verified",
        grade=0.93,
        name="Viral Learner",
        source="job",
        created=earlier,
        modified=earlier,
        issued_date=earlier,
    )
    return {"verify_uuid": str(cert.verify_uuid), "certificate_id": cert.pk}


def __getattr__(name: str) -> list:
    """``urlpatterns``, built when Django asks for it (a settings module cannot import the URLs early)."""
    if name == "urlpatterns":
        return _urlpatterns()
    raise AttributeError(name)


if __name__ == "__main__" and sys.argv[1:] == ["setup"]:
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.public_server"
    django.setup()
    print(json.dumps(setup()))
