"""
Demo LMS host settings. The plugin is not listed here: edx-django-utils finds it through its
``lms.djangoapp`` entry point (``get_plugin_apps`` / ``add_plugins``), exactly as the LMS does.

Database by ``CERT_MANAGER_DB``: ``sqlite`` (default), ``postgresql`` or ``mysql`` (MariaDB).
"""

import json
import os
from pathlib import Path

from edx_django_utils.plugins import add_plugins, get_plugin_apps

BASE_DIR = Path(__file__).resolve().parent.parent
LMS = "lms.djangoapp"
SETTINGS_TYPE = os.environ.get("CERT_MANAGER_SETTINGS_TYPE", "devstack")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "demo-only-secret-key-not-for-production")
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
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

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
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
        "OPTIONS": {"timeout": 30},
    }


DATABASES = {"default": database(os.environ.get("CERT_MANAGER_DB", "sqlite"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
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

# JWT as the LMS issues it (edx-drf-extensions JwtAuthentication on the plugin's REST API). Demo values only:
# inside the LMS the host's JWT_AUTH is used.
JWT_ISSUER = os.environ.get("CERT_MANAGER_JWT_ISSUER", "http://127.0.0.1:8000/oauth2")
JWT_AUTH = {
    "JWT_AUTH_HEADER_PREFIX": "JWT",
    "JWT_ALGORITHM": "HS256",
    "JWT_VERIFY_EXPIRATION": True,
    "JWT_DECODE_HANDLER": "edx_rest_framework_extensions.auth.jwt.decoder.jwt_decode_handler",
    "JWT_ISSUERS": [{"ISSUER": JWT_ISSUER, "AUDIENCE": "cert-manager-demo", "SECRET_KEY": SECRET_KEY}],
    "JWT_PUBLIC_SIGNING_JWK_SET": None,
}

# Celery: embedded (eager, in-process) unless a broker URL is given.
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
}
CELERY_BEAT_SCHEDULE = {
    "cert-manager-fail-stale-jobs": {"task": "cert_manager_plugin.tasks.fail_stale_jobs", "schedule": 60.0},
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
