"""Test settings (the LMS's ``lms/envs/test.py``, the demo host's tests): the common defaults, nothing forced."""

from __future__ import annotations

from .common import plugin_settings as common_settings


def plugin_settings(settings) -> None:
    """
    The common hook: the adapter follows the installed apps and tasks follow the host's Celery app (eager
    in test settings), so a test host needs no plugin setting of its own.
    """
    common_settings(settings)
