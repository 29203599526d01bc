"""Crawled page text: what a crawler saved of a report's web page.

One or a few very long lines: a crawler's header (标题:, 发布时间:, 原文链接:, then a separator line), the title,
the six section headings inline (`…至2023年12月31日止。一、总体情况2023年，…`), the tables flattened with no
separator between cells, the signature and date at the very end. The reader cuts the lines into paragraphs at
the headings, the end of the title and the closing date; the tables stay inside their sections' text, where
extraction finds them by their labels (gongkai.extract.crawled).
"""

from __future__ import annotations

import html
import re
from functools import cache
from itertools import pairwise

from gongkai.formats import all_formats
from gongkai.readers.document import Document, Paragraph

_HEADER_LINE = re.compile(r"^\s*(标题|題目|题目|发布时间|发布日期|原文链接|链接|网址|来源|发布机构|索引号|文号|作者)"
                          r"\s*[:：]\s*(.*?)\s*$")
_SEPARATOR = re.compile(r"^\s*[-=—_*~#]{3,}\s*$")
_DATE = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
_CLOSING_DATE = re.compile(r"(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*$")
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年")
_SENTENCE_END = re.compile(r"[。；！？!?）)]")
_FILL = r"[\s\u3000\xa0]*"
LONG_LINE = 400  # a line this long holding two section headings is a page flattened into one line
SIGNATURE_MAX = 40


@cache
def _headings() -> re.Pattern[str]:
    """Any section heading of any format, with its numbering, anywhere in a line."""
    names = {t for f in all_formats().values() for s in f.sections for t in (s.label, *s.variants)}
    words = "|".join(_FILL.join(re.escape(c) for c in n) for n in sorted(names, key=len, reverse=True))
    # A digit numbering glued to a table's last digits (…00000004、政府信息公开行政复议…) is one digit.
    numbering = r"(?:[1-6１-６]|(?<![0-9０-９])[0-9０-９]{1,2}|第?[一二三四五六七八九十]{1,2})"
    return re.compile(rf"{numbering}{_FILL}[、.．]{_FILL}(?:{words})")


@cache
def _title_end() -> re.Pattern[str]:
    words = {f.report_title for f in all_formats().values()}
    return re.compile("|".join(re.escape(w) for w in words) + r"|年度报告")


def has_header(text: str) -> bool:
    """Does the text start with a crawler's header (two of 标题:, 发布时间:, 原文链接:… on its first lines)?"""
    head = [line for line in text[:2000].splitlines() if line.strip()][:8]
    return bool(head) and bool(_HEADER_LINE.match(head[0])) and sum(bool(_HEADER_LINE.match(h)) for h in head) >= 2


_TABLE_LINE = re.compile(r"^\s*\||\t")


def looks_crawled(text: str) -> bool:
    """A line long enough to hold the report with two headings inside it; or a crawler's header over text
    whose tables are not laid out in lines (no tab or pipe rows: their cells run together)."""
    pattern = _headings()
    if any(len(line) >= LONG_LINE and len(pattern.findall(line)) >= 2 for line in text.splitlines()):
        return True
    return has_header(text) and not any(_TABLE_LINE.match(line) for line in text.splitlines())


def header_fields(text: str) -> tuple[dict[str, str], str]:
    """A crawler's header and the page's text below it."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    fields, first = _header(lines)
    return fields, "\n" * first + "\n".join(lines[first:])


def apply_header(doc: Document, fields: dict[str, str]) -> Document:
    """The header's title as the document's first paragraph, its 发布时间 as the page's publication date."""
    title = fields.get("标题") or fields.get("题目") or fields.get("題目")
    if title:
        doc.blocks.insert(0, Paragraph(title.strip(), line=1))
    doc.published = _date(fields.get("发布时间") or fields.get("发布日期"))
    return doc


def _header(lines: list[str]) -> tuple[dict[str, str], int]:
    """The crawler's fields and the index of the first line of the page's text."""
    fields: dict[str, str] = {}
    i = 0
    while i < len(lines) and (not lines[i].strip() or _HEADER_LINE.match(lines[i])):
        m = _HEADER_LINE.match(lines[i])
        if m:
            fields.setdefault(m[1], m[2])
        i += 1
    if fields and i < len(lines) and _SEPARATOR.match(lines[i]):
        i += 1
    return (fields, i) if fields else ({}, 0)


def _date(text: str | None) -> str | None:
    m = _DATE.search(text or "")
    if not m:
        return None
    y, mo, d = (int(x) for x in m.groups())
    return f"{y:04d}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 else None


def _pieces(line: str, missing: tuple[tuple[str, ...], ...]) -> list[str]:
    """A line cut at every section heading, each heading a piece of its own (misprinted ones: of the sections
    `missing`, as their names)."""
    spans = [m.span() for m in _headings().finditer(line)]
    spans = sorted(spans + _misprinted(line, spans, missing))
    bounds = [0, *(x for span in spans for x in span), len(line)]
    return [line[a:b].strip() for a, b in pairwise(bounds) if line[a:b].strip()]


_NUMBERED = re.compile(r"(?:[一二三四五六]|(?<![0-9０-９])[1-6１-６])\s*[、.．]")


