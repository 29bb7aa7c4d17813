# Stand-in for edx-platform lms/envs/common.py at commit 0191bfd216e9bf220f9c5cdda34cef073d0718db
# (openedx/openedx-platform).
"""
The LMS's common settings, in edx-platform's order.

Reproduced: ``from openedx.envs.common import *``; ``FEATURES = FeaturesProxy(globals())`` (feature flags are
top-level settings, ``FEATURES[...]`` reads/writes them); the certificate-related flags; MIDDLEWARE (in
edx-platform's order, with Django's own session/auth middleware in place of edx-platform's SafeSession and
CacheBacked ones); the Celery queues/routes; INSTALLED_APPS (the subset that has stand-ins, in edx-platform's
order; ``drf_spectacular`` IS an LMS app, with the LMS's own SPECTACULAR_SETTINGS); and, in the middle of the
file (not at its end), ``INSTALLED_APPS.extend(get_plugin_apps(ProjectType.LMS))`` then
``add_plugins(__name__, ProjectType.LMS, SettingsType.COMMON)``, followed by settings that come after the
plugins' COMMON hooks (e.g. ``EVENT_BUS_PRODUCER_CONFIG.update(...)``).

edx-platform's own apps that it registers through its setup.py ``lms.djangoapp`` entry points (grades,
instructor, plugins, ...) arrive through ``get_plugin_apps`` here too: see ``lms_host/Open_edX-0.13.dist-info``.

Only deviation: ``DATABASES`` (CI's databases, lms/envs/_host_databases.py). Omitted: everything no stand-in
reads (third-party auth, wiki, pipeline/static assets, enterprise, xblocks, ...). ``CELERY_IMPORTS`` omits
edx-platform's ``'poll.tasks'`` (xblock-poll is not installed).
"""

from pathlib import Path

from edx_django_utils.plugins import add_plugins, get_plugin_apps

from openedx.core.djangoapps.plugins.constants import ProjectType, SettingsType
from openedx.core.lib.derived import Derived
from openedx.core.lib.features_setting_proxy import FeaturesProxy
from openedx.envs.common import *  # noqa: F403

from ._host_databases import host_databases

# A proxy for feature flags stored in the settings namespace
FEATURES = FeaturesProxy(globals())

################################### FEATURES ###################################

ENABLE_DJANGO_ADMIN_SITE = True
ENABLE_MASQUERADE = True

# Enable instructor dash to submit background tasks
ENABLE_INSTRUCTOR_BACKGROUND_TASKS = True

# Toggle to enable certificates of courses on dashboard
ENABLE_VERIFIED_CERTIFICATES = False

# Set to True to disable honor certificates. Typically used when your installation only allows verified certificates.
DISABLE_HONOR_CERTIFICATES = False  # Toggle to disable honor certificates

DISABLE_AUDIT_CERTIFICATES = False  # Toggle to disable audit certificates

# Hide any Personally Identifiable Information from application logs
SQUELCH_PII_IN_LOGS = True

# Set to True to enable custom certificate templates which are configured via Django admin.
CUSTOM_CERTIFICATE_TEMPLATES_ENABLED = False

# Enable to use special exams, aka timed and proctored exams.
ENABLE_SPECIAL_EXAMS = False

# Whether to enforce ID Verification requirements for course certificates generation
ENABLE_CERTIFICATES_IDV_REQUIREMENT = False

# When True, the system will publish certificate lifecycle signals to the event bus.
SEND_LEARNING_CERTIFICATE_LIFECYCLE_EVENTS_TO_BUS = False

BADGES_ENABLED = False

############################# SET PATH INFORMATION #############################

PROJECT_ROOT = Path(__file__).resolve().parent.parent  # lms_host/lms (edx-platform: path.py objects)
REPO_ROOT = PROJECT_ROOT.parent
COMMON_ROOT = REPO_ROOT / "common"
OPENEDX_ROOT = REPO_ROOT / "openedx"

# edx-platform: openedx/envs/common.py builds MAKO_TEMPLATE_DIRS_BASE (PROJECT_ROOT/templates, COMMON_ROOT/templates,
# pipeline_mako, cors_csrf, dark_lang, license templates) and lms_mako_template_dirs_base (+ teams and
# course_experience templates); lms/envs/common.py (0191bfd216e9bf220f9c5cdda34cef073d0718db) sets
# MAKO_TEMPLATE_DIRS_BASE = lms_mako_template_dirs_base. The host has only the first two directories.
MAKO_TEMPLATE_DIRS_BASE = [
    Derived(lambda settings: settings.PROJECT_ROOT / "templates"),
    COMMON_ROOT / "templates",
]

