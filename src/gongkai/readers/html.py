"""Reader for reports published as web pages, the way government sites publish them.

The report sits inside the site's chrome: navigation menus, a banner, a breadcrumb, a footer,
often all laid out with tables nested in tables. The reader keeps what a person reading the
page would read as the report:

- the charset comes from the page's own ``<meta charset>`` (gb2312 and gbk read as gb18030),
  else UTF-8 when the bytes decode as UTF-8, else the text reader's detection;
- script, style, form controls and hidden elements are skipped, and so is the site's chrome: nav,
  header and footer (outside an article), ARIA navigation/banner/contentinfo, breadcrumbs
  (当前位置：…) and elements whose id or class names them as a menu, navigation, breadcrumb or
  footer, unless they hold the report itself (its section headings or table 三's header);
- only tables that contain no table themselves are data tables; a table holding tables is page
  layout, and so is a table one cell wide, and their cells are read as text;
- a data table becomes its true grid from rowspan/colspan: a cell covered by a rowspan from above
  is an empty TextCell at its grid column (as Word's vMerge continuation), a colspan cell appears
  once with ``column`` = its first grid column and ``span`` = its colspan;
- text outside data tables becomes paragraphs in document order, one per block element or line
  (``<br>``), with ``line`` = the source line of the element where it starts.

Any page that cannot be read ends in InputError, never in another exception.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from gongkai.errors import InputError
from gongkai.formats import report_words
from gongkai.readers.document import Block, Document, Paragraph, Table, TextCell
from gongkai.readers.limits import MAX_HTML_BYTES, MAX_HTML_DEPTH

_BLOCK = frozenset((
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "dir",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "form", "h1", "h2", "h3", "h4", "h5", "h6", "hgroup",
    "hr", "html", "legend", "li", "main", "menu", "ol", "p", "pre", "section", "summary", "table", "tbody",
    "thead", "tfoot", "tr", "td", "th", "ul"))
_SKIP = frozenset((
    "script", "style", "noscript", "template", "head", "title", "meta", "link", "iframe", "frame",
    "frameset", "object", "embed", "svg", "math", "select", "button", "input", "textarea", "option", "optgroup",
    "map", "area", "canvas", "audio", "video", "source", "track", "param", "base", "applet", "datalist",
    "output", "progress", "meter"))
_PAGE_PARTS = frozenset(("header", "footer"))  # site chrome, unless inside the article itself
_NAV = "nav"
_CHROME_WORDS = ("nav", "menu", "crumb", "copyright", "footer", "sidebar", "related", "share")  # id/class names
_CHROME_TOKENS = frozenset(("header", "head", "foot", "position", "location", "dqwz", "weizhi"))
_CHROME_ROLES = frozenset(("navigation", "banner", "contentinfo", "search", "menu", "menubar"))
_BREADCRUMB = re.compile(r"^\s*(当前位置|您的位置|你的位置|您现在的位置|你现在的位置|您当前的位置|所在位置"
                         r"|相关链接|相关文章|相关阅读|相关信息|相关文件|相关新闻|分享到|【打印|【关闭)")  # and links
_BREADCRUMB_TAGS = frozenset(("div", "p", "td", "span", "li", "ul", "table"))
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_HIDDEN_HINTS = ("isplay", "ISPLAY", "isibility", "ISIBILITY", "idden", "IDDEN")  # quicker than any regex
# Inline elements, flattened inside data tables before their cells are read (their text stays).
_INLINE = ("span", "font", "b", "strong", "a", "em", "i", "u", "s", "strike", "small", "big", "sup", "sub",
           "label", "abbr", "acronym", "cite", "code", "dfn", "kbd", "q", "samp", "var", "tt", "ins", "del",
           "mark", "time", "bdi", "bdo", "nobr", "wbr", "o:p", "st1:chsdate", "st1:chmetcnv", "st1:personname")

_META_CHARSET = re.compile(rb"<meta[^>]{0,512}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-:.]+)", re.I)
_GB = frozenset(("gb2312", "gbk", "gb_2312-80", "gb2312-80", "x-gbk", "cp936", "ms936", "windows-936",
                 "csgb2312", "euc-cn", "x-euc-cn", "chinese", "iso-ir-58", "csiso58gb231280"))
_WESTERN = frozenset(("ascii", "us-ascii", "iso-8859-1", "latin-1", "latin1", "iso8859-1", "cp1252",
                      "windows-1252"))  # never right for a Chinese report: the page mislabels itself
_XML_DECLARATION = re.compile(r"^\ufeff?\s*<\?xml[^>]*\?>")
_SPACE = re.compile(r"[ \t\n\r\f\v]+")
_STRIP = " \t\u3000\xa0\r\n\f\v"
_DIGITS = re.compile(r"\d+")
_MAX_COLSPAN = 1000  # as browsers clamp it
MAX_TABLE_CELLS = 200_000  # a report table has a few hundred; bounds memory on hostile rowspans


class _TooLarge(Exception):
    pass


class _TooDeep(Exception):
    pass


def _check_depth(root) -> None:
    """Refuse a page nested deeper than MAX_HTML_DEPTH before anything walks it (one pass, no recursion)."""
    stack = [(root, 1)]
    while stack:
        el, depth = stack.pop()
        if depth > MAX_HTML_DEPTH:
            raise _TooDeep
        stack.extend((child, depth + 1) for child in el)


# ── charset ─────────────────────────────────────────────────────────────────

def declared_charset(data: bytes) -> str | None:
    """The charset the page declares in a <meta> tag, as a Python codec name, or None."""
    m = _META_CHARSET.search(data[:16384])
    if not m:
        return None
    name = m.group(1).decode("ascii", "replace").strip().lower()
    if name in _GB:
        return "gb18030"
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    if codec in ("gb2312", "gbk"):
        return "gb18030"
    if codec in _WESTERN or name in _WESTERN or codec.startswith("utf-16") or codec.startswith("utf-32"):
        return None  # a page sent as ASCII bytes cannot be UTF-16; a western label is a mislabel
    return codec


def decode_html(data: bytes, path: str) -> tuple[str, str]:
    """The page's text and the encoding it was read in."""
    from gongkai.readers.encoding import decode

    if not data.strip():
        raise InputError(path, "errors.file.empty")
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) or data.startswith(codecs.BOM_UTF8):
        return decode(data, path)  # a byte order mark outranks what the page says
    declared = declared_charset(data)
    for name in (declared, "utf-8"):
        if name is None:
            continue
        try:
            return data.decode(name), name
        except UnicodeDecodeError:
            continue
    return decode(data, path)


