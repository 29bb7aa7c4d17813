"""
``cert_manager_check [--format text|json] [--fail-level warning|error] [--timeout SECONDS]``: the operator's check.

Inspects the running LMS and prints one line per finding (what would stop the plugin, and its fix); exits with
status 1 when a finding is at ``--fail-level`` or worse (default: error). See ``api.operator_check``.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cert_manager_plugin import api


def level_label(level: str) -> str:
    """The translated, upper-case name of a finding's level."""
    labels = {"ok": _("ok"), "info": _("info"), "warning": _("warning"), "error": _("error")}
    return labels.get(level, level).upper()


def finding_line(finding: api.OperatorFinding) -> str:
    """One line: the level, the check, the message and, when there is one, the fix."""
    line = f"{level_label(finding.level):<8} {finding.check}: {finding.message}"
    if finding.fix:
        line += " " + _("Fix: {fix}").format(fix=finding.fix)
    return line


class Command(BaseCommand):
    """Check this LMS's configuration for the certificate manager and say how to fix what would stop it."""

    @property
    def help(self) -> str:
        """The command's description, translated when the parser is built (argparse needs a plain string)."""
        return _(
            "Check this LMS for the certificate manager: one line per finding, with its fix; exit status 1 when a "
            "finding is at --fail-level or worse."
        )

    # The report is wanted most when something is wrong: Django's own checks must not stop it first.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        """Declare ``--format``, ``--fail-level`` and ``--timeout``."""
        parser.add_argument("--format", choices=("text", "json"), default="text", help=_("text lines or JSON"))
        parser.add_argument(
            "--fail-level",
            choices=("warning", "error"),
            default="error",
            help=_("the least serious level that makes the exit status 1 (default: error)"),
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=2.0,
            help=_("seconds to wait for the Celery broker, then for its workers' replies (default: 2)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the check, print its findings, and fail when one is at ``--fail-level`` or worse."""
        findings = api.operator_check(timeout=max(0.1, options["timeout"]))
        fail_rank = api.operator_level_rank(options["fail_level"])
        failing = [f for f in findings if api.operator_level_rank(f.level) >= fail_rank]
        errors = sum(f.level == "error" for f in findings)
        warnings = sum(f.level == "warning" for f in findings)
        if options["format"] == "json":
            report = {
                "findings": [dataclasses.asdict(f) for f in findings],
                "errors": errors,
                "warnings": warnings,
                "fail_level": options["fail_level"],
                "failed": bool(failing),
            }
            self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
        else:
            for finding in findings:
                self.stdout.write(finding_line(finding))
            self.stdout.write(_("Errors: {errors}, warnings: {warnings}.").format(errors=errors, warnings=warnings))
        if failing:
            raise CommandError(
                ngettext(
                    "{count} finding at level {level} or worse.",
                    "{count} findings at level {level} or worse.",
                    len(failing),
                ).format(count=len(failing), level=options["fail_level"]),
                returncode=1,
            )
