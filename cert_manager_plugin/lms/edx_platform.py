"""
The edx-platform adapter: the plugin inside the LMS. It imports edx-platform lazily, inside methods only.

Every method names the edx-platform API it calls:

===========================  ==================================================================
adapter function             edx-platform API
===========================  ==================================================================
``find_user``                ``common.djangoapps.student.models.get_user_by_username_or_email``
``find_users``               ``django.contrib.auth`` User ``username__in`` / ``email__in``
``display_names``            ``common.djangoapps.student.models.UserProfile`` (``name``), and
                             ``lms.djangoapps.certificates.utils.get_preferred_certificate_name`` when
                             ``openedx.features.name_affirmation_api.utils.get_name_affirmation_service()``
``course_roles``             ``common.djangoapps.student.roles.CourseInstructorRole`` /
                             ``CourseStaffRole`` (``has_user``)
``is_global_staff``          ``common.djangoapps.student.roles.GlobalStaff`` (``has_user``)
``course_overview``          ``openedx.core.djangoapps.content.course_overviews.api
                             .get_course_overview_or_none`` (then ``CourseOverview`` by ``id`` in
                             any case)
``enrolled_user_ids``        ``common.djangoapps.student.models.CourseEnrollment``
                             (``course_id``, ``is_active``)
``enrolled_among``           ``CourseEnrollment`` (``course_id``, ``is_active``, ``user_id__in``)
``backfill_rows``            ``CourseEnrollment`` joined with
                             ``lms.djangoapps.grades.models.PersistentCourseGrade``
``lms_certificates``         ``lms.djangoapps.certificates.models.GeneratedCertificate`` (read, for
                             the backfill: same verify ids) and ``CertificateInvalidation`` (active)
``lms_allowlist``            ``lms.djangoapps.certificates.models.CertificateAllowlist`` (``allowlist``)
``sync_lms_certificates``    ``GeneratedCertificate`` (and its ``history`` table, django-simple-history):
                             set-based UPDATE/INSERT, no ``save()``, so nothing is announced twice
``announce_lms_changes``     ``openedx.core.djangoapps.signals.signals`` ``COURSE_CERT_CHANGED`` /
                             ``COURSE_CERT_AWARDED`` / ``COURSE_CERT_REVOKED`` (``send_robust``, as
                             ``GeneratedCertificate.save()`` / ``_revoke_certificate()`` send them)
``connect_lms_writes``       ``post_save`` of ``GeneratedCertificate``, ``CertificateAllowlist``,
                             ``CertificateInvalidation``, ``CertificateGenerationCourseSetting``,
                             ``UserProfile``; ``post_delete`` of ``CertificateAllowlist`` (the LMS's own writes)
``lms_learner_lists``        ``CertificateAllowlist`` (``allowlist``) and active ``CertificateInvalidation``
``redact_lms_certificate_``  ``GeneratedCertificate.history`` (name), behind ``lms.djangoapps.certificates.config``
``history``                  ``ENABLE_REDACT_HISTORICAL_PII_RETIREMENT``
``preferred_languages``      ``openedx.core.djangoapps.user_api.models.UserPreference`` (``pref-lang``)
``silence_lms_certificate_`` ``COURSE_GRADE_NOW_FAILED``: disconnects ``lms.djangoapps.certificates.signals``
``handlers``                 ``_listen_for_failing_grade`` (dispatch_uid ``new_failing_learner``)
``retirement_signals``       ``openedx.core.djangoapps.user_api.accounts.signals``
                             ``USER_RETIRE_LMS_CRITICAL`` (kwargs ``user``, ``retired_username``,
                             ``retired_email``) and ``USER_RETIRE_LMS_MISC`` (``user``)
``web_certificate_config``   ``openedx.core.lib.courses.get_course_by_id`` (the course block) and
                             ``lms.djangoapps.certificates.api.get_active_web_certificate``; signature
                             images and ``org_logo_path`` through ``staticfiles_storage.url``; the org
                             logo from ``organizations.api.get_course_organizations`` (first one)
``course_asset``             ``xmodule.contentstore.content.StaticContent.get_location_from_path`` and
                             ``xmodule.assetstore.assetmgr.AssetManager.find`` (the content store)
===========================  ==================================================================
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey

from ..data import CourseRole, is_passing, passing_now
from ..sql import dt_adapter, ids_in, update_rows
from .base import (
    LOOKUP_CHUNK,
    BackfillRow,
    CourseInfo,
    LmsAllowlistRow,
    LmsCertificate,
    LmsCertificateRow,
    LmsLearnerLists,
    LmsTransition,
    Signatory,
    WebCertificateConfig,
    parse_lms_grade,
)
from .lookups import one_in_any_case, user_by_identifier, user_ids_among, users_by_identifier
from .write_through import _LmsPeople, _send_event, sync_model_rows

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


class EdxPlatformBackend:
    """Inside the LMS: every method imports edx-platform lazily (see the module docstring)."""

    # capabilities (``LmsAdapter``): the LMS's mail channel, retirement, certificate row and course team
    inside_lms = True
    sends_mail_through_ace = True
    owns_retirement = True
    writes_lms_certificates = True
    has_course_roles_command = False  # course roles are the LMS's course team (Studio, the instructor dashboard)

    def find_user(self, identifier: str) -> AbstractBaseUser | None:
        """
        A user by username or email through the LMS's own lookup, or None.

        ``get_user_by_username_or_email`` (exact; refuses accounts with a retirement request), then, as the
        standalone adapter does, an email in another case or an unambiguous username in another case, checked
        again through the LMS's function under its exact username so its refusals still apply.
        """
        from common.djangoapps.student.models import get_user_by_username_or_email

        User = get_user_model()
        identifier = (identifier or "").strip()
        try:
            return get_user_by_username_or_email(identifier)
        except User.MultipleObjectsReturned:
            return None
        except User.DoesNotExist:
            pass
        folded = user_by_identifier(identifier)
        if folded is None or folded.username == identifier:
            return None
        try:
            return get_user_by_username_or_email(folded.username)
        except (User.DoesNotExist, User.MultipleObjectsReturned):
            return None

    def find_users(self, identifiers: Iterable[str]) -> dict[str, object]:
        """Map each identifier (username, or email in any case) that exists to its user (Django's User, in bulk)."""
        return users_by_identifier(identifiers)

    def display_names(self, user_ids: Iterable[int]) -> dict[int, str]:
        """
        The name the LMS prints on certificates: ``get_preferred_certificate_name``, else the username.

        ``lms.djangoapps.certificates.utils.get_preferred_certificate_name`` (openedx/openedx-platform
        e57a655d77b614f19223984e9805b1fb940ab192) is the verified name when name affirmation says to use it for
        certificates, else the profile name. Set-based (one profile query) unless the name-affirmation plugin is
        installed, when the LMS's function answers for each learner. A retired account prints nothing: its
        username is a hash and its name is gone, whatever a profile row still says.
        """
        from common.djangoapps.student.models import UserProfile

        ids = list(user_ids)
        names = dict(ids_in(UserProfile.objects.all(), UserProfile, "user", ids).values_list("user_id", "name"))
        preferred = _preferred_names(ids)
        if preferred is not None:
            names.update(preferred)
        User = get_user_model()
        accounts = ids_in(User.objects.all(), User, User._meta.pk.name, ids).values_list("pk", "username")
        retired = getattr(settings, "RETIRED_USERNAME_PREFIX", "retired__user_")
        usernames = dict(accounts)
        return {
            i: "" if str(usernames.get(i, "")).startswith(retired) else (names.get(i) or usernames.get(i, ""))
            for i in ids
        }

    def course_roles(self, user: AbstractBaseUser, course_key: CourseKey) -> set[str]:
        """The LMS's course team roles (``CourseInstructorRole``, ``CourseStaffRole``) of the user."""
        from common.djangoapps.student.roles import CourseInstructorRole, CourseStaffRole

        roles = set()
        if CourseInstructorRole(course_key).has_user(user):
            roles.add(CourseRole.INSTRUCTOR.value)
        if CourseStaffRole(course_key).has_user(user):
            roles.add(CourseRole.STAFF.value)
        return roles

    def is_global_staff(self, user: AbstractBaseUser) -> bool:
        """Django staff, or the LMS's ``GlobalStaff`` role."""
        from common.djangoapps.student.roles import GlobalStaff

        return bool(getattr(user, "is_staff", False)) or GlobalStaff().has_user(user)

    def linkedin_configuration(self) -> Any:  # noqa: ANN401 - the LMS's model instance
        """
        ``LinkedInAddToProfileConfiguration.current()`` of the LMS (None when the LMS has no such model).

        ``common/djangoapps/student/models/user.py`` (openedx/edx-platform 01d40bd4255131e3f5391a2b648a49ff00d09f3e):
        a ConfigurationModel with ``company_identifier``, ``is_enabled()`` (also ``SOCIAL_SHARING_SETTINGS``'s
        ``CERTIFICATE_LINKEDIN``) and ``add_to_profile_url(course_name, cert_mode, cert_url, certificate=None)``.
        """
        try:
            from common.djangoapps.student.models import LinkedInAddToProfileConfiguration
        except ImportError:
            return None
        return LinkedInAddToProfileConfiguration.current()

    def course_overview(self, course_key: CourseKey) -> CourseInfo | None:
        """The course's name, organization and dates from the LMS's ``CourseOverview`` (None when unknown)."""
        from openedx.core.djangoapps.content.course_overviews.api import (
            get_course_overview_or_none,
        )

        overview = get_course_overview_or_none(course_key)
        if overview is None:  # another case: MySQL's collation finds it above, PostgreSQL's and SQLite's do not
            from openedx.core.djangoapps.content.course_overviews.models import CourseOverview

            overview = one_in_any_case(CourseOverview.objects.all(), "id", course_key)
        if overview is None:
            return None
        return CourseInfo(overview.id, overview.display_name, overview.org, overview.start, overview.end)

    def enrolled_user_ids(self, course_key: CourseKey) -> set[int]:
        """Ids of the learners actively enrolled in the course (the LMS's ``CourseEnrollment``)."""
        from common.djangoapps.student.models import CourseEnrollment

        return set(
            CourseEnrollment.objects.filter(course_id=course_key, is_active=True).values_list("user_id", flat=True)
        )

    def enrolled_among(self, course_key: CourseKey, user_ids: Iterable[int]) -> set[int]:
        """Which of ``user_ids`` are actively enrolled in the course (the LMS's ``CourseEnrollment``)."""
        from common.djangoapps.student.models import CourseEnrollment

        return user_ids_among(CourseEnrollment.objects, user_ids, course_id=course_key, is_active=True)

    def backfill_rows(self, course_key: CourseKey) -> Iterator[BackfillRow]:
        """
        Every enrollment of the course with the learner's persisted grade (``PersistentCourseGrade``).

        "Passing now" is a non-empty ``letter_grade``, as the LMS's ``CourseGrade`` reads it: edx-platform's
        ``PersistentCourseGrade.update_or_create`` sets ``passed_timestamp`` on the first pass and never clears
        it (lms/djangoapps/grades/models.py, openedx/openedx-platform 3b7eee77d13ce639d136eaa68b74d9b51e1a8a1a),
        so a learner who passed once and has since dropped below the cutoff still has one.
        """
        from common.djangoapps.student.models import CourseEnrollment
        from lms.djangoapps.grades.models import PersistentCourseGrade

        grades = {
            g["user_id"]: g
            for g in PersistentCourseGrade.objects.filter(course_id=course_key).values(
                "user_id", "percent_grade", "letter_grade", "passed_timestamp"
            )
        }
        enrollments = CourseEnrollment.objects.filter(course_id=course_key).values_list("user_id", "mode", "is_active")
        for user_id, mode, is_active in enrollments.iterator(chunk_size=2000):
            grade = grades.get(user_id, {})
            yield BackfillRow(
                user_id=user_id,
                mode=mode,
                is_active=is_active,
                percent_grade=grade.get("percent_grade"),
                passed=passing_now(grade.get("letter_grade"), grade.get("passed_timestamp")),
                passed_timestamp=grade.get("passed_timestamp"),
            )

    # --- the LMS's certificate record (GeneratedCertificate) follows ours ---------------------------

    def lms_allowlist(self, course_key: CourseKey) -> Iterator[LmsAllowlistRow]:
        """The LMS's certificate allowlist of the course (``CertificateAllowlist``, ``allowlist=True``)."""
        from lms.djangoapps.certificates.models import CertificateAllowlist

        rows = CertificateAllowlist.objects.filter(course_id=course_key, allowlist=True).values_list("user_id", "notes")
        for user_id, notes in rows.iterator(chunk_size=2000):
            yield LmsAllowlistRow(user_id, notes or "")

    def lms_certificates(self, course_key: CourseKey) -> Iterator[LmsCertificateRow]:
        """The course's ``GeneratedCertificate`` rows, each with whether the LMS invalidated it and why."""
        from lms.djangoapps.certificates.models import GeneratedCertificate

        return self._lms_certificate_rows(course_key, GeneratedCertificate.objects.filter(course_id=course_key))

    def _lms_certificate_rows(
        self, course_key: CourseKey, queryset: QuerySet, only_user: int | None = None
    ) -> Iterator[LmsCertificateRow]:
        """``queryset``'s rows (of ``course_key``; of ``only_user``, when given) with their active invalidation."""
        from lms.djangoapps.certificates.models import CertificateInvalidation

        active = CertificateInvalidation.objects.filter(generated_certificate__course_id=course_key, active=True)
        if only_user is not None:
            active = active.filter(generated_certificate__user_id=only_user)
        invalidated = dict(active.values_list("generated_certificate__user_id", "notes"))
        rows = queryset.values_list("user_id", "status", "mode", "grade", "name", "verify_uuid", "created_date")
        for user_id, status, mode, grade, name, verify_uuid, created in rows.iterator(chunk_size=2000):
            yield LmsCertificateRow(
                user_id=user_id,
                status=status,
                mode=mode,
                grade=parse_lms_grade(grade),
                name=name or "",
                verify_uuid=verify_uuid or "",
                created=created,
                invalidated=user_id in invalidated,
                invalidation_notes=invalidated.get(user_id) or "",
            )

    def sync_lms_certificates(
        self,
        course_key: CourseKey,
        targets: Sequence[LmsCertificate],
        verify_ids: Callable[[list[int]], dict[int, str]],
        download_url: Callable[[str], str],
    ) -> list[LmsTransition]:
        """
        Make the ``GeneratedCertificate`` rows of ``targets`` show our state, set-based.

        One read (rows locked where the database can), at most one verify-id lookup, at most two
        ``executemany`` UPDATEs, one ``executemany`` INSERT and one ``INSERT … SELECT`` into the history
        table, whatever the batch size. Rows that already agree (status, mode, grade, name) are not written:
        that also repairs rows the LMS changed behind our back (its failing-grade handler's
        ``mark_notpassing``) when a learner is reconciled.
        """
        from lms.djangoapps.certificates.models import GeneratedCertificate

        return sync_model_rows(GeneratedCertificate, course_key, targets, verify_ids, download_url)

    def announce_lms_changes(self, course_key: CourseKey, transitions: Sequence[LmsTransition]) -> int:
        """
        Send, after commit, exactly what the ``save()`` of each written row would have sent, in its order.

        ``GeneratedCertificate.save()`` (lms/djangoapps/certificates/models.py, openedx/openedx-platform
        2579a6d6aca7f65e8dbdda58066f294790808986) sends ``COURSE_CERT_CHANGED`` then openedx-events
        ``CERTIFICATE_CHANGED`` on every save, and ``COURSE_CERT_AWARDED`` then ``CERTIFICATE_CREATED`` on every save
        of a passing row (not only the first); ``_revoke_certificate`` saves, then sends ``COURSE_CERT_REVOKED`` and
        ``CERTIFICATE_REVOKED``. Programs and Credentials listen to these. Returns the rows announced.
        """
        from openedx_events.learning.data import CourseData
        from openedx_events.learning.signals import CERTIFICATE_CHANGED, CERTIFICATE_CREATED, CERTIFICATE_REVOKED

        from lms.djangoapps.certificates.models import GeneratedCertificate
        from openedx.core.djangoapps.signals.signals import (
            COURSE_CERT_AWARDED,
            COURSE_CERT_CHANGED,
            COURSE_CERT_REVOKED,
        )

        if not transitions:
            return 0
        pairs = (
            (COURSE_CERT_CHANGED, CERTIFICATE_CHANGED),
            (COURSE_CERT_AWARDED, CERTIFICATE_CREATED),
            (COURSE_CERT_REVOKED, CERTIFICATE_REVOKED),
        )
        heard = [(s.has_listeners(GeneratedCertificate), e.has_listeners()) for s, e in pairs]
        if not any(a or b for a, b in heard):
            return 0  # as Django's Signal.send: nobody listens, so no user is loaded for them
        # the Django signals pass the ``User`` instance: built only when one of them has listeners
        people = _LmsPeople((t.user_id for t in transitions), instances=any(a for a, _ in heard))
        course = CourseData(course_key=course_key)  # the batch's one course: the same frozen data for every row
        when = timezone.now()
        sent = 0
        for t in transitions:
            data = people.certificate_data(course, t)
            if data is None:  # the learner is gone
                continue
            kwargs = {"user": people.users.get(t.user_id), "course_key": course_key, "mode": t.mode, "status": t.after}
            steps = [0, *([1] if is_passing(t.after) else []), *([2] if t.revoked else [])]
            for step in steps:
                signal, event = pairs[step]
                if heard[step][0]:
                    signal.send_robust(sender=GeneratedCertificate, **kwargs)
                if heard[step][1]:
                    _send_event(event, data, when)
            sent += 1
        return sent

    def connect_lms_writes(self, receivers: Mapping[str, Callable[..., None]], dispatch_prefix: str) -> list[str]:
        """
        Connect each receiver to the model signal its name stands for (``senders`` below); returns those connected.

        These are the LMS's own writes (its ``save()``/``update_or_create``/``delete()``; the plugin writes the LMS's
        tables set-based, without signals): its certificate row, its allowlist and invalidation lists, the course's
        self-generation setting, and the learner's profile (the printed name).
        """
        from common.djangoapps.student.models import UserProfile
        from lms.djangoapps.certificates import models as certificates

        senders = {
            "certificate_saved": (post_save, certificates.GeneratedCertificate),
            "allowlist_saved": (post_save, certificates.CertificateAllowlist),
            "allowlist_deleted": (post_delete, certificates.CertificateAllowlist),
            "invalidation_saved": (post_save, certificates.CertificateInvalidation),
            "generation_setting_saved": (post_save, getattr(certificates, "CertificateGenerationCourseSetting", None)),
            "profile_saved": (post_save, UserProfile),
        }
        connected = []
        for name, receiver in receivers.items():
            signal, sender = senders.get(name, (None, None))
            if sender is None:
                continue
            signal.connect(receiver, sender=sender, dispatch_uid=f"{dispatch_prefix}.{name}")
            connected.append(name)
        return connected

    def lms_learner_lists(self, course_key: CourseKey, user_id: int) -> LmsLearnerLists:
        """The learner's entries in the course's ``CertificateAllowlist`` and active ``CertificateInvalidation``."""
        from lms.djangoapps.certificates.models import CertificateAllowlist, CertificateInvalidation

        allowed = CertificateAllowlist.objects.filter(course_id=course_key, user_id=user_id, allowlist=True)
        allow = allowed.values_list("notes").first()  # ("notes",), (None,) or None: one read each
        invalid = CertificateInvalidation.objects.filter(
            generated_certificate__course_id=course_key, generated_certificate__user_id=user_id, active=True
        )
        invalidation = invalid.values_list("notes").first()
        return LmsLearnerLists(
            allowlisted=allow is not None,
            allowlist_notes=(allow or ("",))[0] or "",
            invalidated=invalidation is not None,
            invalidation_notes=(invalidation or ("",))[0] or "",
        )

    def lms_certificate(self, course_key: CourseKey, user_id: int) -> LmsCertificateRow | None:
        """The learner's ``GeneratedCertificate`` in the course, with its invalidation, or None."""
        from lms.djangoapps.certificates.models import GeneratedCertificate

        rows = GeneratedCertificate.objects.filter(course_id=course_key, user_id=user_id)
        return next(self._lms_certificate_rows(course_key, rows, user_id), None)

    def push_allowlist(self, course_key: CourseKey, entries: Mapping[int, str | None]) -> set[int]:
        """
        Make the LMS's ``CertificateAllowlist`` show the plugin's exception list for these learners, set-based.

        ``entries`` maps a learner to the notes of their exception, or to None when they have none (the LMS's entry
        is then turned off, ``allowlist=False``, as its list reads only ``allowlist=True``). Written with queryset
        ``update``/``bulk_create`` (no ``post_save``), like the LMS's own v2 re-validation: nothing echoes back into
        the plugin. Returns the learners whose LMS entry now lists them. One read, at most three writes per
        chunk of ``LOOKUP_CHUNK``.
        """
        from lms.djangoapps.certificates.models import CertificateAllowlist

        now, listed = timezone.now(), set()
        stamp = dt_adapter()(now)
        items = list(entries.items())
        for start in range(0, len(items), LOOKUP_CHUNK):
            chunk = dict(items[start : start + LOOKUP_CHUNK])
            rows = CertificateAllowlist.objects.filter(course_id=course_key, user_id__in=list(chunk))
            have = dict(rows.values_list("user_id", "pk"))
            on = [u for u, notes in chunk.items() if notes is not None]
            off = [u for u, notes in chunk.items() if notes is None and u in have]
            # notes differ per learner: one UPDATE by key for all of them (sql.update_rows)
            update_rows(
                CertificateAllowlist,
                ["allowlist", "notes", "modified"],
                [(True, chunk[u], stamp, have[u]) for u in on if u in have],
            )
            CertificateAllowlist.objects.bulk_create(
                [
                    CertificateAllowlist(user_id=u, course_id=course_key, allowlist=True, notes=chunk[u])
                    for u in on
                    if u not in have
                ]
            )
            if off:
                rows.filter(user_id__in=off, allowlist=True).update(allowlist=False, modified=now)
            listed.update(on)
        return listed

    def push_invalidation(
        self, course_key: CourseKey, user_id: int, notes: str | None, invalidated_by: int | None
    ) -> bool:
        """
        Make the LMS's ``CertificateInvalidation`` of the learner's row show the plugin's (active, or lifted).

        As ``create_certificate_invalidation_entry`` (one row per certificate, ``update_or_create``) but without
        signals. ``notes`` None lifts it (``active=False``, as the LMS's v2 re-validation). An active entry needs
        the LMS's row and an invalidating user (the LMS's column is not nullable): without them nothing is written.
        True when the LMS's list now holds the invalidation.
        """
        from lms.djangoapps.certificates.models import CertificateInvalidation, GeneratedCertificate

        now = timezone.now()
        row = GeneratedCertificate.objects.filter(course_id=course_key, user_id=user_id).values_list("pk").first()
        if row is None:
            return False
        entries = CertificateInvalidation.objects.filter(generated_certificate_id=row[0])
        if notes is None:
            entries.filter(active=True).update(active=False, modified=now)
            return False
        fields = {"active": True, "notes": notes}
        if invalidated_by is not None:
            fields["invalidated_by_id"] = invalidated_by
        if entries.update(**fields, modified=now):
            return True
        if invalidated_by is None:
            return False
        CertificateInvalidation.objects.bulk_create(
            [CertificateInvalidation(generated_certificate_id=row[0], **fields)]
        )
        return True

    def redact_lms_certificate_history(self, user_id: int) -> int:
        """
        Blank ``name`` on the user's ``GeneratedCertificate`` history rows when the LMS's flag says so.

        As ``clear_pii_from_certificate_records_for_user`` (lms/djangoapps/certificates/api.py,
        openedx/openedx-platform 21572afe319f6742dac1c181f6ca9b74d77b2e86) does with waffle flag
        ``certificates.enable_redact_historical_pii_retirement`` on (config.py at
        a29f936c07e9c748765d9200f07e5d416934f69a; another stored version names it
        ``ENABLE_HISTORICAL_PII_RETIREMENT``): the history rows the plugin wrote follow the LMS's decision.
        Returns the rows changed.
        """
        from lms.djangoapps.certificates import config
        from lms.djangoapps.certificates.models import GeneratedCertificate

        flag = getattr(config, "ENABLE_REDACT_HISTORICAL_PII_RETIREMENT", None) or getattr(
            config, "ENABLE_HISTORICAL_PII_RETIREMENT", None
        )
        history = getattr(GeneratedCertificate, "history", None)
        if flag is None or history is None or not flag.is_enabled():
            return 0
        return history.filter(user_id=user_id).exclude(name="").update(name="")

    def silence_lms_certificate_handlers(self) -> list[str]:
        """
        Disconnect edx-platform's failing-grade handler, which revokes what the plugin keeps.

        The handler is ``lms.djangoapps.certificates.signals._listen_for_failing_grade`` (dispatch_uid
        ``new_failing_learner`` on ``COURSE_GRADE_NOW_FAILED``): on every failing grade update it
        ``mark_notpassing()``-es a passing ``GeneratedCertificate`` of a learner off the LMS's allowlist,
        neither behind ``CertificateCreationRequested`` nor behind the auto-generation switch, so it would
        revoke (and announce the revocation of) certificates the plugin keeps: a learner on the plugin's
        exception list, or any learner in a course that keeps certificates on a grade drop.
        Returns the handlers disconnected.
        """
        from openedx.core.djangoapps.signals.signals import COURSE_GRADE_NOW_FAILED

        return ["new_failing_learner"] if COURSE_GRADE_NOW_FAILED.disconnect(dispatch_uid="new_failing_learner") else []

    def preferred_languages(self, user_ids: Iterable[int]) -> dict[int, str]:
        """``UserPreference`` ``pref-lang`` of each learner, one query."""
        from openedx.core.djangoapps.user_api.models import UserPreference

        rows = UserPreference.objects.filter(user_id__in=list(user_ids), key="pref-lang")
        return {user_id: value for user_id, value in rows.values_list("user_id", "value") if value}

    def web_certificate_config(self, course_key: CourseKey, mode: str) -> WebCertificateConfig | None:
        """
        The course's active web-certificate configuration, read as the LMS's own web certificate reads it.

        ``render_html_view`` (lms/djangoapps/certificates/views/webview.py, openedx/openedx-platform
        22eb254bbc0a8d51b5c02079b4140df14d78242b) loads the course block with ``get_course_by_id`` and takes
        ``get_active_web_certificate(course, preview_mode)`` (lms/djangoapps/certificates/api.py at
        21572afe319f6742dac1c181f6ca9b74d77b2e86: the first configuration of the block's ``certificates`` field
        with ``is_active``; a learner's page is never in preview mode, so an inactive one prints nothing).
        ``_update_course_context`` prints ``certificate_data["course_title"]`` instead of the course's
        ``display_name`` when set. The page (lms/templates/certificates/_accomplishment-rendering.html,
        openedx/edx-platform 07307cb471d4a8dc31d41eb84f069be9556d98b2) lists ``certificate_data["signatories"]``
        in their order, each with ``static.url(signature_image_path)``, name, title and organization, and the
        ``org_logo_path`` logo; ``_update_organization_context`` reads the course's first organization's
        ``logo`` from ``organizations.api.get_course_organizations``. The configuration is the course's, for every
        mode (Studio keeps one per course), so ``mode`` does not change it.
        """
        from django.http import Http404

        from lms.djangoapps.certificates.api import get_active_web_certificate
        from openedx.core.lib.courses import get_course_by_id

        try:
            course = get_course_by_id(course_key)
        except Http404:
            return None
        config = get_active_web_certificate(course)
        if not isinstance(config, dict):
            return None
        signatories = tuple(
            Signatory(
                name=_text(entry.get("name")),
                title=_text(entry.get("title")),
                organization=_text(entry.get("organization")),
                signature_image_url=_static_url(entry.get("signature_image_path")),
            )
            for entry in config.get("signatories") or ()
            if isinstance(entry, dict)
        )
        logo = _organization_logo_url(course_key) or _static_url(config.get("org_logo_path"))
        return WebCertificateConfig(_text(config.get("course_title")), signatories, logo)

    def course_pages_changed(self) -> tuple[str, str, str] | None:
        """
        ``CourseOverview``'s table, ``id`` and ``modified`` columns: a Studio publish rebuilds the overview.

        ``_listen_for_course_publish`` (openedx/core/djangoapps/content/course_overviews/signals.py, openedx/
        edx-platform 002637dc739818b57eeb0cb1f237c34899382ced) calls ``CourseOverview.load_from_module_store``,
        which saves the overview (a ``TimeStampedModel``: ``modified`` moves) at every publish, so a changed
        web-certificate configuration (signatories, course title, logo path) shows in ``modified``.
        """
        from openedx.core.djangoapps.content.course_overviews.models import CourseOverview

        meta = CourseOverview._meta
        return meta.db_table, meta.get_field("id").column, meta.get_field("modified").column

    def course_asset(self, url: str) -> bytes | None:
        """
        The bytes of a course asset from the LMS's content store (Studio's uploads: signature images), or None.

        The URL's path without a leading ``/static/`` (as ``StaticContent.get_asset_key_from_path`` strips it, and
        as ``staticfiles_storage.url`` may have prefixed it) is parsed with ``StaticContent.get_location_from_path``
        (xmodule/contentstore/content.py, openedx/edx-platform 77e75380810a95f63daeb3f247d1bbb72191d938) and found
        with ``AssetManager.find(key, throw_on_not_found=False)`` (xmodule/assetstore/assetmgr.py at
        8ddef400393a4a92f5d572daad83941ff16e546c). None for what is not an asset key, or a missing asset.
        """
        from urllib.parse import unquote, urlsplit

        from opaque_keys import InvalidKeyError

        try:
            from xmodule.assetstore.assetmgr import AssetManager
            from xmodule.contentstore.content import StaticContent
        except ImportError:
            return None
        path = unquote(urlsplit(url or "").path)
        static = str(getattr(settings, "STATIC_URL", "") or "/static/")
        for prefix in {static, "/static/"}:
            if prefix.startswith("/") and path.startswith(prefix):
                path = "/" + path[len(prefix) :]
        if "asset-v1:" not in path and "c4x/" not in path:
            return None
        try:
            key = StaticContent.get_location_from_path(path)
        except InvalidKeyError:
            return None
        content = AssetManager.find(key, throw_on_not_found=False) if key is not None else None
        return None if content is None else bytes(content.data)


def _text(value: object) -> str:
    """A configuration value as text ("" for None): Studio stores what its form sent, strings in practice."""
    return "" if value is None else str(value).strip()


def _static_url(path: object) -> str:
    """
    ``static.url(path)`` of the LMS's certificate page: ``staticfiles_storage.url(path)``, the path itself on error.

    common/djangoapps/pipeline_mako/templates/static_content.html (openedx/edx-platform
    02b944b9269c81a249c5ead2c205c9ce716984be), ``<%def name='url(file, raw=False)'>``. "" for no path.
    """
    path = _text(path)
    if not path:
        return ""
    from django.contrib.staticfiles.storage import staticfiles_storage

    try:
        return staticfiles_storage.url(path)
    except Exception:  # noqa: BLE001 - as the LMS's template: any error leaves the path as it is
        return path


def _organization_logo_url(course_key: CourseKey) -> str:
    """
    The logo of the course's first organization, as ``_update_organization_context`` picks it ("" when none).

    ``organizations.api.get_course_organizations(course_key=...)`` (openedx/edx-organizations api.py
    06b47295d262098cc849280cf89960097bfccf3c) serializes each organization's ``logo`` ImageField
    (serializers.py 13ee12b6f2a6feec4fa6a9df294ec91f4422a10a); its URL is the storage's. An LMS without
    edx-organizations (or an organization without a logo) has none.
    """
    try:
        from organizations import api as organizations_api
    except ImportError:
        return ""
    organizations = organizations_api.get_course_organizations(course_key=course_key)
    if not organizations:
        return ""
    logo = organizations[0].get("logo")
    if not logo:
        return ""
    try:
        return str(logo.url) if hasattr(logo, "url") else str(logo)
    except ValueError:  # a FieldFile without a file
        return ""


def _preferred_names(user_ids: list[int]) -> dict[int, str] | None:
    """
    ``get_preferred_certificate_name`` of each user when name affirmation is installed; None when it is not.

    Without the service the LMS's function is the profile name, which ``display_names`` reads set-based.
    """
    try:
        from openedx.features.name_affirmation_api.utils import get_name_affirmation_service
    except ImportError:
        return None
    if get_name_affirmation_service() is None:
        return None
    from lms.djangoapps.certificates.utils import get_preferred_certificate_name

    User = get_user_model()
    return {
        u.pk: get_preferred_certificate_name(u) for u in ids_in(User.objects.all(), User, User._meta.pk.name, user_ids)
    }
