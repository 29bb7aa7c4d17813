"""
Run the benchmark measures and print one JSON object per line.

Each ``benchmarks/bench_*.py`` module exposes ``MEASURES``: a list of callables taking the parsed
arguments and returning a list of dicts (one JSON line each, with at least ``"measure"``).

    python -m benchmarks                 # everything, full sizes
    python -m benchmarks --quick         # small sizes (smoke run)
    python -m benchmarks --only regenerate
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import platform
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--only", action="append", default=[], help="run measures whose name contains this")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)

    machine = {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    package = Path(__file__).resolve().parent
    for info in sorted(pkgutil.iter_modules([str(package)]), key=lambda m: m.name):
        if not info.name.startswith("bench_"):
            continue
        module = importlib.import_module(f"benchmarks.{info.name}")
        for measure in module.MEASURES:
            if args.only and not any(o in measure.__name__ for o in args.only):
                continue
            for row in measure(args):
                print(json.dumps({**row, "machine": machine}, default=str), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
