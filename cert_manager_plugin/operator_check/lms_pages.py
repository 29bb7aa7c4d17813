"""
What the LMS's own pages do with the plugin: the instructor dashboard instructors get, where its link leads.

``check_dashboard`` reads django-waffle's flag ``instructor.legacy_instructor_dashboard`` and
``INSTRUCTOR_MICROFRONTEND_URL``; ``check_web_certificates`` reads ``CERTIFICATES_HTML_VIEW`` and, through
``lms_inspect``, the course overviews of the courses the plugin manages (the LMS's link ``/certificates/<uuid>``).
``feature`` reads an LMS feature flag in both its forms (the ID verification check uses it too).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..conf import cm_settings
from .findings import DASHBOARD, ERROR, INFO, OK, WARNING, WEB_CERTIFICATES, Finding, worst_level

if TYPE_CHECKING:
    from opaque_keys.edx.keys import CourseKey

    from ..lms_inspect import WebCertificateState

# --- legacy instructor dashboard or MFE ----------------------------------------------------------------

LEGACY_DASHBOARD_FLAG = "instructor.legacy_instructor_dashboard"
#: What the waffle flag gives: nobody, everybody, or some users (its superusers/staff/groups/... rules).
FLAG_OFF, FLAG_ON, FLAG_SOME = "off", "on", "some"


def legacy_dashboard_flag() -> str:
    """
    Who gets the legacy instructor dashboard, read from django-waffle's ``Flag`` of that name.

    No row: waffle's ``WAFFLE_FLAG_DEFAULT`` (off unless set). ``everyone`` Yes/No decides for all; unknown
    (None) leaves it to the flag's rules, which give it to some users only (superusers, by waffle's default).
    """
    import waffle
    from waffle.utils import get_setting

    flag = waffle.get_waffle_flag_model().objects.filter(name=LEGACY_DASHBOARD_FLAG).first()
    if flag is None:
        return FLAG_ON if get_setting("FLAG_DEFAULT") else FLAG_OFF
    if flag.everyone is not None:
        return FLAG_ON if flag.everyone else FLAG_OFF
    rules = (flag.superusers, flag.staff, flag.authenticated, flag.testing, flag.languages, flag.percent)
    if any(rules) or flag.users.exists() or flag.groups.exists():
        return FLAG_SOME
    return FLAG_OFF


def dashboard_findings(state: str, mfe_url: str | None, panel_url: str) -> list[Finding]:
    """
    Which dashboard instructors get and where the plugin's panel is in it (and a missing MFE address).

    Args:
        state: ``legacy_dashboard_flag()``.
        mfe_url: ``INSTRUCTOR_MICROFRONTEND_URL``.
        panel_url: the panel's address, for the message.
    """
    mfe = _(
        "the instructor dashboard MFE, where the plugin's panel is its Certificates tab (in the place of the LMS's): "
        "a link to {panel} that leaves the MFE for a full page"
    ).format(panel=panel_url)
    legacy = _(
        "the legacy instructor dashboard (/courses/<course_id>/instructor), where the plugin's panel is its "
        "Certificates section"
    )
    if state == FLAG_ON:
        message = _("Instructors get {dashboard} (waffle flag {flag} is on for everyone).").format(
            dashboard=legacy, flag=LEGACY_DASHBOARD_FLAG
        )
    elif state == FLAG_SOME:
        message = _("Waffle flag {flag} is on for some users only: they get {legacy}; the others get {mfe}.").format(
            flag=LEGACY_DASHBOARD_FLAG, legacy=legacy, mfe=mfe
        )
    else:
        message = _("Instructors get {dashboard} (waffle flag {flag} is off).").format(
            dashboard=mfe, flag=LEGACY_DASHBOARD_FLAG
        )
    code = {FLAG_ON: "dashboard.legacy", FLAG_SOME: "dashboard.both"}.get(state, "dashboard.mfe")
    findings = [Finding(check=DASHBOARD, level=INFO, code=code, message=message)]
    if state != FLAG_ON and not mfe_url:
        findings.append(
            Finding(
                check=DASHBOARD,
                level=WARNING,
                code="dashboard.mfe_url_missing",
                message=_(
                    "INSTRUCTOR_MICROFRONTEND_URL is not set: the LMS sends instructors from "
                    "/courses/<course_id>/instructor to an address that does not exist, so they reach the "
                    "plugin's panel only at {panel}."
                ).format(panel=panel_url),
                fix=_(
                    "Set INSTRUCTOR_MICROFRONTEND_URL to the instructor dashboard MFE (Tutor's MFE plugin does), or "
                    "turn waffle flag {flag} on for the legacy dashboard."
                ).format(flag=LEGACY_DASHBOARD_FLAG),
            )
        )
    return findings


def check_dashboard() -> list[Finding]:
    """``dashboard_findings`` for this LMS's waffle flag and settings."""
    base = cm_settings.BASE_URL or getattr(settings, "LMS_ROOT_URL", "") or ""
    panel = f"{base.rstrip('/')}/cert_manager/instructor/<course_id>/"
    return dashboard_findings(legacy_dashboard_flag(), getattr(settings, "INSTRUCTOR_MICROFRONTEND_URL", None), panel)


# --- the LMS's web certificate link ----------------------------------------------------------------------


def feature(name: str) -> bool:
    """A feature flag: the top-level setting (edx-platform's current form), else ``FEATURES[name]`` (the older)."""
    if hasattr(settings, name):
        return bool(getattr(settings, name))
    features = getattr(settings, "FEATURES", None) or {}
    return bool(features.get(name, False))


