"""``generate_certificates <course_id>``: start a generate-all (or exception-certificate) job."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cert_manager_plugin import api

from ._jobs_common import course_key, dumps, job_line, user


class Command(BaseCommand):
    """Start a generate-all job (or an exception-certificate job) for a course."""

    help = "Generate certificates for every learner of a course (or only the exception list), as a job."

    def add_arguments(self, parser: CommandParser) -> None:
        """Declare the course id, ``--exceptions new|all``, ``--dry-run`` and ``--user``."""
        parser.add_argument("course_id")
        parser.add_argument("--exceptions", choices=["new", "all"], help="only allowlisted learners (new or all)")
        parser.add_argument("--dry-run", action="store_true", help="count what would change; write nothing")
        parser.add_argument("--user", help="username or email recorded as the requester")

    def handle(self, *args: Any, **options: Any) -> None:
        """Submit the job (or its dry run) and print it: one line for a job, the counts as JSON for a dry run."""
        key = course_key(options["course_id"])
        kind, scope = (
            ("generate_exceptions", options["exceptions"]) if options["exceptions"] else ("generate_all", None)
        )
        try:
            result = api.submit_job(
                key, kind, scope=scope, dry_run=options["dry_run"], requested_by=user(options["user"])
            )
        except api.CertManagerError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(dumps(result) if isinstance(result, dict) else job_line(result))
