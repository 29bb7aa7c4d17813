"""
Write-through to the LMS's ``GeneratedCertificate`` inside the LMS-shaped host (``lms_host/``): queries per batch
and the regenerate time with it on and off, in one run (bar: at most 1.5x). Runs ``benchmarks/lms_write_through.py``
in a subprocess with the host's settings and a fresh SQLite file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def regenerate_write_through(args) -> list[dict]:
    """1k and 100k learners (quick: 1k and 5k), every certificate and every LMS row changes."""
    sizes = ["1000", "5000"] if args.quick else os.environ.get("BENCH_WT_SIZES", "1000,100000").split(",")
    with tempfile.TemporaryDirectory(prefix="cert_manager_wt_") as tmp:
        env = {
            **os.environ,
            "PYTHONPATH": f"{ROOT / 'lms_host'}{os.pathsep}{ROOT}",
            "DJANGO_SETTINGS_MODULE": "lms.envs.test",
            "CERT_MANAGER_DB": "sqlite",
            "CERT_MANAGER_SQLITE_PATH": str(Path(tmp) / "lms.sqlite3"),
        }
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.lms_write_through", *sizes],
            check=False,
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=3600,
        )
    if out.returncode != 0:
        return [{"measure": "regenerate_write_through", "error": out.stderr[-2000:]}]
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]


MEASURES = [regenerate_write_through]
