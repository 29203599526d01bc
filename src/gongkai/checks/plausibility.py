"""Numbers that add up but make little sense."""

from __future__ import annotations

from collections.abc import Iterator

from gongkai.checks.describe import name
from gongkai.formats import Format, all_formats
from gongkai.model import Finding, Report


def made_not_published(report: Report, fmt: Format) -> Iterator[Finding]:
    """2019 wording: documents made this year but none published (seed 000: 31 made, 0 published)."""
    for format_id in report.meta.table2_formats:
        for row in all_formats()[format_id].sets.get("document_rows", ()):
            made, published = f"proactive.{row}.made", f"proactive.{row}.published"
            m, p = report.value(made), report.value(published)
            if m and m > 0 and p == 0:
                yield Finding("W601", {"label": name(f"proactive.{row}", format_id), "made": m},
                              [made, published],
                              [report.cells[made].source, report.cells[published].source])
