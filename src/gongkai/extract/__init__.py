"""Extraction: a neutral Document → a Report, by matching the official labels.

The steps: find the section headings and the title (extract.prose); sort every table row to table 二, 三
or 四 by the section it stands in and by rows that can only open one of them; read each table by its labels
(extract.table2, table3, table4); then the closing (signature, date) and the formats the tables follow.
"""

from __future__ import annotations

from dataclasses import replace

from gongkai.errors import InputError
from gongkai.extract import prose
from gongkai.extract.context import Extraction
from gongkai.extract.rows import RowParts, split_row
from gongkai.extract.table2 import extract_table2
from gongkai.extract.table3 import extract_table3
from gongkai.extract.table4 import extract_table4
from gongkai.extract.vocabulary import is_article, is_table4_group, vocabulary
from gongkai.formats import format_for_year, known_keys, newer, table3_format_of
from gongkai.labels import core
from gongkai.model import Meta, Report, Section, Source
from gongkai.readers.document import Document, Paragraph, Table, TextCell

_POSITIONAL = {"tab", "pipe"}  # layouts whose field positions follow the columns
CAPTION_MAX = 30  # a caption is an article's name, not a paragraph


def _row_marker(parts: RowParts) -> int | None:
    """The table a row can only open, known by the formats' labels (an article of 二, 三's header, 四's groups)."""
    voc = vocabulary()
    texts = [core(c.text) for c in parts.labels]
    if any(is_article(t) for t in texts) or (texts and texts[0] in voc.t2_headers):
        return 2
    if any(t in voc.t3_header_words or t in voc.t3_opening for t in texts):
        return 3
    if not parts.has_values and any(is_table4_group(c) for c in parts.labels):
        return 4
    return None


def _sort_rows(doc: Document, heading_at: dict[int, int]) -> dict[int, list[RowParts]]:
    """Assign every table row to table 二, 三 or 四: by section, and by rows that open a table."""
    table_of_section = {spec.section: spec.number for spec in vocabulary().newest.tables}
    out: dict[int, list[RowParts]] = {number: [] for number in table_of_section.values()}
    section = 0
    for index, block in enumerate(doc.blocks):
        section = heading_at.get(index, section)
        if not isinstance(block, Table):
            continue
        kind = table_of_section.get(section)
        for r, row in enumerate(block.rows):
            parts = split_row(row, r, block.index, block.grid, block.layout in _POSITIONAL)
            kind = _row_marker(parts) or kind
            if kind:
                out[kind].append(parts)
    return out


def _positional(doc: Document) -> bool:
    return any(t.grid or t.layout in _POSITIONAL for t in doc.tables())


def _lines_before_table(blocks: list) -> int | None:
    """How many lines of prose come before the first table among a section's blocks (None: no table),
    so that writers keep the order the source printed them in."""
    for i, block in enumerate(blocks):
        if isinstance(block, Table):
            before = [b.text for b in blocks[:i] if isinstance(b, Paragraph)]
            return len("\n".join(before).split("\n")) if before else 0
    return None


def _sections(doc: Document, headings: list[prose.Heading], closing_at: int | None) -> list[Section]:
    """Each heading's paragraphs up to the next heading; the closing (signature, date) is not prose."""
    sections = []
    for i, heading in enumerate(headings):
        end = headings[i + 1].index if i + 1 < len(headings) else (closing_at or len(doc.blocks))
        blocks = doc.blocks[heading.index + 1:end]
        body = [b.text for b in blocks if isinstance(b, Paragraph)]
        para = doc.blocks[heading.index]
        source = Source(doc.path, line=para.line, page=para.page)  # type: ignore[union-attr]
        sections.append(Section(heading.number, heading.text, heading.numbering, "\n".join(body), source,
                                _lines_before_table(blocks)))
    return sections


def _glued_rows_in(doc: Document) -> bool:
    """A document without tables whose paragraphs hold table 三's rows with their digits run together (a
    portal page whose tables were flattened into text)."""
    from gongkai.extract.crawled import glued_rows_in

    return glued_rows_in(p.text for p in doc.blocks if isinstance(p, Paragraph))


