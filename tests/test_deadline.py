from __future__ import annotations

import json
from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongkai.register.calendar import WorkingCalendar, default_calendar
from gongkai.register.deadline import (
    Channel,
    Status,
    StepKind,
    compute_deadline,
    parse_period,
    render_trace,
)

D = date


def _kinds(deadline, kind: StepKind):
    return [s for s in deadline.trace if s.kind is kind]


def test_spring_festival_2026() -> None:
    # Day 1 is 02-11; 02-14 and 02-28 are make-up Saturdays, 02-15 … 02-23 is the holiday.
    result = compute_deadline(D(2026, 2, 10))
    assert result.due == D(2026, 3, 16)
    assert (result.regulation, result.status, result.provisional) == ("2019", Status.DUE, False)
    holidays = _kinds(result, StepKind.HOLIDAY)
    assert [(s.start, s.end, s.source) for s in holidays] == [(D(2026, 2, 15), D(2026, 2, 23), "chinese-calendar")]
    assert "春节" in holidays[0].zh and "Spring Festival" in holidays[0].en
    makeups = _kinds(result, StepKind.MAKEUP)
    assert [(s.start, s.zh) for s in makeups] == [
        (D(2026, 2, 14), "春节调休上班（chinese-calendar），计为第4个工作日"),
        (D(2026, 2, 28), "春节调休上班（chinese-calendar），计为第9个工作日"),
    ]
    assert _kinds(result, StepKind.COUNT)[0].start == D(2026, 2, 11)
    assert result.trace[-1].kind is StepKind.DUE


def test_the_2007_regulation_before_2019_05_15() -> None:
    # 2018: 09-29 and 09-30 were make-up days, 10-01 … 10-07 National Day.
    result = compute_deadline(D(2018, 9, 25))
    assert (result.regulation, result.working_days, result.due) == ("2007", 15, D(2018, 10, 19))
    assert compute_deadline(D(2018, 9, 25), extension=True).due == D(2018, 11, 9)  # 15 more
    assert compute_deadline(D(2019, 5, 14)).regulation == "2007"
    assert compute_deadline(D(2019, 5, 15)).regulation == "2019"


def test_no_regulation_before_2008_05_01() -> None:
    with pytest.raises(ValueError, match="尚无政府信息公开条例"):
        compute_deadline(D(2008, 4, 30))


def test_extension_adds_20_working_days() -> None:
    result = compute_deadline(D(2026, 2, 10), extension=True)
    assert (result.due, result.working_days, result.extended) == (D(2026, 4, 14), 40, True)
    assert [s.start for s in _kinds(result, StepKind.BASE_DUE)] == [D(2026, 3, 16)]
    assert len(_kinds(result, StepKind.EXTENSION)) == 1
    assert [s.start for s in _kinds(result, StepKind.HOLIDAY)][-1] == D(2026, 4, 4)  # 清明节 in the extension


def test_correction_restarts_the_clock() -> None:
    result = compute_deadline(D(2026, 3, 2), correction_asked=D(2026, 3, 4), correction_received=D(2026, 3, 20))
    assert result.clock_start == D(2026, 3, 20)
    assert result.due == D(2026, 4, 20)  # 20 working days from 03-23, 04-06 (清明节) skipped
    assert result.correction_due == default_calendar().add_working_days(D(2026, 3, 4), 15)
    assert [s.start for s in _kinds(result, StepKind.RESTART)] == [D(2026, 3, 20)]
    assert not result.warnings


def test_a_late_correction_ask_is_warned_about() -> None:
    # receipt 03-02: the 7th working day is 03-11
    assert not compute_deadline(D(2026, 3, 2), correction_asked=D(2026, 3, 11),
                                correction_received=D(2026, 3, 13)).warnings
    late = compute_deadline(D(2026, 3, 2), correction_asked=D(2026, 3, 12), correction_received=D(2026, 3, 13))
    assert len(late.warnings) == 1 and "7" in late.warnings[0].en
    # the 2007 regulation had no 7-day limit
    old = compute_deadline(D(2018, 3, 1), correction_asked=D(2018, 4, 2), correction_received=D(2018, 4, 3))
    assert not old.warnings


