"""
Bulk speed against the raw floor, inside the LMS-shaped host (write-through on): started by ``bench_bulk`` in a
subprocess on a fresh database (the host's settings, ``PYTHONPATH=lms_host``).

One process, one course of N learners (passing records, no certificate yet), timed in this order:

``floor``                  an ``executemany`` upsert of N narrow rows into each of two plain tables, in batches of the
                           engine's size: what writing our certificate and the LMS's row cannot go below. Run four
                           times (twice into empty tables, twice over existing rows); the fastest counts.
``announcements``          what ``GeneratedCertificate.save()`` sends for N passing rows, with the host's receivers
                           connected: ``CERTIFICATE_CHANGED`` and ``CERTIFICATE_CREATED`` (and the Django signals
                           ``COURSE_CERT_CHANGED``/``COURSE_CERT_AWARDED`` where they have listeners), each event's data
                           built from values in memory. Any writer of the LMS's row through ``save()`` pays this on
                           top of the floor; the fastest of two.
``generate_all``           every learner gets a certificate and an LMS row (write-through on).
``regenerate_unchanged``   a regenerate of the issued certificates with nothing changed.
``regenerate_10pct``       the same after a tenth of the records got a new grade.
``regenerate_all``         the same after every record got a new grade (every certificate and LMS row changes).

Prints one JSON object on stdout: the seconds, query counts and changed counts of each step.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import UTC, datetime

FLOOR_TABLES = ("cm_bench_floor_a", "cm_bench_floor_b")


class QueryCounter:
    """Counts every statement (``executemany`` counts once)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _floor_sql(vendor: str, name: str) -> tuple[str, str]:
    """The DDL of one plain narrow table and its ``executemany`` upsert statement, for ``vendor``."""
    if vendor == "postgresql":
        ddl = (
            f"CREATE TABLE {name} (id BIGSERIAL PRIMARY KEY, user_id INTEGER NOT NULL UNIQUE, "
            "status VARCHAR(32) NOT NULL, grade DOUBLE PRECISION, modified TIMESTAMPTZ NOT NULL)"
        )
    elif vendor == "mysql":
        ddl = (
            f"CREATE TABLE {name} (id BIGINT AUTO_INCREMENT PRIMARY KEY, user_id INTEGER NOT NULL UNIQUE, "
            "status VARCHAR(32) NOT NULL, grade DOUBLE, modified DATETIME(6) NOT NULL) ENGINE=InnoDB"
        )
    else:
        ddl = (
            f"CREATE TABLE {name} (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL UNIQUE, "
            "status VARCHAR(32) NOT NULL, grade REAL, modified DATETIME NOT NULL)"
        )
    insert = f"INSERT INTO {name} (user_id, status, grade, modified) VALUES (%s, %s, %s, %s)"
    if vendor == "mysql":
        upsert = (
            f"{insert} ON DUPLICATE KEY UPDATE status = VALUES(status), grade = VALUES(grade), "
            "modified = VALUES(modified)"
        )
    else:
        upsert = (
            f"{insert} ON CONFLICT (user_id) DO UPDATE SET status = excluded.status, grade = excluded.grade, "
            "modified = excluded.modified"
        )
    return ddl, upsert


def floor(ids: list[int], batch: int) -> dict:
    """The raw floor: N narrow rows upserted into two plain tables, a transaction per batch; the fastest of four."""
    from django.db import connection, transaction

    vendor = connection.vendor
    statements = []
    with connection.cursor() as cursor:
        for name in FLOOR_TABLES:
            ddl, upsert = _floor_sql(vendor, name)
            cursor.execute(ddl)
            statements.append(upsert)
    runs = []
    stamp = connection.ops.adapt_datetimefield_value(datetime.now(UTC))
    for attempt in range(4):
        if attempt < 2:  # the first two into empty tables, the last two over the rows already there
            with connection.cursor() as cursor:
                for name in FLOOR_TABLES:
                    cursor.execute(f"DELETE FROM {name}")
        grade = 0.5 + attempt / 10
        start = time.perf_counter()
        for s in range(0, len(ids), batch):
            rows = [(u, "downloadable", grade, stamp) for u in ids[s : s + batch]]
            with transaction.atomic(), connection.cursor() as cursor:
                for sql in statements:
                    cursor.executemany(sql, rows)
        runs.append(time.perf_counter() - start)
    return {"seconds": min(runs), "runs": [round(r, 3) for r in runs]}


