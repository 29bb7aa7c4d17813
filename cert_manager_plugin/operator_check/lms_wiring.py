"""
How the plugin is wired into the LMS's settings: its filter steps and its Mako templates directory.

``check_filter_steps`` reads ``OPEN_EDX_FILTERS_CONFIG``; ``check_templates`` reads ``MAKO_TEMPLATE_DIRS_BASE`` and
the Mako engine's ``DIRS``. Both read settings only (no database, no network), so the package's system check
(``cert_manager.W101``, ``cert_manager.W102``) runs them too.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from ..settings.common import FILTER_STEPS, TEMPLATES_DIR
from .findings import ERROR, FILTERS, OK, TEMPLATES, Finding

# --- filter steps --------------------------------------------------------------------------------------


def _consequence(filter_type: str) -> str:
    """What the LMS does without the plugin's step of ``filter_type``."""
    consequences = {
        "org.openedx.learning.instructor.dashboard.render.started.v1": _(
            "the legacy instructor dashboard shows the LMS's own Certificates section instead of the plugin's panel"
        ),
        "org.openedx.learning.instructor.dashboard.tabs.requested.v1": _(
            "the instructor dashboard MFE shows the LMS's own Certificates tab instead of the plugin's panel"
        ),
        "org.openedx.learning.certificate.render.started.v1": _(
            "the LMS's certificate link /certificates/<uuid> shows the LMS's own page instead of the plugin's "
            "web certificate"
        ),
        "org.openedx.learning.certificate.creation.requested.v1": _(
            "the LMS's own certificate generator writes the certificates of the plugin's courses, and the two disagree"
        ),
    }
    return consequences.get(filter_type, _("the plugin's part of this filter does not run"))


def pipeline_steps(value: object) -> list[str]:
    """
    The steps of one ``OPEN_EDX_FILTERS_CONFIG`` entry, in every form openedx-filters accepts.

    A dict's ``pipeline`` (a list or one dotted path), a list of paths, or one path; anything else has none.
    """
    if isinstance(value, dict):
        value = value.get("pipeline")
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [step for step in value if isinstance(step, str)]
    return []


def check_filter_steps(config: object = None) -> list[Finding]:
    """
    One error per filter type whose pipeline lacks the plugin's step, else one ``ok`` line.

    Args:
        config: the ``OPEN_EDX_FILTERS_CONFIG`` to check; the setting when None.
    """
    if config is None:
        config = getattr(settings, "OPEN_EDX_FILTERS_CONFIG", None)
    if not isinstance(config, dict):
        config = {}
    findings = []
    for filter_type, step in FILTER_STEPS.items():
        if step in pipeline_steps(config.get(filter_type)):
            continue
        findings.append(
            Finding(
                check=FILTERS,
                level=ERROR,
                code="filters.step_missing",
                message=_(
                    'The step {step} is missing from OPEN_EDX_FILTERS_CONFIG["{filter_type}"]["pipeline"]: '
                    "{consequence}."
                ).format(step=step, filter_type=filter_type, consequence=_consequence(filter_type)),
                fix=_(
                    'Add "{step}" to that pipeline in the settings file that sets OPEN_EDX_FILTERS_CONFIG last. '
                    "An OPEN_EDX_FILTERS_CONFIG in lms.yml replaces the whole dict after the plugin's COMMON "
                    "settings hook; its PRODUCTION hook adds the steps back, so a file read after it (private.py, "
                    "a Tutor patch) removed this one. Leave it out only to give this feature back to the LMS."
                ).format(step=step),
            )
        )
    if not findings:
        findings.append(
            Finding(
                check=FILTERS,
                level=OK,
                code="filters.ok",
                message=_("The plugin's {count} filter steps are in OPEN_EDX_FILTERS_CONFIG.").format(
                    count=len(FILTER_STEPS)
                ),
            )
        )
    return findings


# --- Mako templates directory --------------------------------------------------------------------------


def templates_dir() -> Path:
    """The package's templates directory: what the plugin's settings hooks append for the LMS's Mako."""
    return TEMPLATES_DIR


def _holds(directories: Iterable[object], wanted: Path) -> bool:
    """Whether ``directories`` (paths or strings; other items, such as unevaluated settings, are skipped) hold it."""
    target = os.path.normpath(str(wanted))
    return any(isinstance(d, str | os.PathLike) and os.path.normpath(os.fspath(d)) == target for d in directories)


def check_templates(dirs: object = None, templates: object = None) -> list[Finding]:
    """
    An error when the templates directory is not where edxmako looks, else one ``ok`` line.

    Args:
        dirs: the ``MAKO_TEMPLATE_DIRS_BASE`` to check; the setting when None.
        templates: the ``TEMPLATES`` to check (the Mako engine's ``DIRS``); the setting when None.
    """
    wanted = templates_dir()
    if dirs is None:
        dirs = getattr(settings, "MAKO_TEMPLATE_DIRS_BASE", None)
    if templates is None:
        templates = getattr(settings, "TEMPLATES", [])
    consequence = _(
        "the legacy instructor dashboard cannot include the plugin's Certificates section (Mako finds no "
        "cert_manager_plugin/instructor_dashboard/cert_manager.html)"
    )
    if not isinstance(dirs, list | tuple) or not _holds(dirs, wanted):
        return [
            Finding(
                check=TEMPLATES,
                level=ERROR,
                code="templates.missing",
                message=_(
                    "The plugin's templates directory {path} is not in MAKO_TEMPLATE_DIRS_BASE: {consequence}."
                ).format(path=wanted, consequence=consequence),
                fix=_(
                    "The plugin's COMMON settings hook appends it; a settings file that assigns a new "
                    "MAKO_TEMPLATE_DIRS_BASE afterwards drops it. Append to the list in place instead "
                    "(MAKO_TEMPLATE_DIRS_BASE.append(...)), or add {path} back."
                ).format(path=wanted),
            )
        ]
    for engine in templates if isinstance(templates, list | tuple) else []:
        if not isinstance(engine, dict) or "edxmako" not in str(engine.get("BACKEND", "")):
            continue
        engine_dirs = engine.get("DIRS")
        if isinstance(engine_dirs, list | tuple) and not _holds(engine_dirs, wanted):
            return [
                Finding(
                    check=TEMPLATES,
                    level=ERROR,
                    code="templates.engine_dirs",
                    message=_(
                        'The Mako engine "{name}" (TEMPLATES) does not look in {path}, although '
                        "MAKO_TEMPLATE_DIRS_BASE holds it: {consequence}."
                    ).format(name=engine.get("NAME", ""), path=wanted, consequence=consequence),
                    fix=_(
                        "The engine's DIRS are MAKO_TEMPLATE_DIRS_BASE itself until a settings file replaces one of "
                        "them: append to MAKO_TEMPLATE_DIRS_BASE in place, or add {path} to the engine's DIRS."
                    ).format(path=wanted),
                )
            ]
    return [
        Finding(
            check=TEMPLATES,
            level=OK,
            code="templates.ok",
            message=_("The LMS's Mako templates include the plugin's templates directory {path}.").format(path=wanted),
        )
    ]