def test_correction_asked_but_not_received() -> None:
    result = compute_deadline(D(2026, 3, 2), correction_asked=D(2026, 3, 4), correction_period=10)
    assert (result.status, result.due) == (Status.AWAITING_CORRECTION, None)
    assert result.correction_due == D(2026, 3, 18)
    abandon = _kinds(result, StepKind.ABANDON)
    assert len(abandon) == 1 and "视为放弃申请" in abandon[0].zh
    assert "2026-03-18" in render_trace(result)


def test_a_correction_after_its_due_date_is_warned_about() -> None:
    result = compute_deadline(D(2026, 3, 2), correction_asked=D(2026, 3, 4), correction_period=10,
                              correction_received=D(2026, 3, 19))
    assert result.status is Status.DUE and len(result.warnings) == 1


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"correction_received": D(2026, 3, 5)}, "without correction_asked"),
    ({"correction_asked": D(2026, 3, 1)}, "before the application was received"),
    ({"correction_asked": D(2026, 3, 5), "correction_received": D(2026, 3, 4)}, "before it was asked"),
    ({"correction_asked": D(2026, 3, 5), "correction_period": 0}, "at least 1"),
    ({"consultations": [(D(2026, 3, 9), D(2026, 3, 6))]}, "ends before it starts"),
    ({"consultations": [(D(2026, 2, 27), D(2026, 3, 6))]}, "starts before the application"),
    ({"fee_paid": D(2026, 3, 5)}, "without fee_notice"),
    ({"fee_notice": D(2026, 3, 5), "fee_paid": D(2026, 3, 4)}, "before the notice"),
    ({"channel": "pigeon"}, "unknown channel"),
])
def test_bad_inputs_are_rejected(kwargs, message: str, english: None) -> None:
    with pytest.raises(ValueError, match=message):
        compute_deadline(D(2026, 3, 2), **kwargs)


def test_consultation_working_days_are_not_counted() -> None:
    # 2026-03-02 … 03-06 is five working days inside the clock: the due date moves five working days
    result = compute_deadline(D(2026, 2, 10), consultations=[(D(2026, 3, 2), D(2026, 3, 6))])
    assert result.due == D(2026, 3, 23)
    pause = _kinds(result, StepKind.PAUSE)
    assert [(s.start, s.end) for s in pause] == [(D(2026, 3, 2), D(2026, 3, 6))] and "5" in pause[0].zh


def test_a_consultation_across_the_due_date_counts_only_its_days_in_the_clock() -> None:
    # days 1–17 end 03-11; 03-12 … 03-20 (7 working days) paused; days 18–20 are 03-23 … 03-25
    result = compute_deadline(D(2026, 2, 10), consultations=[(D(2026, 3, 12), D(2026, 3, 20))])
    assert result.due == D(2026, 3, 25)


def test_consultations_outside_the_clock_change_nothing() -> None:
    weekend = (D(2026, 3, 7), D(2026, 3, 8))
    after = (D(2026, 4, 1), D(2026, 4, 10))
    result = compute_deadline(D(2026, 2, 10), consultations=[weekend, after])
    assert result.due == D(2026, 3, 16)
    assert [s.start for s in _kinds(result, StepKind.NOTE)] == [D(2026, 4, 1)]


def test_overlapping_consultations_do_not_pause_twice() -> None:
    one = compute_deadline(D(2026, 2, 10), consultations=[(D(2026, 3, 2), D(2026, 3, 6))])
    inner = (D(2026, 3, 3), D(2026, 3, 4))
    two = compute_deadline(D(2026, 2, 10), consultations=[(D(2026, 3, 2), D(2026, 3, 6)), inner])
    assert one.due == two.due
    assert [s.kind for s in two.trace if s.start == inner[0]] == [StepKind.NOTE]
    overlapping = [(D(2026, 3, 2), D(2026, 3, 4)), (D(2026, 3, 3), D(2026, 3, 6))]
    chained = compute_deadline(D(2026, 2, 10), consultations=overlapping)
    assert chained.due == one.due
    assert [(s.start, s.end) for s in _kinds(chained, StepKind.PAUSE)] == [(D(2026, 3, 2), D(2026, 3, 4)),
                                                                           (D(2026, 3, 5), D(2026, 3, 6))]


def test_consultations_before_a_restart_are_outside_the_clock() -> None:
    result = compute_deadline(D(2026, 3, 2), correction_asked=D(2026, 3, 3), correction_received=D(2026, 3, 20),
                              consultations=[(D(2026, 3, 9), D(2026, 3, 13))])
    assert result.due == D(2026, 4, 20)
    assert "before the clock started" in _kinds(result, StepKind.NOTE)[0].en


