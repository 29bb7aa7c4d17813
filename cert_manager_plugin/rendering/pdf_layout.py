"""
The layout of a certificate page: what goes where, in which size and colour.

``draw_static_layer`` draws what every page of a course shows (frame, titles, course, organization, the QR code's
quiet zone and label, and inside the LMS the course's Studio configuration: the organization's logo above the
title, the signatories in a row above the verify lines) once per document; ``page_operators`` writes the
per-learner part (name, date and grade, QR code of the verify URL, verify URL, certificate id) as PDF operators,
the one layout both writers use.

A layout with a course design (``pdf_design.DesignedLayout``) is drawn the design's way: its base design's
arrangement, colours, background image and logo, and its text blocks (those with per-learner variables on every
page); the QR code only when the design shows it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from . import qr
from .pdf_design import BLOCK_TAGS, DesignedLayout, PdfDesign, TextStyle, fill
from .pdf_fit import ASCENT, DESCENT, TextBlock, fit_text, place
from .pdf_images import draw_prepared, prepare_image, prepare_stored_image
from .pdf_operators import DESIGN_STATIC_MCID, Encoder, block_operators, draw_block, marked, recorded, tagged
from .templates import CourseLayout

PAGE_SIZE = landscape(A4)
NAVY = (0.12, 0.23, 0.37)
GOLD = (0.72, 0.58, 0.25)
INK = (0.15, 0.15, 0.18)
GREY = (0.4, 0.4, 0.45)
QR_SIZE = 90  # points
QR_MARGIN = QR_SIZE * 4 / 41  # the quiet zone
NAME_SIZE = 34  # points: a name that fits is printed this size…
NAME_MIN_SIZE = 20  # …shrunk down to this one, then wrapped onto more lines (smaller still if need be)


@dataclass(frozen=True, slots=True)
class PageData:
    """What one certificate page prints besides the course's static layer."""

    learner_name: str
    issued: str
    grade: str | None
    verify_url: str
    certificate_id: str


def page_labels() -> dict[str, str]:
    """The per-page wording, in the active language."""
    return {
        "issued": _("Issued {date}"),
        "grade": _("Grade: {grade}"),
        "verify": _("Verify: {url}"),
        "id": _("Certificate ID: {id}"),
    }


def _name_box(width: float, height: float) -> tuple[float, float, float, float]:
    """The learner's name: (max width, baseline, bottom, top) — above the gold rule, below the intro line."""
    return width * 0.7, height * 0.545, height * 0.525 + 2, height * 0.66 - 16 * DESCENT - 4


def _small_text_width(width: float) -> float:
    """Room for the verify URL and certificate id lines: from the left margin to the QR code's quiet zone."""
    return width - 48 - QR_SIZE - QR_MARGIN - 8 - 48


def page_operators(
    width: float,
    height: float,
    page: PageData,
    *,
    print_grade: bool,
    labels: dict[str, str],
    encode: Encoder,
    cache: dict | None = None,
    design: PdfDesign | None = None,
) -> bytes:
    """
    The per-learner part of a page (name, date and grade, QR code, verify URL, id) as PDF operators.

    The one layout both writers use, each with its own ``encode``. The verify URL must be absolute (a phone that
    scans the code or a reader who types the link has no page to resolve a relative one against). ``cache``
    (one per document) keeps the date and grade lines already drawn: a course has few of them. With a ``design``
    (``DesignedLayout.design``), the design's per-learner part (``design_page_operators``).
    """
    url = page.verify_url
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"a certificate PDF needs an absolute verify URL, not {url!r}: set CERT_MANAGER_BASE_URL")
    if design is not None:
        return design_page_operators(
            width, height, page, design, print_grade=print_grade, labels=labels, encode=encode, cache=cache
        )
    max_width, baseline, bottom, top = _name_box(width, height)
    name = fit_text(
        page.learner_name,
        max_width=max_width,
        size=NAME_SIZE,
        min_size=NAME_MIN_SIZE,
        bold=True,
        max_height=top - bottom,
    )
    name_y = place(name, baseline, bottom, top)
    parts = [block_operators(name, width / 2, name_y, encode=encode, colour=INK, tag="name")]
    line = labels["issued"].format(date=page.issued) if page.issued else ""
    if page.grade and print_grade:
        grade = labels["grade"].format(grade=page.grade)
        line = f"{line}   \u00b7   {grade}" if line else grade
    if line:
        key = (line, width, height)
        drawn = cache.get(key) if cache is not None else None
        if drawn is None:
            block = fit_text(line, max_width=width * 0.8, size=12, min_size=7, clean=False)
            drawn = block_operators(block, width / 2, height * 0.25, encode=encode, colour=INK, tag="issued")
            if cache is not None:
                if len(cache) > 4096:
                    cache.clear()
                cache[key] = drawn
        parts.append(drawn)
    parts.append(marked("qr", qr.encode(url).pdf_operator_bytes(width - 48 - QR_SIZE, 48, QR_SIZE)))
    small = _small_text_width(width)
    for tag, label, y in (
        ("verify", labels["verify"].format(url=url), 58),
        ("id", labels["id"].format(id=page.certificate_id), 48),
    ):
        block = fit_text(label, max_width=small, size=7, min_size=4, clean=False)
        parts.append(block_operators(block, 48, y, encode=encode, colour=GREY, align="left", tag=tag))
    return b"\n".join(parts)


