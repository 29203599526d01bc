"""`gongkai register …` on the command line: import, export, report, explain, close-year; the database named by
--db or GONGKAI_DATABASE_URL (never the user's real folder); one-line errors with exit code 2. The commands that
touch the database run on SQLite and on PostgreSQL (the fixtures of conftest.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document as WordDocument
from openpyxl import load_workbook
from sqlalchemy import select

from gongkai.cli import main
from gongkai.register import store
from gongkai.register.db import Agency, Application, open_register
from gongkai.register.report import build_report
from support import one_line_error, run_register, write_lines

AGENCY = "某市生态环境局"
TODAY = date.today()


@pytest.fixture(autouse=True)
def _no_real_register(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reaches the user's real folder: the default register would be under tmp_path."""
    monkeypatch.delenv("GONGKAI_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


run, write = run_register, write_lines


@pytest.fixture(name="files")
def files_fixture(tmp_path: Path) -> dict[str, Path]:
    """A small register as files: applications over 2024–2025, a case linked to one, documents."""
    return {
        "applications": write(tmp_path / "申请登记.csv", [
            "编号,收到日期,申请人类型,答复日期,办理结果",
            "Y-1,2024-12-20,自然人,,",
            "Y-2,2024-12-30,商业企业,2025-01-06,予以公开",
            "Y-3,2025-03-01,自然人,2025-03-20,属于国家秘密",
            "Y-4,2025-04-01,法律服务机构,2025-04-21,本机关不掌握相关政府信息",
            "Y-5,2025-12-31,自然人,,"]),
        "cases": write(tmp_path / "复议诉讼.csv", [
            "编号,类型,立案日期,结果,审结日期,关联申请",
            "F-1,行政复议,2025-05-01,维持,2025-07-01,Y-3"]),
        "documents": write(tmp_path / "文件.csv", [
            "类型,文号,标题,发布日期,废止日期",
            "行政规范性文件,某环规〔2025〕1号,关于某事项的通知,2025-02-01,"]),
    }


@pytest.fixture(name="loaded")
def loaded_fixture(register_url: str, files: dict[str, Path]) -> str:
    """The files imported (cases first on the command line: the command imports applications before them)."""
    result = run("import", str(files["cases"]), str(files["documents"]), str(files["applications"]),
                 "--agency", AGENCY, "--kind", "department", db=register_url)
    assert result.exit_code == 0, result.stderr
    assert "已导入：" in result.stderr and "5 条申请" in result.stderr and "1 条复议诉讼案件" in result.stderr
    return register_url


# ── import and export ───────────────────────────────────────────────────────────────────────────────────────


def test_import_creates_the_agency_with_its_kind(register_url: str, files: dict[str, Path]) -> None:
    result = run("import", str(files["applications"]), "--agency", AGENCY, "--kind", "government", db=register_url)
    assert result.exit_code == 0, result.stderr
    reg = open_register(register_url)
    try:
        with reg.sessions() as session:
            agency = session.scalar(select(Agency).where(Agency.name == AGENCY))
            assert agency.kind == "government"
            assert len(session.scalars(select(Application)).all()) == 5
    finally:
        reg.close()


def test_a_file_imported_twice_is_refused_whole(loaded: str, files: dict[str, Path]) -> None:
    result = run("import", str(files["applications"]), db=loaded)  # --agency left out: the only agency
    assert result.exit_code == 2
    assert result.stderr.startswith(f"gongkai: {files['applications']}: 未导入任何记录，共 5 处问题")
    assert "第 2 行「编号」：「Y-1」已在台账中" in result.stderr and "Traceback" not in result.stderr
    english = run("import", str(files["applications"]), "--lang", "en", db=loaded)
    assert english.stderr.startswith(f"gongkai: {files['applications']}: nothing imported, 5 problem(s)")
    assert "line 2, 编号: 'Y-1' is already in the register" in english.stderr


def test_export_writes_what_was_imported(loaded: str, tmp_path: Path) -> None:
    out = tmp_path / "cases.xlsx"
    result = run("export", "-o", str(out), "--kind", "cases", db=loaded)
    assert result.exit_code == 0, result.stderr
    rows = list(load_workbook(out, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "类型", "立案日期") and rows[1][0] == "F-1" and rows[1][-1] == "Y-3"
    assert run("export", "-o", str(tmp_path / "a.csv"), db=loaded).exit_code == 0
    assert (tmp_path / "a.csv").read_text(encoding="utf-8-sig").count("\n") == 6


# ── report ──────────────────────────────────────────────────────────────────────────────────────────────────


def test_report_flat_is_the_register_report(loaded: str) -> None:
    result = run("report", "--year", "2025", "--flat", db=loaded)
    assert result.exit_code == 0, result.stderr
    flat = json.loads(result.stdout)
    reg = open_register(loaded)
    try:
        assert flat == build_report(reg, AGENCY, 2025).flat
    finally:
        reg.close()
    assert (flat["applications.new.total"], flat["applications.carried_over.total"]) == (3, 2)
    assert (flat["applications.total.total"], flat["applications.carried_forward.total"]) == (3, 2)
    assert flat["review.upheld"] == 1 and flat["proactive.normative_docs.issued"] == 1


def test_report_as_markdown_and_full_model(loaded: str) -> None:
    markdown = run("report", "--year", "2025", db=loaded)
    assert markdown.exit_code == 0 and f"# {AGENCY}2025年政府信息公开工作年度报告" in markdown.stdout
    model = json.loads(run("report", "--year", "2025", "--json", db=loaded).stdout)
    cell = model["cells"]["applications.new.natural_person"]
    assert (cell["value"], cell["raw"]) == (2, "2")
    assert cell["source"]["file"].split("://")[0] == loaded.split("://")[0]  # the database the cell came from


@pytest.mark.parametrize("suffix", [".docx", ".xlsx", ".html", ".md"])
def test_report_written_through_the_writers(loaded: str, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"年报{suffix}"
    result = run("report", "--year", "2025", "-o", str(out), db=loaded)
    assert result.exit_code == 0, result.stderr
    assert f"已写出：{out}" in result.stderr
    if suffix == ".docx":
        text = "\n".join(c.text for t in WordDocument(str(out)).tables for r in t.rows for c in r.cells)
        assert "予以公开" in text
    elif suffix in (".html", ".md"):
        assert AGENCY in out.read_text(encoding="utf-8")
    else:
        assert load_workbook(out).sheetnames


def test_report_with_prose(loaded: str, tmp_path: Path) -> None:
    prose = write(tmp_path / "正文.md", ["# 报告", "", "## 一、总体情况", "", "本年度收到申请3件。", "",
                                        "## 五、存在的主要问题及改进情况", "", "台账登记还不够及时。"])
    out = tmp_path / "年报.md"
    result = run("report", "--year", "2025", "--prose", str(prose), "-o", str(out), db=loaded)
    assert result.exit_code == 0, result.stderr
    assert "台账登记还不够及时。" in out.read_text(encoding="utf-8")


def test_report_refuses_an_unknown_output_kind(loaded: str, tmp_path: Path) -> None:
    line = one_line_error(run("report", "--year", "2025", "-o", str(tmp_path / "年报.txt"), db=loaded))
    assert "无法写出 .txt 文件" in line


# ── explain ─────────────────────────────────────────────────────────────────────────────────────────────────


def test_explain_lists_the_records(loaded: str) -> None:
    result = run("explain", "--year", "2025", "applications.carried_over.total", db=loaded)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].endswith("2025 = 2") and "上年结转" in lines[0]
    assert lines[2].split("\t") == ["编号", "收到日期", "申请人类型", "答复日期", "办理结果"]
    assert lines[3].split("\t") == ["Y-1", "2024-12-20", "自然人", "", ""]
    assert lines[4].split("\t") == ["Y-2", "2024-12-30", "商业企业", "2025-01-06", "予以公开"]
    data = json.loads(run("explain", "--year", "2025", "review.upheld", "--json", db=loaded).stdout)
    assert data["value"] == 1 and data["records"][0]["application"] == "Y-3"


def test_explain_an_unknown_key(loaded: str) -> None:
    line = one_line_error(run("explain", "--year", "2025", "applications.granted.natural_persn", db=loaded))
    assert "是否要找 applications.granted.natural_person" in line


# ── close-year ──────────────────────────────────────────────────────────────────────────────────────────────


def test_close_a_year_and_revise_it(loaded: str, tmp_path: Path) -> None:
    closed = run("close-year", "--year", "2024", "--user", "科长", db=loaded)
    assert closed.exit_code == 0, closed.stderr
    assert "已封存：某市生态环境局 2024 年度，第 1 版，结转下年度的申请 2 件" in closed.stderr
    assert "2024 年度已封存" in one_line_error(run("close-year", "--year", "2024", db=loaded))
    assert "修订须说明理由" in one_line_error(run("close-year", "--year", "2024", "--revise", db=loaded))

    reg = open_register(loaded)
    try:  # a correction of 2024 after it was closed: Y-2 was answered on 31 December
        with reg.sessions() as session:
            row = session.scalar(select(Application).where(Application.number == "Y-2"))
        store.update(reg, Application, row.id, {"answered": date(2024, 12, 31)}, user="clerk")
    finally:
        reg.close()

    shown = run("report", "--year", "2024", "--flat", db=loaded)
    assert shown.exit_code == 0 and json.loads(shown.stdout)["applications.carried_forward.total"] == 2
    assert shown.stderr.startswith("警告") and "2024 年度已封存（第 1 版" in shown.stderr
    nxt = run("report", "--year", "2025", "--flat", db=loaded)
    assert nxt.exit_code == 1 and nxt.stderr.startswith("错误") and "（Y-2）" in nxt.stderr
    written = run("report", "--year", "2025", "-o", str(tmp_path / "x.md"), db=loaded)
    assert written.exit_code == 1 and "未写出" in written.stderr and not (tmp_path / "x.md").exists()

    revised = run("close-year", "--year", "2024", "--revise", "--reason", "答复日期登记有误", db=loaded)
    assert revised.exit_code == 0, revised.stderr
    assert "已修订：某市生态环境局 2024 年度" in revised.stderr and "第 2 版" in revised.stderr
    assert "表三「四、结转下年度继续办理·总计」: 2 → 1" in revised.stderr
    assert run("report", "--year", "2025", "--flat", db=loaded).exit_code == 0
    assert run("close-year", "--year", "2025", db=loaded).exit_code == 0


def test_a_year_not_over_cannot_be_closed(loaded: str) -> None:
    assert "尚未结束" in one_line_error(run("close-year", "--year", str(TODAY.year), db=loaded))


# ── which database, which agency ────────────────────────────────────────────────────────────────────────────


def test_db_option_wins_over_the_environment(files: dict[str, Path], tmp_path: Path) -> None:
    chosen, other = tmp_path / "chosen.sqlite", tmp_path / "other.sqlite"
    result = CliRunner().invoke(main, ["register", "import", str(files["applications"]), "--agency", AGENCY,
                                       "--db", str(chosen)], env={"GONGKAI_DATABASE_URL": str(other)})
    assert result.exit_code == 0, result.stderr
    assert chosen.exists() and not other.exists()


def test_the_default_register_is_in_the_users_gongkai_folder(files: dict[str, Path], tmp_path: Path) -> None:
    """With neither --db nor GONGKAI_DATABASE_URL: register.sqlite in click's application folder (here under
    tmp_path, by XDG_CONFIG_HOME)."""
    result = CliRunner().invoke(main, ["register", "import", str(files["applications"]), "--agency", AGENCY])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "config" / "gongkai" / "register.sqlite").exists()


def test_agency_must_be_named_when_there_are_several(loaded: str, files: dict[str, Path]) -> None:
    assert run("import", str(files["documents"]), "--agency", "另一机关", db=loaded).exit_code == 0
    assert "台账中有多个机关" in one_line_error(run("report", "--year", "2025", db=loaded))
    assert run("report", "--year", "2025", "--agency", "另一机关", "--flat", db=loaded).exit_code == 0
    assert "台账中没有名为「无此机关」的机关" in one_line_error(run("report", "--year", "2025", "--agency", "无此机关",
                                                                 db=loaded))


def test_an_empty_register_says_what_to_do(tmp_path: Path) -> None:
    line = one_line_error(run("report", "--year", "2025", db=str(tmp_path / "empty.sqlite")))
    assert "台账中还没有机关" in line and "--agency" in line


@pytest.mark.parametrize("url, problem", [
    ("postgresql+psycopg://postgres:secret@127.0.0.1:1/none", "Connection refused"),
    ("nosuchdb://somewhere/x", "Can't load plugin"),
    ("/no/such/folder/register.sqlite", "unable to open database file"),
])
def test_a_database_that_cannot_be_opened_is_one_line(url: str, problem: str) -> None:
    line = one_line_error(run("report", "--year", "2025", db=url))
    assert "无法打开台账" in line and problem in line and "secret" not in line


def test_missing_and_unrecognised_files(tmp_path: Path) -> None:
    db = str(tmp_path / "r.sqlite")
    assert one_line_error(run("import", str(tmp_path / "无.csv"), "--agency", AGENCY, db=db)).endswith("文件不存在")
    odd = write(tmp_path / "odd.csv", ["甲,乙", "1,2"])
    assert "无法从表头" in one_line_error(run("import", str(odd), "--agency", AGENCY, db=db))
    assert "请写为 .csv 或 .xlsx 文件" in one_line_error(run("export", "-o", str(tmp_path / "x.json"), db=db))


def test_help_does_not_import_the_database_layer() -> None:
    """`gongkai --help` stays fast: the register's modules (SQLAlchemy, Alembic) load only when a command runs."""
    code = ("import sys, gongkai.cli\n"
            "print(sorted(m for m in ('sqlalchemy', 'alembic', 'gongkai.register.db') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# ── starting fast ──────────────────────────────────────────────────────────────────────────────────────────


def test_the_schema_revision_is_alembics_head() -> None:
    """db.SCHEMA_REVISION lets an up-to-date register open without Alembic: it must be the newest migration."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from gongkai.register.db import SCHEMA_REVISION

    config = Config()
    config.set_main_option("script_location", "gongkai.register:migrations")
    assert ScriptDirectory.from_config(config).get_current_head() == SCHEMA_REVISION


def test_a_register_command_imports_neither_alembic_nor_the_postgresql_dialect(tmp_path: Path) -> None:
    """A register at the newest revision is opened with one query, not Alembic; SQLite never loads PostgreSQL;
    listing deadlines reads none of the official formats."""
    db = tmp_path / "r.sqlite"
    store.add_agency(open_register(db), AGENCY)  # created and migrated: Alembic was needed once
    code = ("import sys\n"
            "from gongkai.cli import main\n"
            "try:\n"
            f"    main(['register', 'deadlines', '--db', {str(db)!r}])\n"
            "except SystemExit as exc:\n"
            "    assert exc.code == 0, exc.code\n"
            "print(sorted(m for m in ('alembic', 'sqlalchemy.dialects.postgresql', 'gongkai.register.closing',\n"
            "                         'gongkai.register.report', 'openpyxl', 'docx', 'gongkai.formats') if m in\n"
            "       sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


# ── edit ───────────────────────────────────────────────────────────────────────────────────────────────────


def _application(db: str, number: str) -> Application:
    reg = open_register(db)
    try:
        return store.by_number(reg, Application, AGENCY, number)  # type: ignore[return-value]
    finally:
        reg.close()


def test_edit_corrects_a_field_as_an_import_reads_it(loaded: str) -> None:
    result = run("edit", "applications", "Y-3", "答复日期", "2025年3月21日", "--user", "王科长", db=loaded)
    assert result.exit_code == 0, result.stderr
    assert "「答复日期」：2025-03-20 → 2025-03-21" in result.stderr
    result = run("edit", "applications", "Y-3", "outcome", "部分公开", db=loaded)
    assert "属于国家秘密 → 部分公开" in result.stderr
    row = _application(loaded, "Y-3")
    assert row.answered == date(2025, 3, 21) and row.outcome == "partially_granted"
    reg = open_register(loaded)
    try:
        entries = [(e.user_name, e.field, e.before, e.after) for e in store.history(reg, Application, row.id)
                   if e.action == "update"]
    finally:
        reg.close()
    assert ("王科长", "answered", "2025-03-20", "2025-03-21") in entries
    assert entries[-1][1:] == ("outcome", "withheld.state_secret", "partially_granted")


def test_edit_the_extension_and_a_case_link(loaded: str) -> None:
    result = run("edit", "applications", "Y-1", "延期", "检索量大", db=loaded)
    assert result.exit_code == 0 and "否 → 是" in result.stderr and "— → 检索量大" in result.stderr
    row = _application(loaded, "Y-1")
    assert row.extended and row.extension_reason == "检索量大"
    assert run("edit", "cases", "F-1", "关联申请", "Y-4", db=loaded).exit_code == 0
    assert "「Y-9」" in one_line_error(run("edit", "cases", "F-1", "关联申请", "Y-9", db=loaded))
    assert "未更改" in run("edit", "applications", "Y-1", "延期", "检索量大", db=loaded).stderr


@pytest.mark.parametrize(("args", "problem"), [
    (("applications", "Y-3", "答复日期", "昨天"), "「答复日期」：「昨天」不是日期"),
    (("applications", "Y-3", "办理结果", "公开"), "最接近的官方名称：予以公开"),
    (("applications", "Y-3", "颜色", "红"), "「颜色」不是可更正的列"),
    (("applications", "Y-3", "答复日期", "2025-02-01"), "答复日期"),  # before 收到日期: the import's rule
    (("applications", "Y-3", "答复日期", ""), "「答复日期」未填写"),  # an outcome needs its answer date
    (("applications", "Y-2", "编号", "Y-3"), "Y-3"),  # a number another record has
    (("applications", "Y-9", "答复日期", "2025-03-21"), "没有编号为「Y-9」的记录"),
    (("documents", "某环规〔2025〕1号", "发布日期", "2999-01-01"), "发布日期"),  # a date in the future
])
def test_edit_refuses_what_an_import_refuses(loaded: str, args: tuple[str, ...], problem: str) -> None:
    before = _application(loaded, "Y-3")
    assert problem in one_line_error(run("edit", *args, db=loaded))
    assert _application(loaded, "Y-3").version == before.version


# ── counts ─────────────────────────────────────────────────────────────────────────────────────────────────


def test_counts_are_shown_set_and_reported(loaded: str) -> None:
    shown = run("counts", "--year", "2025", db=loaded)
    assert shown.exit_code == 0
    lines = shown.output.splitlines()
    assert lines[0].split("\t") == ["项目", "单元格", "数量"]
    assert "行政许可·本年处理决定数量\tproactive.licensing.decisions\t—" in lines
    result = run("counts", "--year", "2025", "行政许可=1,200", "行政事业性收费=35.6", "penalty.decisions=3",
                 "--json", db=loaded)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.output) == {"proactive.licensing.decisions": 1200, "proactive.penalty.decisions": 3,
                                         "proactive.enforcement.decisions": None, "proactive.fees.amount": 35.6}
    flat = json.loads(run("report", "--year", "2025", "--flat", db=loaded).output)
    assert flat["proactive.licensing.decisions"] == 1200 and flat["proactive.fees.amount"] == 35.6
    run("counts", "--year", "2025", "行政许可=1300", db=loaded)
    assert "proactive.licensing.decisions\t1300" in run("counts", "--year", "2025", db=loaded).output


@pytest.mark.parametrize(("setting", "problem"), [
    ("行政许可=1.5", "应为整数"), ("行政许可=-2", "不能为负数"), ("行政许可=许多", "不是数字"),
    ("行政许=1", "不是表二中由机关填报的数量"), ("行政许可", "应写作 名称=数值"),
])
def test_counts_refuse_bad_settings_and_set_none(loaded: str, setting: str, problem: str) -> None:
    assert problem in one_line_error(run("counts", "--year", "2025", "行政处罚=7", setting, db=loaded))
    assert "proactive.penalty.decisions\t—" in run("counts", "--year", "2025", db=loaded).output


# ── template, import help, deadlines header ────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("kind", ["applications", "cases", "documents"])
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_blank_template_imports_as_it_stands(kind: str, suffix: str, tmp_path: Path) -> None:
    from gongkai.register.tabular import SHEETS

    out = tmp_path / f"{kind}{suffix}"
    result = run("template", "--kind", kind, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    if suffix == ".xlsx":
        rows = [list(r) for r in load_workbook(out).active.iter_rows(values_only=True)]
    else:
        rows = [line.split(",") for line in out.read_text(encoding="utf-8-sig").splitlines()]
    assert tuple(rows[0]) == SHEETS[kind].headers and len(rows) == 2
    db = str(tmp_path / "r.sqlite")
    if kind == "cases":  # a case may name an application; the example names none
        assert run("template", "-o", str(tmp_path / "a.csv")).exit_code == 0
        assert run("import", str(tmp_path / "a.csv"), "--agency", AGENCY, db=db).exit_code == 0
    imported = run("import", str(out), "--agency", AGENCY, db=db)
    assert imported.exit_code == 0 and "1 条" in imported.stderr, imported.stderr


def test_template_refuses_other_suffixes(tmp_path: Path) -> None:
    assert "请写为 .csv 或 .xlsx 文件" in one_line_error(run("template", "-o", str(tmp_path / "x.json")))


def test_import_help_lists_every_column() -> None:
    from gongkai.register.tabular import SHEETS

    for lang in ("zh", "en"):
        text = CliRunner().invoke(main, ["register", "import", "--help", "--lang", lang]).output
        flat = "".join(text.split())  # the help is wrapped
        for sheet in SHEETS.values():
            listed = "、".join(c.header + ("*" if c.required else "") for c in sheet.columns)
            assert listed in flat, (lang, sheet.kind)


def test_the_readme_lists_every_import_column() -> None:
    from gongkai.register.tabular import SHEETS

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8").replace("\\*", "")
    for sheet in SHEETS.values():
        assert "、".join(c.header for c in sheet.columns) in readme, sheet.kind


def test_a_space_between_chinese_words_counts_when_help_is_wrapped() -> None:
    """A line of wrapped help never passes its width, a space before the next word included (it once did by one)."""
    from gongkai.cli import _wrap_text
    from gongkai.i18n import columns

    text = "显示某一年度的数量；给出 名称=数值 则先设定再显示，例如 gongkai register counts --year 2025 行政许可=1200"
    for width in range(20, 100):
        for indent in ("", "  "):
            assert all(columns(line) <= width for line in _wrap_text(text, width, indent, indent).split("\n"))


def test_template_opens_no_register(tmp_path: Path) -> None:
    """A blank file needs no database: none is created in the user's folder (the autouse fixture points it here)."""
    assert run("template", "-o", str(tmp_path / "blank.csv")).exit_code == 0
    assert not list(tmp_path.rglob("register.sqlite"))