# ── the page tree → blocks ───────────────────────────────────────────────────

class _Lines:
    """Text pieces gathered into lines: a block boundary or <br> ends a line."""

    __slots__ = ("blocks", "line", "parts", "seen_text")

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.line: int | None = None
        self.seen_text = False

    def text(self, text: str, el, tail: bool = False) -> None:
        """Add an element's text (or, with tail, the text after it)."""
        self.parts.append(text)
        if not self.seen_text and text.strip(_STRIP):
            self.seen_text = True
            line = _tail_line(el) if tail else el.sourceline
            if line is not None:  # the line where the words start, not where the element does
                line += text.count("\n", 0, len(text) - len(text.lstrip(_STRIP)))
            self.line = line

    def end(self) -> None:
        if self.seen_text:
            text = _normal(self.parts)
            if text:
                self.blocks.append(Paragraph(text, line=self.line))
        if self.parts:
            self.parts = []
        self.line = None
        self.seen_text = False

    def add(self, block: Block) -> None:
        self.end()
        self.blocks.append(block)


def _normal(parts: list[str]) -> str:
    """Runs of white space as one space (as a browser shows them), &nbsp; as a space, ends trimmed."""
    return _SPACE.sub(" ", "".join(parts)).replace("\xa0", " ").strip(_STRIP)


def _tail_line(el) -> int | None:
    """The line a tail's text is counted from: after <br> its own line, else back from what follows."""
    following = el.getnext()
    if el.tag != "br" and following is not None and following.sourceline:
        return max(1, following.sourceline - el.tail.count("\n"))
    return _end_line(el)


def _end_line(el) -> int | None:
    """The line of an element's closing tag, counted from its last descendant."""
    last, below = el, 0
    while len(last) and isinstance(last[-1].tag, str):
        if last is not el:
            below += (last.tail or "").count("\n")
        last = last[-1]
    if last.sourceline is None:
        return el.sourceline
    own = (last.text or "").count("\n") if last is el or not len(last) else 0
    tail = (last.tail or "").count("\n") if last is not el else 0
    return last.sourceline + own + tail + below


def _all_text(el) -> str:
    return "".join(el.itertext())


def _classes(el) -> list[str]:
    return (el.get("class", "") + " " + el.get("id", "")).lower().split()


def _holds_report(el) -> bool:
    text = _all_text(el)
    return any(word in text for word in report_words())  # chrome holding these is the report


