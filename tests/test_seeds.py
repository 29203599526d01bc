"""Every seed, cell by cell against its hand-checked truth, and every finding it gets."""

from __future__ import annotations

import pytest

from gongkai.checks import run_checks
from gongkai.inputs import parse_file
from support import SEEDS, SHARED, Seed, differences, seed_names


def test_flat_equals_truth_cell_by_cell(seed: Seed) -> None:
    assert differences(parse_file(seed.path).flat(), seed.truth, types=True) == {}


def test_all_seeds_parse_to_1006_cells() -> None:
    """The parser, not the fixtures, yields the 1,006 cells of the five seeds' truth."""
    parsed = sum(len(parse_file(SEEDS / f"{n}.txt").flat()) for n in seed_names())
    assert parsed == 1006


@pytest.mark.skipif(not (SHARED / "seeds").exists(), reason="shared/ not beside the checkout")
def test_bundled_seeds_are_the_shared_ones() -> None:
    for path in (SHARED / "seeds").iterdir():
        assert (SEEDS / path.name).read_bytes() == path.read_bytes()


def _findings(name: str) -> list[tuple[str, tuple[str, ...]]]:
    report = parse_file(SEEDS / f"{name}.txt")
    return sorted((f.code, tuple(f.cells)) for f in run_checks(report))


def _codes(name: str) -> list[str]:
    return sorted(code for code, _ in _findings(name))


# Every finding each seed gets, each checked by hand against the report text.
EXPECTED_CODES = {
    # 31 规范性文件 made, 0 published; no date printed; 16 cells say 无; 结果维护 in table 四.
    "000_1fa4e0cf87918f09": ["D402", "S208", "S213", "W601"],
    # A clean 2020 report in the 2019 format, with no date printed at the end.
    "001_205d0fb765df4a20": ["D402"],
    # Table 二 uses the 2021 columns for 第二十条第（一）项 without a 规章 row, the 2019 blocks after
    # it; 「2500 万」 typed with its unit; the （六） and （七） rows carry an extra cell.
    "002_8183807e426b0491": ["D402", "F302", "S205", "S209", "S211"],
    # A 2021 report in the 2019 format (tables 二 and 三), 7 blank cells, 5 无, 结果维护.
    "003_e01440b0bdeabe39": ["F301", "F301", "S206", "S208", "S213"],
    # 2 + 0 ≠ 0 + 0 in the 自然人 and 总计 columns; the prose's 2 applications agree with 一 but
    # not with the results; 4、 numbering for section 四; the title's 行政务服务中心 typo.
    "004_c82a2c402dd56cf8": ["A101", "A101", "D404", "P502", "S203"],
}


@pytest.mark.parametrize("name", sorted(EXPECTED_CODES))
def test_every_finding_of_each_seed(name: str) -> None:
    assert _codes(name) == sorted(EXPECTED_CODES[name])


def test_seed_004_identity_in_natural_person_and_total_columns() -> None:
    report = parse_file(SEEDS / "004_c82a2c402dd56cf8.txt")
    a101 = [f for f in run_checks(report) if f.code == "A101"]
    assert {f.params["binding"] for f in a101} == {"自然人", "总计"}
    for f in a101:
        assert (f.params["left"], f.params["right"], f.params["diff"]) == (2, 0, 2)
        assert f.where and all(w.line for w in f.where)


def test_seed_004_prose_agrees_with_new_not_with_results() -> None:
    report = parse_file(SEEDS / "004_c82a2c402dd56cf8.txt")
    codes = {f.code: f for f in run_checks(report)}
    assert "P501" not in codes
    assert codes["P502"].params["prose"] == 2 and codes["P502"].params["implied"] == 0


def test_seed_003_outdated_format_and_blank_cells() -> None:
    report = parse_file(SEEDS / "003_e01440b0bdeabe39.txt")
    findings = run_checks(report)
    assert report.meta.year == 2021 and report.meta.template == "2019"
    blank = next(f for f in findings if f.code == "S206")
    assert sorted(blank.cells) == sorted(k for k, v in report.flat().items() if v is None)


@pytest.mark.parametrize("name", ["000_1fa4e0cf87918f09", "003_e01440b0bdeabe39"])
def test_result_maintained_variant_is_noticed(name: str) -> None:
    findings = run_checks(parse_file(SEEDS / f"{name}.txt"))
    variant = next(f for f in findings if f.code == "S213")
    assert variant.params == {"printed": "结果维护", "official": "结果维持"}
    assert len(variant.where) == 3  # once for each group of table 四


def test_seed_000_made_but_not_published() -> None:
    findings = run_checks(parse_file(SEEDS / "000_1fa4e0cf87918f09.txt"))
    w601 = next(f for f in findings if f.code == "W601")
    assert w601.params["made"] == 31
    assert w601.cells == ["proactive.normative_docs.made", "proactive.normative_docs.published"]


def test_cells_keep_raw_text_and_position() -> None:
    report = parse_file(SEEDS / "002_8183807e426b0491.txt")
    amount = report.cells["proactive.procurement.amount"]
    assert (amount.value, amount.raw, amount.unit) == (2500, "2500 万", "万")
    assert amount.source.line == 35 and amount.source.column == 2
    none_cell = parse_file(SEEDS / "000_1fa4e0cf87918f09.txt").cells["proactive.licensing.previous"]
    assert (none_cell.value, none_cell.raw, none_cell.note) == (0, "无", "none_word")
