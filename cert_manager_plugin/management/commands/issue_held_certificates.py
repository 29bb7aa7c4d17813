"""``issue_held_certificates [--course <id>]``: issue the certificates held until course end once it passed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cert_manager_plugin import api

from ._jobs_common import course_key


class Command(BaseCommand):
    """Issue the certificates held until course end in courses that have ended."""

    help = "Issue certificates held by the 'after course end' policy in courses whose end date has passed."

    def add_arguments(self, parser: CommandParser) -> None:
        """Declare ``--course`` (only this course id)."""
        parser.add_argument("--course", help="only this course id")

    def handle(self, *args: Any, **options: Any) -> None:
        """Issue the held certificates (of one course with ``--course``) and print how many per course."""
        key = course_key(options["course"]) if options["course"] else None
        issued = api.issue_held_certificates(course_key=key)
        if not issued:
            self.stdout.write("no ended course holds certificates")
        for course_id, count in issued.items():
            self.stdout.write(f"{course_id}: {count} certificates issued")
