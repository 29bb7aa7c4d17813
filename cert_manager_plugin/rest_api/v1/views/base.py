"""
The base views of REST API v1 and the helpers the resource views share.

Authentication, JSON errors, the course team's access (``CourseView``), pages and list CSVs (``ListView``),
request parsing helpers.

Course-scoped views resolve the course id first (400 ``invalid_course_key``), then the caller's course access:
no account or course oracle, so to anyone but global staff an unknown course and a course whose team they are
not on are the same 404 ``not_found`` (global staff get 404 ``course_not_found``); then restricted OAuth
applications, then the role (``permissions.IsCourseTeam``): reads for course staff, writes for course
instructors and global staff.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import StreamingHttpResponse
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.openapi import AutoSchema
from rest_framework import status
from rest_framework.negotiation import BaseContentNegotiation, DefaultContentNegotiation
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from cert_manager_plugin import api, errors

from ... import errors as rest_errors
from ...pagination import CertManagerPagination
from ...parsers import LimitedJSONParser
from ...permissions import (
    AUTHENTICATION_CLASSES,
    CERTIFICATE_SCOPES,
    CourseJwtApplicationAccess,
    IsCourseTeam,
    LearnerJwtApplicationAccess,
    known_course,
)
from ...schema import documented  # noqa: F401 - registers the auth schemes before any view is documented
from .. import serializers as s

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http.response import HttpResponseBase
    from opaque_keys.edx.keys import CourseKey
    from rest_framework.parsers import BaseParser
    from rest_framework.request import Request
    from rest_framework.serializers import BaseSerializer

    from .csv_lists import ListCsv


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
            self.course_key = api.resolve_course(course_id)
        else:
            course_key = known_course(course_id)
            self.course_access = api.course_access(request.user, course_key) if course_key is not None else None
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
        if "\x00" in str(identifier):  # never echoed raw: the NUL is written out (repr)
            raise errors.UserNotFound(NO_LEARNER % {"user": repr(identifier)}, user=identifier)
        if not self.reveal and api.course_learner(self.course_key, identifier) is None:
            raise errors.UserNotFound(NO_LEARNER % {"user": f"'{identifier}'"}, user=identifier)


#: A learner lookup's 404: ``user`` is the identifier as given, quoted.
NO_LEARNER = gettext_lazy("No learner %(user)s in this course.")


def no_course_message(course_id: str, *, team: bool = True) -> str:
    """
    The one answer for a course that does not exist and a course the caller is not in.

    ``team``: the course team's resources ("not on its course team"), else the learner's ("not in it").
    """
    if team:
        return gettext("Course '%(course_id)s' does not exist or you are not on its course team.") % {
            "course_id": course_id
        }
    return gettext("Course '%(course_id)s' does not exist or you are not in it.") % {"course_id": course_id}


def search_param(request: Request) -> str:
    """
    A list's ``search`` query parameter, trimmed.

    400 ``invalid_input`` for a NUL character: no name, email or note holds one, and PostgreSQL refuses it in a
    query (a 500 before).
    """
    search = request.query_params.get("search", "").strip()
    if "\x00" in search:
        raise errors.InvalidInput(
            gettext("search must not contain a NUL character."), field_errors={"search": [gettext("Invalid.")]}
        )
    return search


def object_id(value: str, missing: str) -> int:
    """
    A numeric id from the path; anything else is a 404 (no such object).

    ``missing`` is the 404's message, with ``%(id)s`` for the value as given, quoted (``NO_JOB``).
    """
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number <= 0:
        raise errors.NotFound(missing % {"id": repr(value)})
    return number


#: ``object_id``'s 404 for a job id, and for an invalidation id.
NO_JOB = gettext_lazy("No job %(id)s in this course.")
NO_INVALIDATION = gettext_lazy("No invalidation %(id)s in this course.")


def csv_download(course_key: CourseKey, what: str, header: list[str], rows: Iterable[list]) -> StreamingHttpResponse:
    """A streamed CSV attachment (UTF-8 with a byte order mark, every cell formula-escaped): ``<what>-<course>.csv``."""
    response = StreamingHttpResponse(api.iter_csv(header, rows, bom=True), content_type=api.CSV_CONTENT_TYPE)
    filename = f"{what}-{str(course_key).replace(':', '_').replace('+', '_')}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ListView(CourseView):
    """
    A course list: a page of JSON, or the whole list as a CSV download (``?format=csv`` or ``Accept: text/csv``).

    ``csv_list`` names the CSV's file, header and rows (``csv_lists``); the view's ``get`` reads the rows
    (through ``api``) and answers ``list_response``.
    """

    renderer_classes = [JSONRenderer, CSVRenderer]
    csv_list: ListCsv

    def list_response(
        self, rows: QuerySet | api.Rows, serializer_class: type[BaseSerializer], **context: object
    ) -> Response | StreamingHttpResponse:
        """The CSV download when negotiated (header in the active language), else one page (``paginate``)."""
        if self.request.accepted_renderer.format == "csv":
            spec = self.csv_list
            return csv_download(self.course_key, spec.name, spec.header(), spec.rows(rows))
        return self.paginate(rows, serializer_class, **context)


def validated(serializer_class: type[BaseSerializer], data: object, **kwargs: object) -> dict:
    """Validate a request body; DRF field errors become a 400 ``invalid_input`` with ``field_errors``."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


#: Room for the multipart boundaries and part headers around the uploaded file.
UPLOAD_OVERHEAD = 64 * 1024


def uploaded_csv(request: Request) -> bytes:
    """
    The bytes of the request's uploaded ``file``: 400 ``csv_too_large`` from the ``Content-Length`` before reading.

    ``invalid_input`` without a file.
    """
    length, limit = content_length(request), api.csv_max_bytes()
    if length > limit + UPLOAD_OVERHEAD:
        raise api.CsvTooLarge(
            gettext("The upload is %(size)s bytes; the file limit is %(limit)s bytes (CERT_MANAGER_CSV_MAX_BYTES).")
            % {"size": format(length, ","), "limit": format(limit, ",")},
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


def job_learners(jobs: Iterable[api.JobRow]) -> dict[int, api.LearnerName]:
    """The learners the one-learner jobs of a page are about (one lookup for the page, none without such a job)."""
    return api.learner_names({job.params["user_id"] for job in jobs if (job.params or {}).get("user_id")})


def job_data(job: api.JobRow, request: Request) -> dict:
    """The job as ``JobSerializer`` renders it, with its learner's name (looked up here, not by the serializer)."""
    return s.JobSerializer(job, context={"request": request, "learners": job_learners([job])}).data


def job_response(job: api.JobRow, request: Request, code: int = status.HTTP_200_OK) -> Response:
    """The job as JSON (``JobSerializer``), with ``code`` as the HTTP status."""
    return Response(job_data(job, request), status=code)
