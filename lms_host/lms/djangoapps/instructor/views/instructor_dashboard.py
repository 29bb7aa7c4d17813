# Stand-in for edx-platform lms/djangoapps/instructor/views/instructor_dashboard.py at commit
# 32ad8dd701f44d2865a62902303002a84fb63c1e (openedx/openedx-platform).
"""
The legacy instructor dashboard, ``instructor_dashboard_2(request, course_id)`` at ``/courses/<course_id>/instructor``.

Reproduced, in edx-platform's order: invalid key -> 500; deprecated key -> 404; unknown course -> 404
(``get_course_by_id``); no ``instructor.dashboard`` permission -> 404; then, unless the waffle flag
``instructor.legacy_instructor_dashboard`` is on (it is off by default), a redirect to
``get_instructor_dashboard_url(course_key)`` = ``f"{INSTRUCTOR_MICROFRONTEND_URL}/{course_key}"``. Otherwise the
sections: for course staff (has_access staff: global staff, course staff or instructor) ``course_info`` ("Course
Info") and ``membership`` ("Membership"); ``certificates`` ("Certificates", ``_section_certificates``) when
``certs_api.is_certificate_generation_enabled()`` (CertificateGenerationConfiguration) and not CCX and
(``request.user.is_staff`` or (course instructor and ``settings.ENABLE_CERTIFICATES_INSTRUCTOR_MANAGE``)).

The context has edx-platform's keys: ``course``, ``studio_url``, ``sections``, ``disable_buttons``,
``analytics_dashboard_message``, ``certificate_allowlist``, ``certificate_invalidations``,
``generate_certificate_exceptions_url``, ``generate_bulk_certificate_exceptions_url``,
``certificate_exception_view_url``, ``certificate_invalidation_view_url``, ``xqa_server``, then whatever plugins
return from ``get_plugins_view_context(ProjectType.LMS, 'instructor_dashboard', context)``. Then
``InstructorDashboardRenderStarted.run_filter(context=context, template_name=instructor_template)`` with
``instructor/instructor_dashboard_2/instructor_dashboard_2.html``: ``RenderInvalidDashboard`` renders
``exc.instructor_template`` with ``exc.template_context``; ``RedirectToPage`` ->
``HttpResponseRedirect(exc.redirect_to)``; ``RenderCustomResponse`` -> ``exc.response``; else the (possibly
changed) template with the context.

Each section is a dict with at least ``section_key`` and ``section_display_name``. The template (a Django port of
edx-platform's Mako page) renders, for every section with a ``fragment`` (a web_fragments Fragment), its
``head_html()`` in the head and ``foot_html()`` at the end of the body; one nav button per section (unless
``is_hidden``) labelled ``section_display_name`` with ``data-section=<section_key>``; and one
``<section id="<section_key>" class="idash-section">`` whose body is the template
``<template_path_prefix><section_key>.html`` (prefix '' for built-in sections, a leading '/' dropped), rendered with
``section_data``; such a template shows ``section_data.fragment.body_html``.

``course`` is the CourseOverview (edx-platform: the CourseBlock). Omitted sections: cohorts, student admin,
discussions, data download, analytics, extensions, email, special exams, open responses; the URL values point at
edx-platform's instructor API paths, which the host does not serve.
"""

import logging

from django.conf import settings
from django.http import Http404, HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import ensure_csrf_cookie
from edx_django_utils.plugins import get_plugins_view_context
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey
from openedx_filters.learning.filters import InstructorDashboardRenderStarted

from common.djangoapps.student.models import CourseEnrollment
from common.djangoapps.student.roles import CourseFinanceAdminRole, CourseSalesAdminRole
from lms.djangoapps.certificates import api as certs_api
from lms.djangoapps.certificates.data import CertificateStatuses
from lms.djangoapps.courseware.access import has_access
from lms.djangoapps.instructor.constants import INSTRUCTOR_DASHBOARD_PLUGIN_VIEW_NAME
from openedx.core.djangoapps.plugins.constants import ProjectType
from openedx.core.lib.courses import get_course_by_id