def draw_static_layer(c: Canvas, layout: CourseLayout, width: float, height: float, framed: bool) -> None:
    """What every page of the course shows: border (no background), titles, course, organization, QR label."""
    if isinstance(layout, DesignedLayout) and layout.design is not None:
        draw_design_static_layer(c, layout, layout.design, width, height)
        return
    if framed:
        c.setStrokeColorRGB(*NAVY)
        c.setLineWidth(3)
        c.rect(24, 24, width - 48, height - 48)
        c.setStrokeColorRGB(*GOLD)
        c.setLineWidth(0.8)
        c.rect(32, 32, width - 64, height - 64)
    title = fit_text(_("Certificate of Achievement").upper(), max_width=width * 0.8, size=30, min_size=14, bold=True)
    draw_block(c, title, width / 2, height * 0.77, colour=NAVY, tag="title")
    intro = fit_text(_("This is to certify that"), max_width=width * 0.8, size=16, min_size=9, standard="Times-Italic")
    draw_block(c, intro, width / 2, height * 0.66, colour=INK, tag="intro")
    c.setStrokeColorRGB(*GOLD)
    c.setLineWidth(1)
    c.line(width * 0.25, height * 0.525, width * 0.75, height * 0.525)
    completed = fit_text(
        _("has successfully completed"), max_width=width * 0.8, size=16, min_size=9, standard="Times-Italic"
    )
    draw_block(c, completed, width / 2, height * 0.455, colour=INK, tag="completed")
    top = height * 0.455 - 16 * DESCENT - 3
    bottom = (height * 0.345 if layout.org else height * 0.25) + 12 * ASCENT + 3
    course = fit_text(
        layout.course_name, max_width=width * 0.8, size=22, min_size=14, bold=True, max_height=top - bottom
    )
    draw_block(c, course, width / 2, place(course, height * 0.39, bottom, top), colour=NAVY, tag="course")
    if layout.org:
        offered = fit_text(_("offered by {org}").format(org=layout.org), max_width=width * 0.8, size=12, min_size=7)
        draw_block(c, offered, width / 2, height * 0.345, colour=GREY, tag="org")
    _draw_qr_zone(c, width, GREY)
    if layout.org_logo_url:
        _draw_logo(c, layout.org_logo_url, width, height, org=layout.org)
    if layout.signatories:
        _draw_signatories(c, layout, width, height)


def _draw_qr_zone(c: Canvas, width: float, colour: tuple) -> None:
    """The QR code's quiet zone, white whatever the background so scanners find the code, and its label."""
    c.setFillColorRGB(1, 1, 1)
    c.rect(
        width - 48 - QR_SIZE - QR_MARGIN,
        48 - QR_MARGIN,
        QR_SIZE + 2 * QR_MARGIN,
        QR_SIZE + 2 * QR_MARGIN,
        stroke=0,
        fill=1,
    )
    scan = fit_text(_("Scan to verify"), max_width=QR_SIZE + 2 * QR_MARGIN, size=7, min_size=5)
    draw_block(c, scan, width - 48, 48 + QR_SIZE + QR_MARGIN + 3, colour=colour, align="right", tag="scan")


#: The organization's logo: at most this tall and wide (points), centred above the title.
LOGO_HEIGHT, LOGO_WIDTH = 56, 200
#: A signature image: at most this tall (points); signatories' lines: (size, smallest size, bold, colour).
SIGNATURE_HEIGHT = 30
SIGNATORY_LINES = ((9, 6, True, INK), (7, 5, False, GREY), (7, 5, False, GREY))


