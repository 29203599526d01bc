"""Writers: a Report → files in the official layout. One module per output type, imported when used."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path

from gongkai.i18n import t
from gongkai.model import Report

# output suffix → (module, function(report, path))
WRITERS = {
    ".html": ("gongkai.writers.html", "write_html"),
    ".htm": ("gongkai.writers.html", "write_html"),
    ".md": ("gongkai.writers.markdown", "write_markdown"),
    ".xlsx": ("gongkai.writers.xlsx", "write_workbook"),
    ".docx": ("gongkai.writers.docx", "write_docx"),
    ".pdf": ("gongkai.writers.pdf", "write_pdf"),
}

Writer = Callable[[Report, str | Path], None]


def writer_for(output: str | Path) -> Writer | None:
    """The writer of an output file by its suffix; None for a suffix no writer writes."""
    found = WRITERS.get(Path(output).suffix.lower())
    if found is None:
        return None
    module, function = found
    return getattr(import_module(module), function)


def unsupported(output: str | Path) -> str | None:
    """What is wrong with an output file no writer writes (its suffix), or None."""
    if writer_for(output) is not None:
        return None
    suffix, supported = Path(output).suffix.lower(), ", ".join(sorted(WRITERS))
    if suffix:
        return t("check.build.cannot_write", output=str(output), suffix=suffix, supported=supported)
    return t("check.build.cannot_write_no_suffix", output=str(output), supported=supported)


def write_report(report: Report, output: str | Path) -> None:
    """Write the report in the official layout, the kind of file told by the output's suffix."""
    writer = writer_for(output)
    if writer is None:
        raise ValueError(f"no writer for {output}")
    writer(report, output)
