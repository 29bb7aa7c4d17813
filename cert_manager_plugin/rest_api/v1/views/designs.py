"""
Views of a course's certificate design (issue 17): ``courses/{course_id}/design…``.

The current design with the built-in library (``design``), its versions (``design/versions``, ``…/{number}``;
POST saves the next one), image uploads (``design/assets``), a preview of an unsaved design (``design/preview``:
the web certificate as HTML or the PDF, for a sample learner or a real learner of the course; nothing saved) and
applying a version to the certificates already issued (``design/apply``: GET counts, POST starts the job).

Roles as every course resource: course staff read (and preview: a POST only because the design travels in the
body), instructors and global staff write, anyone else 404 as if there were no course.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpResponse, QueryDict
from django.utils.cache import patch_cache_control
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from cert_manager_plugin import api, errors

from ... import errors as rest_errors
from ...permissions import READ_SCOPE, CourseJwtApplicationAccess, IsCourseTeam, ScopesByMethod, access_allows
from ...schema import documented
from .. import serializers as s
from ..serializers.designs import VERSION_MAX
from .base import UPLOAD_OVERHEAD, CourseView, content_length, job_response, object_id, validated
from .params import COURSE_ID, ERR_R, ERR_W, PAGE

if TYPE_CHECKING:
    from django.http import HttpRequest
    from rest_framework.renderers import BaseRenderer
    from rest_framework.request import Request
    from rest_framework.views import APIView

NUMBER_SCHEMA = {"type": "integer", "minimum": 1, "maximum": VERSION_MAX}
NUMBER = OpenApiParameter("number", NUMBER_SCHEMA, OpenApiParameter.PATH, description="The version number.")
VERSION = OpenApiParameter(
    "version", NUMBER_SCHEMA, OpenApiParameter.QUERY, description="The version to apply (default: the current)."
)
#: A preview's errors: the reads', and 413 for a body over the API's limit.
PREVIEW_ERRORS = {**ERR_R, status.HTTP_413_REQUEST_ENTITY_TOO_LARGE: rest_errors.ErrorSerializer}
#: What a preview answers, in either format.
PREVIEW_ANSWER = (
    "format html: the web certificate page (text/html), without any script (Content-Security-Policy) and framable "
    "by this site only (X-Frame-Options: SAMEORIGIN); format pdf: the PDF (application/pdf, inline). Never cached."
)
#: ``object_id``'s 404 for a version number.
NO_VERSION = gettext_lazy("No design version %(id)s in this course.")


class DesignView(CourseView):
    """The course's current design, the built-in designs to start from, the variables and the fonts."""

    @documented(operation_id="design_retrieve", parameters=[COURSE_ID], responses={200: s.DesignSerializer, **ERR_R})
    def get(self, request: Request, course_id: str) -> Response:
        """
        The course's current design (its newest version; null before the first save) and what a design may use.

        ``library``: the built-in designs (id, name, description, default colours, font and wording, in the
        request's language); ``variables``: the names a text block may hold as ``{name}``; ``fonts``: the shipped
        families. For the course team (course staff may read).
        """
        body = {"current": api.design_current_version(self.course_key), **api.design_library()}
        return Response(s.DesignSerializer(body).data)


class DesignVersionListView(CourseView):
    """The course's design versions, newest first; POST saves the next one (the course's current design)."""

    @documented(
        operation_id="design_versions_list",
        parameters=[COURSE_ID, *PAGE],
        responses={200: s.paginated(s.DesignVersionSerializer), **ERR_R},
    )
    def get(self, request: Request, course_id: str) -> Response:
        """The course's design versions, newest first, a page at a time (each with its document and note)."""
        return self.paginate(api.design_versions(self.course_key), s.DesignVersionSerializer)

    @documented(
        operation_id="design_versions_create",
        parameters=[COURSE_ID],
        request=s.DesignVersionRequestSerializer,
        responses={201: s.DesignVersionSerializer, **ERR_W},
    )
    def post(self, request: Request, course_id: str) -> Response:
        """
        Save a design as the course's next version: 201 with it. Certificates written from now on record it.

        Certificates already issued keep the version they were issued with until ``design/apply`` runs. 400
        ``invalid_input`` names the failing part of the document in ``field_errors`` (``blocks.title``,
        ``colours.primary``, ``overrides.lang:es.blocks.intro`` …): an unknown base, font, key or variable, a colour
        that is not ``#rrggbb``, a block over 300 characters, an image that is not one of the course's uploads.
        Instructors and global staff only.
        """
        data = validated(s.DesignVersionRequestSerializer, request.data)
        row = api.save_design_version(self.course_key, data["document"], user=request.user, note=data["note"])
        return Response(s.DesignVersionSerializer(row).data, status=status.HTTP_201_CREATED)


