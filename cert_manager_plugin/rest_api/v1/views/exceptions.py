"""
Views of the exception list (``courses/{course_id}/exceptions…``).

The list (JSON pages or a CSV), adding and removing a learner, and a bulk CSV upload.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from cert_manager_plugin import api

from ...schema import documented
from .. import serializers as s
from . import csv_lists
from .base import CourseView, ListView, search_param, uploaded_csv, validated
from .params import COURSE_ID, CSV_FORMAT, ERR_W, LIST_RESPONSES, LIST_SEARCH, NO_CONTENT, PAGE, USERNAME

if TYPE_CHECKING:
    from django.http import StreamingHttpResponse
    from rest_framework.request import Request


class ExceptionListView(ListView):
    """The exception list (name, email, granted, certificate generated, notes; search, CSV); POST adds a learner."""

    csv_list = csv_lists.EXCEPTIONS

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
        return self.list_response(rows, s.ExceptionSerializer)

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
        row = api.grant_exception(self.course_key, data["user"], notes=data["notes"], granted_by=request.user)
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
        result = api.import_exceptions(
            self.course_key, uploaded_csv(request), granted_by=request.user, reveal_accounts=self.reveal
        )
        return Response(result.as_dict())
