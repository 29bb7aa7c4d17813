"""
Rebuild the fonts in this directory from Debian's Noto packages (a maintainer's tool, not shipped).

    apt-get download fonts-noto-core fonts-noto-cjk     # 20201225-1 and 1:20220127+repack1-1 were used
    for deb in fonts-noto-*.deb; do dpkg-deb -x "$deb" noto/; done
    pip install fonttools                                # 4.68.0 was used
    python cert_manager_plugin/rendering/fonts/build_fonts.py noto/usr/share/fonts

What it does, and why:

* Noto Sans, Noto Sans Arabic and Noto Sans Hebrew (Regular and Bold, TrueType): every character kept,
  hinting and OpenType layout tables dropped (ReportLab uses neither: Arabic is shaped into the
  presentation forms these fonts map, see ``pdf.shape``), so each is a fifth of its original size.
* Noto Sans CJK SC Regular is CFF (PostScript outlines), which ReportLab cannot embed: its subset is
  converted to TrueType outlines (cubic to quadratic curves, 1 unit of 1000 tolerance). Subset: the
  whole CJK Unified Ideographs block (U+4E00-9FFF, every character of GBK, Big5, JIS X 0208 and KS X 1001
  hanja) and the compatibility ideographs, kana, bopomofo, all 11,172 Hangul syllables and compatibility
  jamo, CJK punctuation and full-width forms. No Bold: ``pdf`` emboldens it with a stroke.

Every font is under the SIL Open Font License 1.1 (``OFL.txt``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

HERE = Path(__file__).resolve().parent
SMALL = [
    "NotoSans-Regular",
    "NotoSans-Bold",
    "NotoSansArabic-Regular",
    "NotoSansArabic-Bold",
    "NotoSansHebrew-Regular",
    "NotoSansHebrew-Bold",
]
CJK_OUTPUT = "NotoSansCJKsc-Regular-subset.ttf"
CJK_RANGES = [
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3040, 0x30FF),  # hiragana, katakana
    (0x3100, 0x312F),  # bopomofo
    (0x3130, 0x318F),  # Hangul compatibility jamo
    (0x31F0, 0x31FF),  # katakana phonetic extensions
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xAC00, 0xD7A3),  # Hangul syllables
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF00, 0xFFEF),  # half-width and full-width forms
]


def options() -> subset.Options:
    """The subsetting options (fontTools): outlines, cmap and names only (no hinting, no layout tables)."""
    opts = subset.Options()
    opts.layout_features = []  # no GSUB/GPOS: ReportLab does not shape
    opts.hinting = False
    opts.desubroutinize = True
    opts.notdef_outline = True
    opts.glyph_names = False
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    return opts


def find(root: Path, name: str) -> Path:
    """The first file called ``name`` under ``root`` (Debian's font package tree); exits when there is none."""
    found = sorted(root.rglob(name))
    if not found:
        raise SystemExit(f"{name} not found under {root}")
    return found[0]


def cff_to_truetype(font: TTFont, tolerance: float = 1.0) -> None:
    """Replace the CFF outlines with quadratic TrueType ones (what ReportLab's TTFont reads)."""
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, tolerance, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, field, 1 if field == "maxZones" else 0)
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0
    font.sfntVersion = "\x00\x01\x00\x00"


def main(root: str) -> None:
    """Rebuild every shipped font from the Noto fonts unpacked under ``root``, into this directory."""
    source = Path(root)
    for name in SMALL:
        font = TTFont(find(source, f"{name}.ttf"))
        subsetter = subset.Subsetter(options())
        subsetter.populate(unicodes=font.getBestCmap().keys())
        subsetter.subset(font)
        font.save(HERE / f"{name}.ttf")
    collection = TTCollection(find(source, "NotoSansCJK-Regular.ttc"))
    [font] = [f for f in collection.fonts if f["name"].getDebugName(6) == "NotoSansCJKsc-Regular"]
    subsetter = subset.Subsetter(options())
    subsetter.populate(unicodes=[c for start, end in CJK_RANGES for c in range(start, end + 1)])
    subsetter.subset(font)
    cff_to_truetype(font)
    version = font["name"].getDebugName(5) or ""
    font["name"].setName(f"{version}; subset for cert_manager_plugin", 5, 3, 1, 0x409)
    font.save(HERE / CJK_OUTPUT)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts")
