# Stand-in for edx-platform lms/envs/production.py at commit 0217ff8782640a24be97915878f76cde4cce0eef
# (openedx/openedx-platform).
"""
Override common.py with key-value pairs from the operator's YAML (``LMS_CFG``), in edx-platform's order.

Reproduced: ``from .common import *`` (so every name the COMMON plugin hooks set is already here); the YAML named
by the ``LMS_CFG`` environment variable is loaded into ``_YAML_TOKENS`` and every key except FEATURES,
TRACKING_BACKENDS, EVENT_TRACKING_BACKENDS, JWT_AUTH, CELERY_QUEUES, REST_FRAMEWORK, EVENT_BUS_PRODUCER_CONFIG,
DEFAULT_FILE_STORAGE, STATICFILES_STORAGE replaces the module-level setting of that name (so a YAML
``OPEN_EDX_FILTERS_CONFIG`` or ``DATABASES`` replaces the whole dict); FEATURES keys are set one by one;
``CELERY_QUEUES`` from a YAML list; the DB_MIGRATION_* overrides; ``BROKER_URL`` assembled as
``"{CELERY_BROKER_TRANSPORT}://{CELERY_BROKER_USER}:{CELERY_BROKER_PASSWORD}@{CELERY_BROKER_HOSTNAME}/{CELERY_BROKER_VHOST}"``
(a YAML with transport ``redis``, empty user/password, hostname ``127.0.0.1:6379`` and vhost ``N`` gives
``redis://:@127.0.0.1:6379/N``); ``JWT_AUTH.update(YAML JWT_AUTH)``; ``derive_settings``; then
``ENV_TOKENS = AUTH_TOKENS = _YAML_TOKENS`` and ``add_plugins(__name__, ProjectType.LMS, SettingsType.PRODUCTION)``;
after the plugins: ``EXPLICIT_QUEUES`` is (re)assigned (a plugin's PRODUCTION hook cannot add to it),
``REST_FRAMEWORK.update(YAML)``, ``CELERY_IMPORTS.extend(YAML CELERY_EXTRA_IMPORTS)``, event bus config merge.

Omitted: REVISION_CFG, LOGGING (get_logger_config), storages/AWS, third-party auth, search, CCX, LTI provider,
enterprise; EXPLICIT_QUEUES keeps only its grades/certificate/programs/credentials entries.
"""

import codecs
import os

import yaml
from django.core.exceptions import ImproperlyConfigured
from edx_django_utils.plugins import add_plugins
from openedx_events.event_bus import merge_producer_configs

from openedx.core.djangoapps.plugins.constants import ProjectType, SettingsType
from openedx.core.lib.derived import derive_settings
from openedx.core.lib.features_setting_proxy import FeaturesProxy

from .common import *  # noqa: F403

# A proxy for feature flags stored in the settings namespace
FEATURES = FeaturesProxy(globals())


def get_env_setting(setting):
    """Get the environment setting or return exception"""
    try:
        return os.environ[setting]
    except KeyError:
        error_msg = f"Set the {setting} env variable"
        raise ImproperlyConfigured(error_msg)


#######################################################################################################################
#### YAML LOADING
####

# A file path to a YAML file from which to load configuration overrides for LMS.
CONFIG_FILE = get_env_setting("LMS_CFG")

with codecs.open(CONFIG_FILE, encoding="utf-8") as f:
    # _YAML_TOKENS starts out with the exact contents of the LMS_CFG YAML file.
    _YAML_TOKENS = yaml.safe_load(f)

    # Update the global namespace of this module with the key-value pairs from _YAML_TOKENS.
    vars().update(
        {
            key: value
            for key, value in _YAML_TOKENS.items()
            if key
            not in [
                "FEATURES",
                "TRACKING_BACKENDS",
                "EVENT_TRACKING_BACKENDS",
                "JWT_AUTH",
                "CELERY_QUEUES",
                "REST_FRAMEWORK",
                "EVENT_BUS_PRODUCER_CONFIG",
                "DEFAULT_FILE_STORAGE",
                "STATICFILES_STORAGE",
            ]
        }
    )

#######################################################################################################################
#### POST-PROCESSING OF YAML
####

# Don't use a connection pool, since connections are dropped by ELB.
BROKER_POOL_LIMIT = 0
BROKER_CONNECTION_TIMEOUT = 1

# Each worker should only fetch one message at a time
CELERYD_PREFETCH_MULTIPLIER = 1

SESSION_COOKIE_SAMESITE = "None"

for feature, value in _YAML_TOKENS.get("FEATURES", {}).items():
    FEATURES[feature] = value

# Cache used for location mapping -- called many times with the same key/value
# in a given request.
if "loc_cache" not in CACHES:  # noqa: F405
    CACHES["loc_cache"] = {  # noqa: F405
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "edx_location_mem_cache",
    }

# Build a CELERY_QUEUES dict the way that celery expects, based on a couple lists of queue names from the YAML.
_YAML_CELERY_QUEUES = _YAML_TOKENS.get("CELERY_QUEUES", None)
if _YAML_CELERY_QUEUES:
    CELERY_QUEUES = {queue: {} for queue in _YAML_CELERY_QUEUES}

# Then add alternate environment queues
_YAML_ALTERNATE_WORKER_QUEUES = _YAML_TOKENS.get("ALTERNATE_WORKER_QUEUES", "").split()
ALTERNATE_QUEUES = [
    DEFAULT_PRIORITY_QUEUE.replace(SERVICE_VARIANT, alternate)  # noqa: F405
    for alternate in _YAML_ALTERNATE_WORKER_QUEUES
]

CELERY_QUEUES.update({alternate: {} for alternate in ALTERNATE_QUEUES if alternate not in CELERY_QUEUES.keys()})

