"""
Public pages at internet scale: requests per second of the verify API, the verification page, the web certificate
and the PDF against a one-row JSON view in the same server, under gunicorn (gthread workers, HTTP keep-alive) with
persistent database connections on MariaDB (SQLite when MariaDB is not listening), Redis as the cache when it is
listening (LocMem otherwise).

Each page is asked for by ``CLIENTS`` threads on persistent connections for a fixed time: plain GETs (a shared
link opened by many people, no validator) and conditional GETs (``If-None-Match`` of the page's ETag: a browser
or CDN revalidating, a 304), in windows alternating with the baseline's. Every row prints the baseline's rate
beside the page's and the ratio; the bar is ≥ 0.5 times it (design.md
section 5). Without gunicorn the measure reports why it did not run.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "cm_bench_public"
REDIS_URL = "redis://127.0.0.1:6379/12"
CLIENTS = 4
#: Alternating windows of baseline and page per measurement.
ROUNDS = 4
BAR = 0.5


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environment() -> tuple[dict, str, str]:
    """The server's environment, the database it uses and the cache it uses."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "benchmarks.public_server",
        "CERT_MANAGER_SETTINGS_TYPE": "devstack",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "benchmark-only-" + os.urandom(8).hex()),
    }
    if _listening(3306):
        import pymysql

        conn = pymysql.connect(host="127.0.0.1", user="root", password="")
        with conn.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
            cursor.execute(f"CREATE DATABASE {DATABASE} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
        conn.close()
        env.update(CERT_MANAGER_DB="mysql", CERT_MANAGER_DB_NAME=DATABASE)
        database = "mariadb"
    else:
        env.update(CERT_MANAGER_DB="sqlite", CERT_MANAGER_SQLITE_PATH=tempfile.mktemp(suffix=".sqlite3"))
        database = "sqlite"
    cache = "locmem"
    if _listening(6379):
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
        env["BENCH_PUBLIC_REDIS_URL"] = REDIS_URL
        cache = "redis"
    return env, database, cache


def _drop(database: str) -> None:
    if database != "mariadb":
        return
    import pymysql

    conn = pymysql.connect(host="127.0.0.1", user="root", password="")
    with conn.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
    conn.close()


def _serve(env: dict, port: int) -> subprocess.Popen:
    """gunicorn on ``port``: one worker per core, gthread (HTTP keep-alive), the demo host plus the baseline."""
    workers = str(max(1, os.cpu_count() or 1))
    cmd = [sys.executable, "-m", "gunicorn", "django.core.wsgi:get_wsgi_application()", "-b", f"127.0.0.1:{port}"]
    cmd += ["-w", workers, "-k", "gthread", "--threads", "2", "--keep-alive", "30", "--log-level", "warning"]
    server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, start_new_session=True)
    deadline = time.perf_counter() + 30
    while not _listening(port):
        if server.poll() is not None or time.perf_counter() > deadline:
            raise RuntimeError("gunicorn did not start")
        time.sleep(0.05)
    return server


def _get(conn: http.client.HTTPConnection, path: str, headers: dict) -> tuple[int, dict, bytes]:
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def _rate(port: int, path: str, headers: dict, seconds: float) -> dict:
    """Requests per second of ``CLIENTS`` threads on persistent connections for ``seconds``; statuses seen."""
    counts, statuses, stop = [0] * CLIENTS, set(), threading.Event()

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while not stop.is_set():
            status, _, _ = _get(conn, path, headers)
            statuses.add(status)
            counts[i] += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    return {"requests": sum(counts), "per_second": round(sum(counts) / wall, 1), "statuses": sorted(statuses)}


def _targets(verify_uuid: str) -> dict[str, str]:
    return {
        "verify_api": f"/api/cert_manager/v1/verify/{verify_uuid}",
        "verify_page": f"/cert_manager/certificates/{verify_uuid}/verify/",
        "web_certificate": f"/cert_manager/certificates/{verify_uuid}/",
        "pdf": f"/cert_manager/certificates/{verify_uuid}.pdf",
    }


def _interleaved(port: int, baseline: str, path: str, headers: dict, seconds: float) -> tuple[dict, dict]:
    """
    The page's rate and the baseline's, measured in alternating windows (``ROUNDS`` each, ``seconds`` in all).

    Alternating keeps a slow stretch of the machine (another process) from landing on one side only.
    """
    window = seconds / ROUNDS
    page_rounds, base_rounds = [], []
    for _ in range(ROUNDS):
        base_rounds.append(_rate(port, baseline, {}, window))
        page_rounds.append(_rate(port, path, headers, window))

    def total(rounds: list[dict]) -> dict:
        requests = sum(r["requests"] for r in rounds)
        statuses = sorted({s for r in rounds for s in r["statuses"]})
        return {"requests": requests, "per_second": round(requests / seconds, 1), "statuses": statuses}

    return total(page_rounds), total(base_rounds)


def _measure(port: int, ids: dict, seconds: float, context: dict) -> list[dict]:
    """Each page, plain then conditional, against the baseline measured in alternating windows."""
    baseline = f"/bench/one-row/{ids['certificate_id']}/"
    rows = []
    for name, path in _targets(ids["verify_uuid"]).items():
        warm = http.client.HTTPConnection("127.0.0.1", port, timeout=30)  # the server closes idle connections
        status, headers, body = _get(warm, path, {})
        for _ in range(20):
            _get(warm, baseline, {})
            _get(warm, path, {})
        warm.close()
        plain, base = _interleaved(port, baseline, path, {}, seconds)
        conditional, base_304 = _interleaved(port, baseline, path, {"If-None-Match": headers.get("ETag", "")}, seconds)
        ratio = plain["per_second"] / base["per_second"]
        rows.append(
            {
                "measure": f"public_{name}",
                **plain,
                "bytes": len(body),
                "baseline_per_second": base["per_second"],
                "ratio_to_baseline": round(ratio, 2),
                "conditional_per_second": conditional["per_second"],
                "conditional_statuses": conditional["statuses"],
                "conditional_ratio_to_baseline": round(conditional["per_second"] / base_304["per_second"], 2),
                "etag": headers.get("ETag"),
                "last_modified": headers.get("Last-Modified"),
                "cache_control": headers.get("Cache-Control"),
                "vary": headers.get("Vary"),
                "bar_ratio": BAR,
                "meets_bar": status == 200 and ratio >= BAR,
                **context,
            }
        )
    return rows


def public_pages(args) -> list[dict]:
    """Requests/s of the three public views (and the verification page) vs a one-row JSON view, same server."""
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return [{"measure": "public_pages", "skipped": "needs gunicorn (pip install gunicorn)"}]
    env, database, cache = _environment()
    server = None
    try:
        setup = subprocess.run(
            [sys.executable, "-m", "benchmarks.public_server", "setup"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        if setup.returncode != 0:
            return [{"measure": "public_pages", "error": setup.stderr[-2000:]}]
        ids = json.loads(setup.stdout.strip().splitlines()[-1])
        port = _free_port()
        server = _serve(env, port)
        context = {"database": database, "cache": cache, "server": "gunicorn gthread", "clients": CLIENTS}
        return _measure(port, ids, 2.0 if args.quick else 8.0, context)
    finally:
        if server is not None:
            os.killpg(server.pid, 15)
            server.wait(timeout=30)
        _drop(database)


MEASURES = [public_pages]
