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
  course team wrote about them) become ``""``.

What is kept: the rows, their foreign keys to the user (the LMS keeps the retired user row, with a scrambled
username and email), ``verify_uuid``, status, mode, grade and dates, so a shared verification link still
answers whether the certificate is valid without naming anyone.

Jobs (``GenerationJob``/``GenerationJobChunk``) hold nothing that names a learner: ``params`` are statuses,
scope and export options, ``result`` counts and the export file's name (course and job id), ``error``
exception text, ``user_ids`` numeric ids. Nothing to scrub there.

Every statement is one set-based ``UPDATE`` filtered on the user id: the query count is the same whatever
the number of certificates, revisions or list entries. Running it again changes nothing (idempotent).
"""

from __future__ import annotations

from django.db import transaction

from .models import Certificate, CertificateException, CertificateInvalidation, CertificateRevision


def retire_user(user_id: int) -> dict[str, int]:
    """
    Scrub the PII of user ``user_id`` from the plugin's tables, in one transaction.

    Returns the number of rows changed per table: ``{"certificates", "revisions", "exceptions",
    "invalidations"}`` (all 0 on a second run).
    """
    user_id = int(user_id)
    # certificate_id IN (subquery), not certificate__user_id: no join in the UPDATE, so it stays one
    # statement on every database (MySQL cannot UPDATE with a join on itself; Django would SELECT first).
    certificate_ids = Certificate.objects.filter(user_id=user_id).values("pk")
    with transaction.atomic():
        return {
            "certificates": Certificate.objects.filter(user_id=user_id).exclude(name="").update(name=""),
            "revisions": CertificateRevision.objects.filter(certificate_id__in=certificate_ids)
            .exclude(name="")
            .update(name=""),
            "exceptions": CertificateException.objects.filter(user_id=user_id).exclude(notes="").update(notes=""),
            "invalidations": CertificateInvalidation.objects.filter(certificate_id__in=certificate_ids)
            .exclude(notes="")
            .update(notes=""),
        }
