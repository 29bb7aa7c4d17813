# Stand-in for edx-platform lms/djangoapps/certificates/data.py at commit e57a655d77b614f19223984e9805b1fb940ab192
# (openedx/openedx-platform).
"""
Certificates Data. Reproduced exactly: ``CertificateStatuses`` (every status, ``readable_statuses``,
``PASSED_STATUSES = (downloadable, generating)``, ``NON_REFUNDABLE_STATUSES``, ``is_passing_status``,
``is_refundable_status``). Omitted: the ``GeneratedCertificateData`` dataclass.
"""


class CertificateStatuses:
    """
    Enum for certificate statuses.

    The following statuses are set by the current course certificates code:
      downloadable - See generation.py
      notpassing - See GeneratedCertificate.mark_notpassing()
      unavailable - See GeneratedCertificate.invalidate()
      unverified - See GeneratedCertificate.mark_unverified()
    """

    deleted = "deleted"
    deleting = "deleting"
    downloadable = "downloadable"
    error = "error"
    generating = "generating"
    notpassing = "notpassing"
    restricted = "restricted"
    unavailable = "unavailable"
    auditing = "auditing"
    audit_passing = "audit_passing"
    audit_notpassing = "audit_notpassing"
    honor_passing = "honor_passing"
    unverified = "unverified"
    invalidated = "invalidated"
    requesting = "requesting"

    readable_statuses = {
        downloadable: "already received",
        notpassing: "didn't receive",
        error: "error states",
        audit_passing: "audit passing states",
        audit_notpassing: "audit not passing states",
    }

    PASSED_STATUSES = (downloadable, generating)
    NON_REFUNDABLE_STATUSES = (downloadable, generating, unavailable)

    @classmethod
    def is_passing_status(cls, status):
        """
        Given the status of a certificate, return a boolean indicating whether
        the student passed the course.
        """
        return status in cls.PASSED_STATUSES

    @classmethod
    def is_refundable_status(cls, status):
        """
        Given the status of a certificate, check to see if that certificate status can
        be refunded.
        """
        return status not in cls.NON_REFUNDABLE_STATUSES
