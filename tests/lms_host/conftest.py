"""
Run the ``lms_host``-marked tests only under the host's settings.

They need lms_host on sys.path and an ``lms.envs.*`` settings module (``PYTHONPATH=lms_host:.
DJANGO_SETTINGS_MODULE=lms.envs.test``). Under any other settings (the plugin's own ``devsite.test_settings``)
they are skipped with a reason, so the usual ``pytest`` run still collects this directory cleanly.
"""

import os
from datetime import UTC, datetime

import pytest


def _running_under_lms_host():
    return os.environ.get("DJANGO_SETTINGS_MODULE", "").startswith("lms.envs.")


def pytest_collection_modifyitems(config, items):
    if _running_under_lms_host():
        return
    skip = pytest.mark.skip(reason="lms_host tests need PYTHONPATH=lms_host:. DJANGO_SETTINGS_MODULE=lms.envs.test")
    for item in items:
        if item.get_closest_marker("lms_host"):
            item.add_marker(skip)


# --- the host's ``course`` fixtures: a course published with web certificates set up ----------------------------


@pytest.fixture
def course_key(request):
    """The test module's course (its ``COURSE_ID``)."""
    from opaque_keys.edx.keys import CourseKey

    return CourseKey.from_string(request.module.COURSE_ID)


@pytest.fixture
def course(request, course_key):
    """The course's overview as the LMS publishes it (the module's ``COURSE_NAME``; web certificates set up below)."""
    from openedx.core.djangoapps.content.course_overviews.models import CourseOverview

    return CourseOverview.objects.create(
        id=course_key,
        org=course_key.org,
        display_name=request.module.COURSE_NAME,
        start=datetime(2026, 1, 1, tzinfo=UTC),
        cert_html_view_enabled=True,
    )


#: What a course's certificate settings are in the host's ``course`` fixtures (the test modules define them).
WEB_CERTIFICATES_SET_UP = {"has_any_active_web_certificate": True, "certificates_display_behavior": "early_no_info"}


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    """
    Give the ``course`` fixtures of the host's test modules an active web certificate configuration, shown at once.

    The LMS's web certificate view (lms_host: as edx-platform writes it) answers with its invalid page unless the
    course has an active configuration (Studio: Settings → Certificates, ``has_any_active_web_certificate``) and
    its certificates are viewable (``certificates_viewable_for_course``: display behavior ``early_no_info`` here).
    The ``course`` fixtures (test_plugin_in_lms.py, test_standins.py) stand for a course set up like that; they
    leave both fields at the model's defaults, so they are completed here, without a save (no history row). A
    fixture that sets either field keeps its value; a test that needs another course creates its own.
    """
    result = yield
    if fixturedef.argname == "course" and _running_under_lms_host():
        from openedx.core.djangoapps.content.course_overviews.models import CourseOverview

        if isinstance(result, CourseOverview) and result.pk is not None:
            missing = {
                name: value
                for name, value in WEB_CERTIFICATES_SET_UP.items()
                if getattr(result, name) == CourseOverview._meta.get_field(name).get_default()
            }
            if missing:
                CourseOverview.objects.filter(pk=result.pk).update(**missing)
                for name, value in missing.items():
                    setattr(result, name, value)
    return result
