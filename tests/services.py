"""
Real-service checks for integration tests.

Without the service a test skips with the reason; with ``CI=true`` or ``CERT_MANAGER_REQUIRE_SERVICES=1``
it fails instead, so CI can never go green by skipping.
"""

from __future__ import annotations

import os
import socket

import pytest


def services_required() -> bool:
    """True in CI or when the operator asks for it: missing services are failures, not skips."""
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("CERT_MANAGER_REQUIRE_SERVICES") == "1"


def port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    """Whether something listens on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def require(name: str, available: bool, how: str) -> None:
    """Skip (or fail, when services are required) unless ``available``."""
    if available:
        return
    message = f"{name} is not reachable ({how})"
    if services_required():
        pytest.fail(f"{message}; CI=true / CERT_MANAGER_REQUIRE_SERVICES=1 make this a failure", pytrace=False)
    pytest.skip(message)


def require_redis(host: str = "127.0.0.1", port: int = 6379) -> None:
    require("Redis", port_open(host, port), f"nothing listens on {host}:{port}")


def require_database(vendor: str) -> None:
    """Require the test run to be on ``vendor`` (postgresql or mysql) — set by CERT_MANAGER_DB."""
    from django.db import connection

    # Another database's run is not a missing service: scripts/test.sh always has a run on each database
    # (and fails it when that database is unreachable), so a vendor mismatch skips even under CI.
    if connection.vendor != vendor:
        pytest.skip(f"this run uses {connection.vendor}; the CERT_MANAGER_DB={vendor} run covers it")


def die_with_parent() -> None:
    """
    ``preexec_fn`` for worker subprocesses: the kernel kills the child when the test process dies.

    A test run that is interrupted (Ctrl-C twice, a CI timeout, a killed session) would otherwise leave its
    Celery workers consuming from the shared Redis, where they take the next run's messages and answer them
    against a database that no longer exists. Linux only (``prctl(PR_SET_PDEATHSIG)``); elsewhere a no-op.
    """
    import ctypes
    import signal
    import sys

    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