def test_a_consultation_across_the_restart_pauses_only_its_days_after_it() -> None:
    result = compute_deadline(D(2026, 3, 2), correction_asked=D(2026, 3, 3), correction_received=D(2026, 3, 20),
                              consultations=[(D(2026, 3, 9), D(2026, 3, 25))])
    pause = _kinds(result, StepKind.PAUSE)
    assert [(s.start, s.end) for s in pause] == [(D(2026, 3, 21), D(2026, 3, 25))] and "3个工作日" in pause[0].zh
    assert result.due == default_calendar().add_working_days(D(2026, 4, 20), 3)


def test_fee_notice_pauses_until_payment() -> None:
    # notice Mon 03-02 (still counted); 03-03 … 03-05 paused; counting resumes 03-06
    result = compute_deadline(D(2026, 2, 10), fee_notice=D(2026, 3, 2), fee_paid=D(2026, 3, 5))
    assert result.due == D(2026, 3, 19)
    assert result.payment_due == D(2026, 3, 30)
    assert [(s.start, s.end) for s in _kinds(result, StepKind.PAUSE)] == [(D(2026, 3, 3), D(2026, 3, 5))]
    assert not result.warnings


def test_fee_notice_not_paid() -> None:
    result = compute_deadline(D(2026, 2, 10), fee_notice=D(2026, 3, 2))
    assert (result.status, result.due, result.payment_due) == (Status.AWAITING_PAYMENT, None, D(2026, 3, 30))
    assert "视为放弃申请" in _kinds(result, StepKind.ABANDON)[0].zh


def test_fee_warnings() -> None:
    late = compute_deadline(D(2026, 2, 10), fee_notice=D(2026, 3, 2), fee_paid=D(2026, 4, 1))
    assert len(late.warnings) == 1  # paid after 03-30
    early = compute_deadline(D(2020, 6, 1), fee_notice=D(2020, 6, 3), fee_paid=D(2020, 6, 4))
    assert any("2021-01-01" in w.en for w in early.warnings)
    after_due = compute_deadline(D(2026, 2, 10), fee_notice=D(2026, 3, 20), fee_paid=D(2026, 3, 23))
    assert after_due.due == D(2026, 3, 16) and after_due.warnings


def test_a_date_in_an_uncovered_year_is_provisional() -> None:
    result = compute_deadline(D(2040, 1, 10))  # no source knows 2040: plain Mon–Fri
    assert (result.due, result.provisional) == (D(2040, 2, 7), True)
    assert [s.start for s in _kinds(result, StepKind.PROVISIONAL)] == [D(2040, 1, 1)]
    assert "[暂定]" in render_trace(result) and "[provisional]" in render_trace(result, "en")


def test_a_deadline_reaching_into_2027_is_provisional_until_its_notice_is_added() -> None:
    result = compute_deadline(D(2026, 12, 15))
    assert result.due.year == 2027
    assert result.provisional == (default_calendar().year_source(2027) is None)


def test_a_year_added_in_a_data_file_is_used_and_cited(tmp_path) -> None:
    path = tmp_path / "extra.toml"
    path.write_text('[years.2040]\nsource = "测试〔2039〕1号"  # made-up test data\n'
                    'holidays = [["2040-01-23", "2040-01-27", "春节"]]\n', encoding="utf-8")
    result = compute_deadline(D(2040, 1, 10), calendar=WorkingCalendar(path))
    assert (result.due, result.provisional) == (D(2040, 2, 14), False)
    assert _kinds(result, StepKind.HOLIDAY)[0].source == "extra.toml 测试〔2039〕1号"


def test_json_and_rendering() -> None:
    result = compute_deadline(D(2026, 2, 10), channel="网络", extension=True,
                              consultations=[parse_period("2026-03-02:2026-03-06")])
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert data["due"] == result.due.isoformat() and data["channel"] == "网络" and data["regulation"] == "2019"
    assert {s["kind"] for s in data["trace"]} >= {"receipt", "regulation", "count", "holiday", "pause", "due"}
    zh, en = render_trace(result), render_trace(result, "en")
    assert zh.startswith(f"答复期限：{result.due}") and en.startswith(f"Answer due: {result.due}")
    assert "第三十一条" in zh and "art. 31" in en
    with pytest.raises(ValueError, match="lang"):
        render_trace(result, "fr")


