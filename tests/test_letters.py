"""The letters an agency sends along an application (gongkai.letters): each kind carries its article and the
application's data, every outcome's 答复书 cites the article the regulation gives for it, an office's template
folder overrides the package's wording, and `gongkai register letter` writes them as Word or PDF.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document as WordDocument

from gongkai import letters
from gongkai.errors import InputError
from gongkai.letters.templates import package_folder
from gongkai.register.outcomes import outcomes
from support import one_line_error, run_register, write_lines

AGENCY = "某市生态环境局"

# The article each outcome's answer rests on, from the regulation (国务院令第711号) as domain.md tabulates it.
ANSWER_ARTICLES = {
    "granted": "第三十六条第（二）项",
    "partially_granted": "第三十七条",
    "withheld.state_secret": "第十四条",
    "withheld.prohibited_by_law": "第十四条",
    "withheld.security_stability": "第十四条",
    "withheld.third_party_rights": "第十五条",
    "withheld.internal_affairs": "第十六条第一款",
    "withheld.process_info": "第十六条第二款",
    "withheld.enforcement_files": "第十六条第二款",
    "withheld.query_matters": "第三十六条第（七）项",
    "unable.not_held": "第三十六条第（四）项",
    "unable.needs_creation": "第三十八条",
    "unable.unclear": "第三十条",
    "not_processed.petition": "第三十九条第一款",
    "not_processed.duplicate": "第三十六条第（六）项",
    "not_processed.publication": "第三十九条第二款",
    "not_processed.excessive": "第三十五条",
    "not_processed.confirm": "第二条",
    "other.no_correction": "第三十条",
    "other.fee_unpaid": "第四十二条",
    "other.other": "第三十六条",
}
# 不予公开 rests on its ground and on 第三十六条第（三）项 (行政机关依据本条例的规定决定不予公开).
WITHHELD_ALSO = "第三十六条第（三）项"

NOTICE_ARTICLES = {"补正告知书": "第三十条", "延期答复告知书": "第三十三条第二款", "征求第三方意见函": "第三十二条",
                   "征求其他机关意见函": "第三十四条", "收费通知书": "第四十二条"}


@dataclass
class App:
    """An application as the register holds it (the fields of register.db.Application the letters read)."""

    number: str = "2026-001"
    received: date = date(2026, 2, 10)
    channel: str | None = "网络"
    applicant: str = "natural_person"
    applicant_name: str | None = "张三"
    contact: str | None = None
    subject: str | None = "某河道整治工程的环境影响评价批复"
    correction_asked: date | None = None
    correction_received: date | None = None
    extended: bool = False
    extension_reason: str | None = None
    consultation_started: date | None = None
    consultation_ended: date | None = None
    fee_notice: date | None = None
    fee_paid: date | None = None
    fee: Decimal | None = None
    answered: date | None = None
    outcome: str | None = None


def every_event() -> App:
    return App(correction_asked=date(2026, 2, 12), correction_received=date(2026, 2, 24), extended=True,
               extension_reason="所申请信息涉及多个科室", consultation_started=date(2026, 3, 2),
               consultation_ended=date(2026, 3, 13), fee_notice=date(2026, 3, 4), fee_paid=date(2026, 3, 6),
               fee=Decimal(3000), answered=date(2026, 4, 20), outcome="granted")


def docx_text(path_or_bytes: Path | bytes) -> str:
    import io

    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else str(path_or_bytes)
    return "\n".join(p.text for p in WordDocument(source).paragraphs)


# ── the answers ────────────────────────────────────────────────────────────────────────────────────────────


def test_every_outcome_has_its_article() -> None:
    assert set(ANSWER_ARTICLES) == set(outcomes().keys)


@pytest.mark.parametrize("outcome", list(ANSWER_ARTICLES))
def test_the_answer_of_each_outcome_cites_its_article(outcome: str) -> None:
    app = App(answered=date(2026, 3, 10), outcome=outcome)
    letter = letters.compose("答复书", app, AGENCY)
    text = letter.text()
    assert letter.article == ANSWER_ARTICLES[outcome]
    assert f"《中华人民共和国政府信息公开条例》{ANSWER_ARTICLES[outcome]}" in text or \
        f"和{ANSWER_ARTICLES[outcome]}" in text or f"{ANSWER_ARTICLES[outcome]}的规定" in text
    if outcome.startswith("withheld.") and outcome != "withheld.query_matters":
        assert WITHHELD_ALSO in text
    assert letter.title == "政府信息公开申请答复书"
    assert letter.salutation == "张三："
    assert "2026年2月10日" in text and "2026-001" in text and letter.date == "2026年3月10日"
    assert "60日内" in text and "6个月内" in text and "行政复议" in text and "行政诉讼" in text
    assert letter.signature == AGENCY


def test_a_third_party_consulted_is_cited() -> None:
    consulted = App(consultation_started=date(2026, 2, 20), consultation_ended=date(2026, 3, 6),
                    answered=date(2026, 3, 20), outcome="withheld.third_party_rights")
    assert "第三十二条" in letters.compose("答复书", consulted, AGENCY).text()
    alone = App(answered=date(2026, 3, 10), outcome="withheld.third_party_rights")
    assert "第三十二条" not in letters.compose("答复书", alone, AGENCY).text()


def test_another_agency_responsible_cites_item_five() -> None:
    """本机关不掌握: 第三十六条第（四）项 (does not exist), or 第（五）项 naming the agency responsible when given."""
    app = App(answered=date(2026, 3, 10), outcome="unable.not_held")
    details = {"负责机关": "某市自然资源和规划局", "负责机关联系方式": "0512-00000000"}
    letter = letters.compose("答复书", app, AGENCY, options=letters.Options(details=details))
    assert letter.article == "第三十六条第（五）项" and "第三十六条第（四）项" not in letter.text()
    assert "由某市自然资源和规划局负责公开，联系方式：0512-00000000。" in letter.text()


def test_an_organisation_is_addressed_as_such() -> None:
    text = letters.compose("答复书", App(applicant="commercial", applicant_name="某某有限公司",
                                         answered=date(2026, 3, 10), outcome="granted"), AGENCY).text()
    assert text.splitlines()[1] == "某某有限公司：" and "收到贵单位提出的" in text and "收到您" not in text


# ── the notices ────────────────────────────────────────────────────────────────────────────────────────────


def test_kinds_follow_the_events() -> None:
    assert letters.kinds_for(App()) == []
    assert letters.kinds_for(App(extended=True, answered=date(2026, 4, 1), outcome="granted")) == \
        ["延期答复告知书", "答复书"]
    assert letters.kinds_for(every_event()) == ["补正告知书", "征求第三方意见函", "征求其他机关意见函", "收费通知书",
                                                "延期答复告知书", "答复书"]


@pytest.mark.parametrize("kind", letters.KINDS)
def test_each_kind_writes_a_word_file_with_its_article_and_data(kind: str, tmp_path: Path) -> None:
    out = tmp_path / f"{kind}.docx"
    letters.write_letter(kind, every_event(), AGENCY, out)
    text = docx_text(out)
    article = NOTICE_ARTICLES.get(kind) or ANSWER_ARTICLES["granted"]
    assert article in text
    assert "2026-001" in text and "2026年2月10日" in text and AGENCY in text and "某河道整治工程" in text
    if kind.startswith("征求"):  # to the third party or the other agency: the applicant is not named
        assert "张三" not in text
    else:
        assert text.startswith(letters.compose(kind, every_event(), AGENCY).title) and "张三：" in text


def test_the_bytes_of_a_letter_are_a_word_file() -> None:
    data = letters.write_letter("answer", every_event(), AGENCY)
    assert isinstance(data, bytes) and data[:2] == b"PK"
    assert "政府信息公开申请答复书" in docx_text(data)


def test_dates_come_from_the_answer_clock() -> None:
    """The issue's example: received 2026-02-10, due 2026-03-16, extended to 2026-04-14."""
    app = App(extended=True)
    text = letters.compose("延期答复告知书", app, AGENCY, options=letters.Options(day=date(2026, 3, 9))).text()
    assert "不能在2026年3月16日前作出答复" in text and "将于2026年4月14日前" in text
    assert "2026年3月9日" in text
    asked = App(correction_asked=date(2026, 2, 12))
    correction = letters.compose("补正告知书", asked, AGENCY)
    # 15 working days: 春节 skipped, the make-up Saturdays 2月14日 and 2月28日 worked
    assert correction.date == "2026年2月12日" and "于2026年3月11日前" in correction.text()


