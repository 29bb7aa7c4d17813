# Stand-in for edx-platform lms/envs/test.py at commit 2122497b8c39294738ffb01b4eeaf7c4e2f97bff
# (openedx/openedx-platform).
"""
The LMS's unit-test settings.

Reproduced: ``from .common import *`` then ``from openedx.envs.test import *`` (which holds the Celery eager
settings: ``CELERY_ALWAYS_EAGER = True``, ``CELERY_RESULT_BACKEND = "django-cache"``,
``CLEAR_REQUEST_CACHE_ON_TASK_COMPLETION = False``), ``FEATURES = FeaturesProxy(globals())``, the flags the
certificate code reads, ``CACHES`` (DummyCache for ``default``: ``cache.add`` always succeeds and nothing is
kept), the security relaxations, ``LMS_ROOT_URL``, ``TEMPLATES[0]['OPTIONS']['debug'] = True``, then
``add_plugins(__name__, ProjectType.LMS, SettingsType.TEST)`` and ``derive_settings(__name__)`` (TEST hooks run
before Derived values are computed).

Only deviation: ``DATABASES`` (edx-platform's test.py uses MySQL ``edxapp``; the host uses CI's databases, SQLite
in memory by default). Omitted: modulestore/contentstore, third-party auth backends, CCX and LTI-provider apps,
the RSA JWKs (``JWT_AUTH.update(jwt_jwks_values)``), MFE/marketing URLs, static files.
"""

from edx_django_utils.plugins import add_plugins

from openedx.core.djangoapps.plugins.constants import ProjectType, SettingsType
from openedx.core.lib.derived import derive_settings
from openedx.core.lib.features_setting_proxy import FeaturesProxy

from .common import *  # noqa: F403

# isort: split
from openedx.envs.test import *  # noqa: F403  (edx-platform imports it after .common)

# isort: split
from ._host_databases import host_databases

# A proxy for feature flags stored in the settings namespace
FEATURES = FeaturesProxy(globals())

# can't test start dates with this True, but on the other hand,
# can test everything else :)
DISABLE_START_DATES = True

ENABLE_VERIFIED_CERTIFICATES = True

ENABLE_BULK_ENROLLMENT_VIEW = True

ENABLE_BULK_USER_RETIREMENT = True

USE_I18N = True
LANGUAGE_CODE = "en"  # tests assume they will get English.

# THE ONLY DEVIATION: CI's databases (edx-platform: MySQL "edxapp").
DATABASES = host_databases(for_tests=True)

CACHES = {
    # This is the cache used for most things.
    # In staging/prod envs, the sessions also live here.
    "default": {
        "BACKEND": "django.core.cache.backends.dummy.DummyCache",
    },
    # The general cache is what you get if you use our util.cache. It's used for
    # things like caching the course.xml file for different A/B test groups.
    "general": {
        "BACKEND": "django.core.cache.backends.dummy.DummyCache",
    },
    "mongo_metadata_inheritance": {
        "BACKEND": "django.core.cache.backends.dummy.DummyCache",
    },
    "loc_cache": {
        "BACKEND": "django.core.cache.backends.dummy.DummyCache",
    },
    "course_structure_cache": {
        "BACKEND": "django.core.cache.backends.dummy.DummyCache",
    },
}

############################# SECURITY SETTINGS ################################
# Default to advanced security in common.py, so tests can reset here to use
# a simpler security model
ENFORCE_PASSWORD_POLICY = False
ENABLE_MAX_FAILED_LOGIN_ATTEMPTS = False
SQUELCH_PII_IN_LOGS = False
PREVENT_CONCURRENT_LOGINS = False

############################## OAUTH2 Provider ################################
OAUTH_ENFORCE_SECURE = False

LMS_ROOT_URL = "http://localhost:8000"

TEMPLATES[0]["OPTIONS"]["debug"] = True  # noqa: F405

####################### Plugin Settings ##########################

add_plugins(__name__, ProjectType.LMS, SettingsType.TEST)

########################## Derive Any Derived Settings  #######################

derive_settings(__name__)
