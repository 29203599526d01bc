"""Reading written reports back from their printed pages: the table cells on each PDF page with
their lines of text, which table each cell belongs to, and where a label's lines break.

A plain module (import it as `pages`) for tests/test_pages.py.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import pdfplumber

from gongkai.layout import TableLayout
from gongkai.writers.typeset import header_rows

LINE_TOLERANCE = 2.0  # points: characters whose tops differ by less stand on one line
SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines", "snap_tolerance": 2,
            "intersection_tolerance": 2}


@dataclass(slots=True)
class PageCell:
    page: int  # 1-based
    top: float
    bottom: float
    lines: list[str]

    @property
    def text(self) -> str:
        return "".join(self.lines)


@dataclass(slots=True)
class Fragment:
    """The part of one table printed on one page."""

    page: int
    cells: list[PageCell] = field(default_factory=list)

    def texts(self) -> Counter[str]:
        return Counter(c.text for c in self.cells if c.text)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _lines(chars: list[dict]) -> list[str]:
    """The characters of a cell in lines, top to bottom, each left to right."""
    lines: list[list[dict]] = []
    for char in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])):
        if lines and abs(lines[-1][0]["top"] - char["top"]) < LINE_TOLERANCE:
            lines[-1].append(char)
        else:
            lines.append([char])
    return [squeeze("".join(c["text"] for c in sorted(line, key=lambda c: c["x0"]))) for line in lines]


def _inside(char: dict, box: tuple[float, float, float, float]) -> bool:
    x = (char["x0"] + char["x1"]) / 2
    y = (char["top"] + char["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _rule(obj: dict) -> bool:
    """Keep all but filled areas: Chromium paints the page's text block white, a rectangle that
    would otherwise join every table on the page into one."""
    return obj.get("object_type") != "rect" or min(obj["width"], obj["height"]) < 5


def _tables(page) -> list:
    """The page's tables, a cell cut by the page break closed at the bottom of its table (Chromium
    draws no rule where a row-spanning cell runs on to the next page)."""
    bottoms = [t.bbox[3] for t in page.find_tables(SETTINGS)]
    return page.find_tables({**SETTINGS, "explicit_horizontal_lines": bottoms})


def fragments(pdf_path: str | Path) -> list[Fragment]:
    """Every ruled table on every page, in reading order, as cells with their lines."""
    out: list[Fragment] = []
    with pdfplumber.open(str(pdf_path)) as pdf:
        for number, whole in enumerate(pdf.pages, start=1):
            page = whole.filter(_rule)
            chars = [c for c in page.chars if c["text"].strip()]
            for table in sorted(_tables(page), key=lambda t: t.bbox[1]):
                fragment = Fragment(number)
                for box in table.cells:
                    inside = [c for c in chars if _inside(c, box)]
                    fragment.cells.append(PageCell(number, box[1], box[3], _lines(inside)))
                out.append(fragment)
    return out


def labels(table: TableLayout) -> Counter[str]:
    """The texts of a table's header and label cells, as printed (no white space)."""
    return Counter(squeeze(c.text) for c in table.cells if c.key is None and c.text.strip())


def header_texts(table: TableLayout) -> set[str]:
    """The texts of the header rows repeated on every page (none for table 二)."""
    head = header_rows(table)
    return {squeeze(c.text) for c in table.cells if c.row < head and c.text.strip()}


def assign(found: list[Fragment], tables: list[TableLayout]) -> dict[int, list[Fragment]]:
    """Each fragment to the table whose labels it shares most (by table number)."""
    out: dict[int, list[Fragment]] = {t.spec.number: [] for t in tables}
    for fragment in found:
        texts = set(fragment.texts())
        scores = [(len(texts & set(labels(t))), t.spec.number) for t in tables]
        best = max(scores)
        if best[0] > 0:
            out[best[1]].append(fragment)
    return out


def bad_breaks(lines: list[str], words: list[str], short: int = 4) -> list[str]:
    """The line breaks of a cell that fall inside a word of at most `short` characters."""
    inside: set[int] = set()
    at = 0
    for word in words:
        if len(word) <= short:
            inside.update(range(at + 1, at + len(word)))
        at += len(word)
    bad, at = [], 0
    for before, after in pairwise(lines):
        at += len(before)
        if at in inside:
            bad.append(f"{before} / {after}")
    return bad


def pdf_fonts(pdf_path: str | Path) -> list[str]:
    """The font names pdffonts lists."""
    out = subprocess.run(["pdffonts", str(pdf_path)], capture_output=True, text=True, check=True).stdout
    return [line.split()[0] for line in out.splitlines()[2:] if line.strip()]


def body_fonts(pdf_path: str | Path, size: float = 16.0) -> Counter[str]:
    """The fonts of the characters set at the body's size (三号, 16 pt) outside the tables."""
    fonts: Counter[str] = Counter()
    with pdfplumber.open(str(pdf_path)) as pdf:
        for whole in pdf.pages:
            page = whole.filter(_rule)
            boxes = [t.bbox for t in page.find_tables(SETTINGS)]
            for char in page.chars:
                if abs(char["size"] - size) < 0.6 and not any(_inside(char, b) for b in boxes):
                    fonts[char["fontname"].split("+")[-1]] += 1
    return fonts


# ── a TrueType copy of a CFF face, for Chromium ─────────────────────────────────

def truetype_copy(otf: Path, text: str, out: Path) -> Path:
    """The face cut down to the characters of `text` with its outlines as TrueType curves.

    Chromium's PDF back end (Skia) writes fonts with CFF outlines, as the Fandol faces have, as
    nameless Type 3 fonts; a TrueType face keeps its name in the PDF, as an installed
    仿宋_GB2312 (TrueType) would on a reader's machine, so the test can see which face printed.
    """
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(str(otf))
    options = subset.Options()
    options.name_IDs, options.name_languages = ["*"], ["*"]  # keep every family name fontconfig knows it by
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text + "".join(chr(c) for c in range(0x20, 0x7F)))
    subsetter.subset(font)
    order, glyphs = font.getGlyphOrder(), font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"], font["loca"] = glyf, newTable("loca")
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    _truetype_tables(font)
    font.save(str(out))
    return out


def _truetype_tables(font) -> None:
    """maxp, post and head as a TrueType-outline font has them."""
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for name in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements", "maxComponentDepth"):
        setattr(maxp, name, 0)
    maxp.maxZones = 1
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 2.0, [], {}
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def fonts_conf(base: Path, folder: Path, replaced: list[str]) -> str:
    """A fontconfig file: gongkai's own, the faces in folder, and the CFF faces they replace refused."""
    refused = "".join(f"<glob>*/{name}</glob>" for name in replaced)
    return (f'<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
            f"<fontconfig><dir>{folder}</dir><include>{base}</include>"
            f"<selectfont><rejectfont>{refused}</rejectfont></selectfont></fontconfig>\n")
