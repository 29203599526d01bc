from __future__ import annotations

import re
import subprocess
import sys
from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongkai.register.calendar import CHINESE_CALENDAR, DayKind, WorkingCalendar, default_calendar

FIRST, LAST = date(2004, 1, 1), date(2026, 12, 31)

# Every day of 2004–2026 on which chinese-calendar (our source) and the `holidays` package disagree, with the
# reason. Checked against the notice's text; if a package release fixes one, drop it here.
KNOWN_DISAGREEMENTS = {
    # The 2006 notice (国办发明电〔2005〕35号) says of 元旦: 「12月31日（星期六）上班」. `holidays` has this
    # make-up working day (as the source of its 2006-01-03 day off); chinese-calendar 1.11.0 leaves the
    # Saturday a day off. It lies before the 2007 regulation took effect (2008-05-01), so no deadline uses it.
    date(2005, 12, 31): "make-up working day of the 2006 notice, missing in chinese-calendar",
}


def _days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _holidays_cn() -> tuple[holidays.HolidayBase, set[date]]:
    """The `holidays` days off for China, and its make-up working days.

    `holidays` supports only the PUBLIC and HALF_DAY categories for China (no WORKDAY category, checked in
    0.109): HALF_DAY (妇女节 etc.) is no day off for an agency, so only PUBLIC is compared. Make-up working
    days are not listed as such; each is named in the label of the day off it pays for,
    「休息日（由 2026-02-14 调休）」, so they are read back from those labels.
    """
    cn = holidays.country_holidays("CN", years=range(FIRST.year, LAST.year + 2), language="zh_CN")
    makeups = {date.fromisoformat(found) for name in cn.values() for found in re.findall(r"\d{4}-\d{2}-\d{2}", name)}
    return cn, {d for d in makeups if FIRST <= d <= LAST}


def test_working_days_agree_with_the_holidays_package() -> None:
    cal = default_calendar()
    cn, makeups = _holidays_cn()
    disagree = {}
    for day in _days(FIRST, LAST):
        off_there = day in cn or (day.weekday() >= 5 and day not in makeups)
        if off_there == cal.is_working_day(day):
            disagree[day] = cal.describe(day).reason("en")
    assert set(disagree) == set(KNOWN_DISAGREEMENTS), disagree


def test_make_up_working_days_agree_with_the_holidays_package() -> None:
    cal = default_calendar()
    _, makeups = _holidays_cn()
    ours = {day for day in _days(FIRST, LAST) if cal.describe(day).kind is DayKind.MAKEUP}
    assert ours ^ makeups == set(KNOWN_DISAGREEMENTS)


def test_chinese_calendar_covers_2004_to_2026() -> None:
    cal = default_calendar()
    for year in range(2004, 2027):
        assert cal.year_source(year) == CHINESE_CALENDAR
    assert cal.year_source(2003) is None


def test_a_year_without_a_source_is_provisional_mon_to_fri() -> None:
    cal = default_calendar()
    # 2027 stays provisional until someone adds its notice to holidays.toml
    assert cal.is_provisional(date(2027, 2, 8)) == (cal.year_source(2027) is None)
    day = date(2040, 10, 1)  # a Monday, National Day in real life, but no source knows 2040
    info = cal.describe(day)
    assert info.provisional and info.working and info.kind is DayKind.WEEKDAY
    assert "暂定" in info.reason("zh") and "provisional" in info.reason("en")
    assert cal.add_working_days(date(2040, 9, 28), 1) == day  # Fri → Mon


@pytest.mark.parametrize(("day", "kind", "working", "name"), [
    (date(2026, 2, 14), DayKind.MAKEUP, True, "春节调休上班"),  # Saturday worked
    (date(2026, 2, 16), DayKind.HOLIDAY, False, "春节"),
    (date(2026, 2, 21), DayKind.HOLIDAY, False, "春节"),  # a Saturday inside the holiday
    (date(2026, 4, 6), DayKind.HOLIDAY, False, "清明节"),
    (date(2026, 3, 7), DayKind.WEEKEND, False, "周末"),
    (date(2026, 3, 9), DayKind.WEEKDAY, True, "工作日"),
    (date(2015, 9, 3), DayKind.HOLIDAY, False, "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日"),
])
def test_reasons(day: date, kind: DayKind, working: bool, name: str) -> None:
    info = default_calendar().describe(day)
    assert (info.kind, info.working, info.name_zh, info.provisional) == (kind, working, name, False)
    assert default_calendar().is_working_day(day) is working
    if kind in (DayKind.MAKEUP, DayKind.HOLIDAY):
        assert info.source == CHINESE_CALENDAR
        assert info.reason("zh") == f"{name}（chinese-calendar）"