def _hidden(el) -> bool:
    if el.get("hidden") is not None:
        return True
    style = el.get("style")
    return style is not None and bool(_HIDDEN.search(style))


def _drop(el) -> None:
    """Remove an element and what it holds, keeping the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        before = el.getprevious()
        if before is not None:
            before.tail = (before.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _prune(root, text: str) -> None:
    """Drop what a reader never sees: scripts, styles, forms' controls, hidden elements."""
    from lxml import etree

    etree.strip_elements(root, *_SKIP, with_tail=False)
    if any(hint in text for hint in _HIDDEN_HINTS):  # else no element can be hidden
        for el in root.xpath("//*[@hidden or @style]"):
            if _hidden(el):
                _drop(el)


def _leading_text(el) -> str:
    text = el.text or ""
    if not text.strip() and len(el):
        text = el[0].text or ""
    return text


def _is_chrome(el, tag: str) -> bool:
    """Site navigation, banner, breadcrumb or footer (never the report itself)."""
    if tag in _PAGE_PARTS:
        if any(a.tag in ("article", "main") for a in el.iterancestors()):
            return False
    elif tag != _NAV and el.get("role", "").lower() not in _CHROME_ROLES:
        names = _classes(el)
        chrome = any(n in _CHROME_TOKENS or any(w in n for w in _CHROME_WORDS) for n in names)
        if not chrome and not (tag in _BREADCRUMB_TAGS and _BREADCRUMB.match(_leading_text(el))):
            return False
    return not _holds_report(el)


def _walk(root, out: _Lines, tables: list[Table]) -> None:
    """Feed the page under root into out: paragraphs, and leaf tables as Table blocks."""
    stack: list[tuple[object, bool]] = [(root, True)]
    while stack:
        el, starting = stack.pop()
        tag = el.tag  # type: ignore[attr-defined]
        if starting and _enter(el, tag, root, out, tables):
            stack.append((el, False))
            stack.extend((child, True) for child in reversed(el))  # type: ignore[call-overload]
            continue
        if not starting and tag in _BLOCK:
            out.end()
        if el is not root and el.tail:  # type: ignore[attr-defined]
            out.text(el.tail, el, tail=True)  # type: ignore[attr-defined]


def _enter(el, tag: object, root, out: _Lines, tables: list[Table]) -> bool:
    """Take in an element as the walk reaches it; True when its children are to be walked too."""
    if not isinstance(tag, str) or tag in _SKIP or (tag not in ("html", "body") and _is_chrome(el, tag)):
        return False
    if tag == "br":
        out.end()
        return False
    if tag == "pre":
        _preformatted(el, out)
        return False
    if tag == "table" and el.find(".//table") is None and _add_table(el, out, tables):
        return False
    if tag in _BLOCK:
        out.end()
    if el.text:
        out.text(el.text, el)
    return True


def _preformatted(el, out: _Lines) -> None:
    out.end()
    for i, line in enumerate(_all_text(el).split("\n")):
        out.parts.append(line)
        if line.strip(_STRIP):
            out.seen_text, out.line = True, (el.sourceline or 0) + i or None
        out.end()


def _add_table(el, out: _Lines, tables: list[Table]) -> bool:
    """Add a leaf table (its caption first) as a Table block; False where it is page layout."""
    table = _data_table(el, len(tables))
    if table is None:
        return False
    caption = el.find("caption")
    if caption is not None:
        out.end()
        text = _cell_text(caption)
        out.blocks.extend(Paragraph(line, caption.sourceline) for line in text.split("\n") if line)
    tables.append(table)
    out.add(table)
    return True


def _cell_lines(el, lines: list[str], parts: list[str]) -> None:
    """The text under el as lines: <br> and block elements end a line."""
    for child in el:
        tag = child.tag
        if isinstance(tag, str):
            if tag == "br":
                if parts:
                    lines.append(_normal(parts))
                    parts.clear()
            else:
                block = tag in _BLOCK
                if block and parts:
                    lines.append(_normal(parts))
                    parts.clear()
                if child.text:
                    parts.append(child.text)
                if len(child):
                    _cell_lines(child, lines, parts)
                if block and parts:
                    lines.append(_normal(parts))
                    parts.clear()
        if child.tail:
            parts.append(child.tail)


def _cell_text(cell) -> str:
    """A cell's text, its lines joined by "\n" (商业<br>企业 → 商业\n企业); blank for &nbsp;."""
    if not len(cell):
        return _normal([cell.text]) if cell.text else ""
    lines: list[str] = []
    parts: list[str] = [cell.text] if cell.text else []
    _cell_lines(cell, lines, parts)
    if parts:
        lines.append(_normal(parts))
    return "\n".join(line for line in lines if line)


