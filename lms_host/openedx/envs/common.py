# Stand-in for edx-platform openedx/envs/common.py at commit 0012533516d08010c876256ef79c33ca166783c5
# (openedx/openedx-platform).
"""
Settings shared by the LMS and Studio; ``lms/envs/common.py`` starts with ``from openedx.envs.common import *``.

Reproduced with edx-platform's names and values: the Django built-ins the host needs, ``ROOT_URLCONF`` (Derived
from SERVICE_VARIANT), ``REST_FRAMEWORK``, the Celery block (old-style UPPERCASE names; the broker is empty
here and assembled in production.py), ``JWT_AUTH``, ``EDX_DRF_EXTENSIONS``, the feature flags the certificate
code reads (``CERTIFICATES_HTML_VIEW``, ``ENABLE_SPECIAL_EXAMS``, ``CUSTOM_COURSES_EDX``, ...),
``COURSE_MODE_DEFAULTS``, ``EVENT_BUS_PRODUCER_CONFIG``, the retirement names, ``PLATFORM_NAME``.

Omitted: DATABASES (edx-platform's MySQL ``edxapp``; the host sets its CI databases in lms/envs/common.py),
the Mako engine and theming (``TEMPLATES`` keeps edx-platform's Django engine named "django"), memcached
CACHES other than ``default``, modulestore/contentstore, languages, XBlock, third-party auth, and every
other setting no stand-in reads. ``OPEN_EDX_FILTERS_CONFIG`` is not defined by edx-platform's settings at all
(openedx-filters reads ``getattr(settings, "OPEN_EDX_FILTERS_CONFIG", {})``); operators set it in YAML.
"""

from django.utils.translation import gettext_lazy as _

from openedx.core.constants import (  # noqa: F401 (legacy names re-exported through settings, as edx-platform)
    COURSE_ID_PATTERN,
    COURSE_KEY_PATTERN,
    COURSE_KEY_REGEX,
)
from openedx.core.lib.derived import Derived

############################# Django Built-Ins #############################

DEBUG = False

USE_TZ = True
TIME_ZONE = "UTC"

# Dummy secret key for dev/test
SECRET_KEY = "dev key"

ALLOWED_HOSTS = ["*"]

ROOT_URLCONF = Derived(lambda settings: f"{settings.SERVICE_VARIANT}.urls")

SITE_ID = 1

AUTHENTICATION_BACKENDS = [
    # edx-platform: 'rules.permissions.ObjectPermissionBackend' (omitted)
    "django.contrib.auth.backends.AllowAllUsersModelBackend",
    # edx-platform: 'bridgekeeper.backends.RulePermissionBackend'; the host answers the instructor rules only.
    "lms.djangoapps.instructor.permissions.InstructorRulesBackend",
]

USE_I18N = True
LANGUAGE_CODE = "en"

CACHES = {
    "default": {
        "VERSION": "1",
        "LOCATION": ["localhost:11211"],
        "KEY_PREFIX": "default",
        "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
        "OPTIONS": {"no_delay": True, "ignore_exc": True, "use_pooling": True, "connect_timeout": 0.5},
    },
}

# A YAML (production.py) normally replaces CACHES; memcached needs pymemcache, which the host does not install.
SESSION_ENGINE = "django.contrib.sessions.backends.cache"
SESSION_COOKIE_NAME = "sessionid"

DEFAULT_AUTO_FIELD = "django.db.models.AutoField"


def make_mako_template_dirs(settings):
    """
    The Mako backend's ``DIRS``: ``settings.MAKO_TEMPLATE_DIRS_BASE`` itself (not a copy), as edx-platform returns it.

    edx-platform first inserts each comprehensive theme's templates directory at index 0 (theming: omitted here).
    So a plugin that appends to ``MAKO_TEMPLATE_DIRS_BASE`` in place from its settings hook reaches the lookup
    ``EdxMakoConfig.ready`` builds; an app's own ``templates`` directory never does (``APP_DIRS`` is off).
    """
    return settings.MAKO_TEMPLATE_DIRS_BASE