def managed_course_keys() -> list[CourseKey]:
    """Every course the plugin holds a certificate or a learner record of, sorted by id."""
    from ..models import Certificate, LearnerRecord

    keys: set[CourseKey] = set()
    for model in (Certificate, LearnerRecord):
        keys.update(model.objects.order_by().values_list("course_key", flat=True).distinct())
    return sorted(keys, key=str)


def _not_viewable_reason(state: WebCertificateState) -> str:
    """Why ``certificates_viewable_for_course`` is false for the course, from its display settings."""
    if state.display_behavior == "end":
        if state.end is None:
            return _("its certificates show only after the course ends, and it has no end date")
        return _("its certificates show only after the course ends ({date})").format(date=state.end.isoformat())
    if state.display_behavior == "end_with_date":
        if state.available_date is None:
            return _("its certificates show only from a certificate available date, and none is set")
        return _("its certificates show only from the certificate available date ({date})").format(
            date=state.available_date.isoformat()
        )
    return _('its certificates display behavior ("{behavior}") shows them to no learner yet').format(
        behavior=state.display_behavior or ""
    )


def web_certificate_finding(state: WebCertificateState) -> Finding | None:
    """
    The one line about a course whose LMS link ``/certificates/<uuid>`` will not reach the plugin, else None.

    The LMS's view answers with its invalid-certificate page (not the plugin's step) when the course's HTML
    view is off, when no learner may see certificates yet (``certificates_viewable_for_course``) or when the
    course has no active web certificate configuration, in that order. With the HTML view on, the LMS's own
    pages (the learner dashboard) link there, so a missing configuration is an error; with it off they link
    the PDF instead and the link matters only where it was shared.
    """
    if not state.exists:
        reasons = [(WARNING, _("the LMS has no course overview of it"))]
        fixes = [_("Publish the course in Studio, or ignore this line if the course was deleted.")]
    else:
        reasons, fixes = [], []
        if not state.html_view_enabled:
            reasons.append((WARNING, _("its HTML certificate view is off (the LMS's pages link the PDF instead)")))
            fixes.append(
                _(
                    'In Studio, Settings → Advanced Settings (show deprecated settings): set "Certificate '
                    'Web/HTML View Enabled" to true.'
                )
            )
        if not state.viewable:
            reasons.append((INFO, _not_viewable_reason(state)))
            fixes.append(
                _(
                    "Until then the link shows the LMS's invalid-certificate page (the plugin's own links work); to "
                    'show certificates at once, set "Certificates Display Behavior" to early_no_info in Studio, '
                    "Settings → Advanced Settings."
                )
            )
        if not state.active_configuration:
            reasons.append(
                (ERROR if state.html_view_enabled else WARNING, _("it has no active web certificate configuration"))
            )
            fixes.append(_("In Studio, Settings → Certificates: create a certificate configuration and activate it."))
    if not reasons:
        return None
    return Finding(
        check=WEB_CERTIFICATES,
        level=worst_level(level for level, _reason in reasons),
        code="web_certificates.course",
        course_id=str(state.course_key),
        message=_(
            "Course {course_id}: the LMS's link /certificates/<uuid> does not reach the plugin: {reasons}."
        ).format(course_id=state.course_key, reasons="; ".join(reason for _level, reason in reasons)),
        fix=" ".join(fixes),
    )


def web_certificate_findings(html_view: bool, states: Sequence[WebCertificateState]) -> list[Finding]:
    """
    The web certificate lines: the global switch, then one line per course that will not redirect.

    Args:
        html_view: ``CERTIFICATES_HTML_VIEW``.
        states: the managed courses' states (``lms_inspect.web_certificate_states``).
    """
    if not html_view:
        return [
            Finding(
                check=WEB_CERTIFICATES,
                level=INFO,
                code="web_certificates.off",
                message=_(
                    "Web certificates are off (CERTIFICATES_HTML_VIEW): the LMS's pages link each certificate's PDF, "
                    "made by the plugin, and its link /certificates/<uuid> shows the LMS's invalid-certificate page."
                ),
                fix=_(
                    "Set CERTIFICATES_HTML_VIEW to true (Tutor does) to send /certificates/<uuid> to the plugin's web "
                    "certificate."
                ),
            )
        ]
    if not states:
        return [
            Finding(
                check=WEB_CERTIFICATES,
                level=INFO,
                code="web_certificates.no_course",
                message=_("The plugin holds no certificate or learner record yet: no course to check."),
            )
        ]
    findings = [finding for finding in map(web_certificate_finding, states) if finding is not None]
    if not findings:
        findings.append(
            Finding(
                check=WEB_CERTIFICATES,
                level=OK,
                code="web_certificates.ok",
                message=ngettext(
                    "The LMS's certificate links of the {count} course the plugin manages lead to its web "
                    "certificates.",
                    "The LMS's certificate links of the {count} courses the plugin manages lead to its web "
                    "certificates.",
                    len(states),
                ).format(count=len(states)),
            )
        )
    return findings


def check_web_certificates() -> list[Finding]:
    """``web_certificate_findings`` for this LMS: its switch and its course overviews of the plugin's courses."""
    from .. import lms_inspect

    html_view = feature("CERTIFICATES_HTML_VIEW")
    states = lms_inspect.web_certificate_states(managed_course_keys()) if html_view else []
    return web_certificate_findings(html_view, states)
