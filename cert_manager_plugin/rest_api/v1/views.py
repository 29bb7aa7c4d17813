"""
REST API v1 views (contract: design.md section 4). Every operation goes through ``cert_manager_plugin.api``.

Course-scoped views resolve the course id first (400 ``invalid_course_key``), then the caller's course access:
no account or course oracle, so to anyone but global staff an unknown course and a course whose team they are
not on are the same 404 ``not_found`` (global staff get 404 ``course_not_found``); then restricted OAuth
applications, then the role (``permissions.IsCourseTeam``): reads for course staff, writes for course
instructors and global staff. Learner lookups (``certificates/{username}``, exceptions, invalidations) answer
404 ``user_not_found`` alike for an unknown account and an account that is not a learner of the course.

Request bodies go through ``LimitedJSONParser`` (size and nesting-depth limits, any parse failure a 400); an
unexpected exception is, with DEBUG off, a logged JSON 500 ``server_error`` (``BaseView.handle_exception``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NoReturn

from django.conf import settings
from django.http import FileResponse, HttpResponseRedirect, StreamingHttpResponse
from django.utils.translation import gettext
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import status
from rest_framework.negotiation import BaseContentNegotiation, DefaultContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from cert_manager_plugin import api, errors, labels
from cert_manager_plugin.data import CertificateStatus, JobKind

from .. import errors as rest_errors
from ..pagination import CertManagerPagination
from ..parsers import LimitedJSONParser
from ..permissions import (
    AUTHENTICATION_CLASSES,
    CERTIFICATE_SCOPES,
    CourseJwtApplicationAccess,
    IsCourseTeam,
    LearnerCourseJwtApplicationAccess,
    LearnerJwtApplicationAccess,
)
from ..schema import documented  # also registers the auth schemes
from . import serializers as s

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http.response import HttpResponseBase
    from opaque_keys.edx.keys import CourseKey
    from rest_framework.parsers import BaseParser
    from rest_framework.request import Request
    from rest_framework.serializers import BaseSerializer

COURSE_ID = OpenApiParameter(
    "course_id", OpenApiTypes.STR, OpenApiParameter.PATH, description="Course key, e.g. course-v1:edX+DemoX+2026."
)
USERNAME = OpenApiParameter("username", OpenApiTypes.STR, OpenApiParameter.PATH, description="Username or email.")
JOB_ID = OpenApiParameter("job_id", OpenApiTypes.INT, OpenApiParameter.PATH)
INVALIDATION_ID = OpenApiParameter("invalidation_id", OpenApiTypes.INT, OpenApiParameter.PATH)
VERIFY_UUID = OpenApiParameter("verify_uuid", OpenApiTypes.UUID, OpenApiParameter.PATH)
PAGE = [
    OpenApiParameter("page", OpenApiTypes.INT, OpenApiParameter.QUERY, description="Page number (from 1)."),
    OpenApiParameter("page_size", OpenApiTypes.INT, OpenApiParameter.QUERY, description="Rows per page (max 500)."),
]
_STATUS = "|".join(c.value for c in CertificateStatus)
STATUS_LIST_PATTERN = rf"^\s*({_STATUS})\s*(,\s*({_STATUS})\s*)*$"
ERR_R, ERR_W = rest_errors.ERRORS_READ, rest_errors.ERRORS_WRITE
ORDERING = OpenApiParameter(
    "ordering",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    enum=[f"{sign}{key}" for key in api.CERTIFICATE_ORDERING_KEYS for sign in ("", "-")],
    description="Sort by one column, '-' first for descending (default: username); ties by id.",
)
#: A search holds no NUL character (no name, email or note does; PostgreSQL refuses one in a query): 400 otherwise.
NO_NUL = "^[^\\x00]*$"
LIST_SEARCH = OpenApiParameter(
    "search", OpenApiTypes.STR, pattern=NO_NUL, description="Part of a username, email, name or notes."
)
CSV_FORMAT = OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"], description="csv: the whole list.")
LIST_RESPONSES = {(200, "text/csv"): OpenApiTypes.STR, **ERR_R}
NO_CONTENT = {status.HTTP_204_NO_CONTENT: OpenApiResponse(description="Done.")}


class CSVRenderer(BaseRenderer):
    """
    ``?format=csv`` / ``Accept: text/csv`` on the certificate list.

    The view streams the body itself, as ``text/csv; charset=utf-8`` with a byte order mark (``csv_export``).
    """

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self, data: object, accepted_media_type: str | None = None, renderer_context: dict | None = None
    ) -> bytes | str:
        """The body as the view made it (bytes or text); anything else renders empty."""
        return data if isinstance(data, bytes | str) else b""


class IgnoreClientContentNegotiation(BaseContentNegotiation):
    """File downloads: any ``Accept`` header gets the file (errors are still JSON)."""

    def select_parser(self, request: Request, parsers: list[BaseParser]) -> BaseParser:
        """The view's first parser, whatever the request's ``Content-Type``."""
        return parsers[0]

    def select_renderer(
        self, request: Request, renderers: list[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        """The view's first renderer and its media type, whatever the ``Accept`` header."""
        return renderers[0], renderers[0].media_type


