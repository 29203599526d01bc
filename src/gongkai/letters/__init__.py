"""The letters an agency sends along an application for disclosure (依申请公开), as Word files.

For each event of an application, its notice: 补正告知书 (第三十条), 延期答复告知书 (第三十三条第二款),
征求第三方意见函 (第三十二条) and 征求其他机关意见函 (第三十四条), 收费通知书 (第四十二条, 国办函〔2020〕109号);
and for its outcome the 答复书, citing the article of 《中华人民共和国政府信息公开条例》 the outcome rests on, with
the remedies of 第五十一条. The wording is data: a TOML file per letter and per outcome in `templates/`, which an
office may copy and adapt (gongkai.letters.templates). The layout is that of the official documents
(gongkai.writers.official).

    from gongkai import letters
    letters.kinds_for(application)                   # ['延期答复告知书', '答复书']
    letters.write_letter("答复书", application, "某市生态环境局", "答复书.docx")
    data = letters.write_letter("答复书", application, agency)   # bytes, for a web response
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, BinaryIO

from gongkai.letters.compose import ALIASES, KINDS, Letter, LetterError, Options, compose, kind_of, kinds_for
from gongkai.letters.templates import TEMPLATES_ENV, Templates, copy_package_templates

__all__ = ["ALIASES", "KINDS", "TEMPLATES_ENV", "Letter", "LetterError", "Options", "Templates", "compose",
           "copy_package_templates", "kind_of", "kinds_for", "write_letter"]


def _agency_name(agency: Any) -> str:
    return agency if isinstance(agency, str) else agency.name


def write_letter(kind: str, application: Any, agency: Any, out: str | Path | BinaryIO | None = None, *,
                 templates: str | Path | Templates | None = None, options: Options | None = None) -> bytes | None:
    """Write the letter of `kind` (KINDS, or an alias) for an application (a register Application, or anything
    with its fields) sent by `agency` (its name, or an Agency): to `out` (a path or a binary stream), or as the
    bytes of the .docx when `out` is None. `templates`: an office's folder (default: $GONGKAI_LETTER_TEMPLATES,
    else the package's). LetterError when the application has no such letter; InputError for a bad template."""
    from gongkai.letters.word import write_docx

    chosen = templates if isinstance(templates, Templates) else Templates(templates)
    letter = compose(kind, application, _agency_name(agency), templates=chosen, options=options)
    return write_docx(letter, out)
