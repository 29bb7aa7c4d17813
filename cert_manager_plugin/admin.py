"""
Django admin for the certificate manager.

Certificates, revisions, learner records, exception and invalidation lists, jobs, design versions and design images
are read-only here: they change through ``api`` (REST API, instructor panel, events), which keeps revisions, the
exception/invalidation rules and events consistent. Operators edit settings and templates; the standalone adapter's
courses and course team roles are edited in the optional ``standalone_host`` app's admin (also ``manage.py
cert_manager_role``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin

from . import models
from .designs.models import DesignAsset, DesignVersion

if TYPE_CHECKING:
    from django.db.models import Model
    from django.http import HttpRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    """Browse and search only: writes go through ``api`` so history and rules stay intact."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        """Never: rows are created through ``api``."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        """Never: rows change through ``api``."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        """Never: rows are deleted through ``api``."""
        return False


USER_SEARCH = ("user__username", "user__email")


@admin.register(models.CourseCertificateSettings)
class CourseCertificateSettingsAdmin(admin.ModelAdmin):
    """Each course's certificate settings (self-generation, issue policy, grade drop, template): editable."""

    list_display = ("course_key", "self_generation_enabled", "issue_policy", "revoke_on_grade_drop", "modified")
    list_filter = ("self_generation_enabled", "issue_policy", "revoke_on_grade_drop")
    search_fields = ("course_key",)
    raw_id_fields = ("updated_by", "template")
    list_select_related = ("updated_by",)


@admin.register(models.LearnerRecord)
class LearnerRecordAdmin(ReadOnlyAdmin):
    """The plugin's copy of each learner's enrollment and grade in a course: read-only."""

    list_display = ("user", "course_key", "mode", "is_active", "percent_grade", "passed", "modified")
    list_filter = ("mode", "is_active", "passed")
    search_fields = (*USER_SEARCH, "course_key")
    list_select_related = ("user",)


class RevisionInline(admin.TabularInline):
    """A certificate's superseded revisions, listed on its page: read-only."""

    model = models.CertificateRevision
    extra = 0
    can_delete = False
    fields = ("revision", "status", "grade", "source", "valid_from", "superseded_at", "superseded_by_source")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: models.Certificate | None = None) -> bool:
        """Never: revisions are written when a certificate changes."""
        return False


@admin.register(models.Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    """Certificates with their revisions: read-only."""

    list_display = ("user", "course_key", "status", "mode", "grade", "revision", "issued_date", "modified")
    list_filter = ("status", "mode", "source")
    search_fields = (*USER_SEARCH, "name", "course_key", "verify_uuid")
    list_select_related = ("user",)
    inlines = (RevisionInline,)


@admin.register(models.CertificateRevision)
class CertificateRevisionAdmin(ReadOnlyAdmin):
    """Every superseded state of every certificate: read-only."""

    list_display = ("certificate", "revision", "status", "source", "superseded_at", "superseded_by_source")
    list_filter = ("status", "superseded_by_source")
    search_fields = ("certificate__user__username", "certificate__course_key")
    list_select_related = ("certificate",)


@admin.register(models.CertificateException)
class CertificateExceptionAdmin(ReadOnlyAdmin):
    """The exception lists (learners granted a certificate whatever their grade): read-only."""

    list_display = ("user", "course_key", "notes", "granted_by", "created")
    search_fields = (*USER_SEARCH, "course_key")
    list_select_related = ("user", "granted_by")


@admin.register(models.CertificateInvalidation)
class CertificateInvalidationAdmin(ReadOnlyAdmin):
    """Invalidations of certificates, active and lifted: read-only."""

    list_display = ("certificate", "active", "notes", "invalidated_by", "created", "revalidated_at")
    list_filter = ("active",)
    search_fields = ("certificate__user__username", "certificate__course_key")
    list_select_related = ("certificate", "invalidated_by")


class ChunkInline(admin.TabularInline):
    """A job's chunks and their progress, listed on its page: read-only."""

    model = models.GenerationJobChunk
    extra = 0
    can_delete = False
    fields = ("number", "state", "attempts", "processed", "changed", "failed", "skipped", "finished", "error")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: models.GenerationJob | None = None) -> bool:
        """Never: chunks are written by the job runner."""
        return False


@admin.register(models.GenerationJob)
class GenerationJobAdmin(ReadOnlyAdmin):
    """Bulk jobs (generation, regeneration, exports, deletions) with their chunks: read-only."""

    list_display = ("id", "course_key", "kind", "state", "requested_by", "total", "processed", "changed", "created")
    list_filter = ("kind", "state")
    search_fields = ("course_key", "requested_by__username")
    list_select_related = ("requested_by",)
    inlines = (ChunkInline,)


@admin.register(models.CertificateTemplate)
class CertificateTemplateAdmin(admin.ModelAdmin):
    """Certificate templates (per course, organization, mode or language): editable."""

    list_display = ("name", "course_key", "organization", "mode", "language", "is_active", "modified")
    list_filter = ("is_active", "mode", "language")
    search_fields = ("name", "course_key", "organization")


@admin.register(DesignVersion)
class DesignVersionAdmin(ReadOnlyAdmin):
    """Courses' certificate design versions (immutable: a change is a new version, saved through ``api``)."""

    list_display = ("course_key", "number", "note", "created_by", "created")
    search_fields = ("course_key", "note", "created_by__username")
    list_select_related = ("created_by",)


@admin.register(DesignAsset)
class DesignAssetAdmin(ReadOnlyAdmin):
    """Images uploaded for courses' designs (checked and re-encoded by ``api``): read-only."""

    list_display = ("course_key", "kind", "file", "width", "height", "size", "created_by", "created")
    list_filter = ("kind",)
    search_fields = ("course_key", "created_by__username")
    list_select_related = ("created_by",)
