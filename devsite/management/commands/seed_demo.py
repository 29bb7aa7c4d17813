"""
Seed the demo course through real openedx-events: ``python manage.py seed_demo``.

Creates ``course-v1:DemoX+CERT101+2026``, an instructor, a course staff member, a global admin and
``--learners`` learners across every common mode. Each learner is enrolled with COURSE_ENROLLMENT_CREATED
and graded with PERSISTENT_GRADE_SUMMARY_CHANGED (``send_event``), so the plugin's receivers build the
learner records and certificates exactly as inside the LMS. A few learners are re-graded (revisions), one
is put on the exception list and one certificate is invalidated, so every panel has data.

Idempotent: users are fetched or created by username, a learner that already has a LearnerRecord gets
no new events, and exceptions/invalidations are added only when missing.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey

from cert_manager_plugin import api
from cert_manager_plugin.data import CourseMode, CourseRole, JobKind, Source
from cert_manager_plugin.models import (
    Certificate,
    CertificateException,
    CertificateInvalidation,
    GenerationJob,
    LearnerRecord,
)
from cert_manager_plugin.standalone_host.models import StandaloneCourse, StandaloneCourseRole
from devsite import lms_events

COURSE_ID = "course-v1:DemoX+CERT101+2026"
COURSE_NAME = "Certificates 101: Keeping Credentials True"
PASSING = 0.6

# username -> (password, what the account is for); printed at the end of every run.
ACCOUNTS = {
    "admin": ("demo-admin", "global staff + Django admin"),
    "instructor": ("demo-instructor", "course instructor: manages certificates"),
    "staff": ("demo-staff", "course staff: reads the panel"),
}
LEARNER_PASSWORD = "demo-learner"

# Mostly verified/honor, some audit, a few professional/masters: (mode, weight).
MODES = [
    (CourseMode.VERIFIED, 45),
    (CourseMode.HONOR, 28),
    (CourseMode.AUDIT, 15),
    (CourseMode.PROFESSIONAL, 5),
    (CourseMode.NO_ID_PROFESSIONAL, 3),
    (CourseMode.MASTERS, 4),
]
FIRST = [
    "Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "John", "Margaret", "Ken", "Radia",
    "Tim", "Hedy", "Dennis", "Katherine", "Linus", "Shafi", "Niklaus", "Sophie", "Guido",
]  # fmt: skip
LAST = [
    "Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "McCarthy", "Hamilton", "Thompson",
    "Perlman", "Berners-Lee", "Lamarr", "Ritchie", "Johnson", "Torvalds", "Goldwasser", "Wirth", "Wilson", "Rossum",
]  # fmt: skip


class Command(BaseCommand):
    """Seed (or top up) the demo course; safe to run any number of times."""

    help = __doc__

    def add_arguments(self, parser) -> None:
        parser.add_argument("--learners", type=int, default=240, help="number of demo learners (default 240)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed for modes and grades")

    def handle(self, *args, learners: int, seed: int, **options) -> None:
        course_key = CourseKey.from_string(COURSE_ID)
        course, _ = StandaloneCourse.objects.update_or_create(
            course_key=course_key,
            defaults={
                "display_name": COURSE_NAME,
                "org": course_key.org,
                "start": datetime(2026, 1, 12, tzinfo=UTC),
                "end": datetime(2026, 12, 18, tzinfo=UTC),
            },
        )
        staff_users = self._accounts(course_key)
        created = self._learners(course_key, course.display_name, learners, random.Random(seed))
        self._lists(course_key, staff_users["instructor"])
        if not GenerationJob.objects.filter(course_key=course_key, kind=JobKind.GENERATE_ALL).exists():
            self._generate_all(course_key, staff_users["instructor"])
        self._report(course_key, created)

    # --- accounts ------------------------------------------------------------------------------------

    def _accounts(self, course_key: CourseKey) -> dict:
        """admin (superuser), instructor and staff (course roles); passwords reset to the demo ones."""
        User = get_user_model()
        users = {}
        for username, (password, _) in ACCOUNTS.items():
            user, _ = User.objects.get_or_create(
                username=username,
                defaults={"email": f"{username}@demo.example.com", "first_name": username.title()},
            )
            user.set_password(password)
            user.is_staff = user.is_superuser = username == "admin"
            user.save()
            users[username] = user
        for username, role in (("instructor", CourseRole.INSTRUCTOR), ("staff", CourseRole.STAFF)):
            StandaloneCourseRole.objects.get_or_create(user=users[username], course_key=course_key, role=role)
        return users

    # --- learners through real events ----------------------------------------------------------------

    def _learners(self, course_key: CourseKey, display_name: str, count: int, rng: random.Random) -> int:
        """Create learners and send their enrollment and grade events; returns how many were new."""
        User = get_user_model()
        course = lms_events.course_data(course_key, display_name)
        password = make_password(LEARNER_PASSWORD)  # hashed once: the same demo password for every learner
        modes, weights = zip(*MODES, strict=True)
        seeded = set(LearnerRecord.objects.filter(course_key=course_key).values_list("user_id", flat=True))
        start = timezone.now() - timedelta(days=30)
        new = 0
        for n in range(1, count + 1):
            # Draw every learner's values even when skipped, so reruns give each learner the same data.
            mode = rng.choices(modes, weights)[0]
            percent = round(rng.betavariate(5, 2.2), 2)
            regrade = rng.random() < 0.06
            first, last = FIRST[(n - 1) % len(FIRST)], LAST[(n * 7) % len(LAST)]
            username = f"learner{n:03d}"
            user, _ = User.objects.get_or_create(
                username=username,
                defaults={
                    "email": f"{username}@demo.example.com",
                    "first_name": first,
                    "last_name": last,
                    "password": password,
                },
            )
            if user.pk in seeded:
                continue
            at = start + timedelta(minutes=n)
            lms_events.enroll(user, course, str(mode), at=at)
            if regrade:
                # An early, lower grade first: the later event updates the same certificate and keeps a revision.
                early = max(round(percent - 0.12, 2), PASSING)
                lms_events.grade(user, course, early, True, at=at + timedelta(days=1))
            lms_events.grade(user, course, percent, percent >= PASSING, at=at + timedelta(days=2))
            new += 1
        return new

    # --- exception list and invalidations ------------------------------------------------------------

    def _lists(self, course_key: CourseKey, instructor) -> None:
        """One allowlisted learner below passing (with a certificate) and one invalidated certificate."""
        if not CertificateException.objects.filter(course_key=course_key).exists():
            record = (
                LearnerRecord.objects.filter(course_key=course_key, passed=False, is_active=True)
                .exclude(mode=CourseMode.AUDIT)
                .order_by("user_id")
                .first()
            )
            if record is not None:
                username = record.user.username
                api.grant_exception(
                    course_key, username, notes="Completed the work offline (demo)", granted_by=instructor
                )
                api.reconcile_learner(record.user_id, course_key, source=Source.EXCEPTION, actor_id=instructor.pk)
        if not CertificateInvalidation.objects.filter(certificate__course_key=course_key).exists():
            cert = (
                Certificate.objects.filter(course_key=course_key, status="downloadable")
                .exclude(user__in=CertificateException.objects.filter(course_key=course_key).values("user"))
                .order_by("-user_id")
                .first()
            )
            if cert is not None:
                api.invalidate_certificate(
                    course_key, cert.user.username, notes="Academic integrity review (demo)", invalidated_by=instructor
                )

    def _generate_all(self, course_key: CourseKey, instructor) -> None:
        """One "generate all" job (inline in the demo): every learner gets a row, so every status shows up."""
        try:
            job = api.submit_job(course_key, JobKind.GENERATE_ALL, requested_by=instructor)
        except api.CertManagerError as exc:
            self.stderr.write(f"generate_all not started: {exc}")
            return
        job = api.get_job(course_key, job.id)  # as it reads after the inline run
        self.stdout.write(f"generate_all job {job.id}: {job.state}")

    # --- summary -------------------------------------------------------------------------------------

    def _report(self, course_key: CourseKey, created: int) -> None:
        """What is in the database now, and how to sign in."""
        certificates = Certificate.objects.filter(course_key=course_key)
        by_status = {}
        for status in certificates.values_list("status", flat=True):
            by_status[status] = by_status.get(status, 0) + 1
        records = LearnerRecord.objects.filter(course_key=course_key).count()
        out = self.stdout.write
        out(self.style.SUCCESS(f"Demo course {course_key}: {records} learners ({created} new this run)"))
        out(f"  certificates by status: {dict(sorted(by_status.items()))}")
        out(
            f"  exceptions: {CertificateException.objects.filter(course_key=course_key).count()}, "
            f"invalidations: {CertificateInvalidation.objects.filter(certificate__course_key=course_key).count()}"
        )
        out("")
        out("Logins (demo passwords):")
        for username, (password, what) in ACCOUNTS.items():
            out(f"  {username:<12} {password:<18} {what}")
        out(f"  learner001 .. learner{records:03d}  {LEARNER_PASSWORD:<8} every learner (learner dashboard)")
