# Stand-in for edx-platform openedx/envs/test.py at commit e57a655d77b614f19223984e9805b1fb940ab192
# (openedx/openedx-platform).
"""
Test settings shared by the LMS and Studio; ``lms/envs/test.py`` imports them after ``from .common import *``.

Reproduced: the Celery settings (``CELERY_ALWAYS_EAGER = True``, ``CELERY_RESULT_BACKEND = "django-cache"``,
``CLEAR_REQUEST_CACHE_ON_TASK_COMPLETION = False``), the test SECRET_KEY, fast password hashing, the broker
names edx-platform overrides for tests (amqp://celery:celery@localhost, unused while eager), the DB-backed
session engine, ``PLATFORM_NAME``. Omitted: mongo, static/media roots, MFE URLs and other names no stand-in reads;
edx-platform's ``patch_testcase()``/``patch_sessions()`` test patches.
"""

from django.utils.translation import gettext_lazy

# Allow all hosts during tests, we use a lot of different ones all over the codebase.
ALLOWED_HOSTS = ["*"]

SITE_NAME = "edx.org"

DISABLE_SET_JWT_COOKIES_FOR_TESTS = True

# Most tests don't use the discussion service, so we turn it off to speed them up.
ENABLE_DISCUSSION_SERVICE = False

# Platform names with unicode for testing
PLATFORM_NAME = gettext_lazy("édX")
PLATFORM_DESCRIPTION = gettext_lazy("Open édX Platform")

# Custom courses
CUSTOM_COURSES_EDX = True

# Fast password hashing for tests
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
]

# Dummy secret key for tests
SECRET_KEY = "85920908f28904ed733fe576320db18cabd7b6cd"

# Celery settings
CELERY_ALWAYS_EAGER = True
CELERY_RESULT_BACKEND = "django-cache"
CLEAR_REQUEST_CACHE_ON_TASK_COMPLETION = False

# Override production settings for testing
CELERY_BROKER_HOSTNAME = "localhost"
CELERY_BROKER_PASSWORD = "celery"
CELERY_BROKER_TRANSPORT = "amqp"
CELERY_BROKER_USER = "celery"
LMS_INTERNAL_ROOT_URL = "https://localhost:18000"
SECURE_PROXY_SSL_HEADER = None
SESSION_COOKIE_DOMAIN = ""
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SHARED_COOKIE_DOMAIN = ""