TEMPLATES = [
    {
        "NAME": "django",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # edx-platform: APP_DIRS False with theming + Mako-aware loaders (MakoAppDirectoriesLoader reads apps'
        # templates/ dirs); the host lets Django read apps' templates/ dirs instead.
        "APP_DIRS": True,
        "DIRS": [Derived(lambda settings: settings.PROJECT_ROOT / "templates")],
        "OPTIONS": {
            "context_processors": Derived(lambda settings: settings.CONTEXT_PROCESSORS),
            "debug": False,
        },
    },
    {
        # edx-platform (openedx/envs/common.py, openedx/openedx-platform 0012533516d08010c876256ef79c33ca166783c5):
        "NAME": "mako",
        "BACKEND": "common.djangoapps.edxmako.backend.Mako",
        # Don't look for template source files inside installed applications.
        "APP_DIRS": False,
        # Instead, look for template source files in these dirs.
        "DIRS": Derived(make_mako_template_dirs),
        "OPTIONS": {"context_processors": Derived(lambda settings: settings.CONTEXT_PROCESSORS), "debug": False},
    },
]


CONTEXT_PROCESSORS = [
    "django.template.context_processors.request",
    "django.template.context_processors.static",
    "django.contrib.messages.context_processors.messages",
    "django.template.context_processors.i18n",
    "django.contrib.auth.context_processors.auth",  # this is required for admin
    "django.template.context_processors.csrf",
]

DEFAULT_TEMPLATE_ENGINE = TEMPLATES[0]

########################## Django Rest Framework ###########################

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "openedx.core.djangolib.default_auth_classes.DefaultJwtAuthentication",
        "openedx.core.djangolib.default_auth_classes.DefaultSessionAuthentication",
    ],
    "DEFAULT_PAGINATION_CLASS": "edx_rest_framework_extensions.paginators.DefaultPagination",
    "DEFAULT_RENDERER_CLASSES": ("rest_framework.renderers.JSONRenderer",),
    "EXCEPTION_HANDLER": "openedx.core.lib.request_utils.ignored_error_exception_handler",
    "PAGE_SIZE": 10,
    "URL_FORMAT_OVERRIDE": None,
    "DEFAULT_THROTTLE_RATES": {
        "user": "60/minute",
        "service_user": "800/minute",
        "registration_validation": "30/minute",
        "high_service_user": "2000/minute",
    },
}

################################## Celery ##################################

BROKER_HEARTBEAT = 60.0
BROKER_HEARTBEAT_CHECKRATE = 2

CELERY_BROKER_USE_SSL = False
CELERY_BROKER_HOSTNAME = ""
CELERY_BROKER_PASSWORD = ""
CELERY_BROKER_TRANSPORT = ""
CELERY_BROKER_USER = ""
CELERY_BROKER_VHOST = ""
CELERY_RESULT_BACKEND = "django-cache"
CELERY_EVENT_QUEUE_TTL = None

CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"

# Message configuration
CELERY_MESSAGE_COMPRESSION = "gzip"

# Results configuration
CELERY_IGNORE_RESULT = False
CELERY_STORE_ERRORS_EVEN_IF_IGNORED = True

# Events configuration
CELERY_TRACK_STARTED = True

CELERY_SEND_EVENTS = True
CELERY_SEND_TASK_SENT_EVENT = True

# Queues configuration
CELERY_QUEUE_HA_POLICY = "all"
CELERY_CREATE_MISSING_QUEUES = True

# Exchange configuration
CELERY_DEFAULT_EXCHANGE_TYPE = "direct"
CELERY_DEFAULT_EXCHANGE = Derived(lambda settings: f"edx.{settings.SERVICE_VARIANT}.core")

CELERY_DEFAULT_QUEUE = Derived(lambda settings: settings.DEFAULT_PRIORITY_QUEUE)
CELERY_DEFAULT_ROUTING_KEY = CELERY_DEFAULT_QUEUE = Derived(lambda settings: settings.DEFAULT_PRIORITY_QUEUE)

# Locale/Internationalization
CELERY_TIMEZONE = "UTC"

################################### JWT ####################################