class FormatContentNegotiation(DefaultContentNegotiation):
    """
    DRF's negotiation, with ``?format=json|csv`` honoured whatever the host's ``URL_FORMAT_OVERRIDE``.

    The LMS sets it to None, which would silently turn the documented ``?format=csv`` into JSON.
    """

    def select_renderer(
        self, request: Request, renderers: list[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        """DRF's choice, with the ``format`` query parameter as the format when the URL gives none."""
        return super().select_renderer(request, renderers, format_suffix or request.query_params.get("format"))


class BaseView(APIView):
    """
    Authentication as the LMS (JWT, session with CSRF), JSON errors, the plugin's schema class.

    Every DRF policy is set here, so the host's ``REST_FRAMEWORK`` defaults (the LMS's differ from DRF's) change
    nothing.
    """

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated, LearnerJwtApplicationAccess]
    required_scopes = CERTIFICATE_SCOPES  # restricted OAuth applications: certificates:read / certificates:write
    renderer_classes = [JSONRenderer]
    parser_classes = [LimitedJSONParser]
    content_negotiation_class = FormatContentNegotiation
    throttle_classes: list = []
    schema = AutoSchema()

    def get_exception_handler(self) -> Callable[[Exception, dict], Response | None]:
        """The plugin's JSON error handler (``rest_errors.exception_handler``), whatever the host's setting."""
        return rest_errors.exception_handler

    def handle_exception(self, exc: Exception) -> Response:
        """
        Known errors become their JSON answer (``rest_errors.exception_handler``); others a logged JSON 500.

        With DEBUG off, any other exception becomes a logged JSON 500 with an error id
        (``rest_errors.server_error``) instead of the host's HTML error page: the plugin cannot set the host's
        ``handler500``, so its API paths answer that themselves. With DEBUG on, the exception propagates to
        Django's debug response.
        """
        try:
            return super().handle_exception(exc)
        except Exception as unexpected:
            if settings.DEBUG:
                raise
            response = rest_errors.server_error(unexpected, self.get_exception_handler_context())
            response.exception = True
            return response

    def finalize_response(
        self, request: Request, response: HttpResponseBase, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        """Error bodies are always JSON, even when the client negotiated CSV or a file."""
        if isinstance(response, Response) and response.status_code >= 400:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def paginate(
        self, queryset: QuerySet | api.Rows, serializer_class: type[BaseSerializer], **context: object
    ) -> Response:
        """One page of ``queryset`` or ``api.Rows`` (a COUNT and one SELECT, whatever the table size)."""
        paginator = CertManagerPagination()
        page = paginator.paginate_queryset(queryset, self.request, view=self)
        context = {"request": self.request, **{k: v(page) if callable(v) else v for k, v in context.items()}}
        return paginator.get_paginated_response(serializer_class(page, many=True, context=context).data)


class CourseView(BaseView):
    """
    A resource under ``courses/{course_id}/`` for the course team.

    Order: 401, 400 ``invalid_course_key``, then 404 ``not_found`` alike for "no such course" and "not on this
    course's team" (global staff: 404 ``course_not_found``), then 403 for restricted OAuth applications and
    for course staff writing. ``reveal`` is True for global staff, who may learn why a course or a learner is
    missing; to everyone else a missing course or account looks like one outside their courses.
    """

    permission_classes = [IsAuthenticated, CourseJwtApplicationAccess, IsCourseTeam]

    def check_permissions(self, request: Request) -> None:
        """
        Resolve the course and the caller's access to it, then run the permission classes.

        401 first, then 400 ``invalid_course_key``, then 404 (``not_found``, or ``course_not_found`` for global
        staff), then the permission classes' 403.
        """
        if not (request.user and request.user.is_authenticated):
            self.permission_denied(request)  # 401 (JWT's WWW-Authenticate) before anything else
        course_id = self.kwargs["course_id"]
        self.reveal = api.is_global_staff(request.user)
        if self.reveal:
            self.course_key = resolve_course(course_id)
        else:
            info = api.course_info(api.parse_course_key(course_id))
            course_key = info.course_key if info is not None else None  # the course's own spelling
            self.course_access = api.course_access(request.user, course_key) if info is not None else None
            if self.course_access is None:
                raise errors.NotFound(no_course_message(course_id), course_id=course_id)
            self.course_key = course_key
        super().check_permissions(request)

    def check_learner(self, identifier: str) -> None:
        """
        404 ``user_not_found`` when ``identifier`` names no learner of this course.

        The same answer for an unknown account and an account outside the course (global staff get the
        services' real reasons).
        """
        if "\x00" in str(identifier):
            raise errors.UserNotFound(f"No learner {identifier!r} in this course.", user=identifier)
        if not self.reveal and api.course_learner(self.course_key, identifier) is None:
            raise errors.UserNotFound(f"No learner '{identifier}' in this course.", user=identifier)


def no_course_message(course_id: str) -> str:
    """The one answer for a course that does not exist and a course the caller is not in."""
    return f"Course '{course_id}' does not exist or you are not on its course team."


def resolve_course(course_id: str) -> CourseKey:
    """
    The course's own CourseKey (the LMS's spelling, without branch or version) for any spelling of a course.

    400 when malformed, 404 ``course_not_found`` when unknown.
    """
    return api.resolve_course(course_id)


def search_param(request: Request) -> str:
    """
    A list's ``search`` query parameter, trimmed.

    400 ``invalid_input`` for a NUL character: no name, email or note holds one, and PostgreSQL refuses it in a
    query (a 500 before).
    """
    search = request.query_params.get("search", "").strip()
    if "\x00" in search:
        raise errors.InvalidInput("search must not contain a NUL character.", field_errors={"search": ["Invalid."]})
    return search


def object_id(value: str, what: str) -> int:
    """A numeric id from the path; anything else is a 404 (no such object)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number <= 0:
        raise errors.NotFound(f"No {what} {value!r} in this course.")
    return number


def csv_download(course_key: CourseKey, what: str, header: list[str], rows: Iterable[list]) -> StreamingHttpResponse:
    """A streamed CSV attachment (UTF-8 with a byte order mark, every cell formula-escaped): ``<what>-<course>.csv``."""
    response = StreamingHttpResponse(api.iter_csv(header, rows, bom=True), content_type=api.CSV_CONTENT_TYPE)
    filename = f"{what}-{str(course_key).replace(':', '_').replace('+', '_')}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def validated(serializer_class: type[BaseSerializer], data: object, **kwargs: object) -> dict:
    """Validate a request body; DRF field errors become a 400 ``invalid_input`` with ``field_errors``."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- settings -------------------------------------------------------------------------------------


class CourseSettingsView(CourseView):
    """The course's certificate settings: self-generation toggle and policies."""

    @documented(
        operation_id="settings_retrieve", parameters=[COURSE_ID], responses={200: s.CourseSettingsSerializer, **ERR_R}
    )
    def get(self, request: Request, course_id: str) -> Response:
        """
        The course's certificate settings: self-generation, issue policy, grade-drop revocation, modes, grade printing.

        Also the course's template (id and name, or null). A course that never changed them answers the defaults.
        For the course team (course staff may read); 404 ``not_found`` for a course outside the caller's team.
        """
        return Response(s.CourseSettingsSerializer(api.get_course_settings(self.course_key)).data)

    @documented(
        operation_id="settings_update",
        parameters=[COURSE_ID],
        request=s.CourseSettingsSerializer,
        responses={200: s.CourseSettingsSerializer, **ERR_W},
    )
    def patch(self, request: Request, course_id: str) -> Response:
        """
        Change any subset of the writable settings; answers all the settings as saved.

        For course instructors and global staff (403 for course staff). 400 ``invalid_input`` names each unknown,
        read-only or invalid field in ``field_errors``.
        """
        changes = validated(s.CourseSettingsSerializer, request.data, partial=True)
        row = api.update_course_settings(self.course_key, dict(changes), updated_by=request.user)
        return Response(s.CourseSettingsSerializer(row).data)


class PolicyPreviewView(CourseView):
    """What proposed course policies would change for existing certificates, before anything is saved."""

    @documented(
        operation_id="settings_preview",
        parameters=[COURSE_ID],
        request=s.CourseSettingsSerializer,
        responses={200: s.PolicyPreviewSerializer, **ERR_W},
    )
    def post(self, request: Request, course_id: str) -> Response:
        """
        Count, without saving anything, what the proposed policies would change: by transition and by mode.

        The body names any subset of the policies (issue_policy, revoke_on_grade_drop, eligible_modes,
        print_grade). 400 ``invalid_input`` for an unknown or invalid field, learner requests (their own switch)
        or an empty body. Instructors and global staff only.
        """
        changes = validated(s.CourseSettingsSerializer, request.data, partial=True)
        return Response(s.PolicyPreviewSerializer(api.preview_policy_change(self.course_key, dict(changes))).data)


class PolicyApplyView(CourseView):
    """Save proposed course policies and apply them to every existing certificate (one job)."""

    @documented(
        operation_id="settings_apply",
        parameters=[COURSE_ID],
        request=s.CourseSettingsSerializer,
        responses={202: s.JobSerializer, **ERR_W},
    )
    def post(self, request: Request, course_id: str) -> Response:
        """
        Save the policies and start the job that applies them to existing certificates: 202 with the job.

        Nothing is saved on 400 ``invalid_input`` (as the preview, or no policy changes) or 409
        ``job_already_running``. The job records the policies before and after, so it can be undone.
        Instructors and global staff only.
        """
        changes = validated(s.CourseSettingsSerializer, request.data, partial=True)
        job = api.apply_policy_change(self.course_key, dict(changes), requested_by=request.user)
        return job_response(job, request, status.HTTP_202_ACCEPTED)


class PolicyUndoView(CourseView):
    """The last policy change (GET: can it be undone?); POST undoes it."""

    @documented(
        operation_id="settings_undo_retrieve",
        parameters=[COURSE_ID],
        responses={200: s.LastPolicyChangeSerializer, **ERR_R},
    )
    def get(self, request: Request, course_id: str) -> Response:
        """The course's last policy change, whether it can be undone, and what an undo restores (staff may read)."""
        last = api.last_policy_change(self.course_key)
        if last is None:
            body = {"job": None, "can_undo": False, "reason": "", "restores": None, "applied": None}
        else:
            job = s.JobSerializer(last.job, context={"request": request}).data
            body = {
                "job": job,
                "can_undo": last.can_undo,
                "reason": last.reason,
                "restores": last.restores,
                "applied": last.applied,
            }
        return Response(s.LastPolicyChangeSerializer(body).data)

    @documented(
        operation_id="settings_undo",
        parameters=[COURSE_ID],
        request=s.UndoPolicyRequestSerializer,
        responses={202: s.JobSerializer, **ERR_W},
    )
    def post(self, request: Request, course_id: str) -> Response:
        """
        Undo the last policy change: its previous policies are saved and applied again (a new job): 202.

        409 ``policy_change_outdated`` when ``job`` is not the last policy change or it can no longer be undone,
        ``job_already_running`` while another job runs; nothing is saved then. Instructors and global staff only.
        """
        data = validated(s.UndoPolicyRequestSerializer, request.data)
        job = api.undo_policy_change(self.course_key, data["job"], requested_by=request.user)
        return job_response(job, request, status.HTTP_202_ACCEPTED)


# --- certificates -----------------------------------------------------------------------------------


class CertificateListView(CourseView):
    """Issued certificates (search, status filter, pagination, CSV); DELETE removes them all."""

    renderer_classes = [JSONRenderer, CSVRenderer]

    @documented(
        operation_id="certificates_list",
        parameters=[
            COURSE_ID,
            OpenApiParameter(
                "search", OpenApiTypes.STR, pattern=NO_NUL, description="Part of a username, email or name."
            ),
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                description="Comma-separated statuses: " + ", ".join(c.value for c in CertificateStatus),
                pattern=STATUS_LIST_PATTERN,
            ),
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"], description="csv: the whole list."),
            ORDERING,
            *PAGE,
        ],
        responses={
            (200, "application/json"): s.CertificatePageSerializer,
            (200, "text/csv"): OpenApiTypes.STR,
            **ERR_R,
        },
    )
    def get(self, request: Request, course_id: str) -> Response | StreamingHttpResponse:
        """
        The course's certificates, by username: a page of JSON, or the whole list as a CSV download.

        CSV with ``?format=csv`` or ``Accept: text/csv`` (UTF-8 with a byte order mark). ``search`` matches part
        of a username, email or name; ``status`` keeps the comma-separated statuses given (certificates the course
        team deleted are listed under "all statuses" and ``deleted``). ``ordering`` sorts by one column (``-`` for
        descending; by username when absent), the id breaking ties. 400 ``invalid_input`` for an unknown status or
        sort order.

        The JSON page also carries ``status_counts``: ``{status: n}`` for the records matching ``search``, whatever
        ``status`` (one GROUP BY query): what the panel's "delete all" dialog counts.
        """
        search = search_param(request)
        wanted = request.query_params.get("status", "").strip()
        unknown = {v.strip() for v in wanted.split(",") if v.strip()} - {c.value for c in CertificateStatus}
        if unknown:
            raise errors.InvalidInput(
                f"Unknown status: {', '.join(sorted(unknown))}.",
                field_errors={"status": [f"Choose from {', '.join(c.value for c in CertificateStatus)}."]},
            )
        ordering = request.query_params.get("ordering") or None
        rows = api.certificate_list(self.course_key, search=search, status=wanted or None, ordering=ordering)
        if request.accepted_renderer.format == "csv":
            response = StreamingHttpResponse(
                api.iter_csv(s.certificate_csv_header(), s.certificate_csv_rows(rows), bom=True),
                content_type=api.CSV_CONTENT_TYPE,
            )
            filename = f"certificates-{str(self.course_key).replace(':', '_').replace('+', '_')}.csv"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        response = self.paginate(rows, s.CertificateSerializer)
        response.data["status_counts"] = api.certificate_status_counts(self.course_key, search=search)
        return response

    @documented(
        operation_id="certificates_delete_all",
        parameters=[COURSE_ID],
        request=s.DeleteAllRequestSerializer,
        responses={200: s.DeleteAllResponseSerializer, **ERR_W},
    )
    def delete(self, request: Request, course_id: str) -> Response:
        """
        Delete every certificate of the course; ``confirm`` (in the body or the query) must repeat the course id.

        Answers ``{"deleted": <count>}``. Each certificate becomes ``deleted``: no longer shown as valid, kept
        with its verify id and history; the deletion is recorded once in the generation history.
        400 ``confirmation_required`` without the confirmation, 409 ``job_already_running`` while a job runs.
        Instructors and global staff only.
        """
        confirm = request.data.get("confirm") if isinstance(request.data, dict) else None
        confirm = confirm or request.query_params.get("confirm")
        deleted = api.delete_all_certificates(self.course_key, confirm=confirm, deleted_by=request.user)
        return Response({"deleted": deleted})


class CertificateDetailView(CourseView):
    """One learner's certificate; DELETE removes it (with its revisions)."""

    def certificate(self, username: str) -> api.CertificateRow:
        """The learner's certificate in this course: 404 ``user_not_found`` or ``certificate_not_found``."""
        self.check_learner(username)
        cert = api.certificate_record(self.course_key, api.resolve_user(username).pk)
        if cert is None:
            raise errors.CertificateNotFound(f"'{username}' has no certificate in {self.course_key}.", user=username)
        return cert

    @documented(
        operation_id="certificate_retrieve",
        parameters=[COURSE_ID, USERNAME],
        responses={200: s.CertificateSerializer, **ERR_R},
    )
    def get(self, request: Request, course_id: str, username: str) -> Response:
        """
        One learner's certificate in the course (``username`` may be the learner's email).

        404 ``user_not_found`` when no learner of the course has that name, ``certificate_not_found`` when the
        learner has no certificate.
        """
        return Response(s.CertificateSerializer(self.certificate(username)).data)

    @documented(
        operation_id="certificate_delete",
        parameters=[COURSE_ID, USERNAME],
        request=s.DeleteOneRequestSerializer,
        responses={**NO_CONTENT, **ERR_W},
    )
    def delete(self, request: Request, course_id: str, username: str) -> Response:
        """
        Delete the learner's certificate: 204; it is no longer shown as valid anywhere.

        It becomes ``deleted``, kept with its verify id and a new revision; an active invalidation stays active,
        and it comes back (same verify id) when the learner's grade still earns it and a grade change, a job or
        the learner's own request issues it again. With ``{"invalidate": true, "notes": …}`` it is also
        invalidated, so it stays out until re-validated (409 ``allowlisted`` for a learner on the exception
        list: nothing is deleted). Recorded in the generation history. 404 ``user_not_found`` or
        ``certificate_not_found`` (also for a certificate already deleted). Instructors and global staff only.
        """
        data = validated(s.DeleteOneRequestSerializer, request.data or {})
        self.check_learner(username)
        if data["invalidate"]:
            api.delete_and_invalidate(self.course_key, username, notes=data["notes"], deleted_by=request.user)
        else:
            api.delete_certificate(self.course_key, username, deleted_by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RevisionListView(CertificateDetailView):
    """The superseded states of one learner's certificate, newest first."""

    http_method_names = ["get", "head", "options"]

    @documented(
        operation_id="certificate_revisions_list",
        parameters=[COURSE_ID, USERNAME, *PAGE],
        responses={200: s.paginated(s.RevisionSerializer), **ERR_R},
    )
    def get(self, request: Request, course_id: str, username: str) -> Response:
        """
        The superseded states of the learner's certificate, newest first (paginated).

        404 ``user_not_found`` or ``certificate_not_found``.
        """
        return self.paginate(
            api.revision_list(self.course_key, self.certificate(username).user_id), s.RevisionSerializer
        )


class LearnerHistoryView(CourseView):
    """One learner's story in the course (every certificate state and list event), for the course team."""

    http_method_names = ["get", "head", "options"]

    @documented(
        operation_id="learner_history_retrieve",
        parameters=[COURSE_ID, USERNAME],
        responses={200: s.LearnerHistorySerializer, **ERR_R},
    )
    def get(self, request: Request, course_id: str, username: str) -> Response:
        """
        The learner's certificate story in the course: every state, newest first, and their list events.

        Each state has its status, grade, mode, from/to times and its cause: the change's source, the generation
        job it came from (id and title) and the person who made it, when known; ``cause`` says it all in words.
        ``events``: added to the exception list, invalidated, re-validated. A learner without a certificate has
        no states. ``username`` may be the learner's email. 404 ``user_not_found`` when no learner of the
        course has that name. Course staff may read. A constant number of queries.
        """
        self.check_learner(username)
        user = api.resolve_user(username)
        return Response(s.LearnerHistorySerializer(api.learner_timeline(self.course_key, user.pk)).data)


class CertificateRegenerateView(CourseView):
    """Regenerate one learner's certificate now (the panel's row action)."""

    @documented(
        operation_id="certificate_regenerate",
        parameters=[COURSE_ID, USERNAME],
        request=s.RegenerateRequestSerializer,
        responses={200: s.RegenerationSerializer, **ERR_W},
    )
    def post(self, request: Request, course_id: str, username: str) -> Response:
        """
        Bring the learner's certificate in line with their grade, lists and the course's policies, now.

        A change is a new revision of the same certificate (same verify id); ``changed`` false when it already
        matches. With ``dry_run``, what would change, writing nothing. 404 ``user_not_found`` or
        ``certificate_not_found``. Instructors and global staff only.
        """
        data = validated(s.RegenerateRequestSerializer, request.data)
        self.check_learner(username)
        outcome = api.regenerate_certificate(
            self.course_key, username, requested_by=request.user, dry_run=data["dry_run"]
        )
        return Response(s.RegenerationSerializer(s.regeneration_data(outcome, dry_run=data["dry_run"])).data)


# --- jobs -----------------------------------------------------------------------------------------


def job_response(job: api.GenerationJob, request: Request, code: int = status.HTTP_200_OK) -> Response:
    """The job as JSON (``JobSerializer``), with ``code`` as the HTTP status."""
    return Response(s.JobSerializer(job, context={"request": request}).data, status=code)


class JobListView(CourseView):
    """The course's generation history (search, ``state=active``, CSV); POST starts a job (or counts a dry run)."""

    renderer_classes = [JSONRenderer, CSVRenderer]

    @documented(
        operation_id="jobs_list",
        parameters=[
            COURSE_ID,
            OpenApiParameter(
                "search", OpenApiTypes.STR, pattern=NO_NUL, description="Part of the requester's username or email."
            ),
            OpenApiParameter("state", OpenApiTypes.STR, enum=["all", "active"], description="Default all."),
            CSV_FORMAT,
            *PAGE,
        ],
        responses={(200, "application/json"): s.paginated(s.JobSerializer), **LIST_RESPONSES},
    )
    def get(self, request: Request, course_id: str) -> Response | StreamingHttpResponse:
        """
        The course's generation history (bulk jobs, exports, deletions), newest first: a page of JSON, or a CSV.

        ``state=active``: only the queued or running job, if any (what every open panel polls, a constant two
        queries). ``search`` matches part of the requester's username or email. 400 ``invalid_input`` for any
        other ``state``.
        """
        state = request.query_params.get("state", "all").strip().lower()
        if state not in {"all", "active"}:
            raise errors.InvalidInput("state must be all or active.", field_errors={"state": ["Choose all or active."]})
        search = search_param(request)
        queryset = api.jobs(self.course_key, active=state == "active", search=search)
        if request.accepted_renderer.format == "csv":
            return csv_download(
                self.course_key, "history", s.list_csv_header(s.JOB_CSV_FIELDS), s.job_csv_rows(queryset)
            )
        return self.paginate(queryset, s.JobSerializer, learners=s.job_learners)

    @documented(
        operation_id="jobs_create",
        parameters=[COURSE_ID],
        request=s.JobRequestSerializer,
        responses={202: s.JobSerializer, 200: s.DryRunSerializer, **ERR_W},
    )
    def post(self, request: Request, course_id: str) -> Response:
        """
        Start a bulk job: 202 with the queued job; with ``dry_run``, 200 with what it would change.

        ``generate_all``, ``regenerate`` (``statuses``: certificate statuses or regeneration groups) or
        ``generate_exceptions`` (``scope``: ``new`` or ``all``). A dry run writes nothing. 409
        ``job_already_running`` while the course has an active job. Instructors and global staff only.
        """
        data = validated(s.JobRequestSerializer, request.data)
        result = api.submit_job(
            self.course_key,
            data["kind"],
            requested_by=request.user,
            statuses=data.get("statuses"),
            scope=data.get("scope"),
            dry_run=data["dry_run"],
        )
        if data["dry_run"]:
            return Response(s.DryRunSerializer(result).data)
        return job_response(result, request, status.HTTP_202_ACCEPTED)


class JobDetailView(CourseView):
    """One job's progress; DELETE cancels it."""

    @documented(operation_id="job_retrieve", parameters=[COURSE_ID, JOB_ID], responses={200: s.JobSerializer, **ERR_R})
    def get(self, request: Request, course_id: str, job_id: str) -> Response:
        """One job's state and progress; 404 ``not_found`` for a job that is not the course's."""
        return job_response(api.get_job(self.course_key, object_id(job_id, "job")), request)

    @documented(
        operation_id="job_cancel",
        parameters=[COURSE_ID, JOB_ID],
        request=None,
        responses={200: s.JobSerializer, **ERR_W},
    )
    def delete(self, request: Request, course_id: str, job_id: str) -> Response:
        """
        Cancel a queued or running job: its running chunk finishes, the next ones do nothing; answers the job.

        409 ``job_not_active`` when the job has already finished. Instructors and global staff only.
        """
        return job_response(
            api.cancel_job(self.course_key, object_id(job_id, "job"), cancelled_by=request.user), request
        )


class JobDownloadView(CourseView):
    """
    The file an export job produced (404 until it exists, and once it is gone).

    Read from the storage the export was saved to: streamed when that storage keeps the file on this
    machine's disk (``FileSystemStorage``), else a 302 redirect to the storage's URL for it (S3 and other
    remote storages: a signed, expiring URL), so the web process never needs the worker's disk.
    """

    content_negotiation_class = IgnoreClientContentNegotiation

    @documented(
        operation_id="job_download",
        parameters=[COURSE_ID, JOB_ID],
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            302: OpenApiResponse(description="The file is in a remote storage: its (signed) URL is in Location."),
            **ERR_R,
        },
    )
    def get(self, request: Request, course_id: str, job_id: str) -> FileResponse | HttpResponseRedirect:
        """
        The file of a succeeded export job, as an attachment; or a 302 to it in a remote storage.

        Streamed when the export storage keeps files on this machine's disk, else a redirect to the storage's
        (signed, expiring) URL for it. 404 ``not_found`` until the file exists, and once it is gone.
        """
        job = api.get_job(self.course_key, object_id(job_id, "job"))
        stored = api.stored_export(job.result) if job.kind == JobKind.EXPORT and job.state == "succeeded" else None
        missing = errors.NotFound(
            gettext("Job %(id)s has no file to download: only a finished export has one, until it is cleaned up.")
            % {"id": job.pk},
            job_id=job.pk,
        )
        if stored is None or not stored.exists():
            raise missing
        if stored.local_path() is None:
            try:
                return HttpResponseRedirect(stored.storage.url(stored.name))
            except (NotImplementedError, ValueError):
                pass  # a storage without URLs: stream it through this process instead
        try:
            handle = stored.storage.open(stored.name, "rb")
        except (FileNotFoundError, NotImplementedError):  # deleted between the check and the read
            raise missing from None
        return FileResponse(handle, as_attachment=True, filename=stored.filename, content_type=stored.content_type)


class ExportView(CourseView):
    """Start an export of every issued certificate into one file (PDF or ZIP)."""

    @documented(
        operation_id="export_create",
        parameters=[COURSE_ID],
        request=s.ExportRequestSerializer,
        responses={202: s.JobSerializer, **ERR_W},
    )
    def post(self, request: Request, course_id: str) -> Response:
        """
        Start an export of the course's issued certificates into one file: 202 with the queued job.

        ``pdf`` (one document, a page each) or ``zip`` (a PDF each); the job's ``download_url`` gives the file once
        it succeeded. 409 ``nothing_to_export`` when no certificate is issued, ``job_already_running`` while the
        course has an active job. Instructors and global staff only.
        """
        data = validated(s.ExportRequestSerializer, request.data)
        options = {"format": data["format"]}
        if not api.base_url():  # no CERT_MANAGER_BASE_URL nor LMS_ROOT_URL: the PDF's links and QR codes use this
            options["base_url"] = api.base_url(request)  # site's address, as the request reached it (ALLOWED_HOSTS)
        job = api.submit_job(self.course_key, JobKind.EXPORT.value, requested_by=request.user, options=options)
        return job_response(job, request, status.HTTP_202_ACCEPTED)


# --- exceptions -----------------------------------------------------------------------------------


class ExceptionListView(CourseView):
    """The exception list (name, email, granted, certificate generated, notes; search, CSV); POST adds a learner."""

    renderer_classes = [JSONRenderer, CSVRenderer]

    @documented(
        operation_id="exceptions_list",
        parameters=[COURSE_ID, LIST_SEARCH, CSV_FORMAT, *PAGE],
        responses={(200, "application/json"): s.paginated(s.ExceptionSerializer), **LIST_RESPONSES},
    )
    def get(self, request: Request, course_id: str) -> Response | StreamingHttpResponse:
        """
        The course's exception list, newest first: a page of JSON, or the whole list as a CSV download.

        Each learner's name, email, when granted and by whom, when the certificate was generated (null while it is
        not issued) and the notes. ``search`` matches part of a username, email, name or the notes, any case.
        """
        rows = api.exception_list(self.course_key, search=search_param(request))
        if request.accepted_renderer.format == "csv":
            header = s.list_csv_header(s.EXCEPTION_CSV_FIELDS)
            return csv_download(self.course_key, "exceptions", header, s.exception_csv_rows(rows))
        return self.paginate(rows, s.ExceptionSerializer)

    @documented(
        operation_id="exceptions_create",
        parameters=[COURSE_ID],
        request=s.ListEntryRequestSerializer,
        responses={201: s.ExceptionSerializer, **ERR_W},
    )
    def post(self, request: Request, course_id: str) -> Response:
        """
        Add a learner (username or email) to the exception list: 201 with the entry.

        The learner must be enrolled (409 ``not_enrolled``) and not invalidated (409 ``invalidated``); 409
        ``already_listed`` when on the list already, 404 ``user_not_found`` for no learner of the course.
        Instructors and global staff only.
        """
        data = validated(s.ListEntryRequestSerializer, request.data)
        self.check_learner(data["user"])
        entry = api.grant_exception(self.course_key, data["user"], notes=data["notes"], granted_by=request.user)
        row = api.exception_list(self.course_key).get(entry.pk)
        return Response(s.ExceptionSerializer(row).data, status=status.HTTP_201_CREATED)


class ExceptionDetailView(CourseView):
    """Remove a learner from the exception list (the certificate is reconciled)."""

    @documented(
        operation_id="exception_delete",
        parameters=[COURSE_ID, USERNAME],
        request=None,
        responses={**NO_CONTENT, **ERR_W},
    )
    def delete(self, request: Request, course_id: str, username: str) -> Response:
        """
        Remove a learner from the exception list and reconcile the certificate: 204.

        A learner who passes keeps the certificate; one who held it only by the exception loses it. 404
        ``not_found`` when the learner is not on the list. Instructors and global staff only.
        """
        self.check_learner(username)
        api.remove_exception(self.course_key, username, removed_by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


#: Room for the multipart boundaries and part headers around the uploaded file.
UPLOAD_OVERHEAD = 64 * 1024


class ExceptionBulkView(CourseView):
    """
    Add many learners from a CSV file (``username_or_email,notes``); all valid rows in one transaction.

    A request far over the file limit is refused from its ``Content-Length`` (``csv_too_large``) before the
    upload is read. Rows naming no learner of the course are ``user_not_found`` whether or not the account
    exists, except for global staff (``reveal_accounts``).
    """

    parser_classes = [MultiPartParser, FormParser]

    @documented(
        operation_id="exceptions_bulk_create",
        parameters=[COURSE_ID],
        request={"multipart/form-data": s.BulkFileSerializer},
        responses={200: s.BulkResultSerializer, **ERR_W},
    )
    def post(self, request: Request, course_id: str) -> Response:
        """
        Add the learners of a CSV file (``username_or_email,notes``) to the exception list; valid rows all at once.

        Answers the rows added, the rows refused (line, kind, message) and a summary. 400 for the file itself:
        ``csv_too_large``, ``csv_too_many_rows``, ``csv_encoding`` (not UTF-8) or ``invalid_input`` (not valid
        CSV); 409 ``concurrent_change`` when the list changed meanwhile (nothing applied). Instructors and global
        staff only.
        """
        length, limit = content_length(request), api.csv_max_bytes()
        if length > limit + UPLOAD_OVERHEAD:
            raise api.CsvTooLarge(
                f"The upload is {length:,} bytes; the file limit is {limit:,} bytes (CERT_MANAGER_CSV_MAX_BYTES).",
                size=length,
                limit=limit,
            )
        upload = validated(s.BulkFileSerializer, request.data)["file"]
        api.check_size(upload.size)
        result = api.import_exceptions(
            self.course_key, upload.read(), granted_by=request.user, reveal_accounts=self.reveal
        )
        return Response(result.as_dict())


def uploaded_csv(request: Request) -> bytes:
    """
    The bytes of the request's uploaded ``file``: 400 ``csv_too_large`` from the ``Content-Length`` before reading.

    ``invalid_input`` without a file.
    """
    length, limit = content_length(request), api.csv_max_bytes()
    if length > limit + UPLOAD_OVERHEAD:
        raise api.CsvTooLarge(
            f"The upload is {length:,} bytes; the file limit is {limit:,} bytes (CERT_MANAGER_CSV_MAX_BYTES).",
            size=length,
            limit=limit,
        )
    upload = validated(s.BulkFileSerializer, request.data)["file"]
    api.check_size(upload.size)
    return upload.read()


def content_length(request: Request) -> int:
    """The request's ``Content-Length`` (0 when absent or malformed)."""
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except (TypeError, ValueError):
        return 0


# --- invalidations --------------------------------------------------------------------------------


class InvalidationListView(CourseView):
    """Invalidations (``?active=false`` for lifted ones, ``all`` for both; search, CSV); POST invalidates one."""

    renderer_classes = [JSONRenderer, CSVRenderer]

    @documented(
        operation_id="invalidations_list",
        parameters=[
            COURSE_ID,
            OpenApiParameter("active", OpenApiTypes.STR, enum=["true", "false", "all"], description="Default true."),
            LIST_SEARCH,
            CSV_FORMAT,
            *PAGE,
        ],
        responses={(200, "application/json"): s.paginated(s.InvalidationSerializer), **LIST_RESPONSES},
    )
    def get(self, request: Request, course_id: str) -> Response | StreamingHttpResponse:
        """
        The course's invalidations, newest first: active ones, or ``?active=false`` or ``all``; JSON pages or a CSV.

        ``search`` matches part of a username, email, name or the notes, any case. 400 ``invalid_input`` for any
        other ``active``.
        """
        active = {"true": True, "false": False, "all": None}.get(request.query_params.get("active", "true").lower())
        if request.query_params.get("active", "true").lower() not in {"true", "false", "all"}:
            raise errors.InvalidInput("active must be true, false or all.", field_errors={"active": ["Invalid."]})
        search = search_param(request)
        rows = api.invalidation_list(self.course_key, active=active, search=search)
        if request.accepted_renderer.format == "csv":
            header = s.list_csv_header(s.INVALIDATION_CSV_FIELDS)
            return csv_download(self.course_key, "invalidations", header, s.invalidation_csv_rows(rows))
        return self.paginate(rows, s.InvalidationSerializer)

    @documented(
        operation_id="invalidations_create",
        parameters=[COURSE_ID],
        request=s.ListEntryRequestSerializer,
        responses={201: s.InvalidationSerializer, **ERR_W},
    )
    def post(self, request: Request, course_id: str) -> Response:
        """
        Invalidate a learner's certificate (it becomes ``unavailable`` until re-validated): 201 with the entry.

        404 ``certificate_not_found`` when the learner has none, 409 ``allowlisted`` for a learner on the
        exception list, ``already_invalidated`` when it is already. Instructors and global staff only.
        """
        data = validated(s.ListEntryRequestSerializer, request.data)
        self.check_learner(data["user"])
        entry = api.invalidate_certificate(
            self.course_key, data["user"], notes=data["notes"], invalidated_by=request.user
        )
        row = api.invalidation_list(self.course_key, active=None).get(entry.pk)
        return Response(s.InvalidationSerializer(row).data, status=status.HTTP_201_CREATED)


class InvalidationBulkView(CourseView):
    """
    Invalidate many certificates from a CSV file (``username_or_email,notes``); all valid rows in one transaction.

    The same file rules and limits as the exception list's upload (``ExceptionBulkView``).
    """

    parser_classes = [MultiPartParser, FormParser]

    @documented(
        operation_id="invalidations_bulk_create",
        parameters=[COURSE_ID],
        request={"multipart/form-data": s.BulkFileSerializer},
        responses={200: s.BulkInvalidationResultSerializer, **ERR_W},
    )
    def post(self, request: Request, course_id: str) -> Response:
        """
        Invalidate the certificates of a CSV file's learners (``username_or_email,notes``); valid rows all at once.

        Answers the rows invalidated (``added``), the rows refused (line, kind, message: ``user_not_found``,
        ``certificate_not_found``, ``allowlisted``, ``already_invalidated``, ``duplicate``, ``bad_format``) and a
        summary. 400 for the file itself, as the exception list's upload. Instructors and global staff only.
        """
        result = api.import_invalidations(
            self.course_key, uploaded_csv(request), invalidated_by=request.user, reveal_accounts=self.reveal
        )
        return Response(result.as_dict())


class InvalidationDetailView(CourseView):
    """Re-validate: lift the invalidation and reconcile that learner."""

    @documented(
        operation_id="invalidation_revalidate",
        parameters=[COURSE_ID, INVALIDATION_ID],
        request=None,
        responses={**NO_CONTENT, **ERR_W},
    )
    def delete(self, request: Request, course_id: str, invalidation_id: str) -> Response:
        """
        Re-validate: lift the invalidation and reconcile that learner's certificate: 204.

        404 ``not_found`` for no active invalidation with this id in the course. Instructors and global staff only.
        """
        api.revalidate_certificate(
            self.course_key, object_id(invalidation_id, "invalidation"), revalidated_by=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- learner --------------------------------------------------------------------------------------


class MyCertificatesView(BaseView):
    """The signed-in learner's certificates, with web, PDF and verify links."""

    @documented(
        operation_id="my_certificates_list",
        parameters=PAGE,
        responses={
            200: s.paginated(s.LearnerCertificateSerializer),
            401: rest_errors.ErrorSerializer,
            404: rest_errors.ErrorSerializer,
        },
    )
    def get(self, request: Request) -> Response:
        """
        The signed-in learner's certificates, newest first (paginated), with their links while issued.

        Not those the course team deleted. 401 without sign-in.
        """
        return self.paginate(api.learner_certificates(request.user), s.LearnerCertificateSerializer)


class MyCourseCertificateView(BaseView):
    """
    The learner's certificate status in one course; POST asks for a certificate (self-generation).

    A course the caller is not in (not a learner of it: ``access.learners_among``, nor on its team) answers the
    same 404 ``not_found`` as a course that does not exist; global staff get 404 ``course_not_found``.
    """

    permission_classes = [IsAuthenticated, LearnerCourseJwtApplicationAccess]

    def check_permissions(self, request: Request) -> None:
        """
        The permission classes, then the course: 404 unless the caller is a learner of it or on its team.

        Global staff reach any course that exists (404 ``course_not_found`` otherwise).
        """
        super().check_permissions(request)
        course_id, user = self.kwargs["course_id"], request.user
        if api.is_global_staff(user):
            self.course_key = resolve_course(course_id)
            return
        info = api.course_info(api.parse_course_key(course_id))
        course_key = info.course_key if info is not None else None  # the course's own spelling
        if info is None or not (
            user.pk in api.learners_among(course_key, [user.pk]) or api.course_access(user, course_key)
        ):
            raise errors.NotFound(f"Course '{course_id}' does not exist or you are not in it.", course_id=course_id)
        self.course_key = course_key

    def body(self, request: Request, cert: api.Certificate | None) -> dict:
        """The answer: the course, whether self-generation is on, and the learner's status and certificate."""
        return {
            "course_id": str(self.course_key),
            "self_generation_enabled": api.get_course_settings(self.course_key).self_generation_enabled,
            "status": cert.status if cert else None,
            "certificate": s.LearnerCertificateSerializer(cert, context={"request": request}).data if cert else None,
        }

    @documented(
        operation_id="my_course_certificate_retrieve",
        parameters=[COURSE_ID],
        responses={200: s.MyCertificateSerializer, **ERR_R},
    )
    def get(self, request: Request, course_id: str) -> Response:
        """
        The signed-in learner's certificate status in the course, and whether the course lets learners request one.

        ``status`` and ``certificate`` are null while the learner has none. 404 ``not_found`` for a course the
        learner is not in.
        """
        return Response(self.body(request, api.certificate_for(self.course_key, request.user.pk)))

    @documented(
        operation_id="my_course_certificate_request",
        parameters=[COURSE_ID],
        request=None,
        responses={200: s.MyCertificateSerializer, **ERR_W},
    )
    def post(self, request: Request, course_id: str) -> Response:
        """
        Request a certificate (self-generation): the certificate as it now stands, when one is issued.

        409 ``self_generation_refused`` with a ``reason`` otherwise: self-generation is off (``disabled``), the
        course issues after its end (``held_until_course_end``), the learner is not enrolled in a certificate mode
        (``not_enrolled``) or the certificate's status (``notpassing``, ``unavailable``, …).
        """
        return Response(self.body(request, api.request_certificate(self.course_key, request.user)))


# --- public ---------------------------------------------------------------------------------------


class VerifyView(BaseView):
    """Public verification of a certificate by its verify UUID (no sign-in)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @documented(
        operation_id="verify_retrieve",
        parameters=[VERIFY_UUID],
        responses={200: s.VerifySerializer, 404: rest_errors.ErrorSerializer},
        auth=[],
    )
    def get(self, request: Request, verify_uuid: str) -> Response:
        """
        Verify a certificate by its verify id, without sign-in: whether it is valid, for whom, in which course.

        Also since when it is no longer valid (``revoked_reason`` is always "It is no longer valid.": never why),
        the history of its valid revisions (``revisions``) and ``history``: every state numbered 1, 2, 3 …, newest
        first, each valid, not valid or no longer valid (never why) with its times. ``grade`` (and a valid state's
        grade in ``history``) only while the certificate is valid and its course prints grades. Never an email.
        404 ``certificate_not_found`` for an unknown id. Cached by revision: ``ETag``, ``Last-Modified``,
        ``Cache-Control: public, max-age=CERT_MANAGER_PUBLIC_MAX_AGE``; a matching conditional GET gets a 304.
        """
        try:
            validators = api.public_validators(uuid.UUID(str(verify_uuid)), variant="api")
        except ValueError:
            validators = None
        if validators is None:
            raise errors.CertificateNotFound("No certificate with this verification id.")

        def render() -> Response:
            return Response(api.cached(validators, "api", lambda: self.verification(validators.verify_uuid)))

        return api.conditional_response(request, validators, render)

    def verification(self, verify_uuid: uuid.UUID) -> dict:
        """The verification answer of the certificate with ``verify_uuid`` (no conditional GET matched, not cached)."""
        cert = api.certificate_by_verify_uuid(verify_uuid)
        if cert is None:
            raise errors.CertificateNotFound("No certificate with this verification id.")
        course = api.course_info(cert.course_key)
        revisions = list(api.revisions(cert))
        valid = cert.status == CertificateStatus.DOWNLOADABLE
        was_issued = cert.issued_date is not None or any(r.status == CertificateStatus.DOWNLOADABLE for r in revisions)
        # The same words whatever made it stop being valid: why is not the public's to read.
        reason = str(labels.REVOKED_DEFAULT) if not valid and was_issued else None
        data = {
            "verify_uuid": cert.verify_uuid,
            "status": cert.status,
            "valid": valid,
            "learner_name": cert.name,
            "course_id": str(cert.course_key),
            "course_name": course.display_name if course else None,
            "issued_date": cert.issued_date,
            "revoked_reason": reason,
            "revision": cert.revision,
            "modified": cert.modified,
            # The history of the certificate while it was valid: a superseded revision that was not a valid
            # certificate (not earned, revoked, audit) is no part of what a verifier is shown. Never a grade.
            "revisions": [
                {
                    "revision": r.revision,
                    "status": r.status,
                    "issued_date": r.issued_date,
                    "valid_from": r.valid_from,
                    "superseded_at": r.superseded_at,
                }
                for r in revisions
                if r.status == CertificateStatus.DOWNLOADABLE
            ],
        }
        print_grade = api.get_course_settings(cert.course_key).print_grade
        data["grade"] = cert.grade if valid and print_grade else None
        data["history"] = api.public_history(cert, revisions, print_grade=print_grade)
        return dict(s.VerifySerializer(data).data)


class NotFoundView(BaseView):
    """Any other path under the API prefix: a JSON 404, not the host's HTML page."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @documented(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> NoReturn:
        """A JSON 404 ``not_found`` for every method."""
        raise errors.NotFound(f"No API resource at {request.path}.")

    post = put = patch = delete = get
