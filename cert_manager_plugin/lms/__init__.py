"""
The LMS adapter: the only package that touches edx-platform, and only lazily, inside functions.

``CERT_MANAGER_LMS_BACKEND`` picks the adapter; its default ``"auto"`` takes ``"edx_platform"`` when the host has
edx-platform's apps installed (``common.djangoapps.student`` and ``lms.djangoapps.certificates``: inside the LMS,
whatever settings module it runs) and ``"standalone"`` otherwise (the demo host, the tests); a dotted class path
names a host's own. Every adapter implements ``base.LmsAdapter`` and declares its capabilities there: callers
ask ``backend().inside_lms`` (or ``capabilities()`` outside the package), never the adapter's type.

* ``base`` — the records adapters answer with, the LMS's certificate vocabulary, ``LmsAdapter``.
* ``standalone`` — ``StandaloneBackend``: the plugin's own tables and Django's User (the demo host, the tests).
* ``edx_platform`` — ``EdxPlatformBackend``: inside the LMS; its docstring names each edx-platform API it calls.
* ``write_through`` — the set-based SQL that makes the LMS's ``GeneratedCertificate`` follow ours.
* ``lookups`` — the user and any-case lookups both adapters share.
* here — the selector (``backend``, ``backend_name``, ``inside_lms``, ``capabilities``) and the wiring
  (``connect_lms_writes``, ``silence_lms_certificate_handlers``, ``retirement_signals``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from functools import cache

from django.apps import apps
from django.utils.module_loading import import_string
from opaque_keys.edx.keys import CourseKey

from ..conf import AUTO_BACKEND as AUTO
from ..conf import cm_settings
from .base import (
    CAPABILITIES,
    LMS_GRADELESS,
    LMS_PASSING,
    LMS_REVOKED,
    LOOKUP_CHUNK,
    BackfillRow,
    CourseInfo,
    LmsAdapter,
    LmsAllowlistRow,
    LmsCapabilities,
    LmsCertificate,
    LmsCertificateRow,
    LmsLearnerLists,
    LmsTransition,
    Signatory,
    WebCertificateConfig,
    lms_grade,
    parse_lms_grade,
)
from .edx_platform import EdxPlatformBackend
from .standalone import StandaloneBackend
from .write_through import (
    HISTORY_FIELDS,
    SHORT_FIELDS,
    SYNCED_FIELDS,
    _copy_history,
    _insert_rows,
    _LmsPeople,
    _transition,
    _update_rows,
    sync_model_rows,
)

__all__ = [
    "AUTO",
    "BACKENDS",
    "CAPABILITIES",
    "HISTORY_FIELDS",
    "LMS_GRADELESS",
    "LMS_PASSING",
    "LMS_REVOKED",
    "LOOKUP_CHUNK",
    "RETIREMENT_SIGNAL_NAMES",
    "SHORT_FIELDS",
    "SYNCED_FIELDS",
    "BackfillRow",
    "CourseInfo",
    "CourseKey",
    "EdxPlatformBackend",
    "LmsAdapter",
    "LmsAllowlistRow",
    "LmsCapabilities",
    "LmsCertificate",
    "LmsCertificateRow",
    "LmsLearnerLists",
    "LmsTransition",
    "Signatory",
    "StandaloneBackend",
    "WebCertificateConfig",
    "_LmsPeople",
    "_copy_history",
    "_insert_rows",
    "_transition",
    "_update_rows",
    "backend",
    "backend_name",
    "capabilities",
    "connect_lms_writes",
    "inside_lms",
    "lms_grade",
    "parse_lms_grade",
    "retirement_signals",
    "silence_lms_certificate_handlers",
    "sync_model_rows",
]

log = logging.getLogger(__name__)

BACKENDS = {
    "standalone": "cert_manager_plugin.lms.standalone.StandaloneBackend",
    "edx_platform": "cert_manager_plugin.lms.edx_platform.EdxPlatformBackend",
}


@cache
def _backend_for(name: str) -> LmsAdapter:
    return import_string(BACKENDS.get(name, name))()


def backend_name() -> str:
    """
    Name the adapter in use: ``CERT_MANAGER_LMS_BACKEND``, with ``"auto"`` resolved from the installed apps.

    ``"auto"`` (the default) gives the LMS ``edx_platform`` in every settings order and the demo ``standalone``.
    """
    name = cm_settings.LMS_BACKEND
    if name == AUTO:
        # the edx-platform apps whose presence means "running inside the LMS" (``AppConfig.name``)
        inside = apps.is_installed("common.djangoapps.student") and apps.is_installed("lms.djangoapps.certificates")
        return "edx_platform" if inside else "standalone"
    return name


def backend() -> LmsAdapter:
    """The adapter chosen by ``CERT_MANAGER_LMS_BACKEND`` (a name above or a dotted class path)."""
    return _backend_for(backend_name())


def inside_lms() -> bool:
    """True when the adapter in use says the plugin runs inside the LMS (its ``inside_lms`` capability)."""
    return bool(backend().inside_lms)


def capabilities() -> LmsCapabilities:
    """The capabilities of the adapter in use, as small frozen data (for callers outside the package)."""
    adapter = backend()
    return LmsCapabilities(**{name: bool(getattr(adapter, name)) for name in CAPABILITIES})


def connect_lms_writes(receivers: Mapping[str, Callable[..., None]], dispatch_prefix: str) -> list[str]:
    """Inside the LMS, connect receivers to its own writes (``EdxPlatformBackend.connect_lms_writes``)."""
    return backend().connect_lms_writes(receivers, dispatch_prefix)


def silence_lms_certificate_handlers() -> list[str]:
    """Inside the LMS, disconnect its handlers that would write certificates behind the plugin's back."""
    return backend().silence_lms_certificate_handlers()


# --- LMS Django signals: user retirement (retirement issue) ---

#: The edx-platform retirement signals the plugin listens to (module path: in ``retirement_signals``).
RETIREMENT_SIGNAL_NAMES = ("USER_RETIRE_LMS_CRITICAL", "USER_RETIRE_LMS_MISC")


def retirement_signals() -> list:
    """
    edx-platform's ``USER_RETIRE_LMS_CRITICAL`` and ``USER_RETIRE_LMS_MISC`` when the adapter ``owns_retirement``.

    Sent by ``AccountRetirementView.post`` (``/api/user/v1/accounts/retire/``: ``user``, ``retired_username``,
    ``retired_email``, before the user row gets its retired username) and ``LMSAccountRetirementView.post``
    (``/api/user/v1/accounts/retire_misc/``: ``user``) in ``openedx/core/djangoapps/user_api/accounts/views.py``,
    openedx/openedx-platform 14f7dc8962faf4c8c762c1182add032f181a3180. Imported here, lazily, because
    edx-django-utils' ``signals_config`` would fail to import a signal path the host does not have. ``[]`` when
    the adapter does not (standalone).
    """
    if not backend().owns_retirement:
        return []
    module = "openedx.core.djangoapps.user_api.accounts.signals"
    try:
        return [import_string(f"{module}.{name}") for name in RETIREMENT_SIGNAL_NAMES]
    except ImportError:
        log.warning("cert_manager: %s is not importable; user retirement is not connected", module)
        return []