class DesignVersionDetailView(CourseView):
    """One saved design version."""

    @documented(
        operation_id="design_version_retrieve",
        parameters=[COURSE_ID, NUMBER],
        responses={200: s.DesignVersionSerializer, **ERR_R},
    )
    def get(self, request: Request, course_id: str, number: str) -> Response:
        """One design version of the course; 404 ``not_found`` for a number the course never saved."""
        row = api.design_version(self.course_key, version_number(number))
        return Response(s.DesignVersionSerializer(row).data)


def version_number(value: str) -> int:
    """A version number from the path; anything else (not a number, 0, over the column's range) is a 404."""
    number = object_id(value, NO_VERSION)
    if number > VERSION_MAX:
        raise errors.NotFound(NO_VERSION % {"id": repr(value)})
    return number


class OversizeGuard(FileUploadHandler):
    """
    Leaves a multipart body over ``limit`` bytes (by its ``Content-Length``) unread: no part is parsed or stored.

    Whoever reads the form first (the session's CSRF check reads it before the view) gets it empty; the view
    then refuses the upload from its ``Content-Length``.
    """

    def __init__(self, limit: int, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit = limit

    def handle_raw_input(
        self, input_data: object, META: dict, content_length: int, boundary: bytes, encoding: str | None = None
    ) -> tuple[QueryDict, MultiValueDict] | None:
        """An empty form for a body over the limit (nothing is read); else None: the other handlers parse it."""
        if content_length > self.limit:
            return QueryDict(encoding=encoding), MultiValueDict()
        return None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        """Hand the chunk on to the next handler."""
        return raw_data

    def file_complete(self, file_size: int) -> None:
        """Another handler makes the file."""
        return None


def upload_limit() -> int:
    """The largest multipart body an image upload may be: the image limit plus the form's boundaries and headers."""
    return api.CERTIFICATE_DESIGN_ASSET_MAX_BYTES + UPLOAD_OVERHEAD


def image_too_large(size: int) -> errors.InvalidInput:
    """The 400 for an upload over the image limit, from its size or its request's length."""
    message = gettext("The upload is %(size)s bytes; an image may be at most %(limit)s bytes.") % {
        "size": format(size, ","),
        "limit": format(api.CERTIFICATE_DESIGN_ASSET_MAX_BYTES, ","),
    }
    return errors.InvalidInput(message, field_errors={"file": [message]})


class DesignAssetView(CourseView):
    """
    Upload a logo, a background or a signature image for the course's designs (PNG or JPEG; never SVG).

    A request over the image limit is refused from its ``Content-Length`` before its body is read.
    """

    parser_classes = [MultiPartParser]

    def initialize_request(self, request: HttpRequest, *args: object, **kwargs: object) -> Request:
        """The request, its multipart body left unread when its ``Content-Length`` is over the upload limit."""
        request.upload_handlers = [OversizeGuard(upload_limit(), request), *request.upload_handlers]
        return super().initialize_request(request, *args, **kwargs)

    @documented(
        operation_id="design_assets_create",
        parameters=[COURSE_ID],
        request={"multipart/form-data": s.DesignAssetRequestSerializer},
        responses={201: s.DesignAssetSerializer, **ERR_W},
    )
    def post(self, request: Request, course_id: str) -> Response:
        """
        Upload an image (multipart ``file``, ``kind``: logo, background, signature): 201 with its name.

        400 ``invalid_input`` with a message saying why, in ``field_errors.file``: not a PNG or JPEG image (an SVG,
        a PDF, a file whose content is not the image its name says, a broken image), over 2 MB (refused from the
        request's length before it is read) or over 4000 x 4000 pixels; ``field_errors.kind`` for another kind.
        Instructors and global staff only.
        """
        length = content_length(request)
        if length > upload_limit():
            raise image_too_large(length)
        data = validated(s.DesignAssetRequestSerializer, request.data)
        if data["file"].size > api.CERTIFICATE_DESIGN_ASSET_MAX_BYTES:
            raise image_too_large(data["file"].size)
        asset = api.store_design_asset(self.course_key, data["kind"], data["file"], user=request.user)
        return Response(s.DesignAssetSerializer(asset).data, status=status.HTTP_201_CREATED)


class PreviewsForTheTeam(IsCourseTeam):
    """A preview reads: the whole course team may ask for one, course staff included (it is a POST for its body)."""

    message = gettext_lazy("You need a course team role for this course.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        """Whether the caller is on the course's team (read or manage access)."""
        if getattr(view, "course_key", None) is None:
            return False
        access = getattr(view, "course_access", None)
        if access is None:
            access = view.course_access = api.course_access(request.user, view.course_key)
        return access_allows(access, "GET")


class ErrorsInJson(DefaultContentNegotiation):
    """The body parsed by its ``Content-Type``; whatever the ``Accept`` header, errors answer JSON."""

    def select_renderer(
        self, request: Request, renderers: list[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        """The view's JSON renderer (its one answer that is not a file)."""
        return renderers[0], renderers[0].media_type


def preview_csp() -> str:
    """
    The preview page's Content-Security-Policy: no script, form, plugin or base URL; framed by this site only.

    Images only from this site and ``data:`` URIs (the preview inlines the uploaded logo and background); styles
    and fonts from this site, the static files' origin and the page's own ``<style>``.
    """
    styles = " ".join(["'self'", *origins(settings.STATIC_URL)])
    return (
        f"default-src 'none'; img-src 'self' data:; style-src {styles} 'unsafe-inline'; font-src {styles} data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
    )


def origins(*urls: str | None) -> list[str]:
    """The distinct ``scheme://host`` of the absolute URLs among ``urls`` (relative ones are this site's)."""
    found = []
    for url in urls:
        parts = urlsplit(url or "")
        if parts.scheme in {"http", "https"} and parts.netloc and f"{parts.scheme}://{parts.netloc}" not in found:
            found.append(f"{parts.scheme}://{parts.netloc}")
    return found


def html_preview(html: str) -> HttpResponse:
    """The preview page: never cached, framed by this site only, without any script (``preview_csp``)."""
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = preview_csp()
    response["X-Frame-Options"] = "SAMEORIGIN"
    return private(response)


def pdf_preview(pdf: bytes) -> HttpResponse:
    """The preview PDF, shown in the browser (inline), never cached."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="certificate-preview.pdf"'
    return private(response)


def private(response: HttpResponse) -> HttpResponse:
    """A preview is for its requester only: never stored by a cache, never sniffed as another type."""
    patch_cache_control(response, private=True, no_store=True)
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "same-origin"
    return response


class DesignPreviewView(CourseView):
    """
    An unsaved design rendered as the web certificate (HTML) or the PDF, for a sample or a real learner.

    Nothing is saved and no certificate is made. A read: course staff may preview (``PreviewsForTheTeam``), and
    a restricted OAuth application needs ``certificates:read`` only.
    """

    permission_classes = [IsAuthenticated, CourseJwtApplicationAccess, PreviewsForTheTeam]
    required_scopes = ScopesByMethod(read=[READ_SCOPE], write=[READ_SCOPE])
    content_negotiation_class = ErrorsInJson

    @documented(
        operation_id="design_preview",
        parameters=[COURSE_ID],
        request=s.DesignPreviewRequestSerializer,
        responses={
            (200, "text/html"): OpenApiResponse(OpenApiTypes.STR, description=PREVIEW_ANSWER),
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description=PREVIEW_ANSWER),
            **PREVIEW_ERRORS,
        },
    )
    def post(self, request: Request, course_id: str) -> HttpResponse:
        """
        Render a design without saving it: the web certificate (``format`` html) or the PDF (pdf).

        Filled with a sample learner's data ("Sample Learner", 92 %, today), or with ``username``'s (a learner of
        the course: their name, grade and mode); ``mode`` and ``language`` choose the design's overrides. 400
        ``invalid_input`` names the failing part of the document as saving would; 404 ``user_not_found`` for a
        username or email that names no learner of the course. For the course team (course staff may preview).
        """
        data = validated(s.DesignPreviewRequestSerializer, request.data)
        username = data["username"].strip()
        if username:
            self.check_learner(username)
        options = {"username": username or None, "mode": data["mode"].strip(), "language": data["language"] or None}
        if data["format"] == "pdf":
            return pdf_preview(api.design_preview_pdf(self.course_key, data["document"], **options))
        return html_preview(api.design_preview_html(self.course_key, data["document"], **options))


class DesignApplyView(CourseView):
    """What applying a version to the issued certificates would change (GET); POST starts that job."""

    @documented(
        operation_id="design_apply_dry_run",
        parameters=[COURSE_ID, VERSION],
        responses={200: s.DesignApplyDryRunSerializer, **ERR_R},
    )
    def get(self, request: Request, course_id: str) -> Response:
        """
        Count the issued certificates that applying a version would change (those on another version), by mode.

        ``version`` defaults to the current design (``version`` null in the answer, and nothing to change, before
        the first save). 404 ``not_found`` for a version the course never saved. Writes nothing; course staff may
        read.
        """
        number = validated(s.DesignApplyRequestSerializer, request.query_params)["version"]
        return Response(s.DesignApplyDryRunSerializer(api.design_apply_dry_run(self.course_key, number)).data)

    @documented(
        operation_id="design_apply",
        parameters=[COURSE_ID],
        request=s.DesignApplyRequestSerializer,
        responses={202: s.JobSerializer, **ERR_W},
    )
    def post(self, request: Request, course_id: str) -> Response:
        """
        Start the job that applies a version (default: the current) to the issued certificates: 202 with the job.

        Each certificate on another version gets a new revision with the design (the old one is kept in its
        history). 409 ``job_already_running`` while the course has an active job (a second click included), 404
        ``not_found`` for a version the course never saved, 400 ``invalid_input`` before the first save.
        Instructors and global staff only.
        """
        number = validated(s.DesignApplyRequestSerializer, request.data)["version"]
        job = api.apply_design(self.course_key, number, requested_by=request.user)
        return job_response(job, request, status.HTTP_202_ACCEPTED)
