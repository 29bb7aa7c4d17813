"""
Learner emails: which edx-ace email channel the plugin's certificate emails take.

``check_email`` reads ``CERT_MANAGER_EMAILS_ENABLED`` and edx-ace's ``ACE_*`` settings, and loads the installed
edx-ace channels (entry points ``openedx.ace.channel``) as edx-ace does.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from importlib.metadata import entry_points

from django.conf import settings
from django.utils.translation import gettext as _

from ..conf import cm_settings
from .findings import EMAIL, ERROR, INFO, OK, WARNING, Finding

#: The whole check logs as ``cert_manager_plugin.operator_check``, whichever of its modules speaks.
log = logging.getLogger(__package__)

ACE_CHANNELS_GROUP = "openedx.ace.channel"


def ace_email_channels(enabled: Sequence[str]) -> list[str]:
    """
    The enabled edx-ace email channels, in the order edx-ace registers them (its entry points' order).

    A channel counts when it is named in ``enabled`` (``ACE_ENABLED_CHANNELS``), is an email channel and its
    ``enabled()`` accepts the settings, as edx-ace's ``channels()`` loads them.
    """
    names = []
    for entry_point in entry_points(group=ACE_CHANNELS_GROUP):
        if entry_point.name not in enabled:
            continue
        try:
            channel = entry_point.load()
            if str(getattr(channel, "channel_type", "")) == "email" and channel.enabled():
                names.append(entry_point.name)
        except Exception:  # edx-ace skips a channel it cannot load; so does the check
            log.warning("cert_manager_check: the edx-ace channel %s cannot be loaded", entry_point.name, exc_info=True)
    return names


def email_channel_findings(
    emails_enabled: bool, email_channels: Sequence[str], enabled: Sequence[str], transactional: str, default: str
) -> list[Finding]:
    """
    The channel edx-ace picks for the plugin's (transactional) emails, as its ``get_channel_for_message`` does.

    It tries ``[ACE_CHANNEL_TRANSACTIONAL_EMAIL, ACE_CHANNEL_DEFAULT_EMAIL]``; when either is not an enabled
    email channel it falls back to the first one registered; with none, every email fails.
    """
    if not emails_enabled:
        return [
            Finding(
                check=EMAIL,
                level=INFO,
                code="email.off",
                message=_("Learner emails are off (CERT_MANAGER_EMAILS_ENABLED): no channel to check."),
            )
        ]
    if not email_channels:
        return [
            Finding(
                check=EMAIL,
                level=ERROR,
                code="email.no_channel",
                message=_(
                    "edx-ace has no email channel enabled (ACE_ENABLED_CHANNELS: {channels}): every certificate email "
                    "fails."
                ).format(channels=", ".join(enabled) or "-"),
                fix=_(
                    'Add an email channel such as "django_email" to ACE_ENABLED_CHANNELS, or set '
                    "CERT_MANAGER_EMAILS_ENABLED to false."
                ),
            )
        ]
    if transactional in email_channels and default in email_channels:
        return [
            Finding(
                check=EMAIL,
                level=OK,
                code="email.ok",
                message=_(
                    "Certificate emails go through edx-ace's {channel} channel (ACE_CHANNEL_TRANSACTIONAL_EMAIL)."
                ).format(channel=transactional),
            )
        ]
    return [
        Finding(
            check=EMAIL,
            level=WARNING,
            code="email.fallback",
            message=_(
                "ACE_CHANNEL_TRANSACTIONAL_EMAIL ({transactional}) or ACE_CHANNEL_DEFAULT_EMAIL ({default}) is not an "
                "enabled email channel: edx-ace sends certificate emails through {channel} instead."
            ).format(transactional=transactional, default=default, channel=email_channels[0]),
            fix=_("Name enabled email channels in both settings (enabled: {channels}).").format(
                channels=", ".join(email_channels)
            ),
        )
    ]


def check_email() -> list[Finding]:
    """``email_channel_findings`` for this LMS's settings and installed edx-ace channels."""
    emails_enabled = bool(cm_settings.EMAILS_ENABLED)
    enabled = list(getattr(settings, "ACE_ENABLED_CHANNELS", None) or [])
    return email_channel_findings(
        emails_enabled,
        ace_email_channels(enabled) if emails_enabled else [],
        enabled,
        str(getattr(settings, "ACE_CHANNEL_TRANSACTIONAL_EMAIL", "")),
        str(getattr(settings, "ACE_CHANNEL_DEFAULT_EMAIL", "")),
    )