def _span(value: str | None, limit: int) -> int:
    if value is None or value == "1":
        return 1
    m = _DIGITS.search(value or "")
    n = int(m.group()) if m else 1
    return min(max(n, 1), limit) if n else 0  # 0 means "to the end" for rowspan


def _table_rows(table) -> list[tuple[object, list]]:
    """(row element, its cells) in document order; stray cells outside a <tr> form a row."""
    rows: list[tuple[object, list]] = []

    def visit(container) -> None:
        orphans: list | None = None
        for child in container:
            tag = child.tag
            if not isinstance(tag, str) or tag == "caption":
                continue
            if tag == "tr":
                orphans = None
                rows.append((child, [c for c in child if c.tag in ("td", "th")]))
            elif tag in ("td", "th"):
                if orphans is None:
                    orphans = []
                    rows.append((child, orphans))
                orphans.append(child)
            else:
                orphans = None
                visit(child)

    visit(table)
    return rows


def _data_table(el, index: int) -> Table | None:
    """A leaf table on its true grid, or None where it is page layout (one column, or empty)."""
    from lxml import etree

    etree.strip_tags(el, *_INLINE)
    source = _table_rows(el)
    n = len(source)
    active: list[list[int]] = []  # [first column, colspan, rows still covered] of rowspans from above
    rows: list[list[TextCell]] = []
    width = count = 0
    for r, (tr, cells) in enumerate(source):
        line = tr.sourceline  # type: ignore[attr-defined]
        out = [TextCell("", line, start, span=span) for start, span, _ in active]
        taken = sorted((start, start + span) for start, span, _ in active)  # never overlapping
        born: list[list[int]] = []
        col = j = 0
        for cell in cells:
            while j < len(taken) and taken[j][0] <= col:  # skip the columns covered from above
                col = max(col, taken[j][1])
                j += 1
            colspan = _span(cell.get("colspan"), _MAX_COLSPAN) or 1
            rowspan = _span(cell.get("rowspan"), n - r) or (n - r)
            out.append(TextCell(_cell_text(cell), cell.sourceline, col, span=colspan))
            if rowspan > 1:
                born.append([col, colspan, rowspan - 1])
            col += colspan
        width = max(width, col, taken[-1][1] if taken else 0)
        if cells:
            out.sort(key=lambda c: c.column or 0)
            rows.append(out)
            count += len(out)
            if count > MAX_TABLE_CELLS:
                raise _TooLarge(f"a table of more than {MAX_TABLE_CELLS} cells, not a report table")
        active = [a for a in ([s, c, left - 1] for s, c, left in active) if a[2] > 0] + born
    if width <= 1 or not rows:
        return None
    return Table(rows=rows, index=index, grid=True, layout="html")


def read_html(data: bytes | str, path: str) -> Document:
    """A web page → the neutral Document: paragraphs and the true grids of its data tables."""
    from lxml import etree

    if isinstance(data, str):
        text, encoding = data, None
    else:
        text, encoding = decode_html(data, path)
    m = _XML_DECLARATION.match(text)
    if m:  # lxml refuses text that declares its own encoding; keep the line numbers
        text = "\n" * m.group().count("\n") + text[m.end():]
    if not text.strip():
        raise InputError(path, "errors.file.empty")
    try:
        parser = etree.HTMLParser(remove_comments=True, remove_pis=True)
        root = etree.fromstring(text, parser)
        if root is None:
            raise InputError(path, "errors.html.empty_page")
        _check_depth(root)
        _prune(root, text)
        body = root.find("body")
        out = _Lines()
        _walk(root if body is None else body, out, [])
        out.end()
    except (etree.LxmlError, ValueError, UnicodeError, RecursionError) as exc:
        raise InputError(path, "errors.html.unreadable", detail=str(exc)) from None
    except _TooLarge:
        raise InputError(path, "errors.html.table_too_large", cells=MAX_TABLE_CELLS) from None
    except _TooDeep:
        raise InputError(path, "errors.html.too_deep", limit=MAX_HTML_DEPTH) from None
    return Document(path=path, blocks=out.blocks, kind="html", encoding=encoding)


def read_html_file(path: str | Path) -> Document:
    from gongkai.readers.files import read_bytes

    return read_html(read_bytes(path, MAX_HTML_BYTES), str(path))
