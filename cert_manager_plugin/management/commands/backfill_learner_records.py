"""
``backfill_learner_records <course_id>...``: fill LearnerRecords from the LMS's enrollments and grades.

It also seeds the plugin's certificates (same verify ids), exceptions and invalidations from the LMS's own.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cert_manager_plugin import api

from ._jobs_common import course_key


class Command(BaseCommand):
    """Fill learner records and copy certificates, exceptions and invalidations from the LMS."""

    help = (
        "Create the LearnerRecords of courses from the LMS (enrollments + persistent grades) for learners "
        "the plugin has not heard of by event (records fed by events are kept), and copy the LMS's certificates "
        "(same verify ids), allowlist and invalidations for learners without ours. Then run generate_certificates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """Declare the course ids to backfill (one or more)."""
        parser.add_argument("course_ids", nargs="+")

    def handle(self, *args: Any, **options: Any) -> None:
        """Backfill each course given and print what was created, updated and copied; a bad course id is an error."""
        for course_id in options["course_ids"]:
            key = course_key(course_id)
            try:
                counts = api.backfill_learner_records(key)
            except api.CertManagerError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(
                f"{key}: {counts['created']} records created, {counts['updated']} updated; "
                f"from the LMS: {counts.get('certificates', 0)} certificates, {counts.get('exceptions', 0)} "
                f"exceptions, {counts.get('invalidations', 0)} invalidations"
            )
            if counts.get("skipped_statuses"):
                skipped = ", ".join(f"{n} {status}" for status, n in sorted(counts["skipped_statuses"].items()))
                self.stdout.write(f"{key}: not copied (statuses the plugin does not use): {skipped}")
