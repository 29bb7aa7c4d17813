"""Production settings: the common defaults, operator overrides from the LMS's ``ENV_TOKENS``, the filter steps."""

from __future__ import annotations

from .common import DEFAULTS, add_filter_steps, set_defaults

#: Every plugin setting may come from the operator's YAML (``lms.yml`` → ``ENV_TOKENS``).
OVERRIDABLE = tuple(DEFAULTS)


def plugin_settings(settings) -> None:
    """
    Runs after COMMON (``production.py`` starts with ``from .common import *``), so the defaults are there
    already; ENV_TOKENS win over them, and the filter steps are re-added in case the YAML replaced
    ``OPEN_EDX_FILTERS_CONFIG``.
    """
    set_defaults(settings)
    env_tokens = getattr(settings, "ENV_TOKENS", None) or {}
    for name in OVERRIDABLE:
        if name in env_tokens:
            setattr(settings, name, env_tokens[name])
    add_filter_steps(settings)