def _draw_image(c: Canvas, url: str, box: tuple[float, float, float, float], *, key: str, alt: str) -> bool:
    """
    The image at ``url`` fitted (aspect kept) and centred in ``box`` (x, y, width, height); False: skipped.

    Tagged as a figure (``key`` and its ``alt`` text: ``pdf_operators.tagged``).
    """
    image = prepare_image(url, LOGO_PIXELS)  # decoded and compressed once per process, not once per document
    if image is None:
        return False
    x, y, width, _height = box
    with tagged(c, key, alt=alt, x=x + width / 2, y=y):
        draw_prepared(c, image, box)
    return True


def _draw_logo(c: Canvas, url: str, width: float, height: float, *, org: str = "") -> None:
    """The organization's logo above the title, below the frame (skipped when the page has no room)."""
    bottom = height * 0.77 + 30 * ASCENT + 6
    top = min(height - 40, bottom + LOGO_HEIGHT)
    if top - bottom >= 16:
        alt = _("Logo of {organization}").format(organization=org) if org else _("Organization logo")
        _draw_image(c, url, ((width - LOGO_WIDTH) / 2, bottom, LOGO_WIDTH, top - bottom), key="logo", alt=alt)


def signatory_columns(count: int, width: float) -> list[tuple[float, float]]:
    """
    The centre and width of each signatory's column, in reading order: left to right, right to left in RTL.

    The row runs from the left margin to the QR code's quiet zone, in equal columns.
    """
    left, right = 48.0, width - 48 - QR_SIZE - QR_MARGIN - 8
    column = (right - left) / max(count, 1)
    centres = [left + column * (i + 0.5) for i in range(count)]
    if translation.get_language_bidi():
        centres.reverse()
    return [(centre, column) for centre in centres]


def _draw_signatories(
    c: Canvas, layout: CourseLayout, width: float, height: float, *, top: float | None = None, colours: tuple = ()
) -> None:
    """
    Studio's signatories in a row between the date line and the verify lines: signature, name, title, organization.

    Each line is cut with "…" to its column (never wrapped onto the lines around it); an image that cannot be
    loaded is skipped (``pdf_images``). ``top``: the row's top (a design's footer); ``colours``: a design's (name,
    other lines).
    """
    bottom, top = 72.0, (height * 0.25 - 12 * DESCENT - 6) if top is None else top
    if top - bottom < 24:
        return  # a page too short for the row: the certificate prints without it
    for signatory, (centre, column) in zip(
        layout.signatories, signatory_columns(len(layout.signatories), width), strict=True
    ):
        baseline = bottom + 2
        texts = (signatory.name, signatory.title, signatory.organization)
        for i, (text, (size, min_size, bold, colour)) in reversed(
            list(enumerate(zip(texts, SIGNATORY_LINES, strict=True)))
        ):
            if not text:
                continue
            colour = colours[min(i, 1)] if colours else colour
            block = fit_text(text, max_width=column - 12, size=size, min_size=min_size, bold=bold)
            draw_block(c, block, centre, baseline, colour=colour, tag="signatory")
            baseline += size * LEADING_SMALL
        room = min(SIGNATURE_HEIGHT, top - baseline)
        if signatory.signature_image_url and room >= 12:
            box = (centre - (column - 12) / 2, baseline, column - 12, room)
            alt = _("Signature of {name}").format(name=signatory.name) if signatory.name else _("Signature")
            _draw_image(c, signatory.signature_image_url, box, key="signatory", alt=alt)


#: Baseline to baseline of the signatories' small lines (em).
LEADING_SMALL = 1.2


def page_data(context: dict) -> PageData:
    """A ``PageData`` from ``templates.certificate_context`` variables."""
    return PageData(
        learner_name=context["learner_name"],
        issued=context["issued_date_display"],
        grade=context["grade_display"],
        verify_url=context["verify_url"],
        certificate_id=context["certificate_id"],
    )


# Designs (``pdf_design``): the same page, its parts where the base design puts them, in the design's colours.

#: A design's images are scaled down to at most this many pixels a side (about 300 dpi at their largest size).
LOGO_PIXELS, BACKGROUND_PIXELS = 1000, 3000


def _anchor(style: TextStyle, width: float, rtl: bool) -> tuple[float, str]:
    """Where a part's text is anchored and how it is aligned: start-aligned text mirrors right to left."""
    if style.align == "centre":
        return width * style.x, "centre"
    return (width * (1 - style.x), "right") if rtl else (width * style.x, "left")


