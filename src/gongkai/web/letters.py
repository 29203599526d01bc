"""The letters of an application's events as Word files, from the letters package (`gongkai.letters`).

The package is imported when a letter is asked for; where it is not installed the page says so plainly
(503 with a message) instead of failing.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from gongkai.i18n import t
from gongkai.web.auth import Desk
from gongkai.web.render import MEDIA, attachment, render_error


def letters_available() -> bool:
    try:
        import gongkai.letters  # noqa: F401
    except ImportError:
        return False
    return True


def letter_response(request: Request, desk: Desk, row: Any, kind: str) -> Response:
    """The Word file of the letter `kind` (a kind of gongkai.letters) of an application."""
    from gongkai.web.changes import LETTER_KINDS

    if kind not in LETTER_KINDS:
        return render_error(request, 404, t("web.error.not_found"))
    try:
        from gongkai import letters
    except ImportError:
        return render_error(request, 503, t("web.letters.missing"))
    try:
        content = letters.write_letter(kind, row, desk.agency)
    except letters.LetterError as exc:
        return render_error(request, 409, str(exc))
    return attachment(content, f"{row.number}-{kind}.docx", MEDIA["docx"])
