"""
Views of a course's certificate settings and policy changes.

``courses/{course_id}/settings`` (read, change), ``…/preview``, ``…/apply`` and ``…/undo``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework import status
from rest_framework.response import Response

from cert_manager_plugin import api

from ...schema import documented
from .. import serializers as s
from .base import CourseView, job_data, job_response, validated
from .params import COURSE_ID, ERR_R, ERR_W

if TYPE_CHECKING:
    from rest_framework.request import Request


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
        return Response(settings_data(api.get_course_settings(self.course_key)))

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
        return Response(settings_data(row))


def settings_data(row: api.CourseSettingsRow) -> dict:
    """The settings as ``CourseSettingsSerializer`` renders them, with the course's template (id and name)."""
    template = row.template
    context = {"template": {"id": template.id, "name": template.name} if template else None}
    return s.CourseSettingsSerializer(row, context=context).data


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
            job = job_data(last.job, request)
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
