# Stand-in for edx-platform lms/djangoapps/certificates/config.py at commit a29f936c07e9c748765d9200f07e5d416934f69a
# (openedx/openedx-platform).
"""
Certificates toggles. Reproduced: ``ENABLE_REDACT_HISTORICAL_PII_RETIREMENT`` (waffle flag
``certificates.enable_redact_historical_pii_retirement``, default off: when on, retirement also blanks ``name`` on the
``certificates_historicalgeneratedcertificate`` rows of the user). ``.is_enabled()`` reads django-waffle as
edx-toggles' ``WaffleFlag`` does (the current request's, else the flag's ``everyone``). Omitted: the
``AUTO_CERTIFICATE_GENERATION`` switch object (the host's ``api.auto_certificate_generation_enabled`` reads it).
"""

import crum
import waffle

WAFFLE_NAMESPACE = "certificates"


class _WaffleFlag:
    """The part of edx-toggles' ``WaffleFlag`` the callers use: ``is_enabled()``."""

    def __init__(self, name, module_name):
        self.name = name
        self.module_name = module_name

    def is_enabled(self):
        """Whether the flag is on for the current request (or for everyone, outside a request)."""
        request = crum.get_current_request()
        if request is None:
            return waffle.get_waffle_flag_model().get(self.name).everyone is True
        return waffle.flag_is_active(request, self.name)


# .. toggle_name: certificates.enable_redact_historical_pii_retirement
# .. toggle_implementation: WaffleFlag
# .. toggle_default: False
# .. toggle_description: Clears the `name` field in the django-simple-history audit table for retiring users'
#      certificate records.
ENABLE_REDACT_HISTORICAL_PII_RETIREMENT = _WaffleFlag(
    f"{WAFFLE_NAMESPACE}.enable_redact_historical_pii_retirement", __name__
)
