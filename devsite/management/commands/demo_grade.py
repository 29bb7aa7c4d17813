"""
``python manage.py demo_grade <username> <percent>``: change a demo learner's grade the way the LMS does.

It sends the openedx-events an LMS sends when a persistent course grade is saved (PERSISTENT_GRADE_SUMMARY_CHANGED,
through ``devsite.lms_events``), so the plugin's receivers record the grade and its sweep reconciles the certificate:
the 85 → 95 story of the demo in two commands. The passing cutoff is the seed's (60 %). With ``--wait`` (default 15
seconds) it waits for the certificate to follow and prints it.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from cert_manager_plugin.models import Certificate, LearnerRecord
from devsite import lms_events
from devsite.management.commands.seed_demo import COURSE_ID, PASSING


def parse_percent(raw: str) -> float:
    """``95``, ``95%`` or ``0.95`` as a 0-1 fraction; ``CommandError`` outside 0-100 %."""
    try:
        value = float(raw.strip().rstrip("%"))
    except ValueError as exc:
        raise CommandError(f"'{raw}' is not a grade: give a percentage such as 95 or 0.95.") from exc
    fraction = value / 100 if value > 1 else value
    if not 0 <= fraction <= 1:
        raise CommandError(f"'{raw}' is not between 0 and 100 %.")
    return round(fraction, 4)


class Command(BaseCommand):
    """Send a learner's new grade as the LMS's events, then show the certificate that follows it."""

    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        """The learner, the grade, the course and how long to wait for the certificate."""
        parser.add_argument("username", help="a demo learner, e.g. learner001")
        parser.add_argument("percent", help="the new grade: 95, 95%% or 0.95")
        parser.add_argument("--course", default=COURSE_ID, help=f"the course (default {COURSE_ID})")
        parser.add_argument("--wait", type=float, default=15.0, help="seconds to wait for the certificate (0: none)")

    def handle(self, *args: Any, **options: Any) -> None:
        """Send the grade event and report the certificate."""
        percent = parse_percent(options["percent"])
        try:
            course_key = CourseKey.from_string(options["course"])
        except InvalidKeyError as exc:
            raise CommandError(f"'{options['course']}' is not a course id.") from exc
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user '{options['username']}'.")
        if not LearnerRecord.objects.filter(user=user, course_key=course_key, is_active=True).exists():
            raise CommandError(f"'{user.username}' is not enrolled in {course_key}.")
        before = Certificate.objects.filter(user=user, course_key=course_key).values_list("revision", flat=True).first()
        course = lms_events.course_data(course_key, "")
        lms_events.grade(user, course, percent, percent >= PASSING)
        self.stdout.write(f"{user.username}: grade {percent:.0%} sent (PERSISTENT_GRADE_SUMMARY_CHANGED).")
        self._report(user, course_key, before, options["wait"])

    def _report(self, user: object, course_key: CourseKey, before: int | None, wait: float) -> None:
        """Wait up to ``wait`` seconds for the certificate to change, then print it (or say it did not change)."""
        deadline = time.monotonic() + wait
        while True:
            cert = Certificate.objects.filter(user=user, course_key=course_key).first()
            if (cert is not None and cert.revision != before) or time.monotonic() >= deadline:
                break
            time.sleep(0.25)
        if cert is None:
            self.stdout.write("No certificate (the grade does not earn one).")
            return
        grade = "" if cert.grade is None else f", grade {cert.grade:.0%}"
        changed = "" if cert.revision != before else " (unchanged so far: is the demo's worker running?)"
        self.stdout.write(
            f"Certificate {cert.verify_uuid}: {cert.status}{grade}, revision {cert.revision}{changed}."
            f" Verify page: /cert_manager/certificates/{cert.verify_uuid}/verify/"
        )
