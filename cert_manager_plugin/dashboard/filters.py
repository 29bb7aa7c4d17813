"""
openedx-filters pipeline steps: where the plugin meets people inside the LMS's own pages.

The plugin's settings add every step to ``OPEN_EDX_FILTERS_CONFIG`` (``settings.common.FILTER_STEPS``),
keeping the operator's steps. Each step is a few lines calling ``api``; none raises into the LMS except the
filter exceptions the LMS handles by design (openedx-filters re-raises those whatever ``fail_silently``).

* ``CertificatesInstructorSection`` — legacy instructor dashboard (``InstructorDashboardRenderStarted``):
  our "Certificates" section in place of the LMS's built-in one, whose buttons would write
  ``GeneratedCertificate`` behind our back.
* ``CertificatesInstructorTab`` — instructor dashboard MFE (``InstructorDashboardTabsRequested``): our tab
  in place of the LMS's certificates tab.
* ``RedirectToOurCertificate`` — the LMS's certificate link ``/certificates/{verify_uuid}``
  (``CertificateRenderStarted``): shows our web certificate (same verify id).
* ``StopLmsCertificateGeneration`` — the LMS's own generator (``CertificateCreationRequested``): stopped, so
  it never fights the plugin over a learner's ``GeneratedCertificate``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, NoReturn

from crum import get_current_request
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from openedx_filters import PipelineStep
from openedx_filters.learning.filters import CertificateCreationRequested, CertificateRenderStarted
from web_fragments.fragment import Fragment

from .. import api
from .views import panel_context

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.http import HttpRequest
    from opaque_keys.edx.keys import CourseKey

log = logging.getLogger(__name__)

#: ``section_key`` of our section; the LMS includes ``{template_path_prefix}{section_key}.html`` (Mako) for it.
SECTION_KEY = "cert_manager"
#: Where that template lives in the package's ``templates`` directory (on the LMS's Mako lookup path).
TEMPLATE_PATH_PREFIX = "/cert_manager_plugin/instructor_dashboard/"
#: The LMS's own certificates section (legacy dashboard) and tab (MFE), which ours replaces.
LMS_CERTIFICATES_SECTION = "certificates"
LMS_CERTIFICATES_TAB = "certificates"
TAB_ID = "cert_manager"
DEFAULT_SORT_ORDER = 70


def _panel_url(course_key: CourseKey, request: HttpRequest | None = None) -> str:
    """The course's instructor panel, absolute (``api.base_url``)."""
    path = reverse("cert_manager:instructor-panel", kwargs={"course_id": str(course_key)})
    return f"{api.base_url(request)}{path}"


class CertificatesInstructorSection(PipelineStep):
    """
    ``org.openedx.learning.instructor.dashboard.render.started.v1``: our "Certificates" section.

    The LMS shows the dashboard to its course team only; the section is added for members the plugin also
    knows (course staff read-only, instructors and global staff manage), rendered server-side from the same
    template as the standalone panel, with our CSS and JavaScript as fragment resources.
    """

    def run_filter(self, context: dict, template_name: str) -> dict:
        """
        The dashboard's context with our section in place of the LMS's certificates section.

        Unchanged for a user the plugin does not know as course team, or a course it does not know.
        """
        course = context.get("course")
        course_key = getattr(course, "id", None)
        request = get_current_request()
        user = getattr(request, "user", None)
        if course_key is None or user is None:
            return {"context": context, "template_name": template_name}
        access = api.course_access(user, course_key)
        panel = panel_context(course_key, access) if access else None
        if panel is None:
            return {"context": context, "template_name": template_name}
        fragment = Fragment(render_to_string("cert_manager_plugin/instructor_panel_body.html", panel, request))
        fragment.add_css_url(static("cert_manager_plugin/css/cert_manager.css"))
        fragment.add_javascript_url(static("cert_manager_plugin/js/panel_kit.js"))  # before the two that use it
        fragment.add_javascript_url(static("cert_manager_plugin/js/instructor_panel.js"))
        fragment.add_javascript_url(static("cert_manager_plugin/js/design_editor.js"))
        sections = [s for s in context.get("sections") or [] if s.get("section_key") != LMS_CERTIFICATES_SECTION]
        sections.append(
            {
                "section_key": SECTION_KEY,
                "section_display_name": _("Certificates"),
                "course_id": str(course_key),
                "fragment": fragment,
                "template_path_prefix": TEMPLATE_PATH_PREFIX,
            }
        )
        context["sections"] = sections
        return {"context": context, "template_name": template_name}


