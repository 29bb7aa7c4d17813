"""
Bulk speed toward the raw floor (issue 15's bars), inside the LMS-shaped host with write-through on.

Each database of ``BENCH_BULK_DBS`` (comma-separated: ``sqlite``, ``mysql`` (MariaDB), ``postgresql``; default
``sqlite``) runs ``benchmarks/lms_bulk.py`` once in a subprocess on a fresh database; every figure is printed beside
the floor measured in that same run (an ``executemany`` upsert of as many narrow rows into two plain tables), with
``ratio`` (figure / floor), ``target`` and ``meets``. Beside them, ``announcements_seconds`` is what the LMS's own
``GeneratedCertificate.save()`` would send for the rows the step changed (timed in the same run, without a database)
and ``ratio_with_announcements`` the figure over the floor plus that: how far the plugin is from writing the two
tables *and* announcing what the LMS announces, which no writer of the LMS's row can skip. ``BENCH_BULK_SIZE`` sets
the learners (default 100000; ``--quick``: 2000). With both MariaDB and PostgreSQL, one more line compares their
all-changed regenerates.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.bench_write_through import ROOT, fresh_database

#: (step, target ratio to the floor by database (None: no bar), what it is)
TARGETS = {
    "generate_all": ({"mysql": 3.0, "sqlite": 6.0}, "generate all, every certificate and LMS row new"),
    "regenerate_unchanged": ({"mysql": 0.5, "sqlite": 0.5, "postgresql": 0.5}, "regenerate, nothing changed"),
    "regenerate_10pct": ({"mysql": 1.0, "sqlite": 1.0, "postgresql": 1.0}, "regenerate, a tenth changed"),
    "regenerate_all": ({}, "regenerate, every certificate and LMS row changes"),
}
#: PostgreSQL's all-changed regenerate against MariaDB's, at most
PG_VS_MARIADB = 1.5


def _run(db: str, size: int) -> dict:
    """One ``lms_bulk`` run of ``size`` learners on a fresh ``db`` database."""
    with tempfile.TemporaryDirectory(prefix="cert_manager_bulk_") as tmp, fresh_database(tmp, db) as db_env:
        env = {
            **os.environ,
            "PYTHONPATH": f"{ROOT / 'lms_host'}{os.pathsep}{ROOT}",
            "DJANGO_SETTINGS_MODULE": "lms.envs.test",
            **db_env,
        }
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.lms_bulk", str(size)],
            check=False,
            cwd=Path(ROOT),
            env=env,
            capture_output=True,
            text=True,
            timeout=7200,
        )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(next(line for line in out.stdout.splitlines() if line.startswith("{")))


def bulk_floor(args) -> list[dict]:
    """The steps of ``lms_bulk`` on each database, each beside the floor of its run."""
    size = 2_000 if args.quick else int(os.environ.get("BENCH_BULK_SIZE", "100000"))
    lines, regenerate_all = [], {}
    for db in os.environ.get("BENCH_BULK_DBS", "sqlite").split(","):
        try:
            result = _run(db, size)
        except RuntimeError as exc:
            lines.append({"measure": "bulk_floor", "database": db, "learners": size, "error": str(exc)})
            continue
        floor = result["floor"]["seconds"]
        per_row = result["announcements"]["seconds"] / size
        for step, (targets, what) in TARGETS.items():
            step_result = result[step]
            ratio = step_result["seconds"] / floor
            announced = per_row * step_result["changed"]
            target = targets.get(db)
            lines.append(
                {
                    "measure": f"bulk_{step}",
                    "what": what,
                    "database": db,
                    "learners": size,
                    "batch_size": result["batch_size"],
                    "seconds": round(step_result["seconds"], 3),
                    "floor_seconds": round(floor, 3),
                    "floor_runs": result["floor"]["runs"],
                    "ratio": round(ratio, 2),
                    "target": target,
                    "meets": None if target is None else ratio <= target,
                    "announcements_seconds": round(announced, 3),
                    "ratio_with_announcements": round(step_result["seconds"] / (floor + announced), 2),
                    "queries": step_result["queries"],
                    "batches": step_result["batches"],
                    "candidates": step_result["total"],
                    "changed": step_result["changed"],
                }
            )
        regenerate_all[db] = result["regenerate_all"]["seconds"]
    if "mysql" in regenerate_all and "postgresql" in regenerate_all:
        ratio = regenerate_all["postgresql"] / regenerate_all["mysql"]
        lines.append(
            {
                "measure": "bulk_regenerate_all_postgresql_vs_mariadb",
                "learners": size,
                "seconds": round(regenerate_all["postgresql"], 3),
                "mariadb_seconds": round(regenerate_all["mysql"], 3),
                "ratio": round(ratio, 2),
                "target": PG_VS_MARIADB,
                "meets": ratio <= PG_VS_MARIADB,
            }
        )
    return lines


MEASURES = [bulk_floor]
