"""Report text laid out as a crawler saves a page: everything on one line (or a few), no separator between
table cells, optionally a crawler's header on top. Built from any text the text reader reads."""

from __future__ import annotations

from gongkai.readers.document import Paragraph
from gongkai.readers.text import read_text


def glue(text: str, header: dict[str, str] | None = None, lines: int = 1) -> str:
    """The report's paragraphs and table rows with every separator removed, cut into `lines` lines."""
    doc = read_text(text, "glue.txt")
    pieces: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            pieces.append(block.text)
        else:
            pieces += ["".join(c.text.replace("\n", "") for c in row) for row in block.rows]
    step = max(1, -(-len(pieces) // lines))
    body = "\n".join("".join(pieces[i:i + step]) for i in range(0, len(pieces), step))
    if not header:
        return body + "\n"
    top = "\n".join(f"{k}: {v}" for k, v in header.items())
    return f"{top}\n{'-' * 40}\n{body}\n"


def bare_pipes(text: str) -> str:
    """The report with every table written as pipe rows without outer pipes: `规章 | 13 | 13 | 524`."""
    doc = read_text(text, "pipes.txt")
    out: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            out.append(block.text)
        else:
            out += [" | ".join(c.text.replace("\n", "") for c in row) for row in block.rows]
            out.append("")
    return "\n".join(out) + "\n"
