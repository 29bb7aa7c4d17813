"""
Run the ``lms_host``-marked tests only under the host's settings.

They need lms_host on sys.path and an ``lms.envs.*`` settings module (``PYTHONPATH=lms_host:.
DJANGO_SETTINGS_MODULE=lms.envs.test``). Under any other settings (the plugin's own ``devsite.test_settings``)
they are skipped with a reason, so the usual ``pytest`` run still collects this directory cleanly.
"""

import os

import pytest


def _running_under_lms_host():
    return os.environ.get("DJANGO_SETTINGS_MODULE", "").startswith("lms.envs.")


def pytest_collection_modifyitems(config, items):
    if _running_under_lms_host():
        return
    skip = pytest.mark.skip(reason="lms_host tests need PYTHONPATH=lms_host:. DJANGO_SETTINGS_MODULE=lms.envs.test")
    for item in items:
        if item.get_closest_marker("lms_host"):
            item.add_marker(skip)
