# Stand-in for edx-platform lms/djangoapps/certificates/views/webview.py at commit
# fcf8867dd2ddd00cfe6c1a4ff41ae61bdc149c53 (openedx/openedx-platform).
"""
Certificate HTML webview.

Reproduced with edx-platform's names: ``render_cert_by_uuid(request, certificate_uuid)`` (the view of
``/certificates/<32 hex>``) looks up ``GeneratedCertificate.eligible_certificates.get(verify_uuid=...,
status=downloadable)`` (else Http404) and calls ``render_html_view(request, str(certificate.course_id),
certificate)``. ``render_html_view(request, course_id, certificate=None)`` (the user is ``certificate.user``, else
``request.user``) renders the invalid page when ``CERTIFICATES_HTML_VIEW`` is off, the course is unknown, the
course's ``cert_html_view_enabled`` is off, no learner may see the course's certificates yet
(``certificates_viewable_for_course(course_overview)``: its display behavior, available date, end, pacing), the
user has no downloadable certificate, or the course has no active web certificate configuration
(``get_active_web_certificate(course, preview_mode)``: the course's ``certificates`` field); otherwise it builds
the context and runs ``CertificateRenderStarted.run_filter(context=context, custom_template=custom_template)``
exactly as edx-platform does:

* ``RenderAlternativeInvalidCertificate`` -> the invalid page rendered from ``exc.template_name`` or
  ``certificates/invalid.html``;
* ``RedirectToPage`` -> ``HttpResponseRedirect(exc.redirect_to)``;
* ``RenderCustomResponse`` -> ``exc.response`` as is;
* otherwise the filter's (context, custom_template) render ``certificates/valid.html``.

Context keys reproduced (the ones identifying the certificate first): ``user_certificate`` (the GeneratedCertificate),
``certificate_id_number`` (its verify_uuid), ``certificate_verify_url``, ``accomplishment_user_id`` (user.id),
``username``, ``course_mode``, ``course_id`` (string), ``certificate_data`` (the active configuration dict),
``accomplishment_copy_name``, ``accomplishment_copy_username``, ``accomplishment_copy_course_name``,
``course_number``, ``organization_short_name``/``organization_long_name``, ``certificate_date_issued``,
``share_url``, ``platform_name``, ``user_language``, ``document_title``.

Omitted: preview mode, custom certificate templates (``custom_template`` is always None here:
CUSTOM_CERTIFICATE_TEMPLATES_ENABLED is off), organizations, catalog data, social sharing, header/footer context,
tracking events. Templates are Django templates (edx-platform: Mako).
"""

import logging

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey
from openedx_filters.learning.filters import CertificateRenderStarted

from lms.djangoapps.certificates.api import certificates_viewable_for_course, get_active_web_certificate
from lms.djangoapps.certificates.data import CertificateStatuses
from lms.djangoapps.certificates.models import GeneratedCertificate
from lms.djangoapps.certificates.utils import get_certificate_url, get_preferred_certificate_name
from openedx.core.djangoapps.content.course_overviews.api import get_course_overview_or_none
from openedx.core.lib.courses import get_course_by_id

log = logging.getLogger(__name__)
_ = translation.gettext


INVALID_CERTIFICATE_TEMPLATE_PATH = "certificates/invalid.html"


def _update_context_with_basic_info(context, course_id, platform_name):
    """Basic info required before rendering simplest certificate templates."""
    context["platform_name"] = platform_name
    context["course_id"] = course_id
    context["document_title"] = _("Invalid Certificate")


def _update_context_with_user_info(context, user, user_certificate):
    """Updates context dictionary with user related info."""
    user_fullname = get_preferred_certificate_name(user)

    context["username"] = user.username
    context["course_mode"] = user_certificate.mode
    context["accomplishment_user_id"] = user.id
    context["accomplishment_copy_name"] = user_fullname
    context["accomplishment_copy_username"] = user.username


def _update_course_context(request, context, course, platform_name):
    """Updates context dictionary with course info."""
    course_title_from_cert = context["certificate_data"].get("course_title", "")
    context["accomplishment_copy_course_name"] = course_title_from_cert or course.display_name
    context["course_number"] = course.display_number_with_default or course.id.course
    context["organization_short_name"] = course.display_org_with_default or course.org
    context["organization_long_name"] = None


def _update_certificate_context(context, course, user_certificate, platform_name):
    """Certificate-specific values."""
    context["certificate_id_number"] = user_certificate.verify_uuid
    context["certificate_verify_url"] = "{prefix}{uuid}{suffix}".format(
        prefix=context.get("certificate_verify_url_prefix") or "",
        uuid=user_certificate.verify_uuid,
        suffix=context.get("certificate_verify_url_suffix") or "",
    )
    context["certificate_date_issued"] = user_certificate.modified_date.strftime(settings.CERTIFICATE_DATE_FORMAT)
    context["document_title"] = _("{partner_short_name} {course_number} Certificate | {platform_name}").format(
        partner_short_name=context["organization_short_name"],
        course_number=context["course_number"],
        platform_name=platform_name,
    )


