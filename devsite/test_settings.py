"""
Test settings: the demo host's settings with the plugin's ``test`` settings applied.

The plugin reaches INSTALLED_APPS, settings, URLs and receivers only through edx-django-utils and its
``lms.djangoapp`` entry point (see ``devsite.settings``); nothing here names it.
"""

import os
import secrets

os.environ["CERT_MANAGER_SETTINGS_TYPE"] = "test"
# A random key per test run, in the environment so the processes the tests start (the integration tests' Celery
# workers, on devsite.settings) use the same one; the tests never read or write the demo's var/secret_key.
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))

from devsite.settings import *  # noqa: F403
from devsite.settings import DATABASES

DEBUG = False  # the tests run as production does; a test that needs DEBUG sets it (the settings fixture)

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["NAME"] = os.environ.get("CERT_MANAGER_SQLITE_PATH", ":memory:")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING = {"version": 1, "disable_existing_loggers": False}
