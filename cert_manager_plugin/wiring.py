"""
The named contract exception: what ``receivers``, ``tasks`` and ``apps`` may import besides ``api``.

``api`` is the narrow face other code calls (docs/decisions/0006-layers.rst). Two entry points also need the
plugin's plumbing, which is no operation anyone else should call:

- the Celery tasks run the steps of work that ``jobs``, ``reconcile`` and ``notifications`` enqueue by name
  (a job's coordinator and chunks, a course's sweep, a learner's pending change, a batch of emails);
- the signal receivers connect to the LMS: its certificate writes, its retirement signals, and the silencing of
  its own certificate handlers while this plugin owns certificates.

Nothing else imports this module (``.importlinter``'s ``entry-points-use-api`` contract allows it and nothing more
for the entry points). A name belongs here when only a task or a receiver calls it; a name an operator, a view or
another app calls belongs in ``api``.
"""

from __future__ import annotations

from .job_chunks import chunk_failed, run_chunk
from .jobs import run_job
from .lms import connect_lms_writes, retirement_signals, silence_lms_certificate_handlers
from .notifications import send_certificate_emails
from .reconcile import sweep_course, sweep_forgotten_courses

__all__ = [
    "chunk_failed",
    "connect_lms_writes",
    "retirement_signals",
    "run_chunk",
    "run_job",
    "send_certificate_emails",
    "silence_lms_certificate_handlers",
    "sweep_course",
    "sweep_forgotten_courses",
]