def test_the_fee_notice_counts_the_fee() -> None:
    app = App(fee_notice=date(2026, 3, 2), fee=Decimal(3000))
    plain = letters.compose("收费通知书", app, AGENCY)
    assert "人民币3000元" in plain.text() and "国办函〔2020〕109号" in plain.text()
    assert "（2026年3月30日前）" in plain.text()  # 20 working days after the notice
    counted = letters.compose("收费通知书", app, AGENCY, options=letters.Options(fee_applications=35))
    assert "按件（35件）" in counted.text() and "第31–35件每件200元，计1000元。" in counted.text()
    with pytest.raises(letters.LetterError, match=r"3000.*1100"):
        letters.compose("收费通知书", app, AGENCY, options=letters.Options(fee_pages=120))


def test_a_letter_without_its_event_is_refused() -> None:
    with pytest.raises(letters.LetterError, match="补正告知日期"):
        letters.compose("补正告知书", App(), AGENCY)
    with pytest.raises(letters.LetterError, match="尚未答复"):
        letters.compose("答复书", App(), AGENCY)
    with pytest.raises(letters.LetterError, match="未知的文书种类"):
        letters.compose("通知", App(), AGENCY)
    with pytest.raises(letters.LetterError, match="2007年条例"):  # its articles are not the 2019 regulation's
        letters.compose("答复书", App(received=date(2019, 5, 14), answered=date(2019, 6, 3), outcome="granted"), AGENCY)


