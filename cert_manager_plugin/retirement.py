"""
User retirement: scrub one learner's PII from the plugin's tables when the LMS retires the account.

Called by ``receivers.on_user_retired`` for edx-platform's ``USER_RETIRE_LMS_CRITICAL`` and
``USER_RETIRE_LMS_MISC`` signals (``lms.retirement_signals``), and usable from a shell or a script.

What is scrubbed, as edx-platform's own ``clear_pii_from_certificate_records_for_user`` does for
``GeneratedCertificate.name`` (``lms/djangoapps/certificates/api.py``, openedx/openedx-platform
21572afe319f6742dac1c181f6ca9b74d77b2e86: a bulk ``UPDATE``, no ``save()``, no signal):

* ``Certificate.name`` and ``CertificateRevision.name`` (the name printed on the certificate, now and in
  every superseded state) become ``""``;
* ``CertificateException.notes`` and ``CertificateInvalidation.notes`` about this learner (free text the
  course team wrote about them) become ``""``;
* the signed credentials kept for their certificates (``CredentialVersion.signed``: their subject is a salted hash
  of the learner's email) are emptied (``credentials.api.retire_learner``). The credential versions keep their
  status-list indices, so a copy the learner shared still verifies as valid, suspended or revoked.

What is kept: the rows, their foreign keys to the user (the LMS keeps the retired user row, with a scrambled
username and email), ``verify_uuid``, status, mode, grade and dates, so a shared verification link still
answers whether the certificate is valid without naming anyone.

Jobs (``GenerationJob``/``GenerationJobChunk``) hold nothing that names a learner: ``params`` are statuses,
scope and export options, ``result`` counts and the export file's name (course and job id), ``error``
exception text, ``user_ids`` numeric ids. But an export *file* (one PDF or a zip of PDFs) prints every selected
learner's name: each export file of a course where the learner has a certificate is deleted from its storage and
its job's result says so (``file`` empty, ``removed`` "retirement"); the course team can export again.

Inside the LMS, the ``GeneratedCertificate`` history rows (django-simple-history; the plugin writes some of them)
follow the LMS's own decision: with its waffle flag ``certificates.enable_redact_historical_pii_retirement`` on, their
``name`` is blanked (``lms.redact_lms_certificate_history``), as ``clear_pii_from_certificate_records_for_user`` does.

Every statement is one set-based ``UPDATE`` filtered on the user id: the query count is the same whatever
the number of certificates, revisions or list entries. Running it again changes nothing (idempotent).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from . import lms
from .credentials.api import retire_learner as retire_learner_credentials
from .data import JobKind, JobState
from .models import Certificate, CertificateException, CertificateInvalidation, CertificateRevision, GenerationJob
from .rendering.export import stored_export

log = logging.getLogger(__name__)


def retire_user(user_id: int) -> dict[str, int]:
    """
    Scrub the PII of user ``user_id`` from the plugin's tables, in one transaction.

    Returns the number of rows changed per table: ``{"certificates", "revisions", "exceptions",
    "invalidations", "credentials", "lms_history", "export_files"}`` (all 0 on a second run). A storage that fails
    to delete an export file raises: the LMS's retirement driver retries the step rather than leave a file that
    names them.
    """
    user_id = int(user_id)
    # certificate_id IN (subquery), not certificate__user_id: no join in the UPDATE, so it stays one
    # statement on every database (MySQL cannot UPDATE with a join on itself; Django would SELECT first).
    certificate_ids = Certificate.objects.filter(user_id=user_id).values("pk")
    with transaction.atomic():
        counts = _scrub_rows(user_id, certificate_ids)
        counts["credentials"] = retire_learner_credentials(user_id)
        counts["lms_history"] = lms.backend().redact_lms_certificate_history(user_id)
    counts["export_files"] = remove_export_files(user_id)
    return counts


def remove_export_files(user_id: int) -> int:
    """
    Delete the export files of every course where the learner has a certificate; returns how many were deleted.

    Each job keeps its row (the generation history) with ``file`` emptied and ``removed`` set to "retirement".
    """
    courses = Certificate.objects.filter(user_id=user_id).values("course_key")
    jobs = GenerationJob.objects.filter(kind=JobKind.EXPORT, state=JobState.SUCCEEDED, course_key__in=courses)
    removed = 0
    for job in list(jobs):  # a handful of export jobs per course (no server-side cursor)
        if not (job.result or {}).get("file"):
            continue
        stored = stored_export(job.result)
        if stored is not None and stored.name and stored.storage.exists(stored.name):
            stored.storage.delete(stored.name)
            removed += 1
        job.result = {**(job.result or {}), "file": "", "removed": "retirement"}
        job.save(update_fields=["result"])
        log.info("cert_manager: export file of job %s removed (a learner in it was retired)", job.pk)
    return removed


def _scrub_rows(user_id: int, certificate_ids: object) -> dict[str, int]:
    """The set-based UPDATEs of ``retire_user``: names and notes about the learner become ``""``."""
    return {
        # ``modified`` moves too: the public pages' Last-Modified (``caching``) must not let a cache keep the name.
        "certificates": Certificate.objects.filter(user_id=user_id)
        .exclude(name="")
        .update(name="", modified=timezone.now()),
        "revisions": CertificateRevision.objects.filter(certificate_id__in=certificate_ids)
        .exclude(name="")
        .update(name=""),
        "exceptions": CertificateException.objects.filter(user_id=user_id).exclude(notes="").update(notes=""),
        "invalidations": CertificateInvalidation.objects.filter(certificate_id__in=certificate_ids)
        .exclude(notes="")
        .update(notes=""),
    }