def design_text(text: str, style: TextStyle, design: PdfDesign, width: float, height: float) -> TextBlock:
    """
    ``text`` fitted to ``style`` (its face: bold sans, the serif italic for ``italic`` or a serif design, sans).

    A line break the course team typed starts a new line: each paragraph is fitted, then all are set at the
    smallest size one of them needed.
    """
    if style.bold:
        standard = "Helvetica"
    else:
        standard = "Times-Italic" if style.italic or design.serif else "Helvetica"
    text = text.upper() if style.upper else text
    paragraphs = [p for p in text.split("\n") if p.strip()] if "\n" in text else [text]
    max_height = (style.top - style.bottom) * height / max(len(paragraphs), 1) if style.wrap else None

    def fit(value: str, size: float, min_size: float) -> TextBlock:
        return fit_text(
            value,
            max_width=width * style.width,
            size=size,
            min_size=min_size,
            bold=style.bold,
            standard=standard,
            max_height=max_height,
        )

    if len(paragraphs) <= 1:
        return fit(paragraphs[0] if paragraphs else "", style.size, style.min_size)
    size = min(fit(p, style.size, style.min_size).size for p in paragraphs)
    blocks = [fit(p, size, size) for p in paragraphs]
    return TextBlock(tuple(line for block in blocks for line in block.lines), min(b.size for b in blocks))


def _baseline(block: TextBlock, style: TextStyle, height: float) -> float:
    """The block's last baseline: ``style.y``, moved to stay between its bottom and top when it wraps."""
    if not style.wrap:
        return height * style.y
    return place(block, height * style.y, height * style.bottom, height * style.top)


def draw_design_static_layer(c: Canvas, layout: DesignedLayout, design: PdfDesign, width: float, height: float) -> None:
    """A design's static layer: background, frame or band, rule, logo, its static blocks, QR label, signatories."""
    arrangement, colours = design.arrangement, design.colours
    tags = recorded(c)
    if tags is not None:  # the page's per-learner blocks take the ids after the usual parts' (``DESIGN_MCIDS``)
        tags.first_mcid = DESIGN_STATIC_MCID
    _draw_design_background(c, design, width, height)
    if arrangement.frame:
        c.setStrokeColorRGB(*colours["primary"])
        c.setLineWidth(3)
        c.rect(24, 24, width - 48, height - 48)
        c.setStrokeColorRGB(*colours["accent"])
        c.setLineWidth(0.8)
        c.rect(32, 32, width - 64, height - 64)
    if arrangement.band:
        c.setFillColorRGB(*colours["primary"])
        c.rect(width - arrangement.band if design.rtl else 0, 0, arrangement.band, height, stroke=0, fill=1)
    if arrangement.rule:
        y, start, end, line_width = arrangement.rule
        if design.rtl:
            start, end = 1 - end, 1 - start
        c.setStrokeColorRGB(*colours["accent"])
        c.setLineWidth(line_width)
        c.line(width * start, height * y, width * end, height * y)
    for name, text in design.static_blocks:
        style = arrangement.blocks[name]
        block = design_text(text, style, design, width, height)
        x, align = _anchor(style, width, design.rtl)
        draw_block(
            c,
            block,
            x,
            _baseline(block, style, height),
            colour=colours[style.colour],
            align=align,
            tag=BLOCK_TAGS[name],
        )
    if arrangement.org is not None and layout.org:
        offered = design_text(_("offered by {org}").format(org=layout.org), arrangement.org, design, width, height)
        draw_block(c, offered, width / 2, height * arrangement.org.y, colour=colours["muted"], tag="org")
    if design.show_qr:
        _draw_qr_zone(c, width, colours["muted"])
    _draw_design_logo(c, layout, design, width, height)
    if layout.signatories:
        footer = arrangement.blocks["footer"]
        top = height * footer.bottom - footer.size * DESCENT - 6
        _draw_signatories(c, layout, width, height, top=top, colours=(colours["text"], colours["muted"]))


def _draw_design_background(c: Canvas, design: PdfDesign, width: float, height: float) -> None:
    """The background colour (when not white), then the background image covering the page (cropped, centred)."""
    colour = design.colours["background"]
    if colour != (1.0, 1.0, 1.0):
        c.setFillColorRGB(*colour)
        c.rect(0, 0, width, height, stroke=0, fill=1)
    image = prepare_stored_image(design.background, BACKGROUND_PIXELS) if design.background else None
    if image is None:
        return
    c.saveState()
    path = c.beginPath()
    path.rect(0, 0, width, height)
    c.clipPath(path, stroke=0, fill=0)
    draw_prepared(c, image, (0, 0, width, height), cover=True)
    c.restoreState()


