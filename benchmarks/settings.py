"""Benchmark settings: the demo host on a fresh SQLite file (embedded, in-process), quiet logging."""

import os
import tempfile

os.environ.setdefault(
    "CERT_MANAGER_SQLITE_PATH", os.path.join(tempfile.mkdtemp(prefix="cert_manager_bench_"), "bench.sqlite3")
)
os.environ["CERT_MANAGER_SETTINGS_TYPE"] = "test"

from devsite.settings import *  # noqa: F403

DEBUG = False
LOGGING = {"version": 1, "disable_existing_loggers": False}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
