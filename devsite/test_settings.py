"""
Test settings: the demo host's settings with the plugin's ``test`` settings applied.

The plugin reaches INSTALLED_APPS, settings, URLs and receivers only through edx-django-utils and its
``lms.djangoapp`` entry point (see ``devsite.settings``); nothing here names it.
"""

import os

os.environ["CERT_MANAGER_SETTINGS_TYPE"] = "test"

from devsite.settings import *  # noqa: F403
from devsite.settings import DATABASES

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["NAME"] = os.environ.get("CERT_MANAGER_SQLITE_PATH", ":memory:")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING = {"version": 1, "disable_existing_loggers": False}
