"""
Views of the course team's certificates (``courses/{course_id}/certificates…``, ``…/learners/…``).

The list (JSON pages or a CSV), one learner's certificate, its revisions, the learner's history, and
regenerating it.

Learner lookups answer 404 ``user_not_found`` alike for an unknown account and an account that is not a learner
of the course (``CourseView.check_learner``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.response import Response

from cert_manager_plugin import api, errors
from cert_manager_plugin.data import CertificateStatus

from ...schema import documented
from .. import serializers as s
from . import csv_lists
from .base import CourseView, ListView, search_param, validated
from .params import (
    COURSE_ID,
    CSV_FORMAT,
    ERR_R,
    ERR_W,
    LIST_RESPONSES,
    NO_CONTENT,
    NO_NUL,
    ORDERING,
    PAGE,
    STATUS_LIST_PATTERN,
    USERNAME,
)

if TYPE_CHECKING:
    from django.http import StreamingHttpResponse
    from opaque_keys.edx.keys import CourseKey
    from rest_framework.request import Request


def credential_context(course_key: CourseKey) -> dict:
    """The serializer context of ``credential_status``: the page's states (computed per page), or none without a key."""
    if not api.credentials_configured():
        return {}
    return {"credential_states": lambda page: api.credential_states(course_key, page)}


class CertificateListView(ListView):
    """Issued certificates (search, status filter, pagination, CSV); DELETE removes them all."""

    csv_list = csv_lists.CERTIFICATES

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
            CSV_FORMAT,
            ORDERING,
            *PAGE,
        ],
        responses={(200, "application/json"): s.CertificatePageSerializer, **LIST_RESPONSES},
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
        ``status`` (one GROUP BY query): what the panel's "delete all" dialog counts. Each row's
        ``credential_status`` says what its verifiable credential is now (two queries for the page; null on a site
        without a signing key).
        """
        search = search_param(request)
        wanted = request.query_params.get("status", "").strip()
        unknown = {v.strip() for v in wanted.split(",") if v.strip()} - {c.value for c in CertificateStatus}
        if unknown:
            raise errors.InvalidInput(
                gettext("Unknown status: %(statuses)s.") % {"statuses": ", ".join(sorted(unknown))},
                field_errors={"status": [gettext("Choose from %(statuses)s.") % {"statuses": ", ".join(s.STATUSES)}]},
            )
        ordering = request.query_params.get("ordering") or None
        rows = api.certificate_list(self.course_key, search=search, status=wanted or None, ordering=ordering)
        response = self.list_response(rows, s.CertificateSerializer, **credential_context(self.course_key))
        if isinstance(response, Response):  # a JSON page (not the CSV)
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
            raise errors.CertificateNotFound(
                gettext("'%(user)s' has no certificate in %(course_id)s.")
                % {"user": username, "course_id": self.course_key},
                user=username,
            )
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
        row = self.certificate(username)
        context = {k: states([row]) for k, states in credential_context(self.course_key).items()}
        return Response(s.CertificateSerializer(row, context=context).data)

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
        return Response(s.RegenerationSerializer(regeneration_data(outcome, dry_run=data["dry_run"])).data)


def regeneration_data(outcome: api.Regeneration, *, dry_run: bool) -> dict:
    """The ``RegenerationSerializer`` fields of a regeneration (the name: the one printed, else the stored one)."""
    before, change = outcome.before, outcome.change
    old = {"status": before.status, "grade": before.grade, "revision": before.revision}
    new = dict(old)
    if outcome.after is not None:
        new = {"status": outcome.after.status, "grade": outcome.after.grade, "revision": outcome.after.revision}
    elif change is not None:
        new = {"status": change.after, "grade": change.grade_after, "revision": before.revision + 1}
    return {
        "username": outcome.user.username,
        "name": (change.name if change else "") or before.name or outcome.user.username,
        "dry_run": dry_run,
        "changed": change is not None,
        "verify_uuid": before.verify_uuid,
        "before": old,
        "after": new,
        "certificate": api.certificate_row(outcome.after) if outcome.after is not None else None,
    }
