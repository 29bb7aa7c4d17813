"""Shared helpers of the job management commands (course id and user arguments, job printing)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from django.core.management.base import CommandError

from cert_manager_plugin import api

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from opaque_keys.edx.keys import CourseKey


def course_key(value: str) -> CourseKey:
    """The course key, or a CommandError naming the bad id."""
    try:
        return api.parse_course_key(value)
    except api.CertManagerError as exc:
        raise CommandError(exc.message) from exc


def user(identifier: str | None) -> AbstractBaseUser | None:
    """The requesting user (username or email), or None."""
    if not identifier:
        return None
    try:
        return api.resolve_user(identifier)
    except api.CertManagerError as exc:
        raise CommandError(exc.message) from exc


def job_line(job: api.JobRow) -> str:
    """One human line per job: id, kind, state, counters."""
    return (
        f"job {job.id} {job.kind} {job.state}: {job.processed}/{job.total} processed, {job.changed} changed, "
        f"{job.skipped} skipped, {job.failed} failed ({job.chunks_done}/{job.chunks_total} chunks)"
        + (f" error: {job.error}" if job.error else "")
    )


def job_dict(job: api.JobRow) -> dict:
    """A JSON-friendly view of a job."""
    fields = (
        "kind",
        "state",
        "params",
        "total",
        "processed",
        "changed",
        "skipped",
        "failed",
        "chunks_total",
        "chunks_done",
        "result",
        "error",
    )
    data = {"id": job.id, "course_id": str(job.course_key), **{f: getattr(job, f) for f in fields}}
    for f in ("created", "started", "finished", "heartbeat"):
        value = getattr(job, f)
        data[f] = value.isoformat() if value else None
    return data


def dumps(data: object) -> str:
    """``data`` as indented JSON with sorted keys (dates and other values as their text)."""
    return json.dumps(data, indent=2, sort_keys=True, default=str)
