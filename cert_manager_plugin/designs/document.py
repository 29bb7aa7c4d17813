"""
A design document: what a certificate looks like, for every mode and language, as validated plain data.

``validate`` turns a client's JSON into a ``DesignDocument`` or refuses it with ``errors.InvalidInput`` naming every
bad field by its path (``"blocks.title"``, ``"overrides.lang:ar.colours.primary"``). Nothing in a document is
markup: text blocks are plain text in which the only data are the ``VARIABLES`` (``{learner_name}`` …); the web
page escapes them, the PDF draws them as text. Colours are ``#rrggbb`` only (they go into CSS custom properties),
images are storage names of the course's own uploaded assets (``api.save_version`` checks whose).

``resolve`` gives the design one certificate prints with: the base design's defaults, then the document, then its
overrides from the least to the most specific (``mode:<mode>``, ``lang:<language>``, ``<mode>|<language>``); an
empty block takes the base design's wording in the certificate's language. ``fill`` splits a block into literal
text and variable values, for the renderers to escape or draw.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _

from .. import errors
from .library import BUILT_INS, DEFAULT_BASE, BuiltIn

__all__ = [
    "BLOCKS",
    "COLOURS",
    "FONTS",
    "MAX_BLOCK_LENGTH",
    "MAX_COURSE_TITLE_LENGTH",
    "MAX_SIGNATORIES",
    "SIGNATORY_FIELDS",
    "VARIABLES",
    "DesignDocument",
    "ResolvedDesign",
    "fill",
    "resolve",
    "validate",
    "variables_in",
]

#: The only data a text block may hold, as ``{name}``.
VARIABLES: tuple[str, ...] = ("learner_name", "course_name", "grade", "issue_date", "verify_url")
#: The text blocks of a design, in reading order.
BLOCKS: tuple[str, ...] = ("title", "intro", "completion", "footer")
#: The colours of a design.
COLOURS: tuple[str, ...] = ("primary", "accent", "text", "background")
#: The font families that ship (the PDF's Noto chain covers the scripts; ``serif`` may print as sans there).
FONTS: tuple[str, ...] = ("sans", "serif")
#: The longest text block, in characters.
MAX_BLOCK_LENGTH = 300
#: The most signatories a design prints, and the longest of each one's lines (plain text).
MAX_SIGNATORIES = 4
MAX_SIGNATORY_LENGTH = 100
#: A design signatory's keys: three lines of text and an uploaded signature image (``"signature"`` asset) or "".
SIGNATORY_FIELDS: tuple[str, ...] = ("name", "title", "organization", "signature")
#: The longest course title a design prints instead of the course's name (standalone: Studio's override field).
MAX_COURSE_TITLE_LENGTH = 200
#: The most overrides one document holds (modes by languages of a course, with room to spare).
MAX_OVERRIDES = 60

KEYS = (
    "base",
    "colours",
    "font",
    "logo",
    "background",
    "show_qr",
    "blocks",
    "course_title",
    "signatories",
    "overrides",
)
OVERRIDE_KEYS = ("blocks", "colours")
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
#: An uploaded asset's storage name (``models.asset_upload_to``).
ASSET_NAME = re.compile(r"^cert_manager/designs/[0-9a-f]{16}/[A-Za-z0-9_-]{1,80}\.(png|jpg|jpeg)$")
MODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{1,8})*$")
#: Control characters a block may not hold (a line break may: the renderers keep it).
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class DesignDocument:
    """A validated design: every key present, colours lowercase, blocks only as given (``""``: the default)."""

    base: str = DEFAULT_BASE
    colours: dict[str, str] = field(default_factory=dict, hash=False)
    font: str = ""
    logo: str = ""
    background: str = ""
    show_qr: bool = True
    blocks: dict[str, str] = field(default_factory=dict, hash=False)
    #: Printed instead of the course's name when the course has no Studio title override ("": the course's name).
    course_title: str = ""
    #: Printed when the course has no Studio signatories: ``{"name", "title", "organization", "signature"}`` each.
    signatories: tuple[dict[str, str], ...] = field(default=(), hash=False)
    #: ``{"mode:verified": {"blocks": {...}, "colours": {...}}, "lang:es": {...}, "verified|es": {...}}``
    overrides: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict, hash=False)

    def as_dict(self) -> dict:
        """The document as JSON data (what a version stores)."""
        return {
            "base": self.base,
            "colours": dict(self.colours),
            "font": self.font,
            "logo": self.logo,
            "background": self.background,
            "show_qr": self.show_qr,
            "blocks": dict(self.blocks),
            "course_title": self.course_title,
            "signatories": [dict(signatory) for signatory in self.signatories],
            "overrides": {key: {k: dict(v) for k, v in value.items()} for key, value in self.overrides.items()},
        }

    def assets(self) -> list[str]:
        """The storage names of the images the document uses."""
        signatures = [signatory.get("signature", "") for signatory in self.signatories]
        return [name for name in (self.logo, self.background, *signatures) if name]


@dataclass(frozen=True)
class ResolvedDesign:
    """What one certificate prints with: every colour and block set, overrides applied, wording translated."""

    base: BuiltIn
    colours: dict[str, str] = field(hash=False)
    font: str
    logo: str
    background: str
    show_qr: bool
    blocks: dict[str, str] = field(hash=False)
    language: str
    rtl: bool
    signatories: tuple[dict[str, str], ...] = field(default=(), hash=False)
    course_title: str = ""


class _Errors:
    """The problems found so far, by field path (each a list of translated messages)."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        self.by_field.setdefault(path, []).append(message)

    def raise_any(self) -> None:
        if self.by_field:
            path, messages = next(iter(self.by_field.items()))
            raise errors.InvalidInput(f"{path}: {messages[0]}", field=path, field_errors=self.by_field)


