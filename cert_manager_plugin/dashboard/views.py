"""
Server-rendered pages: the public web certificate, its verification page and PDF, learner dashboard, instructor panel.

Verifiable credentials (issue 16): the learner's "Download credential" (``certificate_credential``) and the public
credential check page (``credential_verify``: paste or upload a credential, the answer in plain words).

The instructor panel is a page plus a vanilla JS file that drives REST API v1. Course roles come from the
LMS adapter through ``api.course_access``; nothing here imports edx-platform.

Every word on these pages is translatable (Django's gettext in the templates and here, Django's JavaScript
catalog for the panel's and dashboard's scripts: ``cert_manager:jsi18n``); status, job, group and mode names
come from ``labels``.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import UploadedFile
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_safe
from opaque_keys.edx.keys import CourseKey

from .. import api, labels
from ..data import ALL_MODES, GROUP_STATUS, CertificateStatus, ExceptionScope, IssuePolicy, LearnerGroup

API_PREFIX = "/api/cert_manager/v1/"

#: As ``django.utils.html.json_script``: JSON inside a <script> element can never close it.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _certificate_or_404(verify_uuid: uuid.UUID) -> api.Certificate:
    """The certificate with this verify id; 404 when there is none."""
    certificate = api.certificate_by_verify_uuid(verify_uuid)
    if certificate is None:
        raise Http404(_("No certificate with this verification id."))
    return certificate


def _validators_or_404(verify_uuid: uuid.UUID, variant: str) -> api.PublicValidators:
    """The cache validators of a certificate's public response (one query); 404 when there is no certificate."""
    validators = api.public_validators(verify_uuid, variant=variant)
    if validators is None:
        raise Http404(_("No certificate with this verification id."))
    return validators


def _public(response: HttpResponse) -> HttpResponse:
    """The response of a public page, marked for search engines not to index it."""
    response["X-Robots-Tag"] = "noindex"
    return response


def _is_owner(request: HttpRequest, user_id: int) -> bool:
    """Whether the request is signed in as the certificate's learner."""
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated and user.pk == user_id


@require_safe
def certificate_web(request: HttpRequest, verify_uuid: uuid.UUID) -> HttpResponse:
    """
    The HTML web certificate (public): status, learner, course, dates, grade if printed, history.

    Cached by revision (``api.conditional_response``); its owner's page, with share actions, only privately.
    """
    validators = _validators_or_404(verify_uuid, "web")
    owner = _is_owner(request, validators.user_id)
    if owner:
        validators = validators.variant("owner")

    def render_page() -> HttpResponse:
        certificate = _certificate_or_404(verify_uuid)
        context = api.web_certificate_context(certificate, request=request)
        context["share"] = _owner_share(request, certificate, context)
        if owner and certificate.status == CertificateStatus.DOWNLOADABLE and api.credentials_configured():
            context["credential_url"] = reverse("cert_manager:certificate-credential", args=[certificate.verify_uuid])
            context["credential_until"] = _credential_until([(certificate.course_key, certificate.issued_date)])[0]
        return render(request, "cert_manager_plugin/certificate.html", context)

    if not owner:  # the public page is the same for everyone: rendered once per revision and language
        render_page = _cached_page(request, validators, render_page)
    return _public(api.conditional_response(request, validators, render_page, private=owner))


def _cached_page(
    request: HttpRequest, validators: api.PublicValidators, render_page: Callable[[], HttpResponse]
) -> Callable[[], HttpResponse]:
    """``render_page`` with its HTML kept in the cache (``api.cached``) under the response's ETag and host."""

    def cached_page() -> HttpResponse:
        return HttpResponse(api.cached(validators, request.build_absolute_uri("/"), lambda: render_page().content))

    return cached_page


def _owner_share(request: HttpRequest, certificate: api.Certificate, context: dict) -> api.ShareActions | None:
    """The share actions of a valid certificate, for its owner signed in only (an anonymous visitor gets none)."""
    if not _is_owner(request, certificate.user_id):
        return None
    return api.share_actions(certificate, course_name=context["course_name"], org=context["org"], request=request)