def test_what_the_register_lacks_is_left_blank_and_listed() -> None:
    app = App(applicant_name=None, subject=None, answered=date(2026, 3, 10), outcome="partially_granted")
    letter = letters.compose("答复书", app, AGENCY)
    assert letter.missing == ("申请人", "申请内容", "不予公开理由")
    assert letter.salutation == "＿＿＿＿："
    given = letters.compose("答复书", app, AGENCY, options=letters.Options(details={"不予公开理由": "涉及个人隐私"}))
    assert "理由如下：涉及个人隐私。" in given.text() and "不予公开理由" not in given.missing


# ── an office's own templates ──────────────────────────────────────────────────────────────────────────────


def test_an_office_folder_overrides_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    office = tmp_path / "office"
    written = letters.copy_package_templates(office)
    assert len(written) == len([f for f in package_folder().iterdir() if f.is_file()])
    answer = office / "答复书.unable.not_held.toml"
    answer.write_text(answer.read_text(encoding="utf-8").replace("现告知", "特此告知"), encoding="utf-8")
    common = office / "通用.toml"
    common.write_text(common.read_text(encoding="utf-8").replace(
        "依法申请行政复议", "向某市人民政府申请行政复议"), encoding="utf-8")
    app = App(answered=date(2026, 3, 10), outcome="unable.not_held")
    assert "现告知您该政府信息不存在" in letters.compose("答复书", app, AGENCY).text()
    text = letters.compose("答复书", app, AGENCY, templates=letters.Templates(office)).text()
    assert "特此告知您该政府信息不存在" in text and "向某市人民政府申请行政复议" in text
    monkeypatch.setenv(letters.TEMPLATES_ENV, str(office))
    assert "特此告知您" in docx_text(letters.write_letter("答复书", app, AGENCY))


def test_an_office_folder_may_hold_only_what_it_changed(tmp_path: Path) -> None:
    own = 'article = "第三十六条第（一）项"\nparagraphs = ["已主动公开：{申请内容}。"]\n'
    (tmp_path / "答复书.granted.toml").write_text(own, encoding="utf-8")
    app = App(answered=date(2026, 3, 10), outcome="granted")
    letter = letters.compose("答复书", app, AGENCY, templates=letters.Templates(tmp_path))
    assert letter.article == "第三十六条第（一）项" and "已主动公开：某河道整治工程" in letter.text()
    assert "60日内" in letter.text()  # 通用.toml and 答复书.toml from the package