def variables_in(text: str) -> list[str]:
    """The names inside ``{…}`` in ``text``, in order (known or not)."""
    return PLACEHOLDER.findall(text or "")


def validate(data: object) -> DesignDocument:
    """
    ``data`` (a client's JSON) as a ``DesignDocument``; bad input raises ``errors.InvalidInput``.

    The error's message names the first bad field; ``field`` is its path and ``field_errors`` holds every problem
    by path, so a form can mark them all at once.
    """
    found = _Errors()
    if not isinstance(data, dict):
        found.add("document", _("A design must be an object."))
        found.raise_any()
    for key in data:
        if key not in KEYS:
            found.add(
                str(key), _("Unknown key %(key)s: a design has %(keys)s.") % {"key": key, "keys": ", ".join(KEYS)}
            )
    base = data.get("base", DEFAULT_BASE)
    if base not in BUILT_INS:
        found.add("base", _("Choose one of the designs: %(designs)s.") % {"designs": ", ".join(BUILT_INS)})
        base = DEFAULT_BASE
    font = data.get("font", "") or BUILT_INS[base].font
    if font not in FONTS:
        found.add("font", _("Choose one of the fonts: %(fonts)s.") % {"fonts": ", ".join(FONTS)})
    show_qr = data.get("show_qr", True)
    if not isinstance(show_qr, bool):
        found.add("show_qr", _("Must be true or false."))
    document = DesignDocument(
        base=base,
        colours=_colours(data.get("colours", {}), "colours", found),
        font=font,
        logo=_asset(data.get("logo", ""), "logo", found),
        background=_asset(data.get("background", ""), "background", found),
        show_qr=show_qr is not False,
        blocks=_blocks(data.get("blocks", {}), "blocks", found),
        course_title=_line(data.get("course_title"), "course_title", MAX_COURSE_TITLE_LENGTH, found),
        signatories=_signatories(data.get("signatories", []), found),
        overrides=_overrides(data.get("overrides", {}), found),
    )
    found.raise_any()
    return document


