"""One translation mechanism (gongkai.i18n): Chinese by default, English on request, for every message a person
reads — the catalogues, the rendering rules, errors, the command line's help and its one-line errors."""

from __future__ import annotations

import ast
import pickle
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongkai.errors import InputError
from gongkai.i18n import (
    LANGUAGES,
    Message,
    catalogue,
    catalogue_names,
    language,
    language_from,
    placeholders,
    render,
    set_language,
    t,
    using,
)

SRC = Path(__file__).resolve().parent.parent / "src" / "gongkai"
CJK = re.compile(r"[\u3400-\u9fff]")

# ── the mechanism ───────────────────────────────────────────────────────────────────────────────────────────


def test_chinese_by_default_english_on_request() -> None:
    assert language() == "zh"
    assert t("errors.file.missing") == "文件不存在"
    assert t("errors.file.missing", lang="en") == "no such file"
    with using("en"):
        assert language() == "en" and t("errors.file.missing") == "no such file"
    assert language() == "zh"


def test_set_language_changes_the_current_context_only() -> None:
    import contextvars

    def inside() -> str:
        set_language("en")
        return t("errors.file.missing")

    assert contextvars.copy_context().run(inside) == "no such file"
    assert language() == "zh"
    with pytest.raises(ValueError, match="fr"):
        set_language("fr")


def test_a_missing_parameter_or_an_unknown_id_raises() -> None:
    with pytest.raises(KeyError, match="suffix"):
        t("errors.file.unsupported_type")
    with pytest.raises(KeyError, match=r"errors\.no\.such\.message"):
        t("errors.no.such.message")
    with pytest.raises(KeyError):
        t("nosuchcatalogue.message")
    with pytest.raises(KeyError, match="suffix"):
        str(Message("errors.file.unsupported_type"))


def test_parameters_are_filled_in_and_floats_lose_their_trailing_zeros() -> None:
    assert t("errors.file.unsupported_type", suffix=".xyz") == "不支持的文件类型「.xyz」"
    assert render({"zh": "共 {n} 元", "en": "{n} yuan"}, "zh", n=2.50) == "共 2.5 元"
    assert render({"zh": "共 {n} 元", "en": "{n} yuan"}, "en", n=3.0) == "3 yuan"
    assert render({"zh": "{n:.2f}"}, "en", n=3.0) == "3.00"  # an explicit format is kept
    assert render({"zh": "{n}"}, "zh", n=True) == "True"


def test_render_falls_back_to_chinese_and_is_as_strict_as_t() -> None:
    texts = {"zh": "第 {line} 行"}
    assert render(texts, "en", line=3) == "第 3 行"
    assert render({"zh": "甲", "en": ""}, "en") == "甲"  # an empty English text is a missing one
    with pytest.raises(KeyError, match="line"):
        render(texts, "zh")


def test_a_message_renders_in_the_language_current_when_shown() -> None:
    message = Message("errors.file.unsupported_type", suffix=".xyz")
    assert str(message) == "不支持的文件类型「.xyz」"
    with using("en"):
        assert str(message) == "unsupported file type '.xyz'"
    assert message.render("en") == "unsupported file type '.xyz'"
    assert message.texts() == {"zh": "不支持的文件类型「.xyz」", "en": "unsupported file type '.xyz'"}
    assert f"{message:>4}" == str(message)
    assert pickle.loads(pickle.dumps(message)) == message


def test_a_message_among_the_parameters_renders_in_the_same_language() -> None:
    inner = Message("errors.pdf.no_text_layer")
    outer = Message("errors.pdf.page_needs_ocr", page=2, problem=inner, missing=Message("errors.ocr.missing"))
    assert str(outer).startswith("第 2 页没有文字层（扫描件）；未安装")
    assert outer.render("en").startswith("page 2 has no text layer (a scan); OCR is not installed")