def _misprinted(line: str, found: list[tuple[int, int]], missing: tuple[tuple[str, ...], ...],
                ) -> list[tuple[int, int]]:
    """Headings printed with a misprint (四、政府信息公开行政法复议、…): a numbering followed by words one or
    two edits from a heading's (gongkai.extract.prose decides, as for any other heading)."""
    from gongkai.extract.prose import edits_within

    taken = {start for start, _ in found}
    out = []
    for m in _NUMBERED.finditer(line):
        if m.start() in taken or any(a <= m.start() < b for a, b in found):
            continue
        for name in (n for names in missing for n in names):
            limit = 2 if len(name) >= 12 else 1
            after = line[m.end():m.end() + len(name) + limit]
            if not (after.startswith(name[:2]) or name[-2:] in after[len(name) - limit - 2:]):
                continue  # a misprint leaves a heading's first or last words as they are
            hit = next((m.end() + n for d in range(limit + 1) for n in range(len(name) - d, len(name) + d + 1)
                        if edits_within(line[m.end():m.end() + n], name, d)), None)  # the closest reading
            if hit is not None and len(name) >= 6:
                out.append((m.start(), hit))
                break
    return out


@cache
def _sections() -> tuple[tuple[str, ...], ...]:
    """Each section's names (heading and variants) in every format, longest first."""
    by_number: dict[str, set[str]] = {}
    for f in all_formats().values():
        for section in f.sections:
            by_number.setdefault(section.key, set()).update((section.label, *section.variants))
    return tuple(tuple(sorted(names, key=len, reverse=True)) for names in by_number.values())


def _missing(text: str) -> tuple[tuple[str, ...], ...]:
    """The sections whose heading is not printed exactly anywhere in the text."""
    found = {re.sub(r"^\S*?[、.．]", "", re.sub(r"\s", "", m.group())) for m in _headings().finditer(text)}
    return tuple(names for names in _sections() if not found & set(names))


_CRUMB = re.compile(r".*(?:[>›»]|当前位置[:：]|您的位置[:：])")  # 首页 > 政务公开 > … before the title
# What a page prints after the report: print and close buttons, share bars, links to other articles.
_PAGE_TAIL = re.compile(r"【?(?:打印本页|关闭窗口)|扫一扫在手机|分享到[:：]|相关链接|上一篇[:：]|下一篇[:：]"
                        r"|责任编辑[:：]")


def _split_title(piece: str) -> list[str]:
    """The page's first words: the title up to 年度报告 (a breadcrumb before it dropped), then what follows."""
    m = _title_end().search(piece)
    if not m or m.end() > 120:
        return [piece]
    head = piece[:m.end()]
    crumb = _CRUMB.match(head)
    title = head[crumb.end():] if crumb else head
    return [p for p in (title.strip(), piece[m.end():].strip()) if p]


def _cut_tail(piece: str) -> str:
    """The last piece without what the page prints after the report."""
    m = _PAGE_TAIL.search(piece)
    return piece[:m.start()].rstrip() if m else piece


def _split_closing(piece: str, title: str | None) -> list[str]:
    """The last piece: the text, then the signature above the date and the date, when it ends so. The
    signature starts after the last sentence, or where the title's agency is named again."""
    m = _CLOSING_DATE.search(piece)
    if not m:
        return [piece]
    before = piece[:m.start()].rstrip()
    ends = list(_SENTENCE_END.finditer(before))
    cut = ends[-1].end() if ends else 0
    agency = _YEAR.split(title or "", maxsplit=1)[0].strip()
    if len(agency) >= 2 and before.rfind(agency) > cut:
        cut = before.rfind(agency)
    if len(before) - cut > SIGNATURE_MAX:
        cut = len(before)
    return [p for p in (before[:cut].strip(), before[cut:].strip(), m.group(1)) if p]


def split_paragraphs(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Paragraphs cut at the section headings inside them (a page whose report was flattened into text)."""
    missing = _missing("\n".join(p.text for p in paragraphs))
    out = [Paragraph(piece, p.line, p.page) for p in paragraphs for piece in _pieces(p.text, missing)]
    if out:
        first, last = out[0], out[-1]
        out[0:1] = [Paragraph(t, first.line, first.page) for t in _split_title(first.text)]
        title = out[0].text
        out[-1:] = [Paragraph(t, last.line, last.page) for t in _split_closing(out[-1].text, title)]
    return out


def read_crawled(text: str, path: str, encoding: str | None = None) -> Document:
    """Paragraphs of a crawled page: the header's title first, headings and closing on their own."""
    if "&" in text:  # entities a crawler left as they were: 无法&nbsp;提供
        text = html.unescape(text)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    fields, first = _header(lines)
    doc = Document(path=path, kind="crawled", encoding=encoding)
    title = fields.get("标题") or fields.get("题目") or fields.get("題目")
    if title:
        doc.blocks.append(Paragraph(title.strip(), line=1))
    out: list[tuple[str, int]] = []
    missing = _missing(text)
    for n, line in enumerate(lines[first:], start=first + 1):
        out += [(p, n) for p in _pieces(line, missing)]
    if out and not title:
        out[0:1] = [(p, out[0][1]) for p in _split_title(out[0][0])]
        title = out[0][0]
    if out:
        out[-1:] = [(p, out[-1][1]) for p in _split_closing(_cut_tail(out[-1][0]), title) if p]
    doc.blocks += [Paragraph(p, line=n) for p, n in out]
    doc.published = _date(fields.get("发布时间") or fields.get("发布日期"))
    return doc
