"""
Demo LMS host settings. The plugin is not listed here: edx-django-utils finds it through its
``lms.djangoapp`` entry point (``get_plugin_apps`` / ``add_plugins``), exactly as the LMS does.

Database by ``CERT_MANAGER_DB``: ``sqlite`` (default), ``postgresql`` or ``mysql`` (MariaDB).

Secret key: ``DJANGO_SECRET_KEY``, else a random key made on the first run and kept in ``var/secret_key``
(mode 0600), so no two installations share one and nobody can forge a session or a JWT from the source.
DEBUG: on for the demo server (``manage.py runserver``, what ``scripts/demo.sh`` runs), off for everything
else (WSGI, Celery workers, management commands, the tests); ``DJANGO_DEBUG=1`` / ``0`` decides instead.
"""

import base64
import json
import os
import secrets
import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from edx_django_utils.plugins import add_plugins, get_plugin_apps

BASE_DIR = Path(__file__).resolve().parent.parent
LMS = "lms.djangoapp"
SETTINGS_TYPE = os.environ.get("CERT_MANAGER_SETTINGS_TYPE", "devstack")


def secret_key(path: Path) -> str:
    """
    The key kept in ``path``, made (random, 0600) when the file does not exist yet. Processes starting together
    (Celery workers, the demo's commands) agree: the key is written to a private temporary file that is then
    hard-linked into place, which fails if another process got there first, whose key is then read.
    """
    try:
        key = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = None
    except OSError as exc:
        raise ImproperlyConfigured(f"Cannot read the demo secret key {path} ({exc}); set DJANGO_SECRET_KEY.") from exc
    if key is None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w", encoding="ascii") as handle:
                handle.write(secrets.token_urlsafe(50) + "\n")
            try:
                os.link(temporary, path)
            except FileExistsError:
                pass  # another process made it first: use that one
            except OSError:  # a filesystem without hard links: moved into place (a racing first start may differ)
                os.replace(temporary, path)
            finally:
                temporary.unlink(missing_ok=True)
        except OSError as exc:
            raise ImproperlyConfigured(
                f"Cannot create the demo secret key {path} ({exc}); make {path.parent} writable or set "
                "DJANGO_SECRET_KEY."
            ) from exc
        key = path.read_text(encoding="ascii").strip()
    if not key:
        raise ImproperlyConfigured(f"The demo secret key {path} is empty; delete it (a new one is made) or set one.")
    return key


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or secret_key(BASE_DIR / "var" / "secret_key")
DEMO_SERVER = len(sys.argv) > 1 and sys.argv[1] == "runserver"
DEBUG = os.environ.get("DJANGO_DEBUG", "1" if DEMO_SERVER else "0") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "devsite",
]
INSTALLED_APPS += get_plugin_apps(LMS)
#: The standalone adapter's courses and course team roles: the demo has no edx-platform (the LMS never installs it).
INSTALLED_APPS += ["cert_manager_plugin.standalone_host"]

#: The language of each request, as the LMS chooses it (its settings list LocaleMiddleware in this same place):
#: the language cookie, else the browser's Accept-Language; ``?lang=xx`` sets the cookie (devsite/language.py, the
#: demo's stand-in for the LMS's language preference). Not under the test settings: their live server (the browser
#: tests) is built once and takes its language from LANGUAGE_CODE; the tests that choose a language per request add
#: these two (tests/i18n_pseudo.py, tests/test_locales.py).
LANGUAGE_MIDDLEWARE = ["django.middleware.locale.LocaleMiddleware", "devsite.language.QueryLanguageMiddleware"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    *(LANGUAGE_MIDDLEWARE if SETTINGS_TYPE != "test" else []),
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "devsite.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "devsite" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
WSGI_APPLICATION = "devsite.wsgi.application"


def database(engine: str) -> dict:
    """Connection settings for the chosen engine (the machine's local services in CI)."""
    name = os.environ.get("CERT_MANAGER_DB_NAME", "test")
    if engine == "postgresql":
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": os.environ.get("PGUSER", "postgres"),
            "HOST": os.environ.get("PGHOST", "127.0.0.1"),
            "PORT": os.environ.get("PGPORT", "5432"),
            "TEST": {"NAME": os.environ.get("CERT_MANAGER_TEST_DB_NAME", "test_cert_manager")},
        }
    if engine == "mysql":
        import pymysql

        pymysql.install_as_MySQLdb()
        return {
            "ENGINE": "django.db.backends.mysql",
            "NAME": name,
            "USER": os.environ.get("MYSQL_USER", "root"),
            "PASSWORD": os.environ.get("MYSQL_PASSWORD", ""),
            "HOST": os.environ.get("MYSQL_HOST", "127.0.0.1"),
            "PORT": os.environ.get("MYSQL_PORT", "3306"),
            "OPTIONS": {"charset": "utf8mb4", "isolation_level": "read committed"},
            "TEST": {
                "NAME": os.environ.get("CERT_MANAGER_TEST_DB_NAME", "test_cert_manager"),
                "CHARSET": "utf8mb4",
                "COLLATION": "utf8mb4_bin",
            },
        }
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("CERT_MANAGER_SQLITE_PATH", str(BASE_DIR / "var" / "demo.sqlite3")),
        # IMMEDIATE: a transaction takes the write lock when it starts and waits up to `timeout` for it; the
        # default (DEFERRED) upgrades a read lock later and fails at once with "database is locked" when two
        # requests write together (parallel invalidations answered 500).
        "OPTIONS": {"timeout": 30, "transaction_mode": "IMMEDIATE"},
        # CERT_MANAGER_SQLITE_TEST_PATH: a file test database (threads then share it, as requests do)
        "TEST": {"NAME": os.environ.get("CERT_MANAGER_SQLITE_TEST_PATH") or None},
    }


