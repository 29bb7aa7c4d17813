"""
Learner-facing and public views.

The signed-in learner's certificates (``me/certificates``), their status in one course and self-generation
(``courses/{course_id}/me/certificate``), public verification (``verify/{verify_uuid}``) and the JSON 404 of
any other path.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NoReturn

from django.utils.translation import gettext
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from cert_manager_plugin import api, errors, labels
from cert_manager_plugin.data import CertificateStatus

from ... import errors as rest_errors
from ...permissions import LearnerCourseJwtApplicationAccess, in_course, known_course
from ...schema import documented
from .. import serializers as s
from .base import BaseView, no_course_message
from .params import COURSE_ID, ERR_R, ERR_W, PAGE, VERIFY_UUID

if TYPE_CHECKING:
    from rest_framework.request import Request


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
        return self.paginate(
            api.learner_certificates(request.user),
            s.LearnerCertificateSerializer,
            links=lambda page: certificate_links(page, request),
        )


def certificate_links(certs: Iterable[api.LearnerCertificateRow], request: Request) -> dict[uuid.UUID, dict[str, str]]:
    """
    The four URLs of each issued certificate among ``certs``, by verify id (``LearnerCertificateSerializer``).

    One ``api.links_builder`` for them all (one reverse() per kind), none while no certificate is issued.
    """
    issued = [cert.verify_uuid for cert in certs if cert.status == CertificateStatus.DOWNLOADABLE]
    if not issued:
        return {}
    build = api.links_builder(request=request)
    return {verify_uuid: build(verify_uuid) for verify_uuid in issued}


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
            self.course_key = api.resolve_course(course_id)
            return
        course_key = known_course(course_id)
        if course_key is None or not in_course(user, course_key):
            raise errors.NotFound(no_course_message(course_id, team=False), course_id=course_id)
        self.course_key = course_key

    def body(self, request: Request, cert: api.LearnerCertificateRow | None) -> dict:
        """The answer: the course, whether self-generation is on, and the learner's status and certificate."""
        context = {"request": request, "links": certificate_links([cert], request)} if cert else {}
        return {
            "course_id": str(self.course_key),
            "self_generation_enabled": api.get_course_settings(self.course_key).self_generation_enabled,
            "status": cert.status if cert else None,
            "certificate": s.LearnerCertificateSerializer(cert, context=context).data if cert else None,
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
            raise errors.CertificateNotFound(gettext("No certificate with this verification id."))

        def render() -> Response:
            return Response(api.cached(validators, "api", lambda: self.verification(validators.verify_uuid)))

        return api.conditional_response(request, validators, render)

    def verification(self, verify_uuid: uuid.UUID) -> dict:
        """The verification answer of the certificate with ``verify_uuid`` (no conditional GET matched, not cached)."""
        cert = api.certificate_by_verify_uuid(verify_uuid)
        if cert is None:
            raise errors.CertificateNotFound(gettext("No certificate with this verification id."))
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
        raise errors.NotFound(gettext("No API resource at %(path)s.") % {"path": request.path})

    post = put = patch = delete = get
