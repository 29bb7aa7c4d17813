"""
The credentials' tables: issuer keys, per-course credential settings, status lists and index allocations.

Kept out of ``cert_manager_plugin.models`` (which imports this module at its end so Django finds them); this
module imports no other module of the plugin (the certificate is named by its app label).
"""

from __future__ import annotations

from django.db import models
from opaque_keys.edx.django.models import CourseKeyField

__all__ = ["CourseCredentialSettings", "CredentialSlot", "CredentialVersion", "IssuerKey", "StatusList"]

CERTIFICATE_MODEL = "cert_manager_plugin.Certificate"


class IssuerKey(models.Model):
    """
    One Ed25519 key of the issuer: every key ever used stays here and in the DID document (rotation).

    ``private_key_pem`` is set only for a generated demo/test key (``CERT_MANAGER_CREDENTIALS_DEMO_KEY``); an
    operator's key lives in the file ``CERT_MANAGER_CREDENTIALS_KEY_FILE`` and only its public half is stored.

    .. no_pii:
    """

    fragment = models.CharField(max_length=64, unique=True, help_text="the verification method's #fragment")
    public_key_multibase = models.CharField(max_length=64, unique=True)
    private_key_pem = models.TextField(blank=True, default="", help_text="generated demo keys only")
    created = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True, help_text="when a newer key took over signing")

    class Meta:
        app_label = "cert_manager_plugin"
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return self.fragment


class CourseCredentialSettings(models.Model):
    """
    A course's credential options: how long a credential is valid after it is issued (None: no expiry).

    .. no_pii:
    """

    course_key = CourseKeyField(max_length=255, unique=True)
    valid_for_days = models.PositiveIntegerField(null=True, blank=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "cert_manager_plugin"

    def __str__(self) -> str:
        return str(self.course_key)


class StatusList(models.Model):
    """
    One Bitstring Status List of a course for one purpose (``suspension`` or ``revocation``).

    ``bits`` are the status bits (MSB first: index 0 is the high bit of byte 0); ``allocated`` marks the
    indices handed out, so a random unused index is found without reading the allocations. ``signed`` caches
    the signed list credential of ``version``; every change of the bits empties it.

    .. no_pii:
    """

    course_key = CourseKeyField(max_length=255)
    purpose = models.CharField(max_length=16)
    length = models.PositiveIntegerField()
    bits = models.BinaryField()
    allocated = models.BinaryField()
    version = models.PositiveIntegerField(default=1)
    signed = models.TextField(blank=True, default="")
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "cert_manager_plugin"
        constraints = [models.UniqueConstraint(fields=["course_key", "purpose"], name="cm_statuslist_course_purpose")]

    def __str__(self) -> str:
        return f"{self.course_key} {self.purpose}"


class CredentialSlot(models.Model):
    """
    A certificate's place in its course's suspension list, shared by all its credential versions, and its salt.

    .. no_pii: the salt is random; the learner's email is hashed with it only when a credential is built.
    """

    certificate = models.OneToOneField(CERTIFICATE_MODEL, on_delete=models.CASCADE, related_name="+")
    course_key = CourseKeyField(max_length=255)
    suspension_index = models.PositiveIntegerField()
    salt = models.CharField(max_length=64)

    class Meta:
        app_label = "cert_manager_plugin"
        constraints = [
            models.UniqueConstraint(fields=["course_key", "suspension_index"], name="cm_credslot_course_index")
        ]

    def __str__(self) -> str:
        return f"{self.course_key} #{self.suspension_index}"


class CredentialVersion(models.Model):
    """
    One issued credential: a certificate revision, its own revocation index, and its signed JSON (the cache).

    The revocation bit of a version is set when its certificate is invalidated or deleted, and when a newer
    version is issued (superseded); it is never cleared.

    .. pii: ``signed`` holds the credential, whose subject is a salted SHA-256 hash of the learner's email (never
       the email itself). On retirement the cached JSON is emptied (``credentials.api.retire_learner``).
    .. pii_types: email_address
    .. pii_retirement: local_api
    """

    slot = models.ForeignKey(CredentialSlot, on_delete=models.CASCADE, related_name="versions")
    course_key = CourseKeyField(max_length=255)
    revision = models.PositiveIntegerField()
    revocation_index = models.PositiveIntegerField()
    signed = models.TextField(blank=True, default="")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "cert_manager_plugin"
        constraints = [
            models.UniqueConstraint(fields=["slot", "revision"], name="cm_credversion_slot_revision"),
            models.UniqueConstraint(fields=["course_key", "revocation_index"], name="cm_credversion_course_index"),
        ]

    def __str__(self) -> str:
        return f"{self.course_key} r{self.revision} #{self.revocation_index}"
