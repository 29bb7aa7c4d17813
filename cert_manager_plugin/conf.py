"""
The plugin's settings: every ``CERT_MANAGER_*`` setting, its default and its reading, in one place.

Shaped as Django REST framework's ``api_settings`` (encode/django-rest-framework ``rest_framework/settings.py``):
``SETTINGS`` declares each setting (default, one-line doc, how a configured value is read), ``DEFAULTS`` is
their defaults, and ``cm_settings`` reads them: ``cm_settings.BATCH_SIZE`` is ``settings.CERT_MANAGER_BATCH_SIZE``
(the default when the host does not set it) read as the package always read it (clamped, or the default when the
value is not usable). Each value is read once and kept; Django's ``setting_changed`` (``override_settings``, the
``settings`` fixture) forgets them all. The plugin's settings hooks (``settings/common.py``) give the host these
defaults, so an operator sees and overrides the same values.

``CERT_MANAGER_BATCH_SIZE`` (learners per engine batch, per job chunk, per course-sweep batch) is read by
``jobs`` and ``reconcile`` through ``batch_size``. It is capped at ``MAX_BATCH_SIZE``: every batch statement
binds one parameter per learner, and the largest binds two (``lms._copy_history``: the written learners'
ids and, among them, the created ones, plus 3), so a batch of ``n`` binds at most ``2n + 3`` parameters in one
statement. At 10,000 that is 20,003: under SQLite's default ``SQLITE_MAX_VARIABLE_NUMBER`` (32,766 since
SQLite 3.32) and the 65,535 of PostgreSQL's wire protocol (psycopg with server-side binding) and of
MariaDB/MySQL prepared statements. A value outside 1..10,000 is clamped; one that is not an integer falls back
to the default. The system check ``check_batch_size`` (run by ``manage.py check``, ``migrate``,
``runserver``) says which value is used, and why.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.core.signals import setting_changed
from django.dispatch import receiver

#: Every setting of the plugin is named ``CERT_MANAGER_<NAME>``; ``cm_settings.<NAME>`` reads it.
PREFIX = "CERT_MANAGER_"
BATCH_SIZE_SETTING = "CERT_MANAGER_BATCH_SIZE"
DEFAULT_BATCH_SIZE = 1000
MIN_BATCH_SIZE = 1
#: ``2 * MAX_BATCH_SIZE + 3`` parameters in one statement stays under every supported database's limit.
MAX_BATCH_SIZE = 10_000
DEFAULT_EMAIL_BATCH_SIZE = 200
DEFAULT_PUBLIC_MAX_AGE = 60
AUTO_BACKEND = "auto"

#: System check ids: the value was clamped into range; the value is not an integer (the default is used).
BATCH_SIZE_CLAMPED = "cert_manager.W001"
BATCH_SIZE_INVALID = "cert_manager.W002"


def _as_int(value: object) -> int | None:
    """``value`` as an integer: ints, integral floats and strings of digits; None for anything else (bools)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def resolve_batch_size(value: object) -> tuple[int, str | None]:
    """
    The batch size a configured ``value`` gives and, when it is not used as written, the check id saying why.

    Unset (None or ``""``) is the default; a non-integer is the default (``BATCH_SIZE_INVALID``); an integer
    outside ``MIN_BATCH_SIZE``..``MAX_BATCH_SIZE`` is clamped into it (``BATCH_SIZE_CLAMPED``).
    """
    if value is None or value == "":
        return DEFAULT_BATCH_SIZE, None
    number = _as_int(value)
    if number is None:
        return DEFAULT_BATCH_SIZE, BATCH_SIZE_INVALID
    clamped = min(MAX_BATCH_SIZE, max(MIN_BATCH_SIZE, number))
    return clamped, (BATCH_SIZE_CLAMPED if clamped != number else None)


# --- how each setting is read (the readings the modules made before there was one place) -----------------


def _as_is(value: object) -> object:
    """The configured value, unchanged."""
    return value


def _batch_size(value: object) -> int:
    """Clamped to 1..10,000; the default when not an integer (``resolve_batch_size``)."""
    return resolve_batch_size(value)[0]


def _email_batch_size(value: object) -> int:
    """A positive integer; the default for anything else (0, negative, not a number)."""
    try:
        size = int(value or 0)
    except (TypeError, ValueError):
        size = 0
    return size if size > 0 else DEFAULT_EMAIL_BATCH_SIZE


def _public_max_age(value: object) -> int:
    """Whole seconds, at least 0; the default when not a number."""
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return DEFAULT_PUBLIC_MAX_AGE


