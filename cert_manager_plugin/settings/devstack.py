"""Devstack settings (``tutor dev``): edx-platform's ``devstack.py`` builds on production, and so does this hook."""

from __future__ import annotations

from types import ModuleType

from .production import plugin_settings as production_settings


def plugin_settings(settings: ModuleType) -> None:
    """The production hook again (idempotent): ENV_TOKENS overrides and filter steps, nothing devstack-only."""
    production_settings(settings)