def announcements(course_key, ids: list[int]) -> dict:
    """
    Upstream's cost of announcing ``len(ids)`` passing certificate rows, as ``save()`` does (no database).

    ``GeneratedCertificate.save()`` (lms/djangoapps/certificates/models.py, openedx/openedx-platform
    2579a6d6aca7f65e8dbdda58066f294790808986) sends ``COURSE_CERT_CHANGED`` and ``CERTIFICATE_CHANGED`` on every
    save, then ``COURSE_CERT_AWARDED`` and ``CERTIFICATE_CREATED`` for a passing row.
    """
    from openedx_events.learning.data import CertificateData, CourseData, UserData, UserPersonalData
    from openedx_events.learning.signals import CERTIFICATE_CHANGED, CERTIFICATE_CREATED

    from lms.djangoapps.certificates.models import GeneratedCertificate
    from openedx.core.djangoapps.signals.signals import COURSE_CERT_AWARDED, COURSE_CERT_CHANGED

    course = CourseData(course_key=course_key)
    signals = [s for s in (COURSE_CERT_CHANGED, COURSE_CERT_AWARDED) if s.has_listeners(GeneratedCertificate)]
    events = [e for e in (CERTIFICATE_CHANGED, CERTIFICATE_CREATED) if e.has_listeners()]
    runs = []
    for _attempt in range(2):
        start = time.perf_counter()
        when = datetime.now(UTC)
        for i in ids:
            data = CertificateData(
                user=UserData(
                    pii=UserPersonalData(username=f"u{i}", email=f"u{i}@example.com", name=""), id=i, is_active=True
                ),
                course=course,
                mode="honor",
                grade="0.9",
                current_status="downloadable",
                download_url="",
                name="",
            )
            for signal in signals:
                signal.send_robust(
                    sender=GeneratedCertificate, user=None, course_key=course_key, mode="honor", status="downloadable"
                )
            for event in events:
                event.send_event(time=when, certificate=data)
        runs.append(time.perf_counter() - start)
    return {"seconds": min(runs), "runs": [round(r, 3) for r in runs], "events": [e.event_type for e in events]}


def _population(n: int):
    """A course of n learners with passing records at 0.9 (no certificate, no LMS row yet)."""
    from opaque_keys.edx.keys import CourseKey

    from benchmarks import population
    from openedx.core.djangoapps.content.course_overviews.models import CourseOverview

    course_key = CourseKey.from_string(f"course-v1:Bench+B{n}+{int(time.time() * 1000) % 10**9}")
    CourseOverview.objects.create(id=course_key, org="Bench", display_name=f"Bench {n}")
    ids = population.users(n, f"k{course_key.run}_")
    population.passing_records(course_key, ids)
    return course_key, ids


def _job(course_key, kind: str, **request) -> dict:
    """Submit one job (eager here) and time it: seconds, queries, changed and skipped."""
    from django.db import connection

    from cert_manager_plugin import api
    from cert_manager_plugin.models import GenerationJob

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        start = time.perf_counter()
        job = api.submit_job(course_key, kind, **request)
        seconds = time.perf_counter() - start
    job = GenerationJob.objects.get(pk=job.pk)
    assert job.state == "succeeded", (job.state, job.error)
    return {
        "seconds": seconds,
        "queries": counter.count,
        "changed": job.changed,
        "skipped": job.skipped,
        "total": job.total,
        "batches": job.chunks_total,
    }


def _regrade(course_key, ids: list[int], grade: float) -> None:
    """New grades for ``ids`` (a plain UPDATE, no event: the regenerate job is what picks them up)."""
    from cert_manager_plugin.models import LearnerRecord

    for s in range(0, len(ids), 5000):
        LearnerRecord.objects.filter(course_key=course_key, user_id__in=ids[s : s + 5000]).update(percent_grade=grade)


def _checkpoint() -> None:
    """SQLite: the pages written so far go to the database file now, not during the next timing."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def run(n: int) -> dict:
    """The steps of the module docstring on n learners."""
    from django.conf import settings

    from lms.djangoapps.certificates.models import GeneratedCertificate

    batch = int(settings.CERT_MANAGER_BATCH_SIZE)
    course_key, ids = _population(n)
    _checkpoint()
    out = {
        "learners": n,
        "batch_size": batch,
        "floor": floor(ids, batch),
        "announcements": announcements(course_key, ids),
    }
    _checkpoint()
    out["generate_all"] = _job(course_key, "generate_all")
    assert out["generate_all"]["changed"] == n, out
    assert GeneratedCertificate.objects.filter(course_id=course_key, status="downloadable").count() == n
    _checkpoint()
    out["regenerate_unchanged"] = _job(course_key, "regenerate", statuses=["received"])
    assert out["regenerate_unchanged"]["changed"] == 0, out
    tenth = ids[::10]
    _regrade(course_key, tenth, 0.95)
    _checkpoint()
    out["regenerate_10pct"] = _job(course_key, "regenerate", statuses=["received"])
    assert out["regenerate_10pct"]["changed"] == len(tenth), out
    assert GeneratedCertificate.objects.filter(course_id=course_key, grade="0.95").count() == len(tenth)
    _regrade(course_key, ids, 0.8)
    _checkpoint()
    out["regenerate_all"] = _job(course_key, "regenerate", statuses=["received"])
    assert out["regenerate_all"]["changed"] == n, out
    assert GeneratedCertificate.objects.filter(course_id=course_key, grade="0.8").count() == n
    return out


def main() -> int:
    """``python -m benchmarks.lms_bulk SIZE``: the steps, one JSON line (fresh database)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from cert_manager_plugin import lms

    call_command("migrate", verbosity=0, interactive=False)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "temp_store=MEMORY", "cache_size=-65536"):
                cursor.execute(f"PRAGMA {pragma}")
    assert lms.inside_lms() and lms.backend().writes_lms_certificates, "the host's settings write through"
    from django.urls import reverse

    reverse("cert_manager:certificate-pdf", kwargs={"verify_uuid": "00000000-0000-4000-8000-000000000000"})
    print(json.dumps({**run(int(sys.argv[1])), "database": connection.vendor}), flush=True)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.envs.test")
    raise SystemExit(main())
