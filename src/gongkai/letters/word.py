"""A letter as a Word file, on the page of every official document gongkai writes (gongkai.writers.official):
the title in 二号小标宋, the salutation flush left and the paragraphs indented two characters in 三号仿宋 on
28 pt lines, then the seal's room, the agency and the date right-aligned, and the 附注 under them."""

from __future__ import annotations

import io
from pathlib import Path
from typing import BinaryIO

from gongkai.letters.compose import Letter
from gongkai.writers import typeset
from gongkai.writers.official import BODY_FONT, BODY_PT, LINE_PT, TITLE_WIDTH_EM, closing, new_document, title


def letter_document(letter: Letter):
    """The python-docx Document of a letter."""
    doc, body = new_document(letter.title)
    doc.core_properties.author = letter.signature  # the sending agency, not python-docx
    title(body, typeset.balanced(letter.title, TITLE_WIDTH_EM))
    body.paragraph([(letter.salutation, BODY_FONT)], BODY_PT)
    for paragraph in letter.paragraphs:
        body.paragraph([(paragraph, BODY_FONT)], BODY_PT, first_line=2 * BODY_PT)
    closing(body, letter.signature, letter.date, seal=letter.seal)
    if letter.note:  # 附注: 居左空二字, the line after the date
        body.paragraph([(letter.note, BODY_FONT)], BODY_PT, first_line=2 * BODY_PT, before=LINE_PT)
    return doc


def write_docx(letter: Letter, out: str | Path | BinaryIO | None = None) -> bytes | None:
    """Write the letter to a path or a binary stream; with no `out`, return the file's bytes."""
    doc = letter_document(letter)
    if out is None:
        buffer = io.BytesIO()
        doc.save(buffer)
        return buffer.getvalue()
    doc.save(str(out) if isinstance(out, str | Path) else out)
    return None


def write_pdf(letter: Letter, path: str | Path) -> None:
    """The letter as a PDF: its Word file converted by LibreOffice, fonts mapped as for the reports."""
    import shutil
    import tempfile

    from gongkai.office import convert
    from gongkai.writers.pdf import font_environment

    with tempfile.TemporaryDirectory(prefix="gongkai-letter-") as tmp:
        source = Path(tmp, "letter.docx")
        write_docx(letter, source)
        pdf = convert(source, "pdf", tmp, "writing a letter as PDF", env=font_environment(), name=str(path))
        shutil.move(pdf, path)
