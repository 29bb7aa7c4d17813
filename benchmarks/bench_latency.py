"""
Grade change → certificate on a real Celery worker (Redis broker, MariaDB): runs ``benchmarks/latency_probe.py``
in a subprocess with the demo host's settings on a scratch MariaDB database. Without Redis or MariaDB the measure
reports why it did not run.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "cm_bench_latency"
REDIS_URL = "redis://127.0.0.1:6379/11"


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def grade_change_latency(args) -> list[dict]:
    """p50/p95 of single changes and the end of a 50-event burst, on a real worker."""
    if not (_listening(6379) and _listening(3306)):
        return [{"measure": "grade_change_latency_real_worker", "skipped": "needs Redis (6379) and MariaDB (3306)"}]
    import pymysql
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    conn = pymysql.connect(host="127.0.0.1", user="root", password="")
    with conn.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        cursor.execute(f"CREATE DATABASE {DATABASE} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "devsite.settings",
        "CERT_MANAGER_SETTINGS_TYPE": "devstack",
        "CERT_MANAGER_DB": "mysql",
        "CERT_MANAGER_DB_NAME": DATABASE,
        "CERT_MANAGER_BROKER_URL": REDIS_URL,
        "CERT_MANAGER_LOG": "WARNING",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "benchmark-only-" + os.urandom(8).hex()),
    }
    try:
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.latency_probe"],
            check=False,
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
    finally:
        with conn.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        conn.close()
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    if out.returncode != 0 or not rows:
        rows.append({"measure": "grade_change_latency_real_worker", "error": out.stderr[-2000:]})
    return rows


MEASURES = [grade_change_latency]
