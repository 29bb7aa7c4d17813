"""
Views of the invalidations (``courses/{course_id}/invalidations…``).

The list (JSON pages or a CSV), invalidating a learner's certificate, a bulk CSV upload, and re-validating.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from cert_manager_plugin import api, errors

from ...schema import documented
from .. import serializers as s
from . import csv_lists
from .base import NO_INVALIDATION, CourseView, ListView, object_id, search_param, uploaded_csv, validated
from .params import COURSE_ID, CSV_FORMAT, ERR_W, INVALIDATION_ID, LIST_RESPONSES, LIST_SEARCH, NO_CONTENT, PAGE

if TYPE_CHECKING:
    from django.http import StreamingHttpResponse
    from rest_framework.request import Request

#: The ``active`` query parameter's values: active invalidations only, lifted ones only, or all.
ACTIVE = {"true": True, "false": False, "all": None}


class InvalidationListView(ListView):
    """Invalidations (``?active=false`` for lifted ones, ``all`` for both; search, CSV); POST invalidates one."""

    csv_list = csv_lists.INVALIDATIONS

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
        wanted = request.query_params.get("active", "true").lower()
        if wanted not in ACTIVE:
            raise errors.InvalidInput(
                gettext("active must be true, false or all."), field_errors={"active": [gettext("Invalid.")]}
            )
        rows = api.invalidation_list(self.course_key, active=ACTIVE[wanted], search=search_param(request))
        return self.list_response(rows, s.InvalidationSerializer)

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
        row = api.invalidate_certificate(
            self.course_key, data["user"], notes=data["notes"], invalidated_by=request.user
        )
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
            self.course_key, object_id(invalidation_id, NO_INVALIDATION), revalidated_by=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
