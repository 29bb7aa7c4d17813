"""
Bulk exception-list CSV: 50,000 rows (users pre-created and enrolled) applied through the same service the
REST endpoint calls, timed with its query count (bar: <= 5 s). Half the rows name the learner by username,
half by email in another case, and 1% are errors of each kind the import reports, so the lookups and the
error paths are all on the clock. Also the REST endpoint itself (multipart upload) and the CSV export.
"""

from __future__ import annotations

import time

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey

from benchmarks import population

BAR_SECONDS = 5.0


def _course(tag: str) -> CourseKey:
    return CourseKey.from_string(f"course-v1:BenchCSV+{tag}+{int(time.time() * 1000) % 10**9}")


def _population(n: int, tag: str) -> tuple[CourseKey, bytes]:
    """n enrolled learners and a CSV naming each once (mixed identifiers, a few bad rows)."""
    from cert_manager_plugin.models import LearnerRecord
    from cert_manager_plugin.standalone_host.models import StandaloneCourse

    course_key = _course(tag)
    StandaloneCourse.objects.create(course_key=course_key, display_name=f"CSV bench {n}")
    prefix = f"csv{course_key.run}{tag}_"
    ids = population.users(n, prefix)
    now = timezone.now()
    LearnerRecord.objects.bulk_create(
        [
            LearnerRecord(user_id=u, course_key=course_key, mode="verified", is_active=True, enrollment_at=now)
            for u in ids
        ],
        batch_size=2000,
    )
    lines = ["username_or_email,notes"]
    for i in range(n):
        if i % 100 == 1:
            lines.append(f"nobody{prefix}{i},no such user")
        elif i % 100 == 2:
            lines.append(f"{prefix}{i},too,many,columns")
        elif i % 2:
            lines.append(f"{prefix.upper()}{i}@EXAMPLE.COM,approved by email")
        else:
            lines.append(f'{prefix}{i},"approved, with a comma"')
    return course_key, ("\ufeff" + "\n".join(lines) + "\n").encode()


def bulk_exceptions_csv(args) -> list[dict]:
    """The import service on n rows: seconds, queries, rows added and refused."""
    from cert_manager_plugin import api

    n = 2_000 if args.quick else 50_000
    course_key, data = _population(n, "svc")
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        result = api.import_exceptions(course_key, data)
        seconds = time.perf_counter() - start
    return [
        {
            "measure": "bulk_exceptions_csv",
            "rows": n,
            "bytes": len(data),
            "seconds": round(seconds, 3),
            "rows_per_second": round(n / seconds),
            "queries": len(ctx.captured_queries),
            "added": len(result.added),
            "refused": len(result.errors),
            "bar_seconds": BAR_SECONDS,
            "meets_bar": seconds <= BAR_SECONDS if not args.quick else None,
        }
    ]


def bulk_exceptions_csv_endpoint(args) -> list[dict]:
    """The same file through ``POST exceptions/bulk`` (multipart upload, auth, JSON response)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cert_manager_plugin.standalone_host.models import StandaloneCourseRole

    n = 2_000 if args.quick else 50_000
    course_key, data = _population(n, "api")
    admin = get_user_model().objects.create(username=f"bench_admin_{course_key.run}", is_staff=True)
    StandaloneCourseRole.objects.create(user=admin, course_key=course_key, role="instructor")
    client = Client()
    client.force_login(admin)
    url = f"/api/cert_manager/v1/courses/{course_key}/exceptions/bulk"
    upload = SimpleUploadedFile("exceptions.csv", data, "text/csv")
    client.get(f"/api/cert_manager/v1/courses/{course_key}/settings")  # warm up: imports, URL resolver
    with override_settings(ALLOWED_HOSTS=["*"]), CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        response = client.post(url, {"file": upload})
        seconds = time.perf_counter() - start
    body = response.json()
    return [
        {
            "measure": "bulk_exceptions_csv_endpoint",
            "rows": n,
            "status": response.status_code,
            "seconds": round(seconds, 3),
            "queries": len(ctx.captured_queries),
            "added": body.get("summary", {}).get("added"),
            "response_bytes": len(response.content),
        }
    ]


def certificates_csv_export(args) -> list[dict]:
    """``GET certificates?format=csv`` streaming n certificates: seconds and queries."""
    from cert_manager_plugin.standalone_host.models import StandaloneCourseRole

    n = 2_000 if args.quick else 50_000
    course_key, _ = _population(n, "exp")
    prefix = f"csv{course_key.run}exp_"
    ids = get_user_model().objects.filter(username__startswith=prefix).values_list("pk", flat=True)
    population.issued_certificates(course_key, ids, name=lambda i: "=cmd()" if i % 10 == 0 else f"Learner {i}")
    admin = get_user_model().objects.create(username=f"bench_exp_{course_key.run}")
    StandaloneCourseRole.objects.create(user=admin, course_key=course_key, role="staff")
    client = Client()
    client.force_login(admin)
    client.get(f"/api/cert_manager/v1/courses/{course_key}/settings")  # warm up: imports, URL resolver
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        response = client.get(f"/api/cert_manager/v1/courses/{course_key}/certificates?format=csv")
        size = sum(len(chunk) for chunk in response.streaming_content)
        seconds = time.perf_counter() - start
    return [
        {
            "measure": "certificates_csv_export",
            "rows": n,
            "status": response.status_code,
            "seconds": round(seconds, 3),
            "bytes": size,
            "queries": len(ctx.captured_queries),
        }
    ]


MEASURES = [bulk_exceptions_csv, bulk_exceptions_csv_endpoint, certificates_csv_export]
