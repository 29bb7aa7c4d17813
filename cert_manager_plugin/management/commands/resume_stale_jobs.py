"""``resume_stale_jobs [--fail-only]``: fail jobs whose worker died (stale heartbeat) and resume them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cert_manager_plugin import api


class Command(BaseCommand):
    """Fail the jobs whose worker died (stale heartbeat) and resume them."""

    help = (
        "Mark failed the jobs without a heartbeat for CERT_MANAGER_JOB_STALE_SECONDS, then resume them "
        "(only their unfinished chunks run again). --fail-only just marks them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """Declare ``--fail-only`` (mark the stale jobs failed without resuming them)."""
        parser.add_argument("--fail-only", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        """Mark the stale jobs failed and resume them (``--fail-only``: only mark them); print their ids."""
        if options["fail_only"]:
            failed = api.fail_stale_jobs()
            self.stdout.write(f"{len(failed)} stale jobs marked failed: {failed}")
            return
        resumed = api.resume_stale_jobs()
        self.stdout.write(f"{len(resumed)} stale jobs resumed: {resumed}")
