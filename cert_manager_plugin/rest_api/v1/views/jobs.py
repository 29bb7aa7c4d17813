"""
Views of bulk jobs (``courses/{course_id}/jobs…``, ``…/export``).

The generation history (JSON pages or a CSV), submitting a job or a dry run, one job's progress and cancelling
it, an export's file, and starting an export.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import FileResponse, HttpResponseRedirect
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import status
from rest_framework.response import Response

from cert_manager_plugin import api, errors
from cert_manager_plugin.data import JobKind

from ...schema import documented
from .. import serializers as s
from . import csv_lists
from .base import (
    NO_JOB,
    CourseView,
    IgnoreClientContentNegotiation,
    ListView,
    job_learners,
    job_response,
    object_id,
    search_param,
    validated,
)
from .params import COURSE_ID, CSV_FORMAT, ERR_R, ERR_W, JOB_ID, LIST_RESPONSES, NO_NUL, PAGE

if TYPE_CHECKING:
    from django.http import StreamingHttpResponse
    from rest_framework.request import Request


class JobListView(ListView):
    """The course's generation history (search, ``state=active``, CSV); POST starts a job (or counts a dry run)."""

    csv_list = csv_lists.HISTORY

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
            raise errors.InvalidInput(
                gettext("state must be all or active."), field_errors={"state": [gettext("Choose all or active.")]}
            )
        search = search_param(request)
        rows = api.jobs(self.course_key, active=state == "active", search=search)
        return self.list_response(rows, s.JobSerializer, learners=job_learners)

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
        return job_response(api.get_job(self.course_key, object_id(job_id, NO_JOB)), request)

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
            api.cancel_job(self.course_key, object_id(job_id, NO_JOB), cancelled_by=request.user), request
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
        job = api.get_job(self.course_key, object_id(job_id, NO_JOB))
        stored = api.stored_export(job.result) if job.kind == JobKind.EXPORT and job.state == "succeeded" else None
        missing = errors.NotFound(
            gettext("Job %(id)s has no file to download: only a finished export has one, until it is cleaned up.")
            % {"id": job.id},
            job_id=job.id,
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