############################ Global Database Configuration #####################

# THE ONLY DEVIATION: CI's databases (edx-platform: MySQL "edxapp" from openedx/envs/common.py).
DATABASES = host_databases()

###############################################################################################

LOGIN_REDIRECT_URL = EDX_ROOT_URL + "/login"  # noqa: F405
LOGIN_URL = EDX_ROOT_URL + "/login"  # noqa: F405

# Set certificate issued date format.
CERTIFICATE_DATE_FORMAT = "%B %-d, %Y"

############################### DJANGO BUILT-INS ###############################

# LMS base
LMS_BASE = "localhost:18000"

# Static content
STATIC_URL = "/static/"

################################# Middleware ###################################

MIDDLEWARE = [
    "crum.CurrentRequestUserMiddleware",
    # Resets the request cache.
    "edx_django_utils.cache.middleware.RequestCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.sites.middleware.CurrentSiteMiddleware",
    "edx_rest_framework_extensions.auth.jwt.middleware.JwtAuthCookieMiddleware",
    # edx-platform: openedx.core.djangoapps.safe_sessions.middleware.SafeSessionMiddleware
    "django.contrib.sessions.middleware.SessionMiddleware",
    # edx-platform: openedx.core.djangoapps.cache_toolbox.middleware.CacheBackedAuthenticationMiddleware
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # CORS and CSRF
    "django.middleware.csrf.CsrfViewMiddleware",
    # Detects user-requested locale from 'accept-language' header in http request.
    "django.middleware.locale.LocaleMiddleware",
    # use Django built in clickjacking protection
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "waffle.middleware.WaffleMiddleware",
    # Enables force_django_cache_miss functionality for TieredCache.
    "edx_django_utils.cache.middleware.TieredCacheMiddleware",
    # Adds monitoring attributes to requests.
    "edx_rest_framework_extensions.middleware.RequestCustomAttributesMiddleware",
    "edx_rest_framework_extensions.auth.jwt.middleware.EnsureJWTAuthSettingsMiddleware",
    # Handles automatically storing user ids in django-simple-history tables when possible.
    "simple_history.middleware.HistoryRequestMiddleware",
]

############################ SERVICE_VARIANT ##################################

SERVICE_VARIANT = "lms"

################################# CELERY ######################################

CELERY_IMPORTS = []  # edx-platform: ['poll.tasks']

CELERY_EXTRA_IMPORTS = []

# Name the exchange and queues w.r.t the SERVICE_VARIANT
HIGH_PRIORITY_QUEUE = f"edx.{SERVICE_VARIANT}.core.high"
DEFAULT_PRIORITY_QUEUE = f"edx.{SERVICE_VARIANT}.core.default"
HIGH_MEM_QUEUE = f"edx.{SERVICE_VARIANT}.core.high_mem"

CELERY_QUEUES = {
    HIGH_PRIORITY_QUEUE: {},
    DEFAULT_PRIORITY_QUEUE: {},
    HIGH_MEM_QUEUE: {},
}

CELERY_ROUTES = "openedx.core.lib.celery.routers.route_task"
CELERYBEAT_SCHEDULE = {}  # For scheduling tasks, entries can be added to this dict

# let logging work as configured:
CELERYD_HIJACK_ROOT_LOGGER = False

BROKER_USE_SSL = False

################################### APPS ######################################

INSTALLED_APPS = [
    # Standard ones that are always installed...
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.humanize",
    "django.contrib.messages",
    "django.contrib.sessions",
    "django.contrib.sites",
    # edx-platform: openedx.core.djangoapps.staticfiles.apps.EdxPlatformStaticFilesConfig
    "django.contrib.staticfiles",
    # Mako (edx-platform: 'common.djangoapps.edxmako.apps.EdxMakoConfig'): builds the template lookups
    "common.djangoapps.edxmako.apps.EdxMakoConfig",
    "django_celery_results",
    # History tables
    "simple_history",
    # Database-backed configuration
    "waffle",
    # For user interface plugins
    "web_fragments",
    # Our courseware
    "common.djangoapps.student.apps.StudentConfig",
    "lms.djangoapps.certificates.apps.CertificatesConfig",
    # Bulk email (its Optout model backs the bulk_email_optout ACE policy)
    "lms.djangoapps.bulk_email",
    # For testing
    "django.contrib.admin",  # only used in DEBUG mode
    # Django Rest Framework
    "rest_framework",
    # REST framework JWT Auth
    "rest_framework_jwt",
    # User API
    "openedx.core.djangoapps.user_api",
    # Course data caching
    "openedx.core.djangoapps.content.course_overviews.apps.CourseOverviewsConfig",
    # Organizations App (http://github.com/edx/edx-organizations): its logos print on certificates
    "organizations.apps.OrganizationsConfig",
    # Host-only: the course block fields edx-platform keeps in the modulestore (the ``certificates`` field)
    "xmodule.modulestore.apps.ModulestoreConfig",
    # API Documentation
    "drf_spectacular",
    # edx-drf-extensions
    "csrf.apps.CsrfAppConfig",  # Enables frontend apps to retrieve CSRF tokens.
    "openedx_events",
]