@require_safe
def certificate_verify(request: HttpRequest, verify_uuid: uuid.UUID) -> HttpResponse:
    """
    The public verification page (HTML; the same facts as ``verify/{uuid}`` of the API).

    Is this certificate valid, for whom, for which course, since when, and every state it had (numbered 1, 2, 3 …,
    dated with the time, never why it changed). The grade only while it is valid and the course prints grades; no
    email, no username. Cached by revision (``api.conditional_response``).
    """
    validators = _validators_or_404(verify_uuid, "verify")

    def render_page() -> HttpResponse:
        certificate = _certificate_or_404(verify_uuid)
        context = api.web_certificate_context(certificate, request=request)
        return render(request, "cert_manager_plugin/verify.html", context)

    return _public(api.conditional_response(request, validators, _cached_page(request, validators, render_page)))


@require_safe
def certificate_pdf(request: HttpRequest, verify_uuid: uuid.UUID) -> HttpResponse:
    """
    The certificate PDF (public while the certificate is issued; 404 otherwise).

    Cached by revision (``api.conditional_response``); the rendered bytes are kept under the response's ETag
    (``api.cached``), so a new revision or template renders anew. Its owner's copy, signed in, carries the signed
    credential as an attachment when the site signs credentials (like "Download credential": owner only, private).
    """
    validators = _validators_or_404(verify_uuid, "pdf")
    if validators.status != CertificateStatus.DOWNLOADABLE:
        raise Http404(_("This certificate is not available as a PDF."))
    owner = _is_owner(request, validators.user_id) and api.credentials_configured()
    if owner:
        validators = validators.variant("owner-credential")

    def render_pdf() -> HttpResponse:
        def render_bytes() -> bytes:
            certificate = _certificate_or_404(verify_uuid)
            return api.render_certificate_pdf(certificate, request=request, with_credential=owner)

        data = api.cached(validators, request.build_absolute_uri("/"), render_bytes)
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="certificate-{validators.verify_uuid}.pdf"'
        return response

    return _public(api.conditional_response(request, validators, render_pdf, private=owner))


