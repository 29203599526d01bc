"""`gongkai register deadlines`: the open applications with their answer deadlines, from their recorded events."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.register.calendar import default_calendar
from gongkai.register.db import open_register
from gongkai.register.deadline import compute_deadline
from gongkai.register.due import open_applications
from gongkai.register.tabular import import_file
from support import one_line_error, run_register, write_lines

AGENCY = "某县财政局"
HEADER = "编号,收到日期,申请人类型,答复日期,办理结果,渠道,补正告知日期,补正收到日期,延期,征求意见开始,征求意见结束"


def _register(register_url: str, tmp_path: Path, rows: list[str]):
    from gongkai.register import store

    reg = open_register(register_url)
    store.add_agency(reg, AGENCY)
    import_file(reg, write_lines(tmp_path / "申请.csv", [HEADER, *rows]), AGENCY)
    return reg


def test_open_applications_soonest_first_with_their_events(register_url: str, tmp_path: Path) -> None:
    reg = _register(register_url, tmp_path, [
        "A-1,2026-02-10,自然人,,,网络,,,,,",  # the example: due 2026-03-16
        "A-2,2026-01-05,自然人,2026-01-20,予以公开,网络,,,,,",  # answered: not listed
        "A-3,2026-01-05,商业企业,,,当面,,,是,,",  # extended: 40 working days
        "A-4,2026-03-02,自然人,,,邮寄,2026-03-03,,,,",  # waiting for the correction
    ])
    items = list(open_applications(reg, AGENCY, today=date(2026, 3, 10)))
    assert [i.number for i in items] == ["A-3", "A-1", "A-4"]  # overdue first, waiting last
    extended, first, waiting = items
    assert extended.deadline.extended and extended.deadline.due == compute_deadline(
        date(2026, 1, 5), channel="当面", extension=True).due == date(2026, 3, 6)
    assert extended.overdue and extended.working_days_left == -2  # 9 and 10 March
    assert first.deadline.due == date(2026, 3, 16) and first.working_days_left == 4 and not first.overdue
    assert waiting.working_days_left is None and waiting.deadline.status.value == "awaiting_correction"
    late = list(open_applications(reg, AGENCY, today=date(2026, 3, 17)))
    assert late[1].number == "A-1" and late[1].overdue and late[1].working_days_left == -1
    reg.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(received=st.dates(date(2019, 6, 1), date(2026, 10, 31)), offset=st.integers(-60, 60))
def test_working_days_left_counts_the_calendar(received: date, offset: int, tmp_path_factory) -> None:
    """Days left reach 0 on the due date itself and go negative on the first working day after it."""
    from gongkai.register.due import _days_left

    cal = default_calendar()
    deadline = compute_deadline(received)
    today = deadline.due + timedelta(days=offset)
    left = _days_left(deadline, today, cal)
    if today <= deadline.due:
        assert left == len([d for d in range(1, (deadline.due - today).days + 1)
                            if cal.is_working_day(today + timedelta(days=d))])
    else:
        assert left == -len([d for d in range(1, (today - deadline.due).days + 1)
                             if cal.is_working_day(deadline.due + timedelta(days=d))])


def test_cli_lists_and_exits_1_when_overdue(register_url: str, tmp_path: Path) -> None:
    _register(register_url, tmp_path, ["A-1,2026-02-10,自然人,,,网络,,,,,"]).close()
    on_time = run_register("deadlines", "--today", "2026-03-10", db=register_url)
    header, first = on_time.output.splitlines()[:2]
    assert header.split("\t") == ["编号", "收到日期", "答复期限", "剩余工作日"]
    assert on_time.exit_code == 0 and first.split("\t")[:3] == ["A-1", "2026-02-10", "2026-03-16"]
    overdue = run_register("deadlines", "--overdue", "--today", "2026-03-18", db=register_url)
    assert overdue.exit_code == 1 and "逾期 2 个工作日" in overdue.output
    assert "Traceback" not in one_line_error(run_register("deadlines", "--today", "someday", db=register_url))


@pytest.mark.parametrize("today", ["2026-03-16"])
def test_due_today_is_zero_left(register_url: str, tmp_path: Path, today: str) -> None:
    _register(register_url, tmp_path, ["A-1,2026-02-10,自然人,,,网络,,,,,"]).close()
    assert "剩 0 个工作日" in run_register("deadlines", "--today", today, db=register_url).output