def _get_user_certificate(request, user, course_key, course_overview, preview_mode=None):
    """The user's downloadable (eligible) certificate in the course, or None."""
    user_certificate = None
    if certificates_viewable_for_course(course_overview):
        try:
            user_certificate = GeneratedCertificate.eligible_certificates.get(
                user=user,
                course_id=course_key,
                status=CertificateStatuses.downloadable,
            )
        except GeneratedCertificate.DoesNotExist:
            pass

    return user_certificate


def render_cert_by_uuid(request, certificate_uuid):
    """This public view generates an HTML representation of the specified certificate"""
    try:
        certificate = GeneratedCertificate.eligible_certificates.get(
            verify_uuid=certificate_uuid,
            status=CertificateStatuses.downloadable,
        )
        return render_html_view(request, str(certificate.course_id), certificate)
    except GeneratedCertificate.DoesNotExist as e:
        raise Http404 from e


def render_html_view(request, course_id, certificate=None):
    """
    This public view generates an HTML representation of the specified user and course
    If a certificate is not available, we display a "Sorry!" screen instead
    """
    user = certificate.user if certificate else request.user
    user_id = user.id
    preview_mode = request.GET.get("preview", None)
    platform_name = settings.PLATFORM_NAME

    # Kick the user back to the "Invalid" screen if the feature is disabled globally
    if not settings.CERTIFICATES_HTML_VIEW:
        return _render_invalid_certificate(request, course_id, platform_name)

    # Load the course and user objects
    try:
        course_key = CourseKey.from_string(course_id)
        course = get_course_by_id(course_key)

    # For any course or user exceptions, kick the user back to the "Invalid" screen
    except (InvalidKeyError, Http404) as exception:
        log.info("Invalid cert: error finding course %s Specific error: %s", course_id, str(exception))
        return _render_invalid_certificate(request, course_id, platform_name)

    course_overview = get_course_overview_or_none(course_key)

    # Kick the user back to the "Invalid" screen if the feature is disabled for the course
    if not course.cert_html_view_enabled:
        log.info("Invalid cert: HTML certificates disabled for %s. User id: %d", course_id, user_id)
        return _render_invalid_certificate(request, course_id, platform_name)

    # Load user's certificate
    user_certificate = _get_user_certificate(request, user, course_key, course_overview, preview_mode)
    if not user_certificate:
        log.info("Invalid cert: User %d does not have eligible cert for %s.", user_id, course_id)
        return _render_invalid_certificate(request, course_id, platform_name)

    # Get the active certificate configuration for this course
    active_configuration = get_active_web_certificate(course, preview_mode)
    if active_configuration is None:
        log.info("Invalid cert: course %s does not have an active configuration. User id: %d", course_id, user_id)
        return _render_invalid_certificate(request, course_id, platform_name)

    # Determine whether to use the standard or custom template to render the certificate.
    custom_template = None

    user_language = translation.get_language()

    context = {"user_language": user_language}

    _update_context_with_basic_info(context, course_id, platform_name)

    context["certificate_data"] = active_configuration

    # Append user certificate to context
    context["user_certificate"] = user_certificate

    # Append course info
    _update_course_context(request, context, course, platform_name)

    # Append user info
    _update_context_with_user_info(context, user, user_certificate)

    context["share_url"] = request.build_absolute_uri(
        get_certificate_url(course_id=course.id, uuid=user_certificate.verify_uuid)
    )

    # Append/Override the existing view context values with certificate specific values
    _update_certificate_context(context, course, user_certificate, platform_name)

    try:
        # .. filter_implemented_name: CertificateRenderStarted
        # .. filter_type: org.openedx.learning.certificate.render.started.v1
        context, custom_template = CertificateRenderStarted.run_filter(
            context=context,
            custom_template=custom_template,
        )
    except CertificateRenderStarted.RenderAlternativeInvalidCertificate as exc:
        response = _render_invalid_certificate(
            request,
            course_id,
            platform_name,
            cert_path=exc.template_name or INVALID_CERTIFICATE_TEMPLATE_PATH,
        )
    except CertificateRenderStarted.RedirectToPage as exc:
        response = HttpResponseRedirect(exc.redirect_to)
    except CertificateRenderStarted.RenderCustomResponse as exc:
        response = exc.response
    else:
        response = _render_valid_certificate(request, context, custom_template)

    # Render the certificate
    return response


def _render_invalid_certificate(request, course_id, platform_name, cert_path=INVALID_CERTIFICATE_TEMPLATE_PATH):
    """Renders the invalid certificate view."""
    context = {}
    _update_context_with_basic_info(context, course_id, platform_name)
    return render(request, cert_path, context)


def _render_valid_certificate(request, context, custom_template=None):
    """Renders certificate (edx-platform renders a custom template's Mako source when one is set)."""
    return render(request, "certificates/valid.html", context)
