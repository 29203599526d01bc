"""A roll-up written out: .json (the flat cell data of the sum), .xlsx (the sum cell by cell, with each region of a
tree beside it, and the lists of reports included and excluded), .docx (the region's tables in the official layout,
with what was summed in its prose)."""

from __future__ import annotations

import json
from pathlib import Path

from gongkai.atomic import write_text
from gongkai.i18n import t
from gongkai.supervision.cells import place
from gongkai.supervision.rollup import Rollup
from gongkai.supervision.xlsx import write_sheets

SUFFIXES = (".json", ".xlsx", ".docx")
LANG = "zh"
SUM_COLUMNS = ("office.column.table", "office.column.row", "office.column.column", "office.column.cell")
LIST_COLUMNS = ("office.column.agency", "office.column.file", "office.column.reason")


def write_rollup(rollup: Rollup, path: str | Path, tree: dict[str, Rollup] | None = None) -> None:
    suffix = Path(path).suffix.lower()
    if suffix == ".json":
        write_text(path, json.dumps(rollup.flat(), ensure_ascii=False, indent=2) + "\n")
    elif suffix == ".xlsx":
        _write_xlsx(rollup, Path(path), tree or {})
    else:
        _write_docx(rollup, Path(path))


def _headers(ids: tuple[str, ...]) -> list[str]:
    return [t(i, lang=LANG) for i in ids]


def _write_xlsx(rollup: Rollup, path: Path, tree: dict[str, Rollup]) -> None:
    others = [r for name, r in tree.items() if name != rollup.region]
    columns = [rollup.region or t("office.column.sum", lang=LANG), *(r.region or "" for r in others)]
    rows = ([*place(key, rollup.format_id), key, value, *(r.cells.get(key) for r in others)]
            for key, value in rollup.cells.items())
    included = ([e.agency, e.file, ""] for e in rollup.included)
    excluded = ([e.agency, e.file, e.reason.render(LANG) if e.reason else ""] for e in rollup.excluded)
    write_sheets(path, [(t("office.sheet.sum", lang=LANG), [*_headers(SUM_COLUMNS), *columns], rows),
                        (t("office.sheet.included", lang=LANG), _headers(LIST_COLUMNS), included),
                        (t("office.sheet.excluded", lang=LANG), _headers(LIST_COLUMNS), excluded)])


def prose_of(rollup: Rollup) -> dict[int, str]:
    """Section 一 says what the tables sum; section 六 lists the reports included and excluded."""
    summary = t("office.rollup.summary", lang=LANG, region=rollup.region or "", year=rollup.year,
                count=rollup.summed, excluded=len(rollup.excluded))
    lines = [t("office.sheet.included", lang=LANG) + "："]
    lines += [f"{e.agency}（{e.file}）" for e in rollup.included]
    if rollup.excluded:
        lines.append(t("office.sheet.excluded", lang=LANG) + "：")
        lines += [f"{e.agency}（{e.file}）：{e.reason.render(LANG) if e.reason else ''}" for e in rollup.excluded]
    return {1: summary, 6: "\n".join(lines)}


def _write_docx(rollup: Rollup, path: Path) -> None:
    from gongkai.serialized import report_from_flat
    from gongkai.writers import write_report

    report = report_from_flat(rollup.flat(), str(path), prose_of(rollup))
    report.meta.kind = "government"
    write_report(report, path)
