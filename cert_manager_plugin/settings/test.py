"""Test settings (the LMS's ``lms/envs/test.py``, the demo host's tests): the common defaults, nothing forced."""

from __future__ import annotations

from types import ModuleType

from .common import plugin_settings as common_settings


def plugin_settings(settings: ModuleType) -> None:
    """
    The common hook, nothing more: a test host needs no plugin setting of its own.

    The adapter follows the installed apps and tasks follow the host's Celery app (eager in test settings).
    """
    common_settings(settings)
