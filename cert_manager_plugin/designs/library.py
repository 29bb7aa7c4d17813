"""
The built-in designs a course starts from: ``classic`` (the plugin's own layout and colours), ``modern``, ``minimal``.

Each gives default colours, a font and default wording for every text block (translated in the active language
when read). Each is correct in RTL: the web templates (``templates/cert_manager_plugin/designs/<id>.html``) use
logical CSS properties only, so an Arabic certificate mirrors; the PDF mirrors the same way (``designs.pdf``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

__all__ = ["BUILT_INS", "DEFAULT_BASE", "BuiltIn", "built_in", "library"]


@dataclass(frozen=True)
class BuiltIn:
    """One design of the library: its name, description, default colours, font and wording."""

    id: str
    name: Promise
    description: Promise
    colours: dict[str, str] = field(hash=False)
    font: str
    #: default wording of each block (``document.BLOCKS``), lazily translated; may hold variables
    blocks: dict[str, Promise] = field(hash=False)

    def defaults(self) -> dict:
        """The design's defaults as a document (JSON): colours, font and the wording in the active language."""
        return {
            "base": self.id,
            "colours": dict(self.colours),
            "font": self.font,
            "logo": "",
            "background": "",
            "show_qr": True,
            "blocks": {key: str(text) for key, text in self.blocks.items()},
            "course_title": "",
            "signatories": [],
            "overrides": {},
        }


def _wording(title: Promise) -> dict[str, Promise]:
    """The default text blocks with ``title``: the same sentences in every design (translated once)."""
    return {
        "title": title,
        "intro": _("This is to certify that"),
        "completion": _("has successfully completed {course_name}"),
        "footer": _("Issued {issue_date} · Verify at {verify_url}"),
    }


BUILT_INS: dict[str, BuiltIn] = {
    "classic": BuiltIn(
        id="classic",
        name=_("Classic"),
        description=_("A double border, centred text and a serif introduction: the plugin's own certificate."),
        colours={"primary": "#1f3a5f", "accent": "#b8943f", "text": "#26262e", "background": "#ffffff"},
        font="serif",
        blocks=_wording(_("Certificate of Achievement")),
    ),
    "modern": BuiltIn(
        id="modern",
        name=_("Modern"),
        description=_("A coloured band along the starting edge, text aligned to it, a sans-serif face."),
        colours={"primary": "#0f5c63", "accent": "#e07a2f", "text": "#1d2430", "background": "#ffffff"},
        font="sans",
        blocks=_wording(_("Certificate of Completion")),
    ),
    "minimal": BuiltIn(
        id="minimal",
        name=_("Minimal"),
        description=_("Plain and quiet: no border, one thin rule, generous white space."),
        colours={"primary": "#26262e", "accent": "#6b7280", "text": "#26262e", "background": "#ffffff"},
        font="sans",
        blocks=_wording(_("Certificate")),
    ),
}

#: The design a document without ``base`` starts from.
DEFAULT_BASE = "classic"


def built_in(design_id: str) -> BuiltIn:
    """The built-in design ``design_id`` (``KeyError`` for an unknown one: ``document.validate`` refuses it first)."""
    return BUILT_INS[design_id]


def library() -> list[dict]:
    """Every built-in design for a client: ``{"id", "name", "description", "defaults"}``, in the active language."""
    return [
        {"id": b.id, "name": str(b.name), "description": str(b.description), "defaults": b.defaults()}
        for b in BUILT_INS.values()
    ]
