"""
Production settings: the common defaults, operator overrides from the LMS's ``ENV_TOKENS``, the filter steps.

And a refusal to start with an empty ``SECRET_KEY`` or the old public key of the demo host.
"""

from __future__ import annotations

from types import ModuleType

from django.core.exceptions import ImproperlyConfigured

from .common import DEFAULTS, add_filter_steps, add_mako_templates, set_defaults

#: Every plugin setting may come from the operator's YAML (``lms.yml`` → ``ENV_TOKENS``).
OVERRIDABLE = tuple(DEFAULTS)
#: The secret key the demo host (``devsite``) once shipped, in public: anyone can sign sessions and JWTs with it.
PUBLIC_DEMO_SECRET_KEY = "demo-only-secret-key-not-for-production"


def check_secret_key(settings: ModuleType) -> None:
    """
    Refuse to start (``ImproperlyConfigured``) when ``SECRET_KEY`` is empty or the demo's public key.

    A host that has not set ``SECRET_KEY`` at all is left to Django, which refuses that itself when the key is
    used.
    """
    if not hasattr(settings, "SECRET_KEY"):
        return
    key = settings.SECRET_KEY
    if key == PUBLIC_DEMO_SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY is the demo host's public key (demo-only-secret-key-not-for-production): anyone can "
            "forge sessions and JWTs with it. Set a secret random SECRET_KEY (the demo host: unset "
            "DJANGO_SECRET_KEY to get a random key in var/secret_key)."
        )
    if not str(key or "").strip():
        raise ImproperlyConfigured("SECRET_KEY is empty: set a secret random SECRET_KEY.")


def plugin_settings(settings: ModuleType) -> None:
    """
    Apply the operator's ``ENV_TOKENS`` over the plugin's defaults and re-add the filter steps.

    Runs after COMMON (``production.py`` starts with ``from .common import *``), so the defaults are there
    already; ENV_TOKENS win over them, and the filter steps are re-added in case the YAML replaced
    ``OPEN_EDX_FILTERS_CONFIG``. Refuses an empty or public ``SECRET_KEY`` first (``check_secret_key``).
    """
    check_secret_key(settings)
    set_defaults(settings)
    env_tokens = getattr(settings, "ENV_TOKENS", None) or {}
    for name in OVERRIDABLE:
        if name in env_tokens:
            setattr(settings, name, env_tokens[name])
    add_filter_steps(settings)
    add_mako_templates(settings)