DATABASES = {"default": database(os.environ.get("CERT_MANAGER_DB", "sqlite"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"


def catalog_languages() -> list[tuple[str, str]]:
    """
    English, then every language the plugin has a catalog for (cert_manager_plugin/locale/<lang>/: the shipped es,
    fr and ar, and any one ``make pull_translations`` brings), each named in its own language.
    """
    from django.conf.locale import LANG_INFO
    from django.utils.translation import to_language

    root = BASE_DIR / "cert_manager_plugin" / "locale"
    codes = sorted(to_language(p.name) for p in root.glob("*") if (p / "LC_MESSAGES" / "django.po").is_file())
    codes = ["en"] + [code for code in codes if code != "en"]
    return [(code, LANG_INFO.get(code, {}).get("name_local", code)) for code in codes]


LANGUAGES = catalog_languages()
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
MEDIA_ROOT = BASE_DIR / "var" / "media"
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {"TITLE": "cert_manager_plugin API", "VERSION": "v1"}

# JWT as the LMS issues it (edx-drf-extensions JwtAuthentication on the plugin's REST API), signed with this
# installation's SECRET_KEY (random per installation, see above). Demo values only: inside the LMS the host's
# JWT_AUTH is used.
#
# JWT_PUBLIC_SIGNING_JWK_SET holds that same key (as a JWK "oct" key; the demo publishes no key set): never
# leave it empty. edx-drf-extensions 10.9 first checks a token against this set and takes an empty set as a
# pass (its loop over the keys runs zero times), so with None any token carrying the right audience was
# accepted whatever key signed it: that is how a forged token made a staff user.
JWT_ISSUER = os.environ.get("CERT_MANAGER_JWT_ISSUER", "http://127.0.0.1:8000/oauth2")
JWT_AUTH = {
    "JWT_AUTH_HEADER_PREFIX": "JWT",
    "JWT_ALGORITHM": "HS256",
    "JWT_VERIFY_EXPIRATION": True,
    "JWT_DECODE_HANDLER": "edx_rest_framework_extensions.auth.jwt.decoder.jwt_decode_handler",
    "JWT_ISSUERS": [{"ISSUER": JWT_ISSUER, "AUDIENCE": "cert-manager-demo", "SECRET_KEY": SECRET_KEY}],
    "JWT_PUBLIC_SIGNING_JWK_SET": json.dumps(
        {"keys": [{"kty": "oct", "k": base64.urlsafe_b64encode(SECRET_KEY.encode()).rstrip(b"=").decode()}]}
    ),
}

# Celery: embedded (eager, in-process) unless a broker URL is given (``filesystem://``: the demo's worker).
CELERY_BROKER_URL = os.environ.get("CERT_MANAGER_BROKER_URL", "memory://")
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL == "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
# Real broker (bulk engine issue): results, one message at a time per worker process, and how soon Redis
# hands a dead worker's unacknowledged messages to another worker (the LMS sets its own values).
CELERY_RESULT_BACKEND = os.environ.get("CERT_MANAGER_RESULT_BACKEND") or None
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CERT_MANAGER_VISIBILITY_TIMEOUT", "3600")),
    "unacked_restore_interval": int(os.environ.get("CERT_MANAGER_RESTORE_INTERVAL", "10")),
    # kombu 5.7 scans only every Nth interval (default 10): 1 makes the interval above the whole delay.
    "unacked_restore_throttle": 1,
    # A worker killed while it holds the restore lock blocks every restore until the lock expires
    # (kombu default 300 s): keep it a little above the visibility timeout.
    "unacked_mutex_expire": int(os.environ.get("CERT_MANAGER_RESTORE_LOCK_SECONDS", "300")),
}
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The demo's broker (scripts/demo.sh): kombu's filesystem transport, a real worker and no server. Messages
    # are files in CERT_MANAGER_BROKER_DIR (default var/celery/); the web process and the worker share it.
    _broker_dir = Path(os.environ.get("CERT_MANAGER_BROKER_DIR") or BASE_DIR / "var" / "celery")
    for _folder in ("queue", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        "polling_interval": float(os.environ.get("CERT_MANAGER_BROKER_POLLING", "0.2")),
    }
    CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE = {
    "cert-manager-fail-stale-jobs": {"task": "cert_manager_plugin.tasks.fail_stale_jobs", "schedule": 60.0},
    "cert-manager-sweep-forgotten-courses": {
        "task": "cert_manager_plugin.tasks.sweep_forgotten_courses",
        "schedule": 60.0,
    },
    "cert-manager-issue-held-certificates": {
        "task": "cert_manager_plugin.tasks.issue_held_certificates",
        "schedule": 3600.0,
    },
}
# Any other settings as a JSON object of name: value (the integration tests' workers set the batch size).
globals().update(json.loads(os.environ.get("DEVSITE_EXTRA_SETTINGS") or "{}"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"cert_manager_plugin": {"handlers": ["console"], "level": os.environ.get("CERT_MANAGER_LOG", "INFO")}},
}

add_plugins(__name__, LMS, SETTINGS_TYPE)
