"""The JSON Schema of the full JSON model of a report (dataclasses.asdict of gongkai.model.Report).

Generated from the dataclasses, so it cannot drift from the model; schema/report.schema.json
in the repository is this module's output (a test keeps the two equal). After a model change:
    python -m gongkai.export.schema schema/report.schema.json
"""

from __future__ import annotations

import json
import sys

SCHEMA_ID = "https://gongkai.invalid/schema/report.json"
TITLE = "gongkai report: a parsed 政府信息公开工作年度报告"


def report_schema() -> dict:
    from pydantic import TypeAdapter  # slow to import; only the commands that need it pay

    from gongkai.model import Report

    generated = TypeAdapter(Report).json_schema(mode="serialization")
    generated.pop("title", None)  # replaced by ours, which goes first with $schema and $id
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": TITLE,
        **generated,
    }


def schema_text() -> str:
    """report_schema() exactly as published in schema/report.schema.json."""
    return json.dumps(report_schema(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    from gongkai.atomic import write_text

    write_text(sys.argv[1], schema_text())