def _mapping(value: object, path: str, allowed: tuple[str, ...], found: _Errors) -> dict:
    """``value`` as a dict whose keys are among ``allowed`` (an error per unknown key); {} when not a dict."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        found.add(path, _("Must be an object."))
        return {}
    for key in value:
        if key not in allowed:
            found.add(
                f"{path}.{key}",
                _("Unknown key %(key)s: choose from %(keys)s.") % {"key": key, "keys": ", ".join(allowed)},
            )
    return {key: value[key] for key in allowed if key in value}


def _colours(value: object, path: str, found: _Errors) -> dict[str, str]:
    """The given colours, each ``#rrggbb`` (lowercased)."""
    out = {}
    for key, colour in _mapping(value, path, COLOURS, found).items():
        if not isinstance(colour, str) or not HEX_COLOUR.match(colour):
            found.add(f"{path}.{key}", _("A colour is written #rrggbb (six hexadecimal digits), like #1f3a5f."))
            continue
        out[key] = colour.lower()
    return out


def _blocks(value: object, path: str, found: _Errors) -> dict[str, str]:
    """The given text blocks: plain text, at most ``MAX_BLOCK_LENGTH`` characters, known variables only."""
    out = {}
    for key, text in _mapping(value, path, BLOCKS, found).items():
        where = f"{path}.{key}"
        if not isinstance(text, str):
            found.add(where, _("Must be text."))
            continue
        if len(text) > MAX_BLOCK_LENGTH:
            found.add(
                where,
                _("At most %(max)s characters (this has %(count)s).") % {"max": MAX_BLOCK_LENGTH, "count": len(text)},
            )
        if CONTROL.search(text):
            found.add(where, _("Control characters are not allowed in text."))
        for name in variables_in(text):
            if name not in VARIABLES:
                found.add(
                    where,
                    _("Unknown variable {%(variable)s}: the variables are %(variables)s.")
                    % {"variable": name, "variables": ", ".join(f"{{{v}}}" for v in VARIABLES)},
                )
        out[key] = text
    return out


def _asset(value: object, path: str, found: _Errors) -> str:
    """An uploaded image's storage name, or ""."""
    if value in (None, ""):
        return ""
    if not isinstance(value, str) or not ASSET_NAME.match(value):
        found.add(path, _("Upload the image first and use the name the upload returned."))
        return ""
    return value


def _line(value: object, path: str, longest: int, found: _Errors) -> str:
    """One line of plain text, at most ``longest`` characters, trimmed ("" for None)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        found.add(path, _("Must be text."))
        return ""
    if len(value) > longest:
        found.add(path, _("At most %(max)s characters (this has %(count)s).") % {"max": longest, "count": len(value)})
    if CONTROL.search(value) or "\n" in value:
        found.add(path, _("Control characters are not allowed in text."))
    return value.strip()


def _signatories(value: object, found: _Errors) -> tuple[dict[str, str], ...]:
    """The design's signatories: at most ``MAX_SIGNATORIES``, each with a name (title, organization, signature)."""
    if value is None:
        return ()
    if not isinstance(value, list):
        found.add("signatories", _("Must be a list."))
        return ()
    if len(value) > MAX_SIGNATORIES:
        found.add("signatories", _("At most %(max)s signatories.") % {"max": MAX_SIGNATORIES})
    out = []
    for index, entry in enumerate(value[:MAX_SIGNATORIES]):
        path = f"signatories.{index}"
        if not isinstance(entry, dict):
            found.add(path, _("Must be an object."))
            continue
        parts = _mapping(entry, path, SIGNATORY_FIELDS, found)
        signatory = {
            key: _line(parts.get(key), f"{path}.{key}", MAX_SIGNATORY_LENGTH, found) for key in SIGNATORY_FIELDS[:3]
        }
        signatory["signature"] = _asset(parts.get("signature", ""), f"{path}.signature", found)
        if not signatory["name"]:
            found.add(f"{path}.name", _("A signatory needs a name."))
        out.append(signatory)
    return tuple(out)


