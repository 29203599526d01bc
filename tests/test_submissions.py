"""Submitted reports (gongkai.register.submissions): read once at upload, matched to their agency, versions and
states, the decisions on findings, the filing gate, isolation by scope, and the office's query of latest versions."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from gongkai.register import submissions as subs
from gongkai.register.accounts import ensure_agency, ensure_region
from gongkai.register.db import AuditEntry, open_register
from gongkai.register.store import NotFound
from gongkai.supervision.agencies import Aliases, normalise

SEEDS = Path(__file__).resolve().parent.parent / "examples" / "seeds"
WITH_ERRORS = SEEDS / "002_8183807e426b0491.txt"  # 高新区(近海镇) 2020: one error (S205), a government
CLEAN = SEEDS / "001_205d0fb765df4a20.txt"  # 铜鼓县行政服务中心 2020: no error, a department
RENAMED = SEEDS / "004_c82a2c402dd56cf8.txt"  # titled 高安市行政务服务中心管委会, signed 高安市行政服务中心管委会


@pytest.fixture
def reg(tmp_path):
    reg = open_register(f"sqlite:///{tmp_path / 'subs.sqlite'}")
    ensure_region(reg, "乙县", "甲市", user="setup")
    ensure_region(reg, "丙市", user="setup")
    yield reg
    reg.close()


def test_a_file_is_read_once_as_gongkai_check_reads_it() -> None:
    from gongkai.inputs import parse_file
    from gongkai.supervision.results import check_report

    read = subs.read_submission(str(WITH_ERRORS))
    checked = check_report(parse_file(WITH_ERRORS))
    assert [f["code"] for f in read.findings] == [f.code for f in checked.findings]
    assert read.errors == checked.severities["error"] == 1
    assert read.year == 2020 and read.flat["meta.kind"] == "government"
    assert read.flat["applications.new.total"] == parse_file(WITH_ERRORS).value("applications.new.total")
    assert [f.code for f in subs.findings_of(json.dumps(read.findings))] == [f.code for f in checked.findings]


def test_unreadable_files_say_why(tmp_path) -> None:
    bad = tmp_path / "report.pdf"
    bad.write_bytes(b"not a pdf at all")
    read = subs.read_submission(str(bad))
    assert read.error and "report.pdf" in read.error
    found = subs.match(read, {1: "甲"})
    assert found.agency_id is None and "report.pdf" in str(found.problem)


def test_matching_by_title_signature_and_alias() -> None:
    renamed = subs.read_submission(str(RENAMED))
    assert subs.match(renamed, {7: "高安市行政服务中心管委会"}).agency_id == 7  # by its signature
    clean = subs.read_submission(str(CLEAN))
    assert subs.match(clean, {3: "铜鼓县行政服务中心", 4: "别的机关"}) == subs.Match(3, 2020)
    aliases = Aliases({normalise("铜鼓县行政服务中心"): normalise("铜鼓县政务服务中心")})
    assert subs.match(clean, {5: "铜鼓县政务服务中心"}, aliases).agency_id == 5
    missing = subs.match(clean, {4: "别的机关"})
    assert missing.agency_id is None and "铜鼓县行政服务中心" in str(missing.problem)


def test_versions_states_and_the_filing_gate(reg) -> None:
    agency = ensure_agency(reg, "高新区(近海镇)", "government", region="乙县", user="setup")
    read = subs.read_submission(str(WITH_ERRORS))
    first = subs.submit(reg, agency, read, "v1.txt", WITH_ERRORS.read_bytes(), user="sue")
    with reg.sessions() as session:
        assert subs.get(session, first, {agency}).state == subs.State.FAILED
    with pytest.raises(subs.SubmissionError, match="1 个错误"):
        subs.accept(reg, first, {agency}, user="sue")
    subs.decide(reg, first, 0, "confirmed", "表二缺规章行", {agency}, user="sue")
    with pytest.raises(subs.SubmissionError, match="退回意见"):
        subs.return_report(reg, first, "  ", {agency}, user="sue")
    subs.return_report(reg, first, "请补齐表二", {agency}, user="sue")
    with pytest.raises(subs.SubmissionError, match="已退回"):
        subs.decide(reg, first, 0, "dismissed", None, {agency}, user="sue")  # the list sent back stays as sent
    with pytest.raises(subs.SubmissionError):
        subs.publish(reg, first, {agency}, user="sue")  # only an accepted report is published

    clean = subs.read_submission(str(CLEAN))
    clean.flat["meta.year"] = 2020
    second = subs.submit(reg, agency, clean, "v2.txt", CLEAN.read_bytes(), user="officer")
    with pytest.raises(subs.SubmissionError, match="第 1 版"):
        subs.decide(reg, first, 0, "dismissed", None, {agency}, user="sue")  # history is not acted on
    subs.accept(reg, second, {agency}, user="sue")
    subs.publish(reg, second, {agency}, user="sue")
    with pytest.raises(subs.SubmissionError, match="已发布"):
        subs.submit(reg, agency, clean, "v3.txt", b"x", user="officer")
    with reg.sessions() as session:
        versions = subs.history(session, agency, 2020)
        assert [(v.version, v.state) for v in versions] == [(2, "published"), (1, "returned")]
        assert versions[1].note == "请补齐表二" and subs.decisions(session, first)[0].decision == "confirmed"
        audited = session.scalars(select(AuditEntry.field).where(AuditEntry.table_name.in_(
            ("submissions", "finding_decisions")), AuditEntry.agency_id == agency)).all()
    assert audited.count("state") == 5 and "decision[0]" in audited and "file_hash" in audited


def test_isolation_is_in_every_query(reg) -> None:
    mine = ensure_agency(reg, "铜鼓县行政服务中心", region="乙县", user="setup")
    other = ensure_agency(reg, "别处的机关", region="丙市", user="setup")
    submission = subs.submit(reg, mine, subs.read_submission(str(CLEAN)), "a.txt", b"a", user="x")
    with reg.sessions() as session:
        with pytest.raises(NotFound):
            subs.get(session, submission, {other})
        assert subs.get(session, submission, None).id == submission  # an admin
    with reg.sessions() as session:  # the file's bytes only when asked for (a deferred column)
        assert "content" not in inspect(subs.get(session, submission, None)).dict
    with reg.sessions() as session:
        assert subs.get(session, submission, None, with_file=True).content == b"a"
    for action in (subs.accept, subs.publish, partial(subs.return_report, note="请补齐表二")):
        with pytest.raises(NotFound):
            action(reg, submission, allowed={other}, user="x")
    with reg.sessions() as session:
        for read in (partial(subs.history, session, mine, 2020), partial(subs.of_agency, session, mine),
                     partial(subs.decisions, session, submission)):
            with pytest.raises(NotFound):
                read({other})
            assert read({mine}) == read(None)
    with pytest.raises(NotFound):
        subs.decide(reg, submission, 0, "dismissed", None, {other}, user="x")


def test_latest_versions_of_a_region_tree(reg) -> None:
    county = ensure_agency(reg, "铜鼓县行政服务中心", region="乙县", user="setup")
    city = ensure_agency(reg, "甲市政府", "government", region="甲市", user="setup")
    ensure_agency(reg, "别处的机关", region="丙市", user="setup")
    read = subs.read_submission(str(CLEAN))
    subs.submit(reg, county, read, "a.txt", b"a", user="x")
    latest_id = subs.submit(reg, county, read, "b.txt", b"b", user="x")
    with reg.sessions() as session:
        root = session.scalar(select(subs.Agency.region_id).where(subs.Agency.id == city))
        rows = subs.latest_versions(session, 2020, regions=[root])
        assert [(r.agency, r.state, r.version) for r in rows] == [
            ("甲市政府", subs.State.NOT_SUBMITTED, None), ("铜鼓县行政服务中心", subs.State.SUBMITTED, 2)]
        assert rows[1].submission_id == latest_id and rows[1].flat["applications.new.total"] == read.flat[
            "applications.new.total"]
        assert subs.latest_versions(session, 2021, agencies=[county])[0].state == subs.State.NOT_SUBMITTED
        assert subs.latest_versions(session, 2020, agencies=[county], with_flat=False)[0].flat is None
        assert len(subs.latest_versions(session, 2020, every=True)) == 3
        assert subs.latest_versions(session, 2020) == []


def test_late_and_on_time_by_the_agency_kind() -> None:
    def item(kind: str, first: datetime | None) -> subs.Latest:
        return subs.Latest(1, "a", kind, None, subs.State.SUBMITTED if first else subs.State.NOT_SUBMITTED,
                           first_at=first)

    feb = datetime(2021, 2, 15, tzinfo=UTC)
    assert subs.due_date(2020, "department") == date(2021, 1, 31)
    assert subs.timeliness(item("department", feb), 2020, date(2021, 5, 1)) == "late"
    assert subs.timeliness(item("government", feb), 2020, date(2021, 5, 1)) == "on_time"
    assert subs.timeliness(item("government", None), 2020, date(2021, 3, 31)) == "pending"
    assert subs.timeliness(item("government", None), 2020, date(2021, 4, 1)) == "late"


def test_files_not_taken_as_reports_by_their_name() -> None:
    assert subs.not_a_report("年报.docx") is None and subs.not_a_report("data.JSON") is None
    assert "报告文件" in str(subs.not_a_report("说明.exe"))


def test_checks_across_years_against_the_version_of_the_year_before(reg, tmp_path) -> None:
    from test_across import SAID, last_year, this_year, write

    agency = ensure_agency(reg, "测试市测试局", region="乙县", user="setup")
    carry = {"applications.carried_forward.commercial": 3, "applications.carried_forward.total": 3,
             "applications.new.commercial": 3, "applications.new.total": 6}
    before = write(tmp_path / "2023", "上年.md", last_year(**carry), SAID)  # and this year copies its prose
    now = write(tmp_path / "2024", "本年.md", this_year(), SAID)
    subs.submit(reg, agency, subs.read_submission(str(before)), "上年.md", before.read_bytes(), user="x")
    read = subs.read_submission(str(now))
    alone = [f["code"] for f in read.findings]
    submission = subs.submit(reg, agency, read, "本年.md", now.read_bytes(), user="x")
    with reg.sessions() as session:
        stored = subs.findings_of(subs.get(session, submission, None).findings)
    across = stored[len(alone):]
    assert {f.code for f in across} >= {"Y801"} and "Y801" not in alone
    carried = [f for f in across if f.code == "Y801"]
    assert {f.cells[0] for f in carried} == {"applications.carried_over.commercial", "applications.carried_over.total"}
    assert "Y803" in {f.code for f in across}  # the prose copied word for word
    assert [f["code"] for f in read.findings] == alone  # what was read is left as read


def test_a_refused_submission_adds_nothing_to_what_was_read(reg, tmp_path) -> None:
    from test_across import SAID, last_year, this_year, write

    agency = ensure_agency(reg, "测试市测试局", region="乙县", user="setup")
    carry = {"applications.carried_forward.commercial": 3, "applications.carried_forward.total": 3,
             "applications.new.commercial": 3, "applications.new.total": 6}
    before = write(tmp_path / "2023", "上年.md", last_year(**carry), SAID)
    now = write(tmp_path / "2024", "本年.md", this_year(), SAID)
    subs.submit(reg, agency, subs.read_submission(str(before)), "上年.md", before.read_bytes(), user="x")
    read = subs.read_submission(str(now))
    first = subs.submit(reg, agency, read, "本年.md", now.read_bytes(), user="x")
    with pytest.raises(subs.SubmissionError):
        subs.submit(reg, agency, read, "本年.md", now.read_bytes(), user="x")  # the same file again
    second = subs.submit(reg, agency, read, "本年.md", now.read_bytes() + b"\n", user="x")
    with reg.sessions() as session:
        stored = [subs.get(session, s, None) for s in (first, second)]
        assert stored[0].findings == stored[1].findings and stored[0].errors == stored[1].errors


def test_consistent_years_add_nothing(reg, tmp_path) -> None:
    from test_across import EARLIER, SAID, last_year, this_year, write

    agency = ensure_agency(reg, "测试市测试局", region="乙县", user="setup")
    before = write(tmp_path / "2023", "上年.md", last_year(), SAID[:4] + EARLIER[4:])
    now = write(tmp_path / "2024", "本年.md", this_year(), SAID)
    subs.submit(reg, agency, subs.read_submission(str(before)), "上年.md", before.read_bytes(), user="x")
    read = subs.read_submission(str(now))
    submission = subs.submit(reg, agency, read, "本年.md", now.read_bytes(), user="x")
    with reg.sessions() as session:
        row = subs.get(session, submission, None)
        assert json.loads(row.findings) == read.findings and row.errors == read.errors


def test_a_zip_unpacked_with_gbk_names_and_no_way_out(tmp_path) -> None:
    import zipfile

    from gongkai.errors import InputError

    archive = tmp_path / "reports.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("XXXX.txt", CLEAN.read_bytes())  # renamed below to GBK bytes, as Chinese Windows writes them
        z.writestr("../../outside.txt", "x")
        z.writestr("说明.exe", b"MZ")
    archive.write_bytes(archive.read_bytes().replace(b"XXXX.txt", "年报.txt".encode("gbk")))
    folder = tmp_path / "members"
    folder.mkdir()
    members = subs.unpack(archive, folder)
    assert [name for name, _, _ in members] == ["年报.txt", "../../outside.txt", "说明.exe"]
    assert members[0][1].read_bytes() == CLEAN.read_bytes() and members[2][1] is None and members[2][2]
    assert all(path.parent == folder for _, path, _ in members if path)
    assert not (tmp_path / "outside.txt").exists()
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.txt", b"0" * (4 * 1024 * 1024))  # packed a thousand to one: refused by the ratio
    with pytest.raises(InputError, match=r"bomb\.zip"):
        subs.unpack(bomb, folder)