def _status_list_length(value: object) -> int:
    """At least 131,072 (Bitstring Status List's minimum), rounded up to whole bytes; the minimum when unusable."""
    number = _as_int(value) or 0
    return max(131_072, (number + 7) // 8 * 8)


def _a_dict(value: object) -> dict:
    """The configured dict; an empty one for anything else."""
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class Setting:
    """One plugin setting: its default, what it means, and how a configured value is read."""

    default: object
    doc: str
    #: The configured value (the default when unset) → the value the package uses. May raise, as the
    #: modules' own ``int(...)`` did (a CSV limit that is not a number fails the upload, loudly).
    read: Callable[[object], object] = _as_is
    #: Whether the settings hooks give the host this default (and ``ENV_TOKENS`` may override it); False
    #: for a setting the LMS never gets unless its operator sets it.
    host: bool = True


SETTINGS: dict[str, Setting] = {
    "CERT_MANAGER_LMS_BACKEND": Setting(
        AUTO_BACKEND,
        'The LMS adapter: "auto" (edx_platform inside the LMS, else standalone), a name or a dotted class path.',
        lambda value: value or AUTO_BACKEND,
    ),
    "CERT_MANAGER_BATCH_SIZE": Setting(
        DEFAULT_BATCH_SIZE,
        "Learners per engine batch, job chunk and course-sweep batch (clamped to 1..10,000).",
        _batch_size,
    ),
    "CERT_MANAGER_CELERY_QUEUE": Setting(
        None, "Celery queue of the plugin's tasks; None: the host's default queue (its routes decide)."
    ),
    "CERT_MANAGER_COALESCE_SECONDS": Setting(
        5,
        "Seconds changes arriving during a course's sweep are gathered before the next sweep (0 or unset: 0).",
        lambda value: float(value or 0),
    ),
    "CERT_MANAGER_SWEEP_MIN_GAP": Setting(
        0.3,
        "Seconds, at least, between a course's sweep and the next, once its changes are quiet (0 or unset: 0).",
        lambda value: max(0.0, float(value or 0)),
    ),
    "CERT_MANAGER_JOB_STALE_SECONDS": Setting(
        300,
        "Seconds without a heartbeat after which a running job counts as dead (0 or unset: 300).",
        lambda value: int(value or 300),
    ),
    "CERT_MANAGER_PAUSE_GC": Setting(
        True,
        "Pause Python's cyclic garbage collector while a job chunk runs (faster bulk jobs); False: never touch it.",
        bool,
    ),
    "CERT_MANAGER_CSV_MAX_BYTES": Setting(5 * 1024 * 1024, "Largest bulk exception CSV accepted, in bytes.", int),
    "CERT_MANAGER_CSV_MAX_ROWS": Setting(50_000, "Most data rows accepted in a bulk exception CSV.", int),
    "CERT_MANAGER_BASE_URL": Setting(
        "", "Scheme and host of absolute links (verify, PDF, QR codes); empty: LMS_ROOT_URL, else the request's."
    ),
    "CERT_MANAGER_EXPORT_DIR": Setting(
        None, "Deprecated: a local directory for export files (a FileSystemStorage on it); wins over the storage."
    ),
    "CERT_MANAGER_EXPORT_STORAGE": Setting(
        "default",
        'The STORAGES alias export files are saved to ("default": default_storage; empty: "default").',
        lambda value: value or "default",
    ),
    "CERT_MANAGER_EMAILS_ENABLED": Setting(
        False, "Email learners when their certificate is issued, updated or revoked.", bool
    ),
    "CERT_MANAGER_EMAIL_BATCH_SIZE": Setting(
        DEFAULT_EMAIL_BATCH_SIZE,
        "Learners mailed per send_certificate_emails task (not a positive integer: 200).",
        _email_batch_size,
    ),
    "CERT_MANAGER_PDF_UNICODE_FONT": Setting(
        None, "A TrueType font path, or a (regular, bold) pair, tried first on PDFs; None: the bundled fonts."
    ),
    "CERT_MANAGER_PUBLIC_MAX_AGE": Setting(
        DEFAULT_PUBLIC_MAX_AGE,
        "Seconds a public certificate response may be served from a cache: the longest a revocation takes to show.",
        _public_max_age,
    ),
    "CERT_MANAGER_LINKEDIN": Setting(
        {},
        'Standalone only: LinkedIn "Add to profile" options (enabled, company_identifier, platform_name).',
        _a_dict,
        host=False,  # inside the LMS its LinkedInAddToProfileConfiguration decides: the LMS never gets it
    ),
    "CERT_MANAGER_VC_KEY_FILE": Setting(
        None, "Path of the issuer's Ed25519 private key (PKCS#8 PEM) that signs credentials; None: no operator key."
    ),
    "CERT_MANAGER_VC_DEMO_KEY": Setting(
        False, "Without a key file, generate a signing key and keep it in the database (demo and tests only).", bool
    ),
    "CERT_MANAGER_VC_ISSUER_DID": Setting(
        "", "The issuer's did:web; empty: did:web:<host>:cert_manager:issuer (its document under the plugin's URLs)."
    ),
    "CERT_MANAGER_VC_ISSUER_NAME": Setting(
        "", "The issuer Profile's name in credentials; empty: the LMS's PLATFORM_NAME.", lambda value: str(value or "")
    ),
    "CERT_MANAGER_VC_ISSUER_IMAGE": Setting(
        "", "URL of the issuer's logo in credentials (empty: none).", lambda value: str(value or "")
    ),
    "CERT_MANAGER_VC_LIST_LENGTH": Setting(
        131_072,
        "Entries of a new status list (at least 131,072, a multiple of 8; a list doubles when 3/4 used).",
        _status_list_length,
    ),
    "CERT_MANAGER_VC_CHECK_RATE": Setting(
        "30/m",
        'Credential checks (POSTs of the public check page) per client IP: "<count>/<s|m|h|d>"; empty: no limit.',
        lambda value: str(value or ""),
    ),
}

#: Every plugin setting's default, by its Django setting name.
DEFAULTS: dict[str, object] = {name: setting.default for name, setting in SETTINGS.items()}


def host_defaults() -> dict[str, object]:
    """The defaults the settings hooks give the host (``Setting.host``), in declaration order."""
    return {name: setting.default for name, setting in SETTINGS.items() if setting.host}


class CertManagerSettings:
    """
    The plugin's settings as attributes without the prefix: ``cm_settings.PUBLIC_MAX_AGE``.

    Each is ``settings.CERT_MANAGER_<NAME>`` when the host sets it, else its default, read by its
    ``Setting.read``; kept after the first read until ``reload`` (on every ``setting_changed``). The
    annotations below give each its type as read (``SETTINGS`` says what it means).
    """

    LMS_BACKEND: str
    BATCH_SIZE: int
    CELERY_QUEUE: str | None
    COALESCE_SECONDS: float
    SWEEP_MIN_GAP: float
    JOB_STALE_SECONDS: int
    PAUSE_GC: bool
    CSV_MAX_BYTES: int
    CSV_MAX_ROWS: int
    BASE_URL: str
    EXPORT_DIR: str | None
    EXPORT_STORAGE: str
    EMAILS_ENABLED: bool
    EMAIL_BATCH_SIZE: int
    PDF_UNICODE_FONT: str | tuple[str, str] | None
    PUBLIC_MAX_AGE: int
    LINKEDIN: dict
    VC_KEY_FILE: str | None
    VC_DEMO_KEY: bool
    VC_ISSUER_DID: str
    VC_ISSUER_NAME: str
    VC_ISSUER_IMAGE: str
    VC_LIST_LENGTH: int
    VC_CHECK_RATE: str

    def __init__(self) -> None:
        self._cached: set[str] = set()

    def __getattr__(self, attr: str) -> object:
        """Read, keep and return a setting (only called for a name not kept yet)."""
        name = PREFIX + attr
        setting = SETTINGS.get(name)
        if setting is None:
            raise AttributeError(f"Invalid cert_manager setting: {attr!r}")
        value = setting.read(getattr(settings, name, setting.default))
        setattr(self, attr, value)
        self._cached.add(attr)
        return value

    def reload(self) -> None:
        """
        Forget every kept value: the next read sees the settings as they are now.

        Django's ``setting_changed`` calls it; pytest-django's ``del settings.X`` sends no signal, so a test
        that deletes a plugin setting calls it itself.
        """
        cached, self._cached = self._cached, set()
        for attr in cached:
            self.__dict__.pop(attr, None)


#: The one reader of the plugin's settings.
cm_settings = CertManagerSettings()


@receiver(setting_changed)
def reload_cm_settings(*, setting: str, **kwargs: Any) -> None:
    """A changed plugin setting (``override_settings``, the ``settings`` fixture) is read again."""
    if setting.startswith(PREFIX):
        cm_settings.reload()


def batch_size() -> int:
    """Learners per engine batch and per job chunk (``CERT_MANAGER_BATCH_SIZE``, default 1000, 1..10,000)."""
    return cm_settings.BATCH_SIZE


@checks.register("cert_manager")
def check_batch_size(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A warning when ``CERT_MANAGER_BATCH_SIZE`` is not used as written, naming the value used instead."""
    value = getattr(settings, BATCH_SIZE_SETTING, None)
    used, problem = resolve_batch_size(value)
    if problem == BATCH_SIZE_INVALID:
        return [
            checks.Warning(
                f"{BATCH_SIZE_SETTING} is {value!r}, not an integer; using the default, {used}.",
                hint=f"Set {BATCH_SIZE_SETTING} to a whole number of learners from {MIN_BATCH_SIZE} to "
                f"{MAX_BATCH_SIZE:,}.",
                id=BATCH_SIZE_INVALID,
            )
        ]
    if problem == BATCH_SIZE_CLAMPED:
        return [
            checks.Warning(
                f"{BATCH_SIZE_SETTING} is {value!r}, outside {MIN_BATCH_SIZE}..{MAX_BATCH_SIZE:,}; using {used}.",
                hint=f"At most {MAX_BATCH_SIZE:,} learners per batch keep each batch statement under the "
                "databases' limit on bound parameters (SQLite: 32,766).",
                id=BATCH_SIZE_CLAMPED,
            )
        ]
    return []
