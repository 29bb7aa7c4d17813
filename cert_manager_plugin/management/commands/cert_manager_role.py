"""
Grant, revoke and list the standalone adapter's course team roles.

    manage.py cert_manager_role grant <username-or-email> <course_id> [--role instructor|staff]
    manage.py cert_manager_role revoke <username-or-email> <course_id> [--role instructor|staff]
    manage.py cert_manager_role list [--course <course_id>]

Inside the LMS (``CERT_MANAGER_LMS_BACKEND = "edx_platform"``, whose adapter has no ``has_course_roles_command``)
course roles come from the LMS's own course team (Studio / ``CourseAccessRole``); this command then refuses to
run, so nobody edits a table nobody reads.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cert_manager_plugin import api, errors
from cert_manager_plugin.data import CourseRole

ROLES = [r.value for r in CourseRole]


class Command(BaseCommand):
    """Grant, revoke or list the standalone adapter's course team roles (refused inside the LMS)."""

    help = "Grant, revoke or list course team roles (instructor: manage certificates; staff: read)."

    def add_arguments(self, parser: CommandParser) -> None:
        """Declare the ``grant``, ``revoke`` and ``list`` subcommands, each with its arguments."""
        sub = parser.add_subparsers(dest="action", required=True)
        for action in ("grant", "revoke"):
            cmd = sub.add_parser(action, help=f"{action} a course role")
            cmd.add_argument("user", help="username or email")
            cmd.add_argument("course_id", help="course key, e.g. course-v1:edX+DemoX+2026")
            cmd.add_argument("--role", choices=ROLES, default=CourseRole.INSTRUCTOR.value)
        listing = sub.add_parser("list", help="list roles")
        listing.add_argument("--course", dest="course_id", default=None)

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        """Run the ``grant``, ``revoke`` or ``list`` action; an unknown course or user, or the LMS, fails it."""
        if not api.lms_capabilities().has_course_roles_command:
            raise CommandError("Course roles come from the LMS course team here; manage them in Studio or the LMS.")
        try:
            if action == "list":
                self.list_roles(options["course_id"])
                return
            course_key = api.parse_course_key(options["course_id"])
            if api.course_info(course_key) is None:
                raise errors.CourseNotFound(f"No course '{course_key}'.")
            user = api.resolve_user(options["user"])
        except errors.CertManagerError as exc:
            raise CommandError(exc.message) from exc
        role = options["role"]
        if action == "grant":
            if not api.grant_standalone_course_role(user, course_key, role):
                self.stdout.write(f"{user.username} is already {role} of {course_key}.")
                return
            self.stdout.write(self.style.SUCCESS(f"{user.username} is now {role} of {course_key}."))
        else:
            if not api.revoke_standalone_course_role(user, course_key, role):
                raise CommandError(f"{user.username} is not {role} of {course_key}.")
            self.stdout.write(self.style.SUCCESS(f"{user.username} is no longer {role} of {course_key}."))

    def list_roles(self, course_id: str | None) -> None:
        """Print the standalone course team roles (of one course, or all): course, role, username per line."""
        course_key = None
        if course_id:
            try:
                course_key = api.parse_course_key(course_id)
            except errors.CertManagerError as exc:
                raise CommandError(exc.message) from exc
        for row in api.course_role_list(course_key):
            self.stdout.write(f"{row.course_key}\t{row.role}\t{row.username}")