@login_required
@require_safe
def certificate_credential(request: HttpRequest, verify_uuid: uuid.UUID) -> HttpResponse:
    """
    "Download credential": the signed Open Badges 3.0 credential of the learner's own valid certificate, as a file.

    Only its owner, signed in: anyone else, and a certificate that is not valid, get a 404. 503 (plain text) when
    the site has no signing key. Never kept by a shared cache.
    """
    certificate = api.certificate_by_verify_uuid(verify_uuid)
    if certificate is None or not _is_owner(request, certificate.user_id):
        raise Http404(_("No certificate with this verification id."))
    try:
        document = api.credential_for(certificate.pk)
    except api.CredentialNotIssuable as exc:
        raise Http404(_("This certificate is not valid: it has no credential.")) from exc
    except api.SigningKeyMissing:
        message = _("Credentials are not available on this site: no signing key is configured.")
        return HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    body = json.dumps(document, indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"credential-{certificate.verify_uuid}-r{certificate.revision}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    patch_cache_control(response, private=True, no_store=True)
    return response


#: The largest credential the check page reads: a signed credential is about 3 KB, and every byte read may be
#: canonicalized (RDFC-1.0) for an anonymous visitor.
CREDENTIAL_MAX_BYTES = 64 * 1024
#: Room for the form's other fields and multipart boundaries around the credential.
FORM_OVERHEAD = 16 * 1024
#: The largest PDF the check page reads a credential out of (a certificate PDF with its fonts is 30 to 300 KB; a
#: background makes it larger). Only its catalog and the carried file are read (``api.credential_from_pdf``).
PDF_MAX_BYTES = 5 * 1024 * 1024


def _verdicts() -> dict[str, tuple[str, str]]:
    """Each state of ``api.check_credential`` in plain words: (headline, explanation)."""
    return {
        "valid": (
            _("This credential is valid."),
            _("Its signature checks, and the certificate it stands for is valid today."),
        ),
        "suspended": (
            _("This credential is suspended."),
            _("The learner's grade is currently below passing. It becomes valid again if the grade comes back."),
        ),
        "revoked": (
            _("This credential has been revoked."),
            _("The certificate it stands for was withdrawn. This credential will not become valid again."),
        ),
        "expired": (
            _("This credential has expired."),
            _("Its validity period has ended."),
        ),
        "superseded": (
            _("This credential has been superseded by a newer version."),
            _("The certificate changed since (for example its grade). Ask the learner for their current credential."),
        ),
        "invalid": (
            _("This credential's signature is not valid."),
            _("It was altered after it was issued, or it was not issued by this site."),
        ),
    }


def _too_large() -> dict:
    """The check page's answer to a credential over ``CREDENTIAL_MAX_BYTES``."""
    return {
        "error": _("The credential is too large: the limit is %(size)s KB.") % {"size": CREDENTIAL_MAX_BYTES // 1024},
        "http_status": 413,
    }


def _posted_text(request: HttpRequest) -> str | dict:
    """
    The credential's text, from the uploaded file (JSON, or a PDF carrying one) or else the text box.

    An error answer (dict) when it cannot be read.
    """
    upload = request.FILES.get("credential_file")
    if upload is None:
        return request.POST.get("credential", "")
    head = upload.read(1024)
    upload.seek(0)
    if b"%PDF-" in head or upload.name.lower().endswith(".pdf"):
        return _pdf_text(upload)
    if upload.size > CREDENTIAL_MAX_BYTES:
        return _too_large()
    try:
        return upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return {"error": _("The file is not a text (UTF-8) file: a credential is a JSON file."), "http_status": 400}


def _pdf_text(upload: UploadedFile) -> str | dict:
    """The text of the credential an uploaded PDF carries; an error answer (dict) when there is none to read."""
    if upload.size > PDF_MAX_BYTES:
        message = _("The PDF is too large: the limit is %(size)s MB.") % {"size": PDF_MAX_BYTES // (1024 * 1024)}
        return {"error": message, "http_status": 413}
    try:
        text = api.credential_from_pdf(upload.read(), max_bytes=CREDENTIAL_MAX_BYTES)
    except api.CredentialPdfUnreadable as exc:
        return {"error": str(exc), "http_status": 400}
    if text is None:
        message = _(
            "This PDF carries no credential. A certificate PDF carries one when its learner downloads it from "
            "this site while signed in; or check the credential's JSON file."
        )
        return {"error": message, "http_status": 400}
    return text


def _check_posted(request: HttpRequest) -> dict:
    """The check page's answer to a posted credential (nothing is stored): the verdict, or an error message."""
    text = _posted_text(request)
    if isinstance(text, dict):
        return text
    text = text.strip()
    if not text:
        return {"error": _("Paste a credential or choose its file."), "http_status": 400}
    if len(text.encode("utf-8")) > CREDENTIAL_MAX_BYTES:
        return _too_large()
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        message = _("This is not valid JSON (line %(line)s, column %(column)s): a credential is a JSON document.")
        return {"error": message % {"line": exc.lineno, "column": exc.colno}, "http_status": 400}
    except (ValueError, RecursionError):
        return {"error": _("This is not valid JSON: a credential is a JSON document."), "http_status": 400}
    if not isinstance(document, dict):
        return {"error": _("A credential is a JSON object ({ … }): this is not one."), "http_status": 400}
    answer = api.check_credential(document)
    headline, explanation = _verdicts()[answer["state"]]
    if answer["state"] == "invalid" and answer["signature"]:
        headline = _("This credential is not known here.")
        explanation = _("Its signature is this site's, but no credential issued here matches it.")
    return {
        "state": answer["state"],
        "valid": answer["state"] == "valid",
        "headline": headline,
        "explanation": explanation,
        "signature": answer["signature"],
        "revision": answer["revision"],
    }


def _check_page(request: HttpRequest, context: dict) -> HttpResponse:
    """The check page with ``context`` (its ``http_status`` the response's)."""
    context = {"max_kb": CREDENTIAL_MAX_BYTES // 1024, "max_pdf_mb": PDF_MAX_BYTES // (1024 * 1024), **context}
    status = context.pop("http_status", 200)
    response = render(request, "cert_manager_plugin/credential_verify.html", context, status=status)
    add_never_cache_headers(response)  # the form carries a CSRF token; an answer is one visitor's
    return _public(response)


def _limited(view: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """
    A POST counts against its client's rate, and one over the size limit is answered before its body is read.

    Over the rate (``CERT_MANAGER_VC_CHECK_RATE``): a 429 with ``Retry-After``. The size is checked before the
    CSRF check reads the body.
    """

    @functools.wraps(view)
    def limited(request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return view(request)
        wait = api.credential_check_wait(request)
        if wait is not None:
            message = _("Too many checks from your address: please try again in %(seconds)s seconds.")
            response = _check_page(request, {"error": message % {"seconds": wait}, "http_status": 429})
            response["Retry-After"] = str(wait)
            return response
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > PDF_MAX_BYTES + FORM_OVERHEAD:
            message = _("The upload is too large: the limit is %(kb)s KB for a credential, %(mb)s MB for a PDF.")
            sizes = {"kb": CREDENTIAL_MAX_BYTES // 1024, "mb": PDF_MAX_BYTES // (1024 * 1024)}
            return _check_page(request, {"error": message % sizes, "http_status": 413})
        try:
            request.POST  # noqa: B018 - parsed here: a text over Django's own limit gets this page's answer
        except RequestDataTooBig:
            return _check_page(request, _too_large())
        return view(request)

    return limited


@_limited
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@csrf_protect
def credential_verify(request: HttpRequest) -> HttpResponse:
    """
    Check a credential (public): pasted, its JSON file, or a certificate PDF carrying it. Nothing is stored.

    Valid, suspended (grade below passing), revoked, expired, superseded by a newer version, or an invalid
    signature (``api.check_credential``). The form is CSRF-protected and rate-limited per client (429); a
    credential over ``CREDENTIAL_MAX_BYTES`` or a PDF over ``PDF_MAX_BYTES`` gets a 413, malformed JSON a 400 with
    where it breaks, a PDF without a credential (or broken) a 400 that says so. Never cached (the form carries a
    CSRF token).
    """
    return _check_page(request, _check_posted(request) if request.method == "POST" else {})


@login_required
@require_GET
def learner_dashboard(request: HttpRequest) -> HttpResponse:
    """The signed-in learner's certificates; a request button only where a request would succeed."""
    rows = api.dashboard_rows(request.user, request=request)
    credentials_on = api.credentials_configured()
    context = {"rows": rows, "api_prefix": API_PREFIX, "credentials_on": credentials_on}
    if credentials_on:
        valid = [row for row in rows if row.valid and row.certificate is not None]
        untils = _credential_until([(row.certificate.course_key, row.issued_date) for row in valid])
        for row, until in zip(valid, untils, strict=True):
            row.credential_until = until
    return render(request, "cert_manager_plugin/learner_dashboard.html", context)


def _credential_until(issued: list[tuple]) -> list[dict | None]:
    """Each credential's expiry for the learner's pages: ``{"date": <datetime>, "expired": bool}``, or None."""
    now = timezone.now()
    return [
        {"date": until, "expired": until <= now} if until else None for until in api.credential_expiry_dates(issued)
    ]


def _team_course(request: HttpRequest, course_id: str) -> tuple[CourseKey, str | None]:
    """(course key, access) for a member of the course team; 404 for a malformed or unknown course."""
    try:
        course_key = api.canonical_course_key(course_id)  # the course's own spelling (case, branch, version)
    except api.CertManagerError as exc:
        raise Http404(exc.message) from exc
    return course_key, api.course_access(request.user, course_key)


@login_required
@require_GET
def instructor_panel(request: HttpRequest, course_id: str) -> HttpResponse:
    """The course's certificate management panel: global staff and instructors manage, course staff read."""
    course_key, access = _team_course(request, course_id)
    if access is None:
        return render(
            request,
            "cert_manager_plugin/forbidden.html",
            {"message": _("You are not on the course team of this course.")},
            status=403,
        )
    context = panel_context(course_key, access)
    if context is None:
        raise Http404(_("No such course."))
    return render(request, "cert_manager_plugin/instructor_panel.html", context)


@login_required
@require_GET
def exception_status(request: HttpRequest, course_id: str) -> JsonResponse:
    """
    The panel's helper (course team, read): whether each exception-list learner's certificate can be generated.

    For each learner on the exception list, whether an exception certificate can be generated and, when it
    cannot, why (in words), by the engine's own eligibility rules.
    ``{"learners": {username: {"state": "issued" | "pending" | "blocked", "reason", "message"}}}``.
    """
    course_key, access = _team_course(request, course_id)
    if access is None or api.course_info(course_key) is None:
        return JsonResponse({"code": "permission_denied", "message": _("Not allowed.")}, status=403)
    return JsonResponse({"learners": exception_states(course_key)})


def exception_states(course_key: CourseKey) -> dict[str, dict]:
    """``exception_status``'s answer: ``api.exception_eligibility`` (a constant number of queries) in words."""
    out = {}
    for username, entry in api.exception_eligibility(course_key).items():
        reason = entry.reason
        message = str(labels.EXCEPTION_REASONS.get(reason, "")) if reason else ""
        if reason == "mode_not_eligible" and entry.mode:
            message = (
                _("Enrolled as %(mode)s, a mode that earns no certificate in this course.")
                % {"mode": labels.label(labels.MODE_LABELS, entry.mode)}
                + " "
                + _("Add the mode to the eligible modes in the course policies to certify this learner.")
            )
        out[username] = {"state": entry.state, "reason": reason, "message": message}
    return out


def panel_context(course_key: CourseKey, access: str) -> dict | None:
    """The panel's template context for a course team member with ``access``; None when the course is unknown."""
    course = api.course_info(course_key)
    if course is None:
        return None
    course_id = str(course_key)
    groups = [
        {
            "value": g.value,
            "label": str(labels.GROUP_LABELS[g]),
            "help": str(labels.GROUP_HELP[g]),
            "status": GROUP_STATUS[g].value,
        }
        for g in LearnerGroup
    ]
    statuses = [{"value": s.value, "label": labels.label(labels.STATUS_LABELS, s)} for s in CertificateStatus]
    modes = [{"value": m, "label": labels.label(labels.MODE_LABELS, m)} for m in ALL_MODES]
    policies = [
        {
            "value": p.value,
            "label": str(labels.ISSUE_POLICY_LABELS[p]),
            "help": str(labels.ISSUE_POLICY_HELP[p]),
        }
        for p in IssuePolicy
    ]
    scopes = [{"value": s.value, "label": str(labels.SCOPE_LABELS[s])} for s in ExceptionScope]
    end = getattr(course, "end", None)
    credentials_on = api.credentials_configured()
    config = {
        "courseId": course_id,
        "api": f"{API_PREFIX}courses/{course_key}/",
        "canManage": access == "manage",
        "credentialsOn": credentials_on,
        "language": get_language() or "",
        "groups": groups,
        "statuses": [s["value"] for s in statuses],
        "modes": [m["value"] for m in modes],
        "labels": labels.panel_labels(),
        "courseEnd": end.isoformat() if end else None,
        "pageUrl": reverse("cert_manager:instructor-panel", kwargs={"course_id": course_id}),
        "exceptionStatusUrl": reverse("cert_manager:instructor-exception-status", kwargs={"course_id": course_id}),
        "certificateUrl": reverse(
            "cert_manager:certificate-web", kwargs={"verify_uuid": "00000000-0000-0000-0000-000000000000"}
        ),
        "pdfUrl": reverse(
            "cert_manager:certificate-pdf", kwargs={"verify_uuid": "00000000-0000-0000-0000-000000000000"}
        ),
    }
    return {
        "course_id": course_id,
        "course_name": course.display_name or course_id,
        "course_end_display": api.time_html(end) if end else "",
        "can_manage": access == "manage",
        "credentials_on": credentials_on,
        "config_json": mark_safe(  # noqa: S308 - JSON with <, > and & escaped, as json_script does
            json.dumps(config, cls=DjangoJSONEncoder).translate(_JSON_SCRIPT_ESCAPES)
        ),
        "groups": groups,
        "statuses": statuses,
        "modes": modes,
        "policies": policies,
        "scopes": scopes,
    }


#: Kept for callers of the old name: the group words now live in ``labels``.
GROUP_LABELS = labels.GROUP_LABELS
