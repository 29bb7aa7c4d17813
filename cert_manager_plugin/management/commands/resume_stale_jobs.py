"""``resume_stale_jobs [--fail-only]``: fail jobs whose worker died (stale heartbeat) and resume them."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from cert_manager_plugin import api


class Command(BaseCommand):
    help = (
        "Mark failed the jobs without a heartbeat for CERT_MANAGER_JOB_STALE_SECONDS, then resume them "
        "(only their unfinished chunks run again). --fail-only just marks them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fail-only", action="store_true")

    def handle(self, *args, **options):
        if options["fail_only"]:
            failed = api.fail_stale_jobs()
            self.stdout.write(f"{len(failed)} stale jobs marked failed: {failed}")
            return
        resumed = api.resume_stale_jobs()
        self.stdout.write(f"{len(resumed)} stale jobs resumed: {resumed}")
