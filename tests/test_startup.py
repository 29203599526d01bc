"""What `gongkai check FILE` does not load: the costs taken off its start (issue 17), kept off.

A single report is checked in a process that imports only what reading and checking it needs: PDFium's library
without pypdfium2's Python layer, the TOML data through its marshal cache, no checks across reports where there
is nothing to set the report against. The replacements made for speed give what they replaced."""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.extract.prose import _names_a_region
from gongkai.labels import has_cjk
from gongkai.readers.pdf_unruled import _median
from support import REAL, ROOT, SEEDS, seed_names

NOT_LOADED = ("pypdfium2", "pypdfium2_raw.bindings", "pdfplumber", "pdfminer", "tomllib", "statistics",
              "importlib.resources", "gongkai.supervision.across", "gongkai.supervision.digest", "openpyxl", "docx")

_LOADED = """
import json, runpy, sys
sys.argv = ["gongkai", *sys.argv[1:]]
try:
    runpy.run_module("gongkai", run_name="__main__")
except SystemExit as exit:
    code = exit.code
sys.stdout = sys.__stdout__
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def loaded_by(*args: str) -> tuple[int, set[str]]:
    """The exit code of `gongkai ARGS` and every module it imported."""
    done = subprocess.run([sys.executable, "-c", _LOADED, *args], capture_output=True, text=True, timeout=120,
                          cwd=ROOT, env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})
    record = json.loads(done.stdout.splitlines()[-1])
    return record["code"], set(record["modules"])


def test_checking_one_pdf_loads_neither_pdfplumber_nor_pypdfium2s_python_layer():
    pdf = REAL / "huaian-city-2024.pdf"
    if not pdf.exists():
        pytest.skip("shared/fixtures/real is not beside the checkout")
    code, modules = loaded_by("check", "--format", "json", str(pdf))
    assert code in (0, 1)
    assert "gongkai.readers.pdfium_lib" in modules
    assert not modules & set(NOT_LOADED)


def seed_texts() -> list[Path]:
    return [SEEDS / f"{name}.txt" for name in seed_names()]


def test_checking_one_text_report_loads_no_pdf_reader():
    code, modules = loaded_by("check", str(seed_texts()[0]))
    assert code in (0, 1)
    assert not modules & {*NOT_LOADED, "ctypes", "gongkai.readers.pdf", "gongkai.readers.pdfium_lib"}


def test_two_reports_are_set_against_each_other():
    _, modules = loaded_by("check", str(seed_texts()[0]), str(seed_texts()[1]), "--jobs", "1")
    assert {"gongkai.supervision.across", "gongkai.supervision.digest"} <= modules


_REGION = re.compile(r"^[\u4e00-\u9fff]{1,20}?(省|自治区|市|自治州|州|盟|县|自治县|旗|区|镇|乡|街道)$")
_NAME_PIECES = st.sampled_from(["高安", "市", "省", "自治区", "州", "县", "旗", "区", "街道", "乡", "镇", "盟",
                                "内蒙古", "a", "1", " ", "（", "\u4e00", "\u9fff", "\u3400", "\ua000"])


@settings(max_examples=400)
@given(st.lists(_NAME_PIECES, max_size=14).map("".join))
def test_a_regions_name_is_told_as_the_regular_expression_told_it(name):
    assert _names_a_region(name) == bool(_REGION.match(name))


@given(st.text(max_size=12))
def test_has_cjk_is_the_character_class(text):
    assert has_cjk(text) == bool(re.search(r"[\u3400-\u9fff]", text))


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9), min_size=1))
def test_the_median_is_statistics_median(values):
    assert _median(values) == statistics.median(values)
