"""Test settings: the standalone adapter and in-process jobs."""

from .common import plugin_settings as common_settings


def plugin_settings(settings) -> None:
    """Tests run jobs inline unless a test opts into the real broker."""
    common_settings(settings)
    settings.CERT_MANAGER_RUN_INLINE = True
