"""read(write(report)) == report for random consistent reports, prose included, for every writer."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from gongkai.checks import run_checks
from gongkai.formats import get_format
from gongkai.inputs import parse_file
from gongkai.model import Report
from gongkai.serialized import report_from_flat
from gongkai.writers.docx import write_docx
from gongkai.writers.html import write_html
from gongkai.writers.markdown import write_markdown
from gongkai.writers.xlsx import write_workbook
from strategies import FORMAT_IDS, consistent_reports

WRITERS = {".docx": write_docx, ".html": write_html, ".xlsx": write_workbook, ".md": write_markdown}


def texts(report: Report) -> dict[int, str]:
    return {n: (s.text if (s := report.section(n)) else "") for n in range(1, 7)}


@pytest.mark.parametrize("format_id", FORMAT_IDS)
@pytest.mark.parametrize("suffix", list(WRITERS))
def test_random_reports_round_trip(suffix: str, format_id: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    write = WRITERS[suffix]
    identity_codes = {i.check for i in get_format(format_id).identities}

    @settings(deadline=None, max_examples=25, suppress_health_check=[HealthCheck.too_slow])
    @given(flat=consistent_reports(template=format_id))
    def check(flat: dict) -> None:
        report = report_from_flat(flat, "generated")
        out = tmp_path_factory.mktemp("rt") / f"report{suffix}"
        write(report, out)
        again = parse_file(out)
        assert again.flat() == report.flat()
        assert texts(again) == texts(report)
        assert again.meta.published == report.meta.published
        assert again.meta.kind == report.meta.kind
        if suffix != ".xlsx":  # the workbook has no signature field: the agency signs what is built from it
            assert again.meta.signature == report.meta.agency
        assert not {f.code for f in run_checks(again)} & identity_codes

    check()


def test_a_written_file_is_named_in_every_cell_source(tmp_path: Path) -> None:
    flat = {"meta.year": 2023, "meta.agency": "某县财政局", "meta.template": "2021", "review.upheld": 1}
    out = tmp_path / "r.docx"
    write_docx(report_from_flat(flat, "generated"), out)
    again = parse_file(out)
    assert again.cells["review.upheld"].source.file == str(out)
    assert again.cells["review.upheld"].source.table is not None