def _glued(doc: Document, ex: Extraction) -> tuple[Document, set[str]]:
    """Crawled page text: the tables read from the sections' running text and cut out of their prose."""
    from gongkai.extract.crawled import read_glued_tables, sections_of
    from gongkai.readers.crawled import split_paragraphs

    if doc.kind != "crawled":  # no tables: its paragraphs are the report flattened, headings inside them
        doc = replace(doc, blocks=split_paragraphs([b for b in doc.blocks if isinstance(b, Paragraph)]))
    paragraphs = [(i, b) for i, b in enumerate(doc.blocks) if isinstance(b, Paragraph)]
    headings = prose.find_headings(paragraphs, vocabulary().newest)
    return read_glued_tables(doc, sections_of(headings, len(doc.blocks)), ex)


def _note_misprinted(doc: Document, headings: list[prose.Heading], ex: Extraction) -> None:
    """A heading read despite a misprint is read, and said (S213)."""
    for heading in headings:
        official = prose.misprinted_heading(heading, vocabulary().newest)
        if official:
            para = doc.blocks[heading.index]
            ex.note("label_variant", [], [Source(doc.path, line=para.line, page=para.page)],  # type: ignore[union-attr]
                    printed=heading.text, official=official)


def _is_caption(block: object, after: object) -> bool:
    return (isinstance(block, Paragraph) and isinstance(after, Table) and len(block.text) <= CAPTION_MAX
            and core(block.text) in vocabulary().t2_articles)


def _captions_into_tables(doc: Document) -> Document:
    """A table 二 block's caption printed outside its grid (第二十条第（一）项 above the ruled table, as PDFs
    print it) is the table's first row, not prose of the section."""
    blocks: list = []
    caption: Paragraph | None = None
    for i, block in enumerate(doc.blocks):
        if _is_caption(block, doc.blocks[i + 1] if i + 1 < len(doc.blocks) else None):
            caption = block  # type: ignore[assignment]
            continue
        if caption is not None and isinstance(block, Table):
            width = max(1, len(block.rows[0])) if block.rows else 1
            row = [TextCell(caption.text, caption.line, 0, caption.page, span=width)]
            block = replace(block, rows=[row, *block.rows])
            caption = None
        blocks.append(block)
    return replace(doc, blocks=blocks) if len(blocks) < len(doc.blocks) else doc


def extract(doc: Document) -> Report:
    doc = _captions_into_tables(doc)
    ex = Extraction(doc.path)
    glued_formats: set[str] = set()
    if doc.kind == "crawled" or (not doc.tables() and _glued_rows_in(doc)):
        doc, glued_formats = _glued(doc, ex)
    paragraphs = [(i, b) for i, b in enumerate(doc.blocks) if isinstance(b, Paragraph)]
    headings = prose.find_headings(paragraphs, vocabulary().newest)  # every format has the same six sections
    first_heading = headings[0].index if headings else len(doc.blocks)
    title = prose.find_title([p for i, p in paragraphs if i < first_heading])
    agency, year = prose.parse_title(title) if title else (None, None)
    _note_misprinted(doc, headings, ex)
    rows = _sort_rows(doc, {h.index: h.number for h in headings})
    if not headings and not any(rows.values()) and not ex.cells:
        raise InputError(doc.path, "errors.report.not_found")
    table2 = extract_table2(rows[2], ex)
    table2.formats |= glued_formats
    extract_table3(rows[3], _positional(doc), ex)
    extract_table4(rows[4], ex)
    # The closing (signature, date) follows the last heading; a heading is never a signature.
    tail = [(i, p) for i, p in paragraphs if not headings or i > headings[-1].index]
    closing = prose.find_closing([p for _, p in tail], agency)
    closing_at = tail[closing.start][0] if closing.start is not None else None
    meta = Meta(year=year, agency=agency, title=title, published=closing.published or doc.published,
                signature=closing.signature, table3_format=_table3_format(ex, year),
                table2_formats=sorted(table2.formats))
    meta.template = _template(meta.table3_format, table2.formats)
    meta.kind = prose.agency_kind(agency)
    return Report(doc.path, meta, _sections(doc, headings, closing_at), ex.cells, ex.merged_notes())


def _table3_format(ex: Extraction, year: int | None) -> str | None:
    """The shape of table 三's rows; a table 三 without any distinctive row takes its year's format."""
    if known_keys(3).isdisjoint(ex.cells):
        return None
    return table3_format_of(ex.cells, format_for_year(year).id)


def _template(table3: str | None, table2_formats: set[str]) -> str | None:
    """The report's format: table 三's, unless table 二 uses only the wording of a newer format
    (a 2021-era report that kept 2019's single （六） row, as 洪泽区 did)."""
    if table3 and len(table2_formats) == 1:
        (table2,) = table2_formats
        return table2 if newer(table2, table3) else table3
    return table3