def _draw_design_logo(c: Canvas, layout: DesignedLayout, design: PdfDesign, width: float, height: float) -> None:
    """The design's logo (else Studio's organization logo) in the arrangement's box, tagged with its /Alt text."""
    x, y, box_width, box_height = design.arrangement.logo
    if design.arrangement.logo_align == "end":
        left = width * (1 - x) if design.rtl else width * x - box_width
    else:
        left = width * x - box_width / 2
    box = (left, height * y, box_width, min(box_height, height - 40 - height * y))
    if box[3] < 16:
        return
    org = layout.org
    alt = _("Logo of {organization}").format(organization=org) if org else _("Organization logo")
    image = prepare_stored_image(design.logo, LOGO_PIXELS) if design.logo else None
    if image is not None:
        with tagged(c, "logo", alt=alt, x=left + box_width / 2, y=box[1]):
            draw_prepared(c, image, box)
    elif layout.org_logo_url:
        _draw_image(c, layout.org_logo_url, box, key="logo", alt=alt)


def design_page_operators(
    width: float,
    height: float,
    page: PageData,
    design: PdfDesign,
    *,
    print_grade: bool,
    labels: dict[str, str],
    encode: Encoder,
    cache: dict | None = None,
) -> bytes:
    """
    A design's per-learner part of a page: the name, the blocks with per-learner variables, QR code, small lines.

    A block whose only per-learner variables are the date and grade is drawn once per document (``cache``).
    """
    arrangement, colours = design.arrangement, design.colours
    style = arrangement.name
    x, align = _anchor(style, width, design.rtl)
    bottom, top = height * style.bottom, height * style.top
    name = fit_text(
        page.learner_name,
        max_width=width * style.width,
        size=style.size,
        min_size=style.min_size,
        bold=True,
        max_height=top - bottom,
    )
    parts = [
        block_operators(
            name,
            x,
            place(name, height * style.y, bottom, top),
            encode=encode,
            colour=colours[style.colour],
            align=align,
            tag="name",
        )
    ]
    variables = {
        "learner_name": page.learner_name,
        "grade": (page.grade or "") if print_grade else "",
        "issue_date": page.issued,
        "verify_url": page.verify_url,
    }
    for block_name, block_parts in design.page_blocks:
        parts.append(
            _design_block(
                block_name,
                block_parts,
                variables=variables,
                design=design,
                width=width,
                height=height,
                encode=encode,
                cache=cache,
            )
        )
    if design.show_qr:
        parts.append(marked("qr", qr.encode(page.verify_url).pdf_operator_bytes(width - 48 - QR_SIZE, 48, QR_SIZE)))
    small = _small_text_width(width) if design.show_qr else width - 96
    lines = [("id", labels["id"].format(id=page.certificate_id), 48)]
    if not design.prints_verify_url:
        lines.insert(0, ("verify", labels["verify"].format(url=page.verify_url), 58))
    for tag, label, y in lines:
        block = fit_text(label, max_width=small, size=7, min_size=4, clean=False)
        parts.append(block_operators(block, 48, y, encode=encode, colour=colours["muted"], align="left", tag=tag))
    return b"\n".join(parts)


def _design_block(
    name: str,
    parts: tuple,
    *,
    variables: dict[str, str],
    design: PdfDesign,
    width: float,
    height: float,
    encode: Encoder,
    cache: dict | None,
) -> bytes:
    """One per-learner block's operators (cached by its text when it names no learner nor link)."""
    text = fill(parts, variables)
    cacheable = cache is not None and name not in design.unique_blocks
    key = ("design", id(design), name, text, width, height)
    if cacheable and key in cache:
        return cache[key]
    style = design.arrangement.blocks[name]
    block = design_text(text, style, design, width, height)
    x, align = _anchor(style, width, design.rtl)
    drawn = block_operators(
        block,
        x,
        _baseline(block, style, height),
        encode=encode,
        colour=design.colours[style.colour],
        align=align,
        tag=BLOCK_TAGS[name],
    )
    if cacheable:
        if len(cache) > 4096:
            cache.clear()
        cache[key] = drawn
    return drawn
