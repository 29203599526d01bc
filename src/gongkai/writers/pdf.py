"""PDF writer: the Word report converted by LibreOffice headless, fonts mapped by fontconfig.

fonts.conf (beside this module) maps 仿宋_GB2312, 方正小标宋简体 and 黑体 to installed CJK
faces (Noto CJK from fonts-noto-cjk) where the official fonts are missing, so the PDF looks like
an official document on any machine. Each conversion runs with its own LibreOffice profile.
"""

from __future__ import annotations

import shutil
import tempfile
from importlib import resources
from pathlib import Path

from gongkai.atomic import replacing
from gongkai.model import Report
from gongkai.office import convert
from gongkai.writers.docx import write_docx


def font_environment() -> dict[str, str]:
    return {"FONTCONFIG_FILE": str(resources.files(__package__) / "fonts.conf")}


def write_pdf(report: Report, path: str | Path) -> None:
    with tempfile.TemporaryDirectory(prefix="gongkai-pdf-") as tmp:
        source = Path(tmp, "report.docx")
        write_docx(report, source)
        pdf = convert(source, "pdf", tmp, "writing a PDF", env=font_environment(), name=str(path))
        with replacing(path) as part:  # the previous file stays until the new one is complete
            shutil.copyfile(pdf, part)