def test_template_mistakes_name_the_file(tmp_path: Path) -> None:
    app = App(answered=date(2026, 3, 10), outcome="granted")
    bad = tmp_path / "答复书.granted.toml"
    bad.write_text('article = "第三十六条"\nparagraphs = ["{申请人姓名}你好"]\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        letters.compose("答复书", app, AGENCY, templates=letters.Templates(tmp_path))
    assert caught.value.path == str(bad) and "申请人姓名" in caught.value.problem
    bad.write_text("article = \n", encoding="utf-8")
    with pytest.raises(InputError, match="TOML"):
        letters.compose("答复书", app, AGENCY, templates=letters.Templates(tmp_path))
    with pytest.raises(InputError, match="文件夹不存在"):
        letters.Templates(tmp_path / "无")


def test_the_readme_lists_every_placeholder_the_templates_use() -> None:
    from gongkai.letters.templates import placeholders

    readme = (package_folder() / "README.md").read_text(encoding="utf-8")
    used = set()
    for item in package_folder().iterdir():
        if item.name.endswith(".toml"):
            used.update(name for line in item.read_text(encoding="utf-8").splitlines()
                        for name in placeholders(line.split("=", 1)[-1]) if not line.startswith("#"))
    assert used and all("{" + name + "}" in readme for name in used), used


# ── the command line ───────────────────────────────────────────────────────────────────────────────────────


@pytest.fixture(name="db")
def db_fixture(tmp_path: Path) -> str:
    db = str(tmp_path / "register.sqlite")
    csv = write_lines(tmp_path / "申请.csv", [
        "编号,收到日期,申请人类型,申请人,申请内容,延期,答复日期,办理结果",
        "A-1,2026-02-10,自然人,李四,某河道整治工程环评批复,是,2026-04-10,属于四类过程性信息",
        "A-2,2026-02-11,商业企业,,企业名录,,,"])
    result = run_register("import", str(csv), "--agency", AGENCY, db=db)
    assert result.exit_code == 0, result.stderr
    return db


def test_register_letter_writes_the_answer(db: str, tmp_path: Path) -> None:
    out = tmp_path / "答复书.docx"
    result = run_register("letter", "A-1", "--kind", "答复书", "-o", str(out), db=db)
    assert result.exit_code == 0, result.stderr
    assert "第十六条第二款" in result.stderr
    text = docx_text(out)
    assert "李四：" in text and "第十六条第二款" in text and "2026年4月10日" in text and AGENCY in text
    listed = run_register("letter", "A-1", db=db)
    assert listed.exit_code == 0 and "延期答复告知书、答复书" in listed.output


def test_register_letter_failures_are_one_line(db: str, tmp_path: Path) -> None:
    out = str(tmp_path / "x.docx")
    assert "尚未答复" in one_line_error(run_register("letter", "A-2", "--kind", "答复书", "-o", out, db=db))
    assert "「A-9」" in one_line_error(run_register("letter", "A-9", "--kind", "答复书", "-o", out, db=db))
    assert "未知的文书种类" in one_line_error(run_register("letter", "A-1", "--kind", "信", "-o", out, db=db))
    assert ".docx" in one_line_error(run_register("letter", "A-1", "--kind", "答复书", "-o", "x.txt", db=db))
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "通用.toml").write_text("remedy = [\n", encoding="utf-8")
    line = one_line_error(run_register("letter", "A-1", "--kind", "答复书", "-o", out, "--templates", str(bad), db=db))
    assert "通用.toml" in line and "TOML" in line


def test_register_letter_says_what_was_left_blank(db: str, tmp_path: Path) -> None:
    result = run_register("letter", "A-1", "--kind", "延期答复告知书", "-o", str(tmp_path / "y.docx"),
                          "--date", "2026-03-09", db=db)
    assert result.exit_code == 0, result.stderr
    assert "延期理由" not in result.stderr  # the template's default reason
    assert "2026年3月9日" in docx_text(tmp_path / "y.docx")


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftoppm") is None,
                    reason="LibreOffice and poppler are needed to render a letter")
def test_a_letter_renders_as_one_official_page(tmp_path: Path) -> None:
    """Word → PDF (LibreOffice, fonts mapped as for the reports) → its text, fonts and a page image."""
    from gongkai.letters.word import write_pdf

    pdf = tmp_path / "答复书.pdf"
    write_pdf(letters.compose("答复书", every_event(), AGENCY), pdf)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M) and "(A4)" in info and f"Author:          {AGENCY}" in info
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "政府信息公开申请答复书" in text and "2026年4月20日" in text.replace(" ", "")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Fang" in fonts or "fang" in fonts  # 仿宋 mapped to an installed 仿宋 face, not a fallback sans
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-singlefile", str(pdf), str(tmp_path / "page")], check=True)
    assert (tmp_path / "page.png").stat().st_size > 10_000


def test_letter_templates_copies_the_wording_to_adapt(db: str, tmp_path: Path) -> None:
    office = tmp_path / "本局模板"
    result = run_register("letter-templates", str(office))
    assert result.exit_code == 0 and "GONGKAI_LETTER_TEMPLATES" in result.stderr
    assert (office / "README.md").is_file() and (office / "答复书.withheld.process_info.toml").is_file()
    wording = office / "答复书.withheld.process_info.toml"
    wording.write_text(wording.read_text(encoding="utf-8").replace("本机关决定不予公开", "本局决定不予公开"),
                       encoding="utf-8")
    again = run_register("letter-templates", str(office))
    assert again.exit_code == 0 and "本局决定不予公开" in wording.read_text(encoding="utf-8")  # kept
    out = tmp_path / "答复书.docx"
    result = run_register("letter", "A-1", "--kind", "answer", "-o", str(out), "--templates", str(office), db=db)
    assert result.exit_code == 0, result.stderr
    assert "本局决定不予公开" in docx_text(out)
