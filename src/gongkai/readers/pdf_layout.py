"""Words outside tables → lines → paragraphs, from their positions on the page.

A line continues the paragraph above when that one ran to the right margin and this one starts
at the left margin without numbering of its own; an indented line, or one after a short line,
starts a new paragraph (headings, the signature and the date are short lines).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.printed import list_numbered


@dataclass(slots=True)
class Line:
    """A printed line of a PDF page: its words, text, place and font size."""

    text: str
    x0: float
    x1: float
    top: float
    size: float  # font size: the unit of indents
    page: int
    number: int  # 1-based line on its page
    left: float = 0.0  # the page's text margins
    right: float = 0.0
    words: list[dict] = field(default_factory=list)  # left to right, for tables printed without lines


def page_lines(words: list[dict], page: int, height: float) -> list[Line]:
    """Words grouped into lines by their vertical position, left to right."""
    groups: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        h = w["bottom"] - w["top"]
        if groups and abs(w["top"] - groups[-1][0]["top"]) <= max(2.0, h * 0.5):
            groups[-1].append(w)
        else:
            groups.append([w])
    lines = []
    for number, group in enumerate(groups, start=1):
        group.sort(key=lambda w: w["x0"])
        size = max(w.get("size") or (w["bottom"] - w["top"]) for w in group)
        lines.append(Line(" ".join(w["text"] for w in group), group[0]["x0"], group[-1]["x1"],
                          group[0]["top"], size, page, number, words=group))
    _margins(lines)
    return lines


def _margins(lines: list[Line]) -> None:
    """The page's text margins: where long lines start and how far lines reach."""
    long = [line for line in lines if len(line.text) >= 12] or lines
    if not long:
        return
    left, right = min(line.x0 for line in long), max(line.x1 for line in long)
    for line in lines:
        line.left, line.right = left, right


def _continues(before: Line, line: Line) -> bool:
    unit = max(line.size, 6.0)
    full = before.x1 >= before.right - 1.5 * unit
    flush_left = line.x0 <= line.left + 0.5 * unit
    return full and flush_left and not list_numbered(line.text)


def paragraphs_of(lines: list[Line]) -> list[tuple[str, Line]]:
    """(text, first line) of each paragraph; wrapped lines joined without a break."""
    out: list[tuple[str, Line]] = []
    before: Line | None = None
    for line in lines:
        if before is not None and out and _continues(before, line):
            text, first = out[-1]
            out[-1] = (_join(text, line.text), first)
        else:
            out.append((line.text, line))
        before = line
    return out


def _join(text: str, more: str) -> str:
    """CJK wraps without a space; Latin words and digits at the seam keep one."""
    if text and more and text[-1].isascii() and text[-1].isalnum() and more[0].isascii() and more[0].isalnum():
        return f"{text} {more}"
    return text + more