# Timezone overrides
TIME_ZONE = CELERY_TIMEZONE  # noqa: F405

# Additional installed apps
for app in _YAML_TOKENS.get("ADDL_INSTALLED_APPS", []):
    INSTALLED_APPS.append(app)  # noqa: F405

# The normal database user does not have enough permissions to run migrations.
# Migrations are run with separate credentials, given as DB_MIGRATION_* environment variables
for name, database in DATABASES.items():  # noqa: F405
    if name != "read_replica":
        database.update(
            {
                "ENGINE": os.environ.get("DB_MIGRATION_ENGINE", database["ENGINE"]),
                "USER": os.environ.get("DB_MIGRATION_USER", database["USER"]),
                "PASSWORD": os.environ.get("DB_MIGRATION_PASS", database["PASSWORD"]),
                "NAME": os.environ.get("DB_MIGRATION_NAME", database["NAME"]),
                "HOST": os.environ.get("DB_MIGRATION_HOST", database["HOST"]),
                "PORT": os.environ.get("DB_MIGRATION_PORT", database["PORT"]),
            }
        )

BROKER_URL = "{}://{}:{}@{}/{}".format(  # noqa: UP032
    CELERY_BROKER_TRANSPORT,  # noqa: F405
    CELERY_BROKER_USER,  # noqa: F405
    CELERY_BROKER_PASSWORD,  # noqa: F405
    CELERY_BROKER_HOSTNAME,  # noqa: F405
    CELERY_BROKER_VHOST,  # noqa: F405
)
try:
    BROKER_TRANSPORT_OPTIONS = {
        "fanout_patterns": True,
        "fanout_prefix": True,
        **_YAML_TOKENS.get("CELERY_BROKER_TRANSPORT_OPTIONS", {}),
    }
except TypeError as exc:
    raise ImproperlyConfigured("CELERY_BROKER_TRANSPORT_OPTIONS must be a dict") from exc

#### JWT configuration ####
JWT_AUTH.update(_YAML_TOKENS.get("JWT_AUTH", {}))  # noqa: F405

########################## Extra middleware classes  #######################

MIDDLEWARE.extend(_YAML_TOKENS.get("EXTRA_MIDDLEWARE_CLASSES", []))  # noqa: F405

###################### drf-spectacular (LMS enrollment schema) ######################
SPECTACULAR_SETTINGS["SERVERS"] = [  # noqa: F405
    {"url": LMS_ROOT_URL, "description": "Local"},  # noqa: F405
]

#######################################################################################################################
#### DERIVE ANY DERIVED SETTINGS
####

derive_settings(__name__)

#######################################################################################################################
#### LOAD SETTINGS FROM DJANGO PLUGINS
####

# These dicts are defined solely for BACKWARDS COMPATIBILITY with existing plugins which may theoretically
# rely upon them.
ENV_TOKENS = _YAML_TOKENS
AUTH_TOKENS = _YAML_TOKENS
ENV_FEATURES = _YAML_TOKENS.get("FEATURES", {})
ENV_CELERY_QUEUES = _YAML_CELERY_QUEUES
ALTERNATE_QUEUE_ENVS = _YAML_ALTERNATE_WORKER_QUEUES

# Load production.py in plugins
add_plugins(__name__, ProjectType.LMS, SettingsType.PRODUCTION)

#######################################################################################################################
#### MORE YAML POST-PROCESSING
####

######################## CELERY ROUTING ########################

# Defines alternate environment tasks, as a dict of form { task_name: alternate_queue }
ALTERNATE_ENV_TASKS = {}

# Defines the task -> alternate worker queue to be used when routing.
EXPLICIT_QUEUES = {
    "lms.djangoapps.instructor_task.tasks.generate_certificates": {"queue": GRADES_DOWNLOAD_ROUTING_KEY},  # noqa: F405
    "openedx.core.djangoapps.schedules.tasks.v1.tasks.send_grade_to_credentials": {
        "queue": CREDENTIALS_GENERATION_ROUTING_KEY  # noqa: F405
    },
    "lms.djangoapps.grades.tasks.recalculate_course_and_subsection_grades_for_user": {
        "queue": POLICY_CHANGE_GRADES_ROUTING_KEY  # noqa: F405
    },
    "lms.djangoapps.grades.tasks.recalculate_subsection_grade_v3": {
        "queue": SINGLE_LEARNER_COURSE_REGRADE_ROUTING_KEY  # noqa: F405
    },
    "openedx.core.djangoapps.programs.tasks.award_program_certificates": {
        "queue": PROGRAM_CERTIFICATES_ROUTING_KEY  # noqa: F405
    },
    "openedx.core.djangoapps.programs.tasks.revoke_program_certificates": {
        "queue": PROGRAM_CERTIFICATES_ROUTING_KEY  # noqa: F405
    },
    "openedx.core.djangoapps.programs.tasks.award_course_certificate": {
        "queue": PROGRAM_CERTIFICATES_ROUTING_KEY  # noqa: F405
    },
}

############## DRF overrides ##############
REST_FRAMEWORK.update(_YAML_TOKENS.get("REST_FRAMEWORK", {}))  # noqa: F405

############################# CELERY ############################
CELERY_IMPORTS.extend(_YAML_TOKENS.get("CELERY_EXTRA_IMPORTS", []))  # noqa: F405

############## Event bus producer ##############
EVENT_BUS_PRODUCER_CONFIG = merge_producer_configs(
    EVENT_BUS_PRODUCER_CONFIG,  # noqa: F405
    _YAML_TOKENS.get("EVENT_BUS_PRODUCER_CONFIG", {}),
)
