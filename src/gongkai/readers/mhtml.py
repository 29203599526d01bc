"""Reader for web pages saved by a browser as one file (.mht / .mhtml): a MIME message whose first HTML part is
the page (often quoted-printable, in the page's own charset), the images and styles in the other parts.

The HTML part is read as any web page (gongkai.readers.html).
"""

from __future__ import annotations

import email
from email import policy
from email.message import Message
from pathlib import Path

from gongkai.errors import InputError
from gongkai.readers.document import Document
from gongkai.readers.html import read_html


def _html_part(message: Message) -> Message | None:
    for part in message.walk():
        if part.get_content_type() == "text/html":
            return part
    return None


def read_mhtml(data: bytes, path: str) -> Document:
    """A saved web page archive → the Document of its page."""
    if not data.strip():
        raise InputError(path, "errors.file.empty")
    try:
        message = email.message_from_bytes(data, policy=policy.compat32)
    except (ValueError, TypeError, LookupError) as exc:
        raise InputError(path, "errors.mhtml.unreadable", detail=str(exc)) from None
    part = _html_part(message)
    if part is None:
        raise InputError(path, "errors.mhtml.no_page")
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes) or not payload.strip():
        raise InputError(path, "errors.mhtml.no_page")
    charset = part.get_content_charset()
    if charset:
        try:
            text = payload.decode("gb18030" if charset.lower() in ("gb2312", "gbk") else charset)
        except (LookupError, UnicodeDecodeError):
            text = None
        if text is not None:
            doc = read_html(text, path)
            doc.encoding = charset
            return doc
    return read_html(payload, path)  # the page's own <meta charset>, or detection


def read_mhtml_file(path: str | Path) -> Document:
    from gongkai.readers.files import read_bytes

    doc = read_mhtml(read_bytes(path), str(path))
    doc.kind = "mhtml"
    return doc