def test_an_input_error_is_rendered_lazily_and_survives_pickling() -> None:
    error = InputError("a.pdf", "errors.pdf.not_pdf")
    assert (error.path, str(error)) == ("a.pdf", "a.pdf: 不是 PDF 文件（缺少 %PDF- 文件头）")
    with using("en"):
        assert str(error) == "a.pdf: not a PDF file (no %PDF- header)"
        assert error.problem == "not a PDF file (no %PDF- header)"
    again = pickle.loads(pickle.dumps(error))
    assert (type(again), again.path, again.message) == (InputError, "a.pdf", error.message)


def test_register_errors_cross_a_process_boundary_and_render_there() -> None:
    """Worker processes send errors back pickled; they keep their messages, not a rendering of them."""
    from gongkai.register.store import RecordInvalid
    from gongkai.register.tabular import RegisterFileError, RowError

    unknown = Message("register.vocabulary.unknown", what=Message("register.vocabulary.applicant"), text="公民")
    file_error = pickle.loads(pickle.dumps(RegisterFileError("a.csv", [RowError(3, "申请人类型", unknown)])))
    assert str(file_error).endswith("第 3 行「申请人类型」：未知的申请人类型「公民」")
    with using("en"):
        assert str(file_error).endswith("line 3, 申请人类型: unknown applicant type '公民'")
    invalid = pickle.loads(pickle.dumps(RecordInvalid("applications", [("number", Message("register.rule.empty",
                                                                                         label="编号"))])))
    assert (str(invalid), invalid.args[0].render("en")) == ("申请登记：「编号」未填写", "applications: 编号 is empty")


