"""
``CertificatePdfWriter``: certificate pages drawn by ReportLab onto one canvas, for one certificate or many.

The static layer and background of each layout are registered as Form XObjects on first use and drawn by
reference on every later page; a page adds only its learner's operators (``pdf_layout.page_operators``). The
document's metadata (title, author, creator) is set here.
"""

from __future__ import annotations

from typing import BinaryIO

from reportlab import rl_config
from reportlab.pdfgen.canvas import Canvas

from .pdf_background import Background, background_for, register_background
from .pdf_layout import PAGE_SIZE, PageData, draw_static_layer, page_labels, page_operators
from .pdf_operators import DocumentEncoder, canvas_document
from .pdf_text import clean_text
from .templates import CourseLayout


class CertificatePdfWriter:
    """
    Writes certificate pages into one PDF on one canvas.

    Static layers and backgrounds are registered on first use and reused by every later page with the same
    layout.

        writer = CertificatePdfWriter(fileobj, title="…")
        writer.add_page(layout, page_data)
        writer.close()
    """

    def __init__(self, output: BinaryIO | str, *, title: str = "", author: str = ""):
        self.canvas = Canvas(output, pagesize=PAGE_SIZE, pageCompression=1)
        if title:
            self.canvas.setTitle(clean_text(title))
        if author:
            self.canvas.setAuthor(clean_text(author))
        self.canvas.setCreator("cert_manager_plugin")
        self.pages = 0
        self.labels = page_labels()
        self._encode = DocumentEncoder(canvas_document(self.canvas))
        self._page_size: tuple[float, float] | None = None  # what the canvas's next page is set to
        self._lines: dict = {}
        self._static: dict[tuple, tuple[str, Background | None, tuple[float, float]]] = {}

    def static_layer(self, layout: CourseLayout) -> tuple[str, Background | None, tuple[float, float]]:
        """
        The layout's static layer as a form on this writer's document: its name, background and page size.

        The static layer is everything but the learner's lines (course name, labels, frame), drawn once per
        layout.
        """
        template = layout.template
        key = (
            layout.course_id,
            layout.course_name,
            layout.org,
            layout.print_grade,
            template.pk if template else None,
            template.modified if template else None,
        )
        found = self._static.get(key)
        if found is not None:
            return found
        background = background_for(template)
        size = (background.width, background.height) if background else PAGE_SIZE
        name = f"cmstatic{len(self._static)}"
        c = self.canvas
        width, height = size
        c.beginForm(name, lowerx=0, lowery=0, upperx=width, uppery=height)
        draw_static_layer(c, layout, width, height, framed=background is None)
        c.endForm()
        found = (name, background, size)
        self._static[key] = found
        return found

    def add_page(self, layout: CourseLayout, page: PageData) -> None:
        """Draw one certificate page."""
        static, background, (width, height) = self.static_layer(layout)
        c = self.canvas
        operators = page_operators(
            width,
            height,
            page,
            print_grade=layout.print_grade,
            labels=self.labels,
            encode=self._encode,
            cache=self._lines,
        )
        if (width, height) != self._page_size:
            c.setPageSize((width, height))
            self._page_size = (width, height)
        if background is not None:
            bg_name = register_background(c, background)
            if background.x0 or background.y0:
                c.saveState()
                c.translate(-background.x0, -background.y0)
                c.doForm(bg_name)
                c.restoreState()
            else:
                c.doForm(bg_name)
        c.doForm(static)
        c.addLiteral(operators.decode("ascii"))
        c.showPage()
        self.pages += 1

    def close(self) -> None:
        """Finish the document (writes it to the output). A document needs at least one page."""
        if self.pages == 0:
            raise ValueError("a certificate PDF needs at least one certificate")
        # Binary (Flate only) streams: ReportLab's default ASCII85 layer makes files 25% larger and, without
        # the optional rl_accel C extension, costs more than drawing the page. The flag is read at save time.
        previous = rl_config.useA85
        rl_config.useA85 = 0
        try:
            self.canvas.save()
        finally:
            rl_config.useA85 = previous