def test_notice_runs_group_a_holiday_and_cut_it_to_the_range() -> None:
    runs = default_calendar().notice_runs(date(2026, 2, 1), date(2026, 2, 20))
    assert [(r.first, r.last, r.info.kind) for r in runs] == [
        (date(2026, 2, 14), date(2026, 2, 14), DayKind.MAKEUP),
        (date(2026, 2, 15), date(2026, 2, 20), DayKind.HOLIDAY),
    ]


def _naive_add(cal: WorkingCalendar, start: date, n: int) -> date:
    day = start
    while n:
        day += timedelta(days=1)
        n -= cal.is_working_day(day)
    return day


@given(st.dates(date(2003, 1, 1), date(2029, 12, 31)), st.integers(0, 400))
def test_add_working_days_matches_day_by_day_counting(start: date, n: int) -> None:
    cal = default_calendar()
    assert cal.add_working_days(start, n) == _naive_add(cal, start, n)


@given(st.dates(date(2003, 1, 1), date(2029, 12, 31)), st.integers(-5, 800))
def test_count_working_days_matches_day_by_day_counting(first: date, length: int) -> None:
    cal = default_calendar()
    last = first + timedelta(days=length)
    assert cal.count_working_days(first, last) == sum(cal.is_working_day(d) for d in _days(first, last))


def test_add_working_days_rejects_a_negative_count() -> None:
    with pytest.raises(ValueError, match="不能为负数"):
        default_calendar().add_working_days(date(2026, 1, 5), -1)


_EXTRA = """
[years.2040]
source = "测试〔2039〕1号"  # made-up test data, not a real notice
holidays = [["2040-10-01", "2040-10-05", "国庆节"], ["2039-12-31", "2040-01-01", "元旦"]]
workdays = [["2040-09-29", "国庆节调休"]]
"""


def test_an_extra_data_file_adds_a_year(tmp_path) -> None:
    path = tmp_path / "extra.toml"
    path.write_text(_EXTRA, encoding="utf-8")
    cal = WorkingCalendar(path)
    assert cal.year_source(2040) == "extra.toml 测试〔2039〕1号"
    assert not cal.is_provisional(date(2040, 10, 1))
    holiday = cal.describe(date(2040, 10, 2))
    assert (holiday.kind, holiday.name_en) == (DayKind.HOLIDAY, "National Day")
    assert holiday.source == "extra.toml 测试〔2039〕1号"
    makeup = cal.describe(date(2040, 9, 29))  # a Saturday
    assert makeup.working and makeup.name_en == "National Day make-up working day"
    assert cal.describe(date(2039, 12, 31)).kind is DayKind.HOLIDAY  # a date in the year before is allowed
    assert cal.add_working_days(date(2040, 9, 28), 1) == date(2040, 9, 29)
    assert cal.add_working_days(date(2040, 9, 29), 1) == date(2040, 10, 8)
    assert cal.year_source(2026) == CHINESE_CALENDAR  # the other sources stay


def test_sources_can_be_left_out(tmp_path) -> None:
    path = tmp_path / "only.toml"
    path.write_text(_EXTRA, encoding="utf-8")
    cal = WorkingCalendar(path, package_data=False, chinese_calendar=False)
    assert cal.covered_years == [2040]
    assert cal.describe(date(2026, 2, 16)).kind is DayKind.WEEKDAY  # no chinese-calendar: plain Monday


@pytest.mark.parametrize(("text", "message"), [
    ('[years.2040]\nholidays = []', "'source'"),
    ('[years.2040]\nsource = "x"\nworkdays = [["2040-10-01", "调休"]]', "not a Saturday or Sunday"),
    ('[years.2040]\nsource = "x"\nholidays = [["2040-10-05", "2040-10-01", "国庆节"]]', "ends before it starts"),
    ('[years.2040]\nsource = "x"\nholidays = [["2040-13-01", "2040-13-02", "国庆节"]]', "not a date"),
    ('[years.2040]\nsource = "x"\nholidays = [["2040-10-01", "国庆节"]]', r"\[first, last, name\]"),
    ('[years.abc]\nsource = "x"', "must be a number"),
])
def test_a_bad_data_file_is_rejected_with_the_reason(tmp_path, text: str, message: str, english: None) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        WorkingCalendar(path)


def test_importing_the_register_does_not_import_chinese_calendar() -> None:
    code = ("import sys, gongkai.register.calendar, gongkai.register.deadline, gongkai.register.fee; "
            "assert 'chinese_calendar' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)