from .. import permissions
from ..toggles import legacy_instructor_dashboard

log = logging.getLogger(__name__)


def _instructor_api_url(course_key, name):
    """The URL edx-platform reverses for an instructor API view (api_urls under courses/<id>/instructor/api/)."""
    return f"/courses/{course_key}/instructor/api/{name}"


@ensure_csrf_cookie
@cache_control(no_cache=True, no_store=True, must_revalidate=True)
def instructor_dashboard_2(request, course_id):
    """Display the instructor dashboard for a course."""
    try:
        course_key = CourseKey.from_string(course_id)
    except InvalidKeyError:
        log.error("Unable to find course with course key %s while loading the Instructor Dashboard.", course_id)
        return HttpResponseServerError()

    if course_key.deprecated:
        raise Http404

    course = get_course_by_id(course_key, depth=None)

    access = {
        "admin": request.user.is_staff,
        "instructor": bool(has_access(request.user, "instructor", course)),
        "finance_admin": CourseFinanceAdminRole(course_key).has_user(request.user),
        "sales_admin": CourseSalesAdminRole(course_key).has_user(request.user),
        "staff": bool(has_access(request.user, "staff", course)),
        "forum_admin": False,
        "data_researcher": request.user.has_perm(permissions.CAN_RESEARCH, course_key),
    }

    if not request.user.has_perm(permissions.VIEW_DASHBOARD, course_key):
        raise Http404()

    # With new instructor dashboard we need to redirect them to it instead of rendering the old one,
    # but we still want to check if they have access to view the dashboard before redirecting.
    if not legacy_instructor_dashboard():
        return redirect(get_instructor_dashboard_url(course_key))

    sections = []
    if access["staff"]:
        sections.extend(
            [
                _section_course_info(course, access),
                _section_membership(course, access),
            ]
        )

    # Certificates panel
    # Note: This is hidden for all CCXs
    certs_enabled = certs_api.is_certificate_generation_enabled() and not hasattr(course_key, "ccx")
    certs_instructor_enabled = settings.ENABLE_CERTIFICATES_INSTRUCTOR_MANAGE

    if certs_enabled and (access["admin"] or (access["instructor"] and certs_instructor_enabled)):
        sections.append(_section_certificates(course))

    disable_buttons = not CourseEnrollment.objects.is_small_course(course_key)

    context = {
        "course": course,
        "studio_url": None,  # edx-platform: get_studio_url(course, 'course')
        "sections": sections,
        "disable_buttons": disable_buttons,
        "analytics_dashboard_message": None,
        "certificate_allowlist": certs_api.get_allowlist(course_key),
        "certificate_invalidations": certs_api.get_cert_invalidations_for_course(course_key),
        "generate_certificate_exceptions_url": _instructor_api_url(course_key, "generate_certificate_exceptions/"),
        "generate_bulk_certificate_exceptions_url": _instructor_api_url(
            course_key, "generate_bulk_certificate_exceptions"
        ),
        "certificate_exception_view_url": _instructor_api_url(course_key, "certificate_exception_view/"),
        "certificate_invalidation_view_url": _instructor_api_url(course_key, "certificate_invalidation_view/"),
        "xqa_server": getattr(settings, "XQA_SERVER", None),
    }

    context_from_plugins = get_plugins_view_context(
        ProjectType.LMS,
        INSTRUCTOR_DASHBOARD_PLUGIN_VIEW_NAME,
        context,
    )

    context.update(context_from_plugins)

    instructor_template = "instructor/instructor_dashboard_2/instructor_dashboard_2.html"

    try:
        # .. filter_implemented_name: InstructorDashboardRenderStarted
        # .. filter_type: org.openedx.learning.instructor.dashboard.render.started.v1
        context, instructor_template = InstructorDashboardRenderStarted.run_filter(
            context=context,
            template_name=instructor_template,
        )
    except InstructorDashboardRenderStarted.RenderInvalidDashboard as exc:
        response = render(request, exc.instructor_template, exc.template_context)
    except InstructorDashboardRenderStarted.RedirectToPage as exc:
        response = HttpResponseRedirect(exc.redirect_to)
    except InstructorDashboardRenderStarted.RenderCustomResponse as exc:
        response = exc.response
    else:
        response = render(request, instructor_template, context)

    return response