def _override_key_ok(key: str) -> bool:
    """``mode:<mode>``, ``lang:<language>`` or ``<mode>|<language>`` (lowercase)."""
    if key.startswith("mode:"):
        return bool(MODE.match(key[5:]))
    if key.startswith("lang:"):
        return bool(LANGUAGE.match(key[5:]))
    mode, bar, language = key.partition("|")
    return bool(bar and MODE.match(mode) and LANGUAGE.match(language))


def _overrides(value: object, found: _Errors) -> dict[str, dict[str, dict[str, str]]]:
    """The per mode/language overrides, each with blocks and/or colours."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        found.add("overrides", _("Must be an object."))
        return {}
    if len(value) > MAX_OVERRIDES:
        found.add("overrides", _("At most %(max)s overrides.") % {"max": MAX_OVERRIDES})
    out = {}
    for key, override in value.items():
        path = f"overrides.{key}"
        if not isinstance(key, str) or not _override_key_ok(key):
            found.add(
                path,
                _('An override is named "mode:<mode>", "lang:<language>" or "<mode>|<language>" (lowercase).'),
            )
            continue
        parts = _mapping(override, path, OVERRIDE_KEYS, found)
        out[key] = {
            "blocks": _blocks(parts.get("blocks", {}), f"{path}.blocks", found),
            "colours": _colours(parts.get("colours", {}), f"{path}.colours", found),
        }
    return out


def _override_chain(mode: str, language: str) -> list[str]:
    """The override keys that apply to ``mode`` and ``language``, least specific first (later ones win)."""
    mode, language = (mode or "").lower(), (language or "").lower()
    languages = [language.split("-")[0], language] if "-" in language else [language]
    keys = [f"mode:{mode}"] if mode else []
    keys += [f"lang:{lang}" for lang in languages if lang]
    if mode:
        keys += [f"{mode}|{lang}" for lang in languages if lang]
    return keys


def resolve(doc: DesignDocument, mode: str = "", language: str | None = None) -> ResolvedDesign:
    """
    The design a certificate in ``mode`` prints with in ``language`` (None: the active language).

    Colours and blocks: the base design's, then the document's, then the overrides that apply, least specific
    first; a block left empty takes the base's default wording, translated in ``language``.
    """
    language = (language or translation.get_language() or "en").lower()
    base = BUILT_INS[doc.base]
    colours = {**base.colours, **doc.colours}
    blocks = {key: text for key, text in doc.blocks.items() if text}
    for key in _override_chain(mode, language):
        override = doc.overrides.get(key, {})
        colours.update(override.get("colours", {}))
        blocks.update({k: text for k, text in override.get("blocks", {}).items() if text})
    with translation.override(language):
        wording = {key: blocks.get(key) or str(base.blocks[key]) for key in BLOCKS}
        rtl = translation.get_language_bidi()
    return ResolvedDesign(
        base=base,
        colours=colours,
        font=doc.font or base.font,
        logo=doc.logo,
        background=doc.background,
        show_qr=doc.show_qr,
        blocks=wording,
        language=language,
        rtl=rtl,
        signatories=doc.signatories,
        course_title=doc.course_title,
    )


def fill(text: str, variables: dict[str, str]) -> list[tuple[str, bool]]:
    """
    ``text`` split into parts: ``(literal, False)`` and ``(value, True)`` for each known ``{variable}``.

    An unknown ``{name}`` (a document validated before a variable was withdrawn) stays literal text. Empty parts are
    left out. The web template escapes every part; the PDF draws them as text.
    """
    parts: list[tuple[str, bool]] = []
    position = 0
    for match in PLACEHOLDER.finditer(text or ""):
        name = match.group(1)
        if name not in VARIABLES:
            continue
        if match.start() > position:
            parts.append((text[position : match.start()], False))
        value = variables.get(name, "")
        if value:
            parts.append((value, True))
        position = match.end()
    if position < len(text or ""):
        parts.append((text[position:], False))
    return parts
