"""
Write-through to the LMS's ``GeneratedCertificate`` inside the LMS-shaped host (``lms_host/``): queries per batch
and the regenerate time with it on and off, in one run (bar: at most 1.5x). Runs ``benchmarks/lms_write_through.py``
in a subprocess with the host's settings and a fresh database: a SQLite file, or with ``BENCH_WT_DB=mysql`` (the
database of a Tutor LMS) or ``postgresql`` a server database made for the run and dropped after.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


DB = os.environ.get("BENCH_WT_DB", "sqlite")  # sqlite, mysql (MariaDB, as in a Tutor LMS) or postgresql


@contextmanager
def fresh_database(tmp: str, db: str = DB):
    """Environment for one run on a database of its own: a SQLite file, or a server database made and dropped."""
    if db == "sqlite":
        yield {"CERT_MANAGER_DB": "sqlite", "CERT_MANAGER_SQLITE_PATH": str(Path(tmp) / "lms.sqlite3")}
        return
    name = f"cm_bench_wt_{os.getpid()}"
    if db == "mysql":
        import pymysql

        conn = pymysql.connect(host="127.0.0.1", port=3306, user="root", autocommit=True)
        run = conn.cursor().execute
        create = f"CREATE DATABASE {name} CHARACTER SET utf8mb4"
    elif db == "postgresql":
        import psycopg

        conn = psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test", autocommit=True)
        run = conn.execute
        create = f"CREATE DATABASE {name}"
    else:
        raise ValueError(f"BENCH_WT_DB must be sqlite, mysql or postgresql, not {db!r}")
    run(f"DROP DATABASE IF EXISTS {name}")
    run(create)
    try:
        yield {"CERT_MANAGER_DB": db, "CERT_MANAGER_DB_NAME": name}
    finally:
        run(f"DROP DATABASE IF EXISTS {name}")
        conn.close()


def _run(size: str, mode: str) -> dict:
    """One regenerate of ``size`` learners with the write-through ``mode`` (on/off), on a fresh database."""
    with tempfile.TemporaryDirectory(prefix="cert_manager_wt_") as tmp, fresh_database(tmp) as db_env:
        env = {
            **os.environ,
            "PYTHONPATH": f"{ROOT / 'lms_host'}{os.pathsep}{ROOT}",
            "DJANGO_SETTINGS_MODULE": "lms.envs.test",
            **db_env,
        }
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.lms_write_through", size, mode],
            check=False,
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=3600,
        )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(next(line for line in out.stdout.splitlines() if line.startswith("{")))


def regenerate_write_through(args) -> list[dict]:
    """
    1k and 100k learners (quick: 1k and 5k), every certificate and every LMS row changes. Per size the modes
    run off, on, on, off (each on a fresh database) and the faster run of each mode counts: the machine's
    drift then favours neither.
    """
    sizes = ["1000", "5000"] if args.quick else os.environ.get("BENCH_WT_SIZES", "1000,100000").split(",")
    lines = []
    for size in sizes:
        try:
            runs = {mode: [] for mode in ("off", "on")}
            for mode in ("off", "on", "on", "off"):
                runs[mode].append(_run(size, mode))
        except RuntimeError as exc:
            return [*lines, {"measure": "regenerate_write_through", "learners": int(size), "error": str(exc)}]
        on = min(runs["on"], key=lambda r: r["seconds"])
        off = min(runs["off"], key=lambda r: r["seconds"])
        ratio = on["seconds"] / off["seconds"]
        lines.append(
            {
                "measure": "regenerate_write_through",
                "learners": int(size),
                "batch_size": on["batch_size"],
                "seconds_with_write_through": round(on["seconds"], 3),
                "seconds_without": round(off["seconds"], 3),
                "all_runs_seconds": {m: [round(r["seconds"], 3) for r in rs] for m, rs in runs.items()},
                "ratio": round(ratio, 2),
                "queries_per_batch_with_write_through": round(on["queries"] / max(1, on["batches"]), 1),
                "queries_per_batch_without": round(off["queries"] / max(1, off["batches"]), 1),
                "write_through_queries_per_batch": round((on["queries"] - off["queries"]) / max(1, on["batches"]), 1),
                "batches": on["batches"],
                "database": "sqlite (WAL)" if DB == "sqlite" else DB,
                "bars": {"ratio_max": 1.5},
                "meets_bar": ratio <= 1.5,
            }
        )
    return lines


MEASURES = [regenerate_write_through]
