"""
A course's certificate design (``designs``) on the PDF page: the design as PDF data, and where each base puts things.

``designed_layout`` turns a course's ``CourseLayout`` and a design document into a ``DesignedLayout``: the design
resolved for a mode and language (``designs.document.resolve``), its colours as RGB, its text blocks parsed into
literal text and variables with the course's name already in. A block that holds a per-learner variable
(``{learner_name}``, ``{grade}``, ``{issue_date}``, ``{verify_url}``) is drawn on every page; the others belong to the
static layer, drawn once per document. Only the known variables are ever printed: an unknown ``{name}`` is left out,
never printed as it was typed, and a block is always drawn as text (``<b>`` prints as those three characters, never
as markup).

``ARRANGEMENTS`` says where each base design (``classic``, ``modern``, ``minimal``) draws its parts; the drawing is
:mod:`.pdf_layout`'s. Right to left (``ResolvedDesign.rtl``), start-aligned text and the modern band mirror.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, fields

from .. import errors
from ..designs import document as design_document
from ..designs.api import asset_url
from ..lms.base import Signatory
from .templates import CourseLayout, design_course_name

#: The variables whose value differs from one learner to the next: a block holding one is drawn on every page.
LEARNER_VARIABLES = frozenset({"learner_name", "grade", "issue_date", "verify_url"})
#: The structure key (``pdf_writer.READING_ORDER``, ``pdf_operators.PAGE_MCIDS``) of each text block.
BLOCK_TAGS = {"title": "title", "intro": "intro", "completion": "completed", "footer": "footer"}

#: Every printable character WinAnsi has: what a variable's value may hold in a block set in the TrueType fonts.
WINANSI_TEXT = "".join(c for c in bytes(range(32, 256)).decode("cp1252", "ignore") if c.isprintable())

Part = tuple[str, bool]  # (literal text, False) or (a variable's name, True)
RGB = tuple[float, float, float]


@dataclass(frozen=True, slots=True)
class TextStyle:
    """
    Where and how a part of a design is drawn (fractions of the page's width and height; sizes in points).

    ``x``: the centre (``align="centre"``) or the starting edge (``"start"``: the left edge, the right one in RTL,
    mirrored); ``y`` the last line's baseline, kept between ``bottom`` and ``top`` when ``wrap`` lets the text take
    more lines (else it shrinks to ``min_size`` on one line and is cut with "…").
    """

    y: float
    size: float
    min_size: float
    colour: str = "text"  # a design colour: primary, accent, text, or muted (text faded into the background)
    x: float = 0.5
    width: float = 0.8
    align: str = "centre"
    bold: bool = False
    italic: bool = False  # the serif italic face (WinAnsi text), else the regular one
    upper: bool = False
    wrap: bool = False
    bottom: float = 0.0
    top: float = 1.0


@dataclass(frozen=True, slots=True)
class Arrangement:
    """A base design's page: frame, band, rule, logo box and each text part's style."""

    blocks: dict[str, TextStyle]
    name: TextStyle
    frame: bool = False  # a double frame (primary outside, accent inside)
    band: float = 0.0  # a full-height band this wide (points) along the starting edge, in the primary colour
    rule: tuple[float, float, float, float] | None = None  # accent rule: y, x from, x to (fractions), width (pt)
    logo: tuple[float, float, float, float] = (0.5, 0.86, 200, 52)  # centre x (or start x), bottom y; max w, h
    logo_align: str = "centre"  # or "end": at the ending edge, top corner
    org: TextStyle | None = None  # "offered by {org}"


ARRANGEMENTS: dict[str, Arrangement] = {
    # The plugin's own layout (``pdf_layout.draw_static_layer``), its wording and colours from the design.
    "classic": Arrangement(
        frame=True,
        rule=(0.525, 0.25, 0.75, 1.0),
        logo=(0.5, 0.83, 200, 52),
        blocks={
            "title": TextStyle(y=0.77, size=30, min_size=14, colour="primary", bold=True, upper=True),
            "intro": TextStyle(y=0.66, size=16, min_size=9, italic=True),
            "completion": TextStyle(y=0.43, size=18, min_size=11, italic=True, wrap=True, bottom=0.36, top=0.5),
            "footer": TextStyle(y=0.28, size=12, min_size=7, width=0.7, wrap=True, bottom=0.265, top=0.31),
        },
        name=TextStyle(y=0.545, size=34, min_size=20, width=0.7, bold=True, bottom=0.528, top=0.63),
        org=TextStyle(y=0.33, size=12, min_size=7, colour="muted"),
    ),
    # A band along the starting edge, text aligned to it, the logo in the ending top corner.
    "modern": Arrangement(
        band=16,
        rule=(0.5, 0.085, 0.4, 2.0),
        logo=(0.915, 0.76, 170, 64),
        logo_align="end",
        blocks={
            "title": TextStyle(
                y=0.8, size=30, min_size=14, colour="primary", x=0.085, width=0.6, align="start", bold=True
            ),
            "intro": TextStyle(y=0.65, size=15, min_size=9, x=0.085, width=0.8, align="start"),
            "completion": TextStyle(
                y=0.41, size=16, min_size=10, x=0.085, width=0.75, align="start", wrap=True, bottom=0.34, top=0.47
            ),
            "footer": TextStyle(
                y=0.29,
                size=10,
                min_size=7,
                colour="muted",
                x=0.085,
                width=0.66,
                align="start",
                wrap=True,
                bottom=0.275,
                top=0.32,
            ),
        },
        name=TextStyle(
            y=0.535,
            size=38,
            min_size=20,
            colour="primary",
            x=0.085,
            width=0.8,
            align="start",
            bold=True,
            bottom=0.51,
            top=0.625,
        ),
    ),
    # No frame, one thin rule above the title, everything centred and quiet.
    "minimal": Arrangement(
        rule=(0.8, 0.46, 0.54, 0.8),
        logo=(0.5, 0.84, 180, 44),
        blocks={
            "title": TextStyle(y=0.72, size=22, min_size=12, colour="primary", width=0.7),
            "intro": TextStyle(y=0.62, size=12, min_size=8, colour="muted", width=0.7),
            "completion": TextStyle(y=0.41, size=13, min_size=8, width=0.6, wrap=True, bottom=0.34, top=0.47),
            "footer": TextStyle(
                y=0.29, size=9, min_size=6, colour="muted", width=0.6, wrap=True, bottom=0.275, top=0.32
            ),
        },
        name=TextStyle(y=0.51, size=34, min_size=18, width=0.75, bold=True, bottom=0.49, top=0.595),
    ),
}


@dataclass(frozen=True, slots=True)
class PdfDesign:
    """A design resolved for one mode and language, ready to draw (``designed_layout``)."""

    base: str
    arrangement: Arrangement
    colours: dict[str, RGB]
    serif: bool
    logo: str  # a design asset's storage name, or ""
    background: str
    show_qr: bool
    rtl: bool
    static_blocks: tuple[tuple[str, str], ...]  # (block, text): drawn once in the static layer
    page_blocks: tuple[tuple[str, tuple[Part, ...]], ...]  # (block, parts): filled and drawn on every page
    prints_verify_url: bool  # a block prints the verify URL (else the page's small verify line does)
    unique_blocks: frozenset[str] = frozenset()  # per-page blocks naming the learner or link: never the same twice


@dataclass
class DesignedLayout(CourseLayout):
    """A course's layout printed with a design: the design replaces the ``CertificateTemplate`` (and its background)."""

    design: PdfDesign | None = None
    #: Which design this is (version, mode, language; a digest for an unsaved one): the writers' static-layer key.
    design_key: str = ""


def parse(text: str, course_name: str) -> tuple[Part, ...]:
    """
    ``text`` as literal parts and the per-learner variables' names; ``{course_name}`` filled in, unknown ``{…}`` gone.

    Parsed once: a course name holding ``{grade}`` stays literal text.
    """
    parts: list[Part] = []
    position = 0
    for match in design_document.PLACEHOLDER.finditer(text):
        if match.start() > position:
            parts.append((text[position : match.start()], False))
        name = match.group(1)
        if name == "course_name":
            parts.append((course_name, False))
        elif name in LEARNER_VARIABLES:
            parts.append((name, True))
        position = match.end()  # an unknown name is left out: never printed as typed
    if position < len(text):
        parts.append((text[position:], False))
    return tuple(parts)


def fill(parts: tuple[Part, ...], variables: dict[str, str]) -> str:
    """The text of ``parts`` with each variable's value (``""`` when it has none)."""
    return "".join(variables.get(text, "") if variable else text for text, variable in parts)


def rgb(colour: str) -> RGB:
    """``#rrggbb`` as ReportLab's RGB fractions."""
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def _colours(colours: dict[str, str]) -> dict[str, RGB]:
    """The design's colours as RGB, and ``muted``: the text colour 40 % of the way to the background."""
    out = {key: rgb(value) for key, value in colours.items()}
    text, background = out["text"], out["background"]
    out["muted"] = tuple(t + (b - t) * 0.4 for t, b in zip(text, background, strict=True))  # type: ignore[assignment]
    return out


def pdf_design(resolved: design_document.ResolvedDesign, course_name: str) -> PdfDesign:
    """A resolved design as PDF data: blocks parsed and split into the static layer's and every page's."""
    static, per_page = [], []
    for name in design_document.BLOCKS:
        parts = parse(resolved.blocks.get(name, ""), course_name)
        if any(variable for _text, variable in parts):
            per_page.append((name, parts))
        else:
            static.append((name, fill(parts, {})))
    return PdfDesign(
        base=resolved.base.id,
        arrangement=ARRANGEMENTS.get(resolved.base.id, ARRANGEMENTS["classic"]),
        colours=_colours(
            {
                key: value if design_document.HEX_COLOUR.match(str(value)) else resolved.base.colours[key]
                for key, value in {**resolved.base.colours, **resolved.colours}.items()
                if key in design_document.COLOURS
            }
        ),
        serif=resolved.font == "serif",
        logo=resolved.logo,
        background=resolved.background,
        show_qr=resolved.show_qr,
        rtl=resolved.rtl,
        static_blocks=tuple(static),
        page_blocks=tuple(per_page),
        prints_verify_url=any(("verify_url", True) in parts for _name, parts in per_page),
        unique_blocks=frozenset(
            name for name, parts in per_page if ("learner_name", True) in parts or ("verify_url", True) in parts
        ),
    )


def stored_document(data: dict) -> design_document.DesignDocument:
    """
    A saved version's document: validated, or — saved under older rules — taken as it is (its known keys).

    An issued certificate keeps printing: what is no longer valid is left out as it is drawn (``parse``: unknown
    variables; an unknown base prints as the default one).
    """
    try:
        return design_document.validate(data)
    except errors.InvalidInput:
        known = {f.name for f in fields(design_document.DesignDocument)}
        values = {key: value for key, value in (data or {}).items() if key in known}
        if values.get("base") not in design_document.BUILT_INS:
            values.pop("base", None)
        values.pop("signatories", None)  # not checked here: left out rather than drawn unchecked
        return design_document.DesignDocument(**values)


def design_signatories(resolved: design_document.ResolvedDesign) -> tuple[Signatory, ...]:
    """The design's own signatories as the layout draws them; a signature is read back from the storage by URL."""
    return tuple(
        Signatory(
            name=signatory.get("name", ""),
            title=signatory.get("title", ""),
            organization=signatory.get("organization", ""),
            signature_image_url=asset_url(signatory["signature"]) if signatory.get("signature") else "",
        )
        for signatory in resolved.signatories
    )


def designed_layout(
    layout: CourseLayout, document: dict, *, mode: str = "", language: str | None = None, key: str = ""
) -> DesignedLayout:
    """
    ``layout`` printed with the design ``document``: a saved version's (``key``: ``"v<id>"``) or a preview's.

    A preview's document (no ``key``) is validated (``errors.InvalidInput`` names the bad field) and keyed by its
    digest; a saved one is read as ``stored_document`` does. ``key`` names the design in the writers' caches. The
    design replaces the course's ``CertificateTemplate``: its background PDF is not drawn. The design's signatories
    print when the course has none from Studio, and its course title when Studio overrides none.
    """
    doc = stored_document(document) if key else design_document.validate(document)
    resolved = design_document.resolve(doc, mode, language)
    values = {f.name: getattr(layout, f.name) for f in fields(CourseLayout)}
    values["course_name"] = design_course_name(layout, resolved.course_title)
    design = pdf_design(resolved, values["course_name"])
    if not key:
        key = "doc:" + hashlib.sha256(json.dumps(document, sort_keys=True, default=str).encode()).hexdigest()[:16]
    values["template"] = None
    if not layout.signatories:  # the Studio configuration's signatories win inside the LMS
        values["signatories"] = design_signatories(resolved)
    return DesignedLayout(**values, design=design, design_key=f"{key}|{mode}|{resolved.language}")


def layout_wording(layouts: object) -> tuple[list[str], bool]:
    """
    What the designs of ``layouts`` print on each page besides the usual wording (the export writer's font subsets).

    The literal text of every per-page block (with ``WINANSI_TEXT``: what its values may hold), and whether a block
    prints the learner's name (then names are set in the blocks' faces too, not only the name line's).
    """
    texts: list[str] = []
    names = False
    for layout in layouts:  # type: ignore[attr-defined]
        design = getattr(layout, "design", None)
        if design is None:
            continue
        for _name, parts in design.page_blocks:
            # with every character a Latin value (name, date, link) may bring into a block set in the TrueType fonts
            texts.append(" ".join(text for text, variable in parts if not variable) + WINANSI_TEXT)
            names = names or ("learner_name", True) in parts
    return texts, names
