"""``job_status <course_id> [job_id] [--json] [--cancel | --resume]``: the job history and one job's progress."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cert_manager_plugin import api

from ._jobs_common import course_key, dumps, job_dict, job_line


class Command(BaseCommand):
    """Show a course's bulk jobs or one job, and optionally cancel or resume it."""

    help = "Show a course's bulk jobs (newest first) or one job; optionally cancel or resume it."

    def add_arguments(self, parser: CommandParser) -> None:
        """Declare the course id, an optional job id, ``--limit``, ``--json`` and ``--cancel`` or ``--resume``."""
        parser.add_argument("course_id")
        parser.add_argument("job_id", nargs="?", type=int)
        parser.add_argument("--limit", type=int, default=20)
        parser.add_argument("--json", action="store_true")
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--cancel", action="store_true", help="cancel the job (stops after the current chunk)")
        action.add_argument("--resume", action="store_true", help="resume a failed or cancelled job")

    def handle(self, *args: Any, **options: Any) -> None:
        """Print the jobs (or one job, cancelled or resumed first when asked) as lines or as JSON."""
        key = course_key(options["course_id"])
        job_id = options["job_id"]
        if (options["cancel"] or options["resume"]) and job_id is None:
            raise CommandError("--cancel and --resume need a job id.")
        try:
            if options["cancel"]:
                found = [api.cancel_job(key, job_id)]
            elif options["resume"]:
                found = [api.resume_job(key, job_id)]
            elif job_id is not None:
                found = [api.get_job(key, job_id)]
            else:
                found = list(api.jobs(key)[: options["limit"]])
        except api.CertManagerError as exc:
            raise CommandError(exc.message) from exc
        if options["json"]:
            self.stdout.write(dumps([job_dict(j) for j in found] if job_id is None else job_dict(found[0])))
            return
        if not found:
            self.stdout.write(f"no jobs for {key}")
        for job in found:
            self.stdout.write(job_line(job))
