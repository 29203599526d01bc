"""Blank import files (`gongkai register template`): the columns an import expects, with one example row that
imports as it stands, so that an office starts from a file the register reads."""

from __future__ import annotations

from pathlib import Path

# One example row per kind of file, by column header; a column not named here is left empty in the example.
EXAMPLES: dict[str, dict[str, str]] = {
    "applications": {
        "编号": "2025-001", "收到日期": "2025-02-10", "渠道": "网络", "申请人类型": "自然人", "申请人": "张三",
        "联系方式": "13800000000", "申请内容": "2024年某河道整治工程的环境影响评价批复", "延期": "否",
        "答复日期": "2025-03-07", "办理结果": "予以公开",
    },
    "cases": {"编号": "复-2025-001", "类型": "行政复议", "立案日期": "2025-04-01", "结果": "维持",
              "审结日期": "2025-05-30"},
    "documents": {"类型": "行政规范性文件", "文号": "某环规〔2025〕1号", "标题": "关于规范某事项管理的通知",
                  "发布日期": "2025-01-15"},
}


def write_blank(path: str | Path, kind: str = "applications") -> None:
    """Write the blank file of a kind (.csv or .xlsx, by the suffix): the header row and the example row."""
    from gongkai.register.tabular import SHEETS, _write_csv, _write_xlsx

    path = Path(path)
    sheet = SHEETS[kind]
    row = [EXAMPLES[kind].get(header, "") for header in sheet.headers]
    if path.suffix.lower() == ".xlsx":
        _write_xlsx(path, sheet, [row])
    else:
        _write_csv(path, sheet, [row])