JWT_AUTH = {
    "JWT_VERIFY_EXPIRATION": True,
    "JWT_PAYLOAD_GET_USERNAME_HANDLER": lambda d: d.get("username"),
    "JWT_LEEWAY": 1,
    "JWT_DECODE_HANDLER": "edx_rest_framework_extensions.auth.jwt.decoder.jwt_decode_handler",
    "JWT_AUTH_COOKIE": "edx-jwt-cookie",
    # Number of seconds before JWTs expire
    "JWT_EXPIRATION": 30,
    "JWT_IN_COOKIE_EXPIRATION": 60 * 60,
    "JWT_LOGIN_CLIENT_ID": "login-service-client-id",
    "JWT_LOGIN_SERVICE_USERNAME": "login_service_user",
    "JWT_SUPPORTED_VERSION": "1.2.0",
    "JWT_ALGORITHM": "HS256",
    "JWT_SECRET_KEY": SECRET_KEY,
    "JWT_SIGNING_ALGORITHM": "RS512",
    "JWT_PRIVATE_SIGNING_JWK": None,
    "JWT_PUBLIC_SIGNING_JWK_SET": None,
    "JWT_ISSUER": "http://127.0.0.1:8000/oauth2",
    "JWT_AUDIENCE": "change-me",
    "JWT_ISSUERS": [
        {
            "ISSUER": "http://127.0.0.1:8000/oauth2",
            "AUDIENCE": "change-me",
            "SECRET_KEY": SECRET_KEY,
        }
    ],
    "JWT_AUTH_COOKIE_HEADER_PAYLOAD": "edx-jwt-cookie-header-payload",
    "JWT_AUTH_COOKIE_SIGNATURE": "edx-jwt-cookie-signature",
    "JWT_AUTH_HEADER_PREFIX": "JWT",
}

EDX_DRF_EXTENSIONS = {
    # Set this value to an empty dict in order to prevent automatically updating
    # user data from values in (possibly stale) JWTs.
    "JWT_PAYLOAD_USER_ATTRIBUTE_MAPPING": {},
}

################################# Features #################################

PLATFORM_NAME = _("Your Platform Name Here")

DISABLE_START_DATES = False
ENABLE_DISCUSSION_SERVICE = True
CUSTOM_COURSES_EDX = False
AUTOMATIC_AUTH_FOR_TESTING = False

# Set to True to enable course certificates on your instance of Open edX (LMS and Studio).
CERTIFICATES_HTML_VIEW = False

# Enable to use special exams, aka timed and proctored exams.
ENABLE_SPECIAL_EXAMS = False

######################### Course Enrollment Modes ##########################

COURSE_MODE_DEFAULTS = {
    "android_sku": None,
    "bulk_sku": None,
    "currency": "usd",
    "description": None,
    "expiration_datetime": None,
    "ios_sku": None,
    "min_price": 0,
    "name": _("Audit"),
    "sku": None,
    "slug": "audit",
    "suggested_prices": "",
}

################################ Retirement ################################

RETIRED_USERNAME_PREFIX = "retired__user_"
RETIRED_EMAIL_PREFIX = "retired__user_"
RETIRED_EMAIL_DOMAIN = "retired.invalid"
RETIRED_USERNAME_FMT = Derived(lambda settings: settings.RETIRED_USERNAME_PREFIX + "{}")
RETIRED_EMAIL_FMT = Derived(lambda settings: settings.RETIRED_EMAIL_PREFIX + "{}@" + settings.RETIRED_EMAIL_DOMAIN)
RETIRED_USER_SALTS = ["abc", "123"]
RETIREMENT_SERVICE_WORKER_USERNAME = "RETIREMENT_SERVICE_USER"

################################ Event Bus #################################


def should_send_learning_badge_events(settings):
    return settings.BADGES_ENABLED


EVENT_BUS_PRODUCER_CONFIG = {
    "org.openedx.learning.course.passing.status.updated.v1": {
        "learning-badges-lifecycle": {
            "event_key_field": "course_passing_status.course.course_key",
            "enabled": Derived(should_send_learning_badge_events),
        },
    },
    "org.openedx.learning.ccx.course.passing.status.updated.v1": {
        "learning-badges-lifecycle": {
            "event_key_field": "course_passing_status.course.ccx_course_key",
            "enabled": Derived(should_send_learning_badge_events),
        },
    },
}

BADGES_ENABLED = False

############################## Miscellaneous ###############################

LMS_ROOT_URL = None
LMS_INTERNAL_ROOT_URL = Derived(lambda settings: settings.LMS_ROOT_URL)

EDX_ROOT_URL = ""

# Queue to use for updating persistent grades
RECALCULATE_GRADES_ROUTING_KEY = Derived(lambda settings: settings.DEFAULT_PRIORITY_QUEUE)

# Queue to use for updating grades due to grading policy change
POLICY_CHANGE_GRADES_ROUTING_KEY = Derived(lambda settings: settings.DEFAULT_PRIORITY_QUEUE)

# Queue to use for individual learner course regrades
SINGLE_LEARNER_COURSE_REGRADE_ROUTING_KEY = Derived(lambda settings: settings.DEFAULT_PRIORITY_QUEUE)
