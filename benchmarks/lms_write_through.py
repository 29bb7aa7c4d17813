"""
Write-through inside the LMS-shaped host: a regenerate job whose every certificate changes, with the LMS's
``GeneratedCertificate`` rows written through (the default inside the LMS) and without (the same engine, the
write-through switched off), in one run. Started by ``bench_write_through`` in a subprocess, because it needs the
host's settings (``PYTHONPATH=lms_host``, ``DJANGO_SETTINGS_MODULE=lms.envs.test``) and a SQLite file.

Each run is one process on a fresh SQLite file (``bench_write_through`` alternates the two modes), so neither
mode runs on the tables and write-ahead log the other one grew. Prints one JSON object on stdout.
"""

from __future__ import annotations

import json
import os
import sys
import time
from contextlib import contextmanager


def _population(n: int, tag: str):
    """n learners: records at 0.9, our certificates and the LMS's rows (as we wrote them) at 0.5, all downloadable."""
    from opaque_keys.edx.keys import CourseKey

    from benchmarks import population
    from cert_manager_plugin import links
    from cert_manager_plugin.models import Certificate
    from lms.djangoapps.certificates.models import GeneratedCertificate
    from openedx.core.djangoapps.content.course_overviews.models import CourseOverview

    course_key = CourseKey.from_string(f"course-v1:Bench+WT{n}{tag}+{int(time.time() * 1000) % 10**9}")
    CourseOverview.objects.create(id=course_key, org="Bench", display_name=f"Bench {n}")
    ids = population.users(n, f"{tag}{course_key.run}_")
    population.passing_records(course_key, ids)
    population.issued_certificates(course_key, ids, grade=lambda i: 0.5, name=lambda i: f"L {i}")
    verify = dict(Certificate.objects.filter(course_key=course_key).values_list("user_id", "verify_uuid"))
    pdf_url = links.url_builder(links.PDF)
    GeneratedCertificate.objects.bulk_create(
        [
            GeneratedCertificate(
                user_id=u,
                course_id=course_key,
                status="downloadable",
                mode="verified",
                grade="0.5",
                name=f"L {i}",
                verify_uuid=verify[u].hex,
                download_url=pdf_url(verify[u]),  # as the plugin wrote them at the previous change
            )
            for i, u in enumerate(ids)
        ],
        batch_size=2000,
    )
    return course_key, ids


@contextmanager
def write_through(enabled: bool):
    from cert_manager_plugin import lms

    saved = lms.EdxPlatformBackend.writes_lms_certificates
    lms.EdxPlatformBackend.writes_lms_certificates = enabled
    try:
        yield
    finally:
        lms.EdxPlatformBackend.writes_lms_certificates = saved


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _regenerate(n: int, enabled: bool) -> dict:
    from django.db import connection

    from cert_manager_plugin import api
    from cert_manager_plugin.models import GenerationJob
    from lms.djangoapps.certificates.models import GeneratedCertificate

    course_key, _ = _population(n, "on" if enabled else "off")
    if connection.vendor == "sqlite":  # the population's pages go to the database file now, not during the timing
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    counter = QueryCounter()
    with write_through(enabled), connection.execute_wrapper(counter):
        start = time.perf_counter()
        job = api.submit_job(course_key, "regenerate", statuses=["received"])
        seconds = time.perf_counter() - start
    job = GenerationJob.objects.get(pk=job.pk)
    assert job.state == "succeeded" and job.changed == n, (job.state, job.changed, job.error)
    lms_rows = GeneratedCertificate.objects.filter(course_id=course_key, grade="0.9").count()
    assert lms_rows == (n if enabled else 0), lms_rows
    return {"seconds": seconds, "queries": counter.count, "batches": job.chunks_total}


def main() -> int:
    """``python -m benchmarks.lms_write_through SIZE on|off``: one regenerate, one JSON line (fresh database)."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from cert_manager_plugin import lms

    size, mode = int(sys.argv[1]), sys.argv[2]
    call_command("migrate", verbosity=0, interactive=False)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "temp_store=MEMORY", "cache_size=-65536"):
                cursor.execute(f"PRAGMA {pragma}")
    assert lms.inside_lms(), "the host's settings pick the edx-platform adapter"
    # A process loads the URLconf on its first reverse() (0.3-0.5 s of imports here); a worker pays it once, so
    # both modes start with it loaded, or the first PDF link of the "on" run would carry it.
    from django.urls import reverse

    reverse("cert_manager:certificate-pdf", kwargs={"verify_uuid": "00000000-0000-4000-8000-000000000000"})
    result = _regenerate(size, mode == "on")
    print(json.dumps({**result, "batch_size": int(settings.CERT_MANAGER_BATCH_SIZE)}), flush=True)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.envs.test")
    raise SystemExit(main())
