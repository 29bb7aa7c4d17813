"""``regenerate_certificates <course_id> --groups received,error``: start a regenerate job."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cert_manager_plugin import api
from cert_manager_plugin.data import GROUP_STATUS

from ._jobs_common import course_key, dumps, job_line, user

GROUPS = ", ".join(g.value for g in GROUP_STATUS)


class Command(BaseCommand):
    """Start a regenerate job for learner groups (or statuses) of a course."""

    help = f"Regenerate the certificates of learner groups ({GROUPS}) in a course, as a job."

    def add_arguments(self, parser: CommandParser) -> None:
        """Declare the course id, ``--groups``, ``--dry-run`` and ``--user``."""
        parser.add_argument("course_id")
        parser.add_argument(
            "--groups", required=True, help=f"comma-separated groups or statuses: {GROUPS}, or 'all' for every group"
        )
        parser.add_argument("--dry-run", action="store_true", help="count what would change; write nothing")
        parser.add_argument("--user", help="username or email recorded as the requester")

    def handle(self, *args: Any, **options: Any) -> None:
        """Submit the regenerate job (or its dry run) and print it: a line for a job, JSON counts for a dry run."""
        key = course_key(options["course_id"])
        groups = [g.strip() for g in options["groups"].split(",") if g.strip()]
        if groups == ["all"]:
            groups = [g.value for g in GROUP_STATUS]
        try:
            result = api.submit_job(
                key, "regenerate", statuses=groups, dry_run=options["dry_run"], requested_by=user(options["user"])
            )
        except api.CertManagerError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(dumps(result) if isinstance(result, dict) else job_line(result))