class CertificatesInstructorTab(PipelineStep):
    """
    ``org.openedx.learning.instructor.dashboard.tabs.requested.v1``: our "Certificates" tab in the MFE.

    It takes the place (``sort_order``) of the LMS's certificates tab it replaces and links to the course's panel.
    """

    def run_filter(self, tabs: list[dict] | None, user: AbstractBaseUser, course_key: CourseKey) -> dict:
        """The tabs with ours in place of the LMS's certificates tab; unchanged for a user outside the course team."""
        if not api.course_access(user, course_key):
            return {"tabs": tabs, "user": user, "course_key": course_key}
        kept, sort_order = [], DEFAULT_SORT_ORDER
        for tab in tabs or []:
            if tab.get("tab_id") == LMS_CERTIFICATES_TAB:
                sort_order = tab.get("sort_order", sort_order)
            elif tab.get("tab_id") != TAB_ID:
                kept.append(tab)
        kept.append(
            {
                "tab_id": TAB_ID,
                "title": _("Certificates"),
                "url": _panel_url(course_key, get_current_request()),
                "sort_order": sort_order,
            }
        )
        return {"tabs": kept, "user": user, "course_key": course_key}


#: Keys of the LMS web certificate view's context that carry the certificate's verify id.
VERIFY_CONTEXT_KEYS = ("certificate_id_number", "certificate_uuid", "verify_uuid")


class RedirectToOurCertificate(PipelineStep):
    """
    ``org.openedx.learning.certificate.render.started.v1``: the plugin's web certificate for the plugin's own.

    A certificate the plugin holds (the LMS row shares its verify id) is shown by the plugin's web certificate
    page; any other renders as the LMS would.
    """

    def run_filter(self, context: dict, custom_template: object) -> dict:
        """Redirect (``RedirectToPage``) to our web certificate when we hold it; else pass the inputs on."""
        verify = next((context.get(k) for k in VERIFY_CONTEXT_KEYS if context.get(k)), None)
        certificate = api.certificate_by_verify_uuid(verify) if verify else None
        if certificate is None:
            return {"context": context, "custom_template": custom_template}
        url = api.certificate_url(certificate.verify_uuid, "web", request=get_current_request())
        raise CertificateRenderStarted.RedirectToPage(
            "This certificate is managed by cert_manager_plugin.", redirect_to=url
        )


class StopLmsCertificateGeneration(PipelineStep):
    """
    ``org.openedx.learning.certificate.creation.requested.v1``: the LMS's generator is stopped.

    It does not create or update certificates; the plugin issues them (and writes the LMS's
    ``GeneratedCertificate`` itself).
    """

    def run_filter(  # noqa: PLR0917 - the filter's
        self,
        user: AbstractBaseUser,
        course_key: CourseKey,
        mode: str,
        status: str,
        grade: float,
        generation_mode: str,
    ) -> NoReturn:
        """
        Always raise ``PreventCertificateCreation`` (logged): the LMS must not write the certificate.

        Before that, the learner's entries in the LMS's lists are mirrored: the v2 re-validation endpoint lifts the
        LMS's invalidation with a queryset ``update`` (no signal) and then asks the LMS to generate, so this is
        where that lift is heard. A failure there is logged: this step must raise the filter's exception whatever
        happens, or the LMS would generate.
        """
        try:
            api.lms_lists_changed(user.id, course_key)
        except Exception:
            log.exception("cert_manager: mirroring the LMS's lists of user %s in %s failed", user.id, course_key)
        log.info(
            "cert_manager: LMS certificate generation for user %s in %s stopped", getattr(user, "id", None), course_key
        )
        raise CertificateCreationRequested.PreventCertificateCreation(
            _("Certificates of this course are issued by the certificate manager.")
        )