# ── language_from ───────────────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(("args", "environ", "expected"), [
    ([], {}, "zh"),
    (["check", "x.txt"], {"LANG": "en_US.UTF-8"}, "en"),
    (["check", "x.txt"], {"LANG": "zh_CN.UTF-8"}, "zh"),
    (["check", "x.txt"], {"LANG": "C.UTF-8"}, "zh"),
    (["check", "--lang", "en"], {}, "en"),
    (["check", "--lang=en"], {}, "en"),
    (["--lang", "en", "check", "x.txt"], {}, "en"),
    (["check", "--lang", "zh"], {"LANG": "en_GB.UTF-8"}, "zh"),
    (["check", "--lang", "fr"], {"LANG": "en_GB.UTF-8"}, "en"),  # not a language: click refuses it later
    (["check", "--lang"], {}, "zh"),
    ([], {"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),  # LC_ALL outranks LANG
    ([], {"LC_MESSAGES": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
    ([], {"LC_ALL": "", "LANG": "en_US.UTF-8"}, "en"),  # empty is unset
])
def test_language_from(args: list[str], environ: dict[str, str], expected: str) -> None:
    assert language_from(args, environ) == expected


_locale = st.one_of(st.none(), st.just(""), st.sampled_from(["en_US.UTF-8", "en", "zh_CN.UTF-8", "C", "POSIX"]),
                    st.text(max_size=8))
_arg = st.one_of(st.sampled_from(["check", "x.txt", "--format", "json", "--lang", "--lang=en", "--lang=zh", "en",
                                  "zh", "fr"]), st.text(max_size=6))


@given(st.lists(_arg, max_size=8), _locale, _locale, _locale)
def test_language_from_follows_its_rules(args: list[str], lc_all: str | None, lc_messages: str | None,
                                         lang: str | None) -> None:
    environ = {k: v for k, v in (("LC_ALL", lc_all), ("LC_MESSAGES", lc_messages), ("LANG", lang)) if v is not None}
    chosen = language_from(args, environ)
    assert chosen in LANGUAGES
    given_langs = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "--lang" and args[i + 1] in LANGUAGES]
    given_langs += [a.removeprefix("--lang=") for a in args if a in ("--lang=en", "--lang=zh")]
    if not given_langs:
        first = next((v for v in (lc_all, lc_messages, lang) if v), None)
        assert chosen == ("en" if first and first.lower().startswith("en") else "zh")
    else:
        assert chosen in given_langs


# ── the catalogues ──────────────────────────────────────────────────────────────────────────────────────────


def test_every_entry_has_both_languages_with_the_same_placeholders() -> None:
    assert {"cli", "click", "errors", "register"} <= set(catalogue_names())
    for name in catalogue_names():
        entries = catalogue(name)
        assert entries, name
        for msg_id, texts in entries.items():
            assert set(texts) == set(LANGUAGES), msg_id
            assert texts["zh"] and texts["en"], msg_id
            assert placeholders(texts["zh"]) == placeholders(texts["en"]), msg_id


def test_chinese_texts_read_as_chinese() -> None:
    """Chinese punctuation in the Chinese texts: no ASCII colon, semicolon or comma after a Chinese character."""
    for name in catalogue_names():
        if name == "click":
            continue  # click's strings keep click's own punctuation around its placeholders
        for msg_id, texts in catalogue(name).items():
            assert not re.search(r"[\u3400-\u9fff][,;:]", texts["zh"]), (msg_id, texts["zh"])


# Calls whose argument at this position is a message id: t("…"), Message("…"), InputError(path, "…"), the deadline
# trace's add(kind, start, end, "…") and warn(day, "…").
_ID_CALLS = {"t": 0, "Message": 0, "InputError": 1, "Failure": 1, "add": 3, "warn": 1}
_ID = re.compile(r"(cli|click|common|errors|register|deadline|calendar|fee|check|web|office|pool|letters|collect)"
                 r"\.[\w.]+")


def _ids_in_source() -> dict[str, str]:
    """Every message id written literally in src/: the first argument of t() and Message(), the second of
    InputError(), and the help ids of the command line (help="cli.…")."""
    found: dict[str, str] = {}
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            index = _ID_CALLS.get(name)
            candidates = [node.args[index]] if index is not None and len(node.args) > index else []
            candidates += [keyword.value for keyword in node.keywords]  # help="cli.…", short_help="cli.…"
            for value in candidates:
                if isinstance(value, ast.Constant) and isinstance(value.value, str) and _ID.fullmatch(value.value):
                    found[value.value] = f"{path.name}:{node.lineno}"
    return found


def test_every_message_id_used_in_the_source_is_in_the_catalogues() -> None:
    used = _ids_in_source()
    assert len(used) > 100
    missing = {msg_id: where for msg_id, where in used.items()
               if msg_id not in catalogue(msg_id.partition(".")[0])}
    assert not missing


def _ids_built_at_run_time() -> list[str]:
    """The ids the code puts together from a value (f"register.kind.{kind}"), for every value it can have."""
    from gongkai.register import cells, tabular
    from gongkai.register.db import AgencyKind, Record
    from gongkai.register.deadline import Channel, Status
    from gongkai.register.fee import FeeMethod

    ids = [f"common.severity.{s}" for s in ("error", "warning", "info")]
    ids += [f"calendar.weekday.{n}" for n in range(7)]
    ids += [f"deadline.receipt_rule.{c.name.lower()}" for c in Channel]
    ids += [f"deadline.regulation.{r}.{part}" for r in ("2019", "2007") for part in ("title", "article")]
    ids += [f"deadline.pause.{p}" for p in ("fee", "consultation")]
    ids += [f"deadline.step.{p}_pause" for p in ("fee", "consultation")]
    ids += [f"deadline.skipped.{why}" for why in ("before_start", "after_due", "overlap")]
    ids += [f"register.cli.{s.value}" for s in Status if s is not Status.DUE]
    ids += [f"fee.unit.{n}.{m.name.lower()}" for n in ("one", "many") for m in FeeMethod]
    ids += [f"register.measure.{m.name}" for m in vars(cells).values() if isinstance(m, cells.Measure)]
    ids += [f"register.condition.{k}" for k in ("equals", "among")]
    ids += [f"register.kind.{kind}" for kind in tabular.SHEETS]
    ids += [f"register.table.{model.__tablename__}" for model in Record.__subclasses__()]
    ids += [f"register.agency_kind.{kind.value}" for kind in AgencyKind]
    ids += [f"register.closing.{what}{listed}" for what in ("added", "removed") for listed in ("", "_listed")]
    ids += [f"check.where.{k}" for k in ("page", "line")]
    return ids + _web_ids_built_at_run_time() + _collect_ids_built_at_run_time()


def _collect_ids_built_at_run_time() -> list[str]:
    """The office's 收集 and 审核: states, actions and timeliness put together from their values."""
    from gongkai.register.submissions import ACTIONS, TIMELINESS, Decision, Source, State

    return ([f"collect.state.{s.value}" for s in State] + [f"collect.action.{a}" for a in ACTIONS]
            + [f"collect.timeliness.{w}" for w in TIMELINESS] + [f"collect.decision.{d.value}" for d in Decision]
            + [f"collect.source.{s.value}" for s in Source]
            + [f"register.table.{name}" for name in ("submissions", "finding_decisions")]  # the audit page
            + [f"collect.web.no_action.{s}" for s in ("returned", "published")])


def _web_ids_built_at_run_time() -> list[str]:
    """The web application's ids put together in its templates and commands (t("web.menu." ~ name), …)."""
    from gongkai.register.db import Role
    from gongkai.register.deadline import Status
    from gongkai.web.changes import EVENTS
    from gongkai.web.pages import RECORD_FORMS
    from gongkai.web.render import MENU

    ids = [f"web.menu.{name}" for name, _ in MENU]
    ids += [f"web.role.{role.value}" for role in Role]
    ids += [f"web.event.{kind}" for kind in ("received", *(e.name for e in EVENTS))]
    ids += [f"web.deadline.{s.value}" for s in Status if s is not Status.DUE]
    ids += [f"web.audit.action_{a}" for a in ("create", "update", "withdraw", "import")]
    ids += [f"web.records.add_{kind}" for kind in RECORD_FORMS]
    ids += [f"web.cli.column.{c}" for c in ("name", "role", "agency", "region", "state")]
    return ids


def _vocabulary_ids() -> list[str]:
    from gongkai.register import outcomes

    vocabularies = (outcomes.outcomes, outcomes.applicants, outcomes.case_kinds, outcomes.case_results,
                    outcomes.document_kinds)
    return [f"register.vocabulary.{vocabulary().name}" for vocabulary in vocabularies]


def test_every_message_id_built_at_run_time_is_in_the_catalogues() -> None:
    ids = _ids_built_at_run_time() + _vocabulary_ids()
    assert [msg_id for msg_id in ids if msg_id not in catalogue(msg_id.partition(".")[0])] == []


def test_no_catalogue_entry_is_dead() -> None:
    """Every entry is written somewhere in the source as "its.id" or put together at run time (click's strings
    are found by their English text, the holidays by their Chinese names)."""
    files = [*SRC.rglob("*.py"), *SRC.rglob("*.html")]  # the web application's templates use t("web.…")
    source = "\n".join(path.read_text(encoding="utf-8") for path in files)
    built = set(_ids_built_at_run_time() + _vocabulary_ids())
    dead = [msg_id for name in catalogue_names() if name != "click" for msg_id in catalogue(name)
            if f'"{msg_id}"' not in source and f"'{msg_id}'" not in source and msg_id not in built
            and not msg_id.startswith("calendar.holiday.")]
    assert dead == []


# ── the command line ────────────────────────────────────────────────────────────────────────────────────────

import click  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from gongkai.cli import main  # noqa: E402

ENGLISH_LOCALE = {"LANG": "en_US.UTF-8"}
# Official Chinese terms the English help keeps on purpose (in parentheses or as a document number).
KEPT_IN_ENGLISH = ("公开", "台账", "国办函〔2020〕109号")


def gongkai(*args: str, env: dict[str, str] | None = None, **extra):
    return CliRunner().invoke(main, list(args), env=env, prog_name="gongkai", **extra)


def one_error_line(result, code: int = 2) -> str:
    assert result.exit_code == code, (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = [line for line in result.stderr.splitlines() if line.startswith("gongkai: ")]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture(name="notes")
def notes_fixture(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_text("会议记录：下周一讨论办公用品采购事宜。\n请各科室提前准备。\n", encoding="utf-8")
    return path


@pytest.fixture(name="bad_csv")
def bad_csv_fixture(tmp_path: Path) -> Path:
    path = tmp_path / "bad.csv"
    path.write_text("编号,收到日期,申请人类型,答复日期,办理结果\nA-1,2025-03-03,公民,,\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("how", "env"), [(["--lang", "en"], None), ([], ENGLISH_LOCALE)])
def test_check_of_a_missing_file_in_chinese_then_english(tmp_path: Path, how: list[str], env) -> None:
    missing = str(tmp_path / "missing.txt")
    assert one_error_line(gongkai("check", missing)) == f"gongkai: {missing}: 文件不存在"
    assert one_error_line(gongkai("check", missing, *how, env=env)) == f"gongkai: {missing}: no such file"


@pytest.mark.parametrize(("how", "env"), [(["--lang", "en"], None), ([], ENGLISH_LOCALE)])
def test_parse_of_a_text_without_a_report_in_chinese_then_english(notes: Path, how: list[str], env) -> None:
    assert one_error_line(gongkai("parse", str(notes))) == (
        f"gongkai: {notes}: 未找到年度报告（没有章节标题，也没有报告表格）")
    assert one_error_line(gongkai("parse", str(notes), *how, env=env)) == (
        f"gongkai: {notes}: no annual report found (no section headings and no report tables)")


@pytest.mark.parametrize(("how", "env"), [(["--lang", "en"], None), ([], ENGLISH_LOCALE)])
def test_register_import_of_an_unknown_applicant_type_in_chinese_then_english(tmp_path: Path, bad_csv: Path,
                                                                               how: list[str], env) -> None:
    db = str(tmp_path / "register.sqlite")
    import_ = ("register", "import", str(bad_csv), "--agency", "某市生态环境局", "--db", db)
    assert one_error_line(gongkai(*import_)) == (
        f"gongkai: {bad_csv}: 未导入任何记录：第 2 行「申请人类型」：未知的申请人类型「公民」")
    assert one_error_line(gongkai(*import_, *how, env=env)) == (
        f"gongkai: {bad_csv}: nothing imported: line 2, 申请人类型: unknown applicant type '公民'")


def test_lang_on_the_group_and_wherever_it_stands(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.txt")
    assert one_error_line(gongkai("--lang", "en", "check", missing)).endswith(": no such file")
    assert one_error_line(gongkai("check", "--lang=en", missing)).endswith(": no such file")
    assert one_error_line(gongkai("check", missing, "--lang", "zh"), ).endswith(": 文件不存在")
    assert one_error_line(gongkai("check", missing, "--lang", "zh", env=ENGLISH_LOCALE)).endswith(": 文件不存在")


def test_the_summary_of_a_check_in_either_language(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.txt")
    assert "报告 1  无法读取 1  有错误的报告 0" in gongkai("check", missing).stdout
    assert "reports 1  unreadable 1  reports with errors 0" in gongkai("check", missing, "--lang", "en").stdout


def _commands(command: click.Command, path: tuple[str, ...] = ()):
    """Every command of the tree with the arguments that reach it."""
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from _commands(sub, (*path, name))


def _help_texts(command: click.Command) -> dict[str, str]:
    """The help of a command and of each of its options (the help option too), in the current language."""
    ctx = click.Context(command, info_name="gongkai", help_option_names=["-h", "--help"])  # as main's settings
    texts = {"(command)": command.help or "", "(short)": command.get_short_help_str()}
    for param in command.get_params(ctx):
        if isinstance(param, click.Option):
            texts[param.opts[-1]] = param.help or ""
    return texts


def _typed_in_chinese() -> list[str]:
    """What a person types in Chinese whatever the language: import column headers, kinds of letter."""
    from gongkai.letters import ALIASES, KINDS
    from gongkai.register.tabular import SHEETS

    terms = [c.header for sheet in SHEETS.values() for c in sheet.columns] + list(KINDS) + list(ALIASES)
    return sorted(set(terms), key=len, reverse=True)


def _without_kept_terms(text: str) -> str:
    for term in (*KEPT_IN_ENGLISH, *_typed_in_chinese()):
        text = text.replace(term, "")
    return text


def test_every_help_text_is_chinese_by_default_and_english_on_request() -> None:
    commands = list(_commands(main))
    assert len(commands) == 30
    for path, command in commands:
        with using("zh"):
            chinese = _help_texts(command)
        with using("en"):
            english = _help_texts(command)
        assert "--lang" in chinese, path  # every command takes --lang
        for name, text in chinese.items():
            assert CJK.search(text), (path, name, text)
        for name, text in english.items():
            assert text and not CJK.search(_without_kept_terms(text)), (path, name, text)


@pytest.mark.parametrize("path", [path for path, _ in _commands(main)], ids=lambda p: " ".join(p) or "gongkai")
def test_help_printed_in_either_language_in_one_process(path: tuple[str, ...]) -> None:
    chinese = gongkai(*path, "--help")
    english = gongkai(*path, "--help", "--lang", "en")
    assert chinese.exit_code == english.exit_code == 0
    assert chinese.stdout.startswith("用法：gongkai") and "选项：" in chinese.stdout
    assert "显示此帮助并退出。" in chinese.stdout
    assert english.stdout.startswith("Usage: gongkai") and "Options:" in english.stdout
    assert "Show this message and exit." in english.stdout
    assert gongkai(*path, "-h", env=ENGLISH_LOCALE).stdout == english.stdout
    assert gongkai("--lang", "en", *path, "--help").stdout == english.stdout
    assert gongkai(*path, "--help").stdout == chinese.stdout  # nothing stays behind in the other language


def test_chinese_help_is_wrapped_by_terminal_columns() -> None:
    from gongkai.i18n import columns

    for path, _ in _commands(main):
        for line in gongkai(*path, "--help", terminal_width=80).stdout.splitlines():
            assert columns(line) <= 80, (path, line)


def test_clicks_own_words_are_chinese_by_default() -> None:
    missing_argument = gongkai("check")
    assert missing_argument.exit_code == 2
    assert "用法：gongkai check" in missing_argument.stderr
    assert "运行「gongkai check --help」查看帮助。" in missing_argument.stderr
    assert "错误：缺少参数 'PATHS...'" in missing_argument.stderr
    no_such_option = gongkai("check", "--nope", "x.txt")
    assert no_such_option.exit_code == 2 and "错误：没有选项 '--nope'。" in no_such_option.stderr
    bad_choice = gongkai("check", "--format", "yaml", "x.txt")
    assert bad_choice.exit_code == 2 and "'--format' 的值无效：'yaml' 不是 'text', 'json' 之一。" in bad_choice.stderr
    assert "没有命令 'chek'" in gongkai("chek").stderr
    english = gongkai("check", "--format", "yaml", "x.txt", "--lang", "en")
    assert english.exit_code == 2 and "Error: Invalid value for '--format': 'yaml' is not one of" in english.stderr
    assert "Error: Missing argument 'PATHS...'" in gongkai("check", env=ENGLISH_LOCALE).stderr


def test_every_click_string_in_the_catalogue_is_one_click_uses() -> None:
    """The catalogue is found by click's English texts: an entry whose text click no longer uses would be dead."""
    import os

    used = set()
    folder = Path(click.__file__).parent
    for name in os.listdir(folder):
        if name.endswith(".py"):
            for node in ast.walk(ast.parse((folder / name).read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("_", "ngettext"):
                    used |= {a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
    used.add("required")  # click passes it through a variable: _(extra["required"])
    assert {texts["en"] for texts in catalogue("click").values()} <= used


def test_version_in_either_language() -> None:
    from gongkai import __version__

    assert gongkai("--version").stdout.strip() == f"gongkai，版本 {__version__}"
    assert gongkai("--version", "--lang", "en").stdout.strip() == f"gongkai, version {__version__}"


def test_json_outputs_keep_both_languages_whatever_the_current_one() -> None:
    import json

    with using("en"):
        result = gongkai("deadline", "2026-03-10", "--correction-asked", "2026-03-25", "--json")
    data = json.loads(result.stdout)
    warning = data["warnings"][0]
    assert warning["zh"].startswith("注意：补正告知应在") and warning["en"].startswith("Warning: a correction")
    assert all(step["zh"] and step["en"] and step["zh"] != step["en"] for step in data["trace"])