###################### drf-spectacular (LMS enrollment schema) ######################
SPECTACULAR_SETTINGS = {
    "TITLE": "LMS Enrollment API",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "PREPROCESSING_HOOKS": ["lms.lib.spectacular.lms_api_filter"],
    "SCHEMA_PATH_PREFIX": "/api/enrollment",
    "SCHEMA_PATH_PREFIX_TRIM": "/api/enrollment",
    # SERVERS is environment-specific (LMS_ROOT_URL differs per env) and is
    # set in devstack.py / production.py.
}

########################## CERTIFICATE NAME ########################
CERT_NAME_SHORT = "Certificate"
CERT_NAME_LONG = "Certificate of Achievement"

###################### Grade Downloads ######################
GRADES_DOWNLOAD_ROUTING_KEY = Derived(lambda settings: settings.HIGH_MEM_QUEUE)

################################ Settings for JWTs ################################

# Allows JWT authentication to find the LMS user id for verification
EDX_DRF_EXTENSIONS["VERIFY_LMS_USER_ID_PROPERTY_NAME"] = "id"  # noqa: F405

################################ Settings for Credentials Service ################################

CREDENTIALS_GENERATION_ROUTING_KEY = Derived(lambda settings: settings.DEFAULT_PRIORITY_QUEUE)
CREDENTIALS_COURSE_COMPLETION_STATE = "awarded"

# Queue to use for award program certificates
PROGRAM_CERTIFICATES_ROUTING_KEY = Derived(lambda settings: settings.DEFAULT_PRIORITY_QUEUE)

############## Settings for Microfrontends  #########################
WRITABLE_GRADEBOOK_URL = None
# Base URL of the micro-frontend-based instructor app.
INSTRUCTOR_MICROFRONTEND_URL = None
# Base URL of the micro-frontend-based communications app.
COMMUNICATIONS_MICROFRONTEND_URL = None

############## Settings for ACE ####################################
ACE_ENABLED_CHANNELS = ["django_email"]
ACE_ENABLED_POLICIES = ["bulk_email_optout"]
ACE_CHANNEL_SAILTHRU_DEBUG = True
ACE_CHANNEL_SAILTHRU_TEMPLATE_NAME = None
ACE_CHANNEL_SAILTHRU_API_KEY = ""
ACE_CHANNEL_SAILTHRU_API_SECRET = ""
ACE_CHANNEL_DEFAULT_EMAIL = "django_email"
ACE_CHANNEL_TRANSACTIONAL_EMAIL = "django_email"
ACE_ROUTING_KEY = Derived(lambda settings: settings.DEFAULT_PRIORITY_QUEUE)

############## Plugin Django Apps #########################

INSTALLED_APPS.extend(get_plugin_apps(ProjectType.LMS))
add_plugins(__name__, ProjectType.LMS, SettingsType.COMMON)

PROCTORED_EXAM_VIEWABLE_PAST_DUE = False

#### Event bus producing ####


def _should_send_certificate_events(settings):
    return settings.SEND_LEARNING_CERTIFICATE_LIFECYCLE_EVENTS_TO_BUS


EVENT_BUS_PRODUCER_CONFIG.update(  # noqa: F405
    {
        "org.openedx.learning.certificate.created.v1": {
            "learning-certificate-lifecycle": {
                "event_key_field": "certificate.course.course_key",
                "enabled": Derived(_should_send_certificate_events),
            },
        },
        "org.openedx.learning.certificate.revoked.v1": {
            "learning-certificate-lifecycle": {
                "event_key_field": "certificate.course.course_key",
                "enabled": Derived(_should_send_certificate_events),
            },
        },
        "org.openedx.learning.course.unenrollment.completed.v1": {
            "course-unenrollment-lifecycle": {"event_key_field": "enrollment.course.course_key", "enabled": False},
        },
    }
)

############################## Miscellaneous ###############################

ENTITLEMENTS_EXPIRATION_ROUTING_KEY = Derived(lambda settings: settings.DEFAULT_PRIORITY_QUEUE)