def test_channel_and_period_parsing() -> None:
    assert Channel.parse("邮寄") is Channel.POST
    assert Channel.parse("in-person") is Channel.IN_PERSON
    assert Channel.parse("ONLINE") is Channel.ONLINE
    assert parse_period("2026-03-02:2026-03-06") == (D(2026, 3, 2), D(2026, 3, 6))
    for bad in ("2026-03-02", "2026-03-06:2026-03-02", "x:2026-03-02"):
        with pytest.raises(ValueError):
            parse_period(bad)


# -- properties ---------------------------------------------------------------------------------

receipts = st.dates(D(2008, 5, 1), D(2027, 12, 31))
periods = st.tuples(st.integers(0, 60), st.integers(0, 30))  # offset from receipt, length, in days


@given(receipts, st.booleans())
def test_the_due_date_is_a_working_day_after_receipt(received: date, extension: bool) -> None:
    result = compute_deadline(received, extension=extension)
    cal = default_calendar()
    assert result.due > received and cal.is_working_day(result.due)
    assert cal.count_working_days(received + timedelta(days=1), result.due) == result.working_days


@given(receipts, receipts)
def test_monotonic_in_the_receipt_date(a: date, b: date) -> None:
    a, b = min(a, b), max(a, b)
    assert compute_deadline(a).due <= compute_deadline(b).due


@given(receipts)
def test_extension_is_never_earlier(received: date) -> None:
    base, extended = compute_deadline(received), compute_deadline(received, extension=True)
    assert extended.due > base.due
    rule_days = 20 if received >= D(2019, 5, 15) else 15
    assert default_calendar().count_working_days(base.due + timedelta(days=1), extended.due) == rule_days


@given(receipts, st.lists(periods, max_size=3))
def test_pauses_delay_by_exactly_their_working_days_in_the_clock(received: date, spans) -> None:
    consultations = [(received + timedelta(days=o), received + timedelta(days=o + n)) for o, n in spans]
    base = compute_deadline(received)
    paused = compute_deadline(received, consultations=consultations)
    assert paused.due >= base.due
    cal = default_calendar()
    in_clock = {received + timedelta(days=i) for i in range(1, (paused.due - received).days + 1)}
    skipped = {d for s, e in consultations for d in in_clock if s <= d <= e and cal.is_working_day(d)}
    rule_days = 20 if received >= D(2019, 5, 15) else 15
    assert cal.count_working_days(received + timedelta(days=1), paused.due) - len(skipped) == rule_days


@given(receipts, st.integers(0, 10), st.integers(0, 40))
def test_a_correction_never_makes_the_answer_due_earlier(received: date, ask: int, arrive: int) -> None:
    asked = received + timedelta(days=ask)
    corrected = asked + timedelta(days=arrive)
    result = compute_deadline(received, correction_asked=asked, correction_received=corrected)
    assert result.due >= compute_deadline(received).due
    assert result.due == default_calendar().add_working_days(corrected, result.working_days)


fees = st.none() | st.tuples(st.integers(0, 40), st.integers(0, 10))  # notice offset from receipt, days to pay


@given(receipts, st.booleans(), st.lists(periods, max_size=3), fees)
def test_the_trace_accounts_for_every_counted_day(received: date, extension: bool, spans, fee) -> None:
    consultations = [(received + timedelta(days=o), received + timedelta(days=o + n)) for o, n in spans]
    notice = paid = None
    if fee:
        notice = received + timedelta(days=fee[0])
        paid = notice + timedelta(days=fee[1])
    result = compute_deadline(received, extension=extension, consultations=consultations,
                              fee_notice=notice, fee_paid=paid)
    cal = default_calendar()
    counts = _kinds(result, StepKind.COUNT)
    ranges = [(s.start, s.end) for s in counts] + [(s.start, s.end) for s in _kinds(result, StepKind.PAUSE)]
    ranges.sort()
    assert all(a[1] < b[0] for a, b in pairwise(ranges))  # no day both counted and paused
    assert sum(cal.count_working_days(s.start, s.end) for s in counts) == result.working_days
    assert counts[-1].end == result.due
