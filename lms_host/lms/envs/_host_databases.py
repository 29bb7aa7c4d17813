# Host-only module (no edx-platform counterpart). edx-platform's DATABASES are MySQL "edxapp" in
# openedx/envs/common.py at commit 0012533516d08010c876256ef79c33ca166783c5 and lms/envs/test.py at commit
# 2122497b8c39294738ffb01b4eeaf7c4e2f97bff (openedx/openedx-platform).
"""
CI's databases for the LMS-shaped host: THE ONLY DEVIATION of lms_host's settings from edx-platform's.

``CERT_MANAGER_DB`` picks the engine:

* ``sqlite`` (default): ``CERT_MANAGER_SQLITE_PATH``, else ``:memory:`` for ``lms.envs.test`` and
  ``<repo>/var/lms_host.sqlite3`` for the other settings modules.
* ``postgresql``: 127.0.0.1:5432, user postgres, database ``test``.
* ``mysql`` (MariaDB): 127.0.0.1:3306, root without password, database ``test``, utf8mb4 with the
  case-insensitive ``utf8mb4_unicode_ci`` collation of a real LMS database, READ COMMITTED isolation. The driver is
  the LMS's own, mysqlclient (``MySQLdb``: "Driver for the default production relational database",
  requirements/edx/kernel.in at openedx/edx-platform 007302f584bfd9c16d0d03ac1b3d04337e883da8);
  ``CERT_MANAGER_MYSQL_DRIVER=pymysql`` swaps in PyMySQL (what the standalone devsite runs).

The database name comes from ``CERT_MANAGER_DB_NAME`` (default ``test``; a real-worker test points its Celery workers
at its test database with it), the test database name from ``CERT_MANAGER_TEST_DB_NAME`` (default
``test_cert_manager_lms``).
"""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]


def host_databases(for_tests=False):
    """``DATABASES`` for the engine named by ``CERT_MANAGER_DB``."""
    engine = os.environ.get("CERT_MANAGER_DB", "sqlite")
    test_name = os.environ.get("CERT_MANAGER_TEST_DB_NAME", "test_cert_manager_lms")
    if engine == "postgresql":
        default = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": os.environ.get("CERT_MANAGER_DB_NAME", "test"),
            "USER": "postgres",
            "PASSWORD": "",
            "HOST": "127.0.0.1",
            "PORT": "5432",
            "TEST": {"NAME": test_name},
        }
    elif engine == "mysql":
        if os.environ.get("CERT_MANAGER_MYSQL_DRIVER") == "pymysql":
            import pymysql

            pymysql.install_as_MySQLdb()
        default = {
            "ENGINE": "django.db.backends.mysql",
            "NAME": os.environ.get("CERT_MANAGER_DB_NAME", "test"),
            "USER": "root",
            "PASSWORD": "",
            "HOST": "127.0.0.1",
            "PORT": "3306",
            "OPTIONS": {"charset": "utf8mb4", "isolation_level": "read committed"},
            "TEST": {"NAME": test_name, "CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"},
        }
    elif engine == "sqlite":
        fallback = ":memory:" if for_tests else str(REPO_ROOT / "var" / "lms_host.sqlite3")
        name = os.environ.get("CERT_MANAGER_SQLITE_PATH", fallback)
        if name != ":memory:":
            Path(name).parent.mkdir(parents=True, exist_ok=True)
        # USER..PORT present (empty) because lms/envs/production.py reads them for every database.
        default = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
        }
    else:
        raise ValueError(f"CERT_MANAGER_DB must be sqlite, postgresql or mysql, not {engine!r}")
    if not for_tests:
        # edx-platform's common "default" database has ATOMIC_REQUESTS; lms/envs/test.py's replacement has not.
        default["ATOMIC_REQUESTS"] = True
    return {"default": default}
