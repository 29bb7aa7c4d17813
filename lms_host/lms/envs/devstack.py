# Stand-in for edx-platform lms/envs/devstack.py at commit 355bb661e6802e3663c6d3e815d6803a69731402
# (openedx/openedx-platform).
"""
Specific overrides to the base prod settings to make development easier.

Reproduced: ``from .production import *`` (so LMS_CFG must name a YAML here too, and the COMMON and PRODUCTION
plugin hooks have both run), ``FEATURES = FeaturesProxy(globals())``, ``DEBUG = True``, Celery eager mode
(``CELERY_ALWAYS_EAGER = True``, ``CLEAR_REQUEST_CACHE_ON_TASK_COMPLETION = False``), ``LMS_ROOT_URL``,
``CERTIFICATES_HTML_VIEW = True``, ``ENABLE_SPECIAL_EXAMS = True``, the MFE URLs, ``JWT_AUTH.update(...)``, then
``add_plugins(__name__, ProjectType.LMS, SettingsType.DEVSTACK)`` in the middle of the file, followed by the
REST_FRAMEWORK BrowsableAPIRenderer and the rest. Omitted: logging, debug toolbar, pipeline, search, enterprise,
event-bus producers, the RSA JWKs of JWT_AUTH, ``private.py``.
"""

from edx_django_utils.plugins import add_plugins

from openedx.core.djangoapps.plugins.constants import ProjectType, SettingsType
from openedx.core.lib.features_setting_proxy import FeaturesProxy

from .production import *  # noqa: F403

FEATURES = FeaturesProxy(globals())

DEBUG = True
INTERNAL_IPS = ("127.0.0.1",)

USE_I18N = True
DEFAULT_TEMPLATE_ENGINE["OPTIONS"]["debug"] = True  # noqa: F405
LMS_BASE = "localhost:18000"
CMS_BASE = "localhost:18010"
SITE_NAME = LMS_BASE

SESSION_COOKIE_NAME = "lms_sessionid"

# By default don't use a worker, execute tasks as if they were local functions
CELERY_ALWAYS_EAGER = True
# When the celery task is run eagerly, it is executed locally while sharing the
# thread and its request cache with the active Django Request. In that case,
# do not clear the cache.
CLEAR_REQUEST_CACHE_ON_TASK_COMPLETION = False
HTTPS = "off"

LMS_ROOT_URL = f"http://{LMS_BASE}"
LMS_INTERNAL_ROOT_URL = LMS_ROOT_URL

########################## Certificates Web/HTML View #######################
CERTIFICATES_HTML_VIEW = True

###################### JWTs ######################
JWT_AUTH.update(  # noqa: F405
    {
        "JWT_AUDIENCE": "lms-key",
        "JWT_ISSUER": f"{LMS_ROOT_URL}/oauth2",
        "JWT_ISSUERS": [
            {
                "AUDIENCE": "lms-key",
                "ISSUER": f"{LMS_ROOT_URL}/oauth2",
                "SECRET_KEY": "lms-secret",
            }
        ],
        "JWT_SECRET_KEY": "lms-secret",
        "JWT_SIGNING_ALGORITHM": "RS512",
    }
)
add_plugins(__name__, ProjectType.LMS, SettingsType.DEVSTACK)

######################### Django Rest Framework ########################

REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] += ("rest_framework.renderers.BrowsableAPIRenderer",)  # noqa: F405

SECRET_KEY = "85920908f28904ed733fe576320db18cabd7b6cd"

############## Settings for Microfrontends  #########################
COMMUNICATIONS_MICROFRONTEND_URL = "http://localhost:1984"
INSTRUCTOR_MICROFRONTEND_URL = "http://localhost:2003/instructor-dashboard"

############## Docker based devstack settings #######################

AUTOMATIC_AUTH_FOR_TESTING = True
ENABLE_DISCUSSION_SERVICE = True

# Override production's 'None' -- devstack runs over plain HTTP.
SESSION_COOKIE_SAMESITE = "Lax"

################### Special Exams (Proctoring) and Prereqs ###################
ENABLE_SPECIAL_EXAMS = True
