"""Fuzzing every reader with damaged copies of real files (tests/mutants.py): a report or a known one-line error.

Hypothesis draws an original (a seed text, a real PDF, a seed written as Word, Excel and a web page), a mutation
and its seed; the mutant must read as a report or end in an InputError whose message id is one of mutants.KNOWN
(never errors.file.internal_error), with no warning or log record of a library escaping the readers. Pages whose
text layer a mutation broke are not OCR'd here (seconds a page): they end in errors.pdf.page_needs_ocr. The number
of examples keeps the file within ~30 s; bench/fuzz_readers.py runs thousands.
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutants import KNOWN, REAL, ZIP_MUTATIONS, mutate, mutations_for, outcome, write_originals
from support import ROOT


def _settings(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="session")
def originals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("originals")
    return {name: path.read_bytes() for name, path in write_originals(folder).items()}


@pytest.fixture(scope="session")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mutants")


def _check(originals: dict[str, bytes], workdir: Path, name: str, mutation: str, seed: int) -> str:
    path = workdir / f"mutant{Path(name).suffix}"
    path.write_bytes(mutate(originals[name], mutation, seed))
    with mock.patch("gongkai.readers.ocr.ocr_available", return_value=False):
        kind, what, noise = outcome(path)
    assert kind != "unexpected", f"{name} {mutation} seed={seed}: {what}"
    assert noise == 0, f"{name} {mutation} seed={seed}: a library's warning or log record escaped the reader"
    return what


def _fuzz(suffix: str, examples: int):
    def decorate(test):
        @_settings(examples)
        @given(data=st.data())
        def run(originals: dict[str, bytes], workdir: Path, data: st.DataObject) -> None:
            names = sorted(n for n in originals if n.endswith(suffix))
            if not names:
                pytest.skip(f"no original {suffix} (shared/ not beside the checkout)")
            name = data.draw(st.sampled_from(names), label="original")
            mutation = data.draw(st.sampled_from(mutations_for(name)), label="mutation")
            seed = data.draw(st.integers(0, 2**32 - 1), label="seed")
            _check(originals, workdir, name, mutation, seed)

        run.__name__ = test.__name__
        run.__doc__ = test.__doc__
        return run

    return decorate


@_fuzz(".txt", 100)
def test_damaged_text_files() -> None:
    """Seed texts with bytes flipped, cut, deleted or junk put in."""


@_fuzz(".html", 60)
def test_damaged_web_pages() -> None:
    """A seed written as a web page, damaged."""


@_fuzz(".docx", 80)
def test_damaged_word_files() -> None:
    """A seed written as .docx: damaged bytes and zip members removed, damaged, swapped; odd zip features."""


@_fuzz(".xlsx", 60)
def test_damaged_workbooks() -> None:
    """A seed written as .xlsx, damaged as the Word file is."""


@_fuzz(".pdf", 20)
def test_damaged_pdfs() -> None:
    """The real PDFs with bytes flipped, cut, deleted or junk put in."""


# ── each zip mutation on each package: the specific error it must give ────────────────────────────────────────

@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
@pytest.mark.parametrize(("mutation", "expected"), [
    ("damage_compressed", {"errors.package.damaged_data", "errors.package.damaged_entry"}),
    ("odd_zip_feature", {"errors.package.unsupported"}),
])
def test_zip_damage_is_named(originals: dict[str, bytes], workdir: Path, suffix: str, mutation: str,
                             expected: set[str]) -> None:
    name = f"written{suffix}"
    found = {_check(originals, workdir, name, mutation, seed) for seed in range(6)}
    assert found <= expected | {""}, found
    assert found & expected


def test_a_member_with_bad_xml_is_named(originals: dict[str, bytes], workdir: Path) -> None:
    members = []
    with zipfile.ZipFile(io.BytesIO(originals["written.docx"])) as z:
        for info in z.infolist():
            data = z.read(info)
            members.append((info, data[:-40] if info.filename == "word/document.xml" else data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in members:
            z.writestr(info, data)
    path = workdir / "bad-xml.docx"
    path.write_bytes(buffer.getvalue())
    assert outcome(path)[:2] == ("error", "errors.package.bad_xml")


def test_every_known_kind_is_in_the_catalogue() -> None:
    assert "errors.file.internal_error" not in KNOWN
    assert {"errors.package.damaged_data", "errors.package.unsupported", "errors.pdf.damaged"} <= KNOWN
    assert set(ZIP_MUTATIONS) <= set(mutations_for("x.docx"))


@pytest.mark.skipif(not REAL.exists(), reason="shared/ not beside the checkout")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_damaged_pdf_prints_one_line_and_no_pdfminer_warnings(tmp_path: Path, lang: str) -> None:
    data = (REAL / "hongze-district-2023.pdf").read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) // 3])
    run = subprocess.run([sys.executable, "-m", "gongkai", "--lang", lang, "parse", str(path)], capture_output=True,
                         text=True, env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert run.returncode == 2
    assert len(run.stderr.splitlines()) == 1, run.stderr
    assert ("PDF 文件已损坏" if lang == "zh" else "damaged or truncated PDF") in run.stderr