## Section functions starting with _section return a dictionary of section data.

## The dictionary must include at least {
##     'section_key': 'circus_expo'
##     'section_display_name': 'Circus Expo'
## }

## section_key will be used as a css attribute, javascript tie-in, and template import filename.
## section_display_name will be used to generate link titles in the nav bar.


def _section_certificates(course):
    """Section information for the certificates panel."""
    example_cert_status = None
    html_cert_enabled = certs_api.has_html_certificates_enabled(course)
    can_enable_for_course = bool(html_cert_enabled)  # edx-platform: else successful example certificates
    instructor_generation_enabled = settings.CERTIFICATES_INSTRUCTOR_GENERATION
    certificate_statuses_with_count = {
        certificate["status"]: certificate["count"]
        for certificate in certs_api.get_unique_certificate_statuses(course.id)
    }

    return {
        "section_key": "certificates",
        "section_display_name": _("Certificates"),
        "example_certificate_status": example_cert_status,
        "can_enable_for_course": can_enable_for_course,
        "enabled_for_course": False,  # edx-platform: has_self_generated_certificates_enabled(course.id)
        "is_self_paced": course.self_paced,
        "instructor_generation_enabled": instructor_generation_enabled,
        "html_cert_enabled": html_cert_enabled,
        "active_certificate": certs_api.get_active_web_certificate(course),
        "certificate_statuses_with_count": certificate_statuses_with_count,
        "status": CertificateStatuses,
        "certificate_generation_history": [],  # edx-platform: CertificateGenerationHistory rows, newest first
        "urls": {
            "enable_certificate_generation": _instructor_api_url(course.id, "certificate_task/toggle"),
            "start_certificate_generation": _instructor_api_url(course.id, "certificate_task/generate"),
            "start_certificate_regeneration": _instructor_api_url(course.id, "certificate_task/regenerate"),
            "list_instructor_tasks_url": _instructor_api_url(course.id, "list_instructor_tasks"),
        },
    }


def _section_course_info(course, access):
    """Provide data for the corresponding dashboard section"""
    course_key = course.id

    section_data = {
        "section_key": "course_info",
        "section_display_name": _("Course Info"),
        "access": access,
        "course_id": course_key,
        "course_display_name": course.display_name_with_default,
        "course_org": course.display_org_with_default,
        "course_number": course.display_number_with_default,
        "has_started": course.has_started(),
        "has_ended": course.has_ended(),
        "start_date": course.start,
        "end_date": course.end,
        "num_sections": 0,  # edx-platform: len(course.children)
        "list_instructor_tasks_url": _instructor_api_url(course_key, "list_instructor_tasks"),
    }

    if settings.DISPLAY_ANALYTICS_ENROLLMENTS:
        section_data["enrollment_count"] = CourseEnrollment.objects.enrollment_counts(course_key)

    return section_data


def _section_membership(course, access):
    """Provide data for the corresponding dashboard section"""
    course_key = course.id

    return {
        "section_key": "membership",
        "section_display_name": _("Membership"),
        "access": access,
        "ccx_is_enabled": False,
        "enroll_button_url": _instructor_api_url(course_key, "students_update_enrollment"),
        "unenroll_button_url": _instructor_api_url(course_key, "students_update_enrollment"),
        "list_course_role_members_url": _instructor_api_url(course_key, "list_course_role_members"),
        "modify_access_url": _instructor_api_url(course_key, "modify_access"),
    }


def get_instructor_dashboard_url(course_key):
    """Gets instructor microfrontend URL for the current course locator."""
    mfe_base_url = settings.INSTRUCTOR_MICROFRONTEND_URL
    return f"{mfe_base_url}/{course_key}"
