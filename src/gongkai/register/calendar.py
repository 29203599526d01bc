"""The working-day calendar (工作日) of the State Council's yearly holiday notices.

Sources, in order: the package chinese-calendar (imported lazily, once), then the project's own
``holidays.toml`` (for the years chinese-calendar does not know yet), then an optional extra file. A later
source overrides an earlier one day by day. A year covered by no source falls back to plain Mon–Fri and
every date in it is provisional (暂定): its notice is not out yet, or nobody added it.

Deadline arithmetic runs on per-year sorted arrays of working-day ordinals searched with bisect, built once
per year and cached, so adding 20 working days costs a few bisects.
"""

from __future__ import annotations

import functools
import tomllib
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from importlib import resources
from pathlib import Path

from gongkai.i18n import Message, id_of, t

CHINESE_CALENDAR = "chinese-calendar"
PACKAGE_DATA = "holidays.toml"

# Official names of the notices; chinese-calendar says 清明/端午/中秋 without 节. The names in other languages are
# in the catalogue (locale/calendar.toml, calendar.holiday.*), found by these Chinese names.
_OFFICIAL_ZH = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}


_WORKING, _WEEKEND = Message("calendar.day.working"), Message("calendar.day.weekend")


class DayKind(StrEnum):
    WEEKDAY = "weekday"  # 工作日: Mon–Fri, no notice entry
    WEEKEND = "weekend"  # 周末
    HOLIDAY = "holiday"  # 放假 (statutory holiday or a day moved into the holiday)
    MAKEUP = "makeup"  # 调休上班: a weekend day worked in exchange


@dataclass(frozen=True, slots=True)
class DayInfo:
    """Why a day is or is not a working day."""

    day: date
    working: bool
    kind: DayKind
    name: Message  # 春节, 国庆节调休上班, 周末, 工作日 …
    source: str | None  # None: the plain weekday rule
    provisional: bool

    @property
    def name_zh(self) -> str:
        return self.name.render("zh")

    @property
    def name_en(self) -> str:
        return self.name.render("en")

    def reason_message(self) -> Message:
        """The name with its source and, for a year no source covers, 暂定."""
        reason = Message("calendar.day.with_source", name=self.name, source=self.source) if self.source else self.name
        return Message("calendar.day.provisional", name=reason) if self.provisional else reason

    def reason(self, lang: str | None = None) -> str:
        """The reason in `lang` (default: the current language)."""
        return self.reason_message().render(lang)


@dataclass(frozen=True, slots=True)
class _Special:
    """A notice entry: a holiday or a make-up working day."""

    working: bool
    name: Message
    source: str


@dataclass(frozen=True, slots=True)
class NoticeRun:
    """Consecutive days of one notice entry: a holiday (all its days) or a make-up working day."""

    first: date
    last: date
    info: DayInfo  # of the run's first day: name, source, kind

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass(frozen=True, slots=True)
class _Year:
    working: list[int]  # sorted ordinals of the working days
    source: str | None  # None: no source covers the year


def weekday(day: date) -> Message:
    return Message(f"calendar.weekday.{day.weekday()}")


def weekday_name(day: date, lang: str | None = None) -> str:
    """星期一 … 星期日 (Monday … Sunday in English)."""
    return t(f"calendar.weekday.{day.weekday()}", lang=lang)


def holiday_name(zh: str) -> Message:
    """A holiday by its Chinese name: the catalogue's entry when it is an official one, else the name as printed."""
    msg_id = id_of("calendar.holiday", "zh", zh)
    return Message(msg_id) if msg_id else Message("calendar.day.named", name=zh)


def _makeup_name(label: str) -> Message:
    """'春节调休' → 春节调休上班 (Spring Festival make-up working day); a label of no known holiday stays as it is."""
    holiday = label.removesuffix("调休上班").removesuffix("调休").removesuffix("上班")
    holiday = _OFFICIAL_ZH.get(holiday, holiday)
    if holiday == label or id_of("calendar.holiday", "zh", holiday) is None:
        return Message("calendar.day.named", name=label)
    return Message("calendar.day.makeup", holiday=holiday_name(holiday))


@functools.cache
def _chinese_calendar_data() -> tuple[dict[int, _Special], frozenset[int]]:
    """Entries and covered years of chinese-calendar; imported here so that importing gongkai stays fast."""
    try:
        import chinese_calendar
    except ImportError:  # every year is then provisional, and the trace says so
        return {}, frozenset()
    entries: dict[int, _Special] = {}
    for day, value in chinese_calendar.holidays.items():
        zh = chinese_calendar.Holiday(value).chinese
        entries[day.toordinal()] = _Special(False, holiday_name(_OFFICIAL_ZH.get(zh, zh)), CHINESE_CALENDAR)
    for day, value in chinese_calendar.workdays.items():
        zh = chinese_calendar.Holiday(value).chinese
        name = Message("calendar.day.makeup", holiday=holiday_name(_OFFICIAL_ZH.get(zh, zh)))
        entries[day.toordinal()] = _Special(True, name, CHINESE_CALENDAR)
    years = {d.year for d in chinese_calendar.holidays}
    return entries, frozenset(range(min(years), max(years) + 1)) if years else frozenset()


def _parse_date(value: object, where: str) -> date:
    if isinstance(value, date):  # TOML local dates arrive as date objects
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(Message("calendar.data.not_a_date", where=where, value=value)) from None


def _parse_year(label: str, year: str, table: dict) -> tuple[dict[int, _Special], int]:
    where = f"{label} [years.{year}]"
    if not year.isdigit():
        raise ValueError(Message("calendar.data.year_not_number", where=where))
    source = table.get("source")
    if not isinstance(source, str) or not source.strip():
        raise ValueError(Message("calendar.data.source_required", where=where))
    origin = f"{label} {source.strip()}"
    entries: dict[int, _Special] = {}
    for item in table.get("holidays", []):
        if not (isinstance(item, list) and len(item) == 3):
            raise ValueError(Message("calendar.data.holiday_shape", where=where, item=repr(item)))
        first, last = _parse_date(item[0], where), _parse_date(item[1], where)
        if last < first:
            raise ValueError(Message("calendar.data.holiday_order", where=where, name=item[2]))
        name = holiday_name(str(item[2]))
        for o in range(first.toordinal(), last.toordinal() + 1):
            entries[o] = _Special(False, name, origin)
    for item in table.get("workdays", []):
        if not (isinstance(item, list) and len(item) == 2):
            raise ValueError(Message("calendar.data.workday_shape", where=where, item=repr(item)))
        day = _parse_date(item[0], where)
        if day.weekday() < 5:
            raise ValueError(Message("calendar.data.workday_not_weekend", where=where, day=day))
        entries[day.toordinal()] = _Special(True, _makeup_name(str(item[1])), origin)
    return entries, int(year)


def _load_holiday_file(text: str, label: str) -> tuple[dict[int, _Special], dict[int, str]]:
    """Entries (ordinal → entry) and covered years (year → source) of one holidays TOML text."""
    data = tomllib.loads(text)
    entries: dict[int, _Special] = {}
    covered: dict[int, str] = {}
    for year, table in data.get("years", {}).items():
        year_entries, number = _parse_year(label, year, table)
        entries.update(year_entries)
        covered[number] = f"{label} {table['source'].strip()}"
    return entries, covered


class WorkingCalendar:
    """Working days of mainland China's administrative agencies, with the reason for each day."""

    def __init__(self, extra_data: str | Path | None = None, *, package_data: bool = True,
                 chinese_calendar: bool = True) -> None:
        self._entries: dict[int, _Special] = {}
        self._covered: dict[int, str] = {}
        if chinese_calendar:
            entries, years = _chinese_calendar_data()
            self._entries.update(entries)
            self._covered.update(dict.fromkeys(years, CHINESE_CALENDAR))
        if package_data:
            text = resources.files(__package__).joinpath(PACKAGE_DATA).read_text(encoding="utf-8")
            self._add(*_load_holiday_file(text, PACKAGE_DATA))
        if extra_data is not None:
            path = Path(extra_data)
            self._add(*_load_holiday_file(path.read_text(encoding="utf-8"), path.name))
        self._years: dict[int, _Year] = {}
        self._runs = self._build_runs()
        self._run_ends = [run.last.toordinal() for run in self._runs]

    def _add(self, entries: dict[int, _Special], covered: dict[int, str]) -> None:
        self._entries.update(entries)
        self._covered.update(covered)

    # -- per-year arrays ------------------------------------------------------------------------

    def _year(self, year: int) -> _Year:
        cached = self._years.get(year)
        if cached is None:
            cached = self._years[year] = self._build_year(year)
        return cached

    def _build_year(self, year: int) -> _Year:
        first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
        working = []
        entries = self._entries
        for o in range(first, last + 1):
            entry = entries.get(o)
            if entry.working if entry is not None else (o - 1) % 7 < 5:  # ordinal 1 was a Monday
                working.append(o)
        return _Year(working, self._covered.get(year))

    def _build_runs(self) -> list[NoticeRun]:
        """All notice entries as runs, built once: consecutive days of the same holiday from the same source."""
        runs: list[NoticeRun] = []
        previous: tuple[int, _Special] | None = None
        for o in sorted(self._entries):
            entry = self._entries[o]
            day = date.fromordinal(o)
            if not entry.working and previous == (o - 1, entry):
                runs[-1] = NoticeRun(runs[-1].first, day, runs[-1].info)
            else:
                runs.append(NoticeRun(day, day, self.describe(day)))
            previous = (o, entry)
        return runs

    # -- single days ------------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        entry = self._entries.get(day.toordinal())
        return entry.working if entry is not None else day.weekday() < 5

    def describe(self, day: date) -> DayInfo:
        """The reason a day is or is not a working day, with its source."""
        provisional = day.year not in self._covered
        entry = self._entries.get(day.toordinal())
        if entry is not None:
            kind = DayKind.MAKEUP if entry.working else DayKind.HOLIDAY
            return DayInfo(day, entry.working, kind, entry.name, entry.source, provisional)
        if day.weekday() < 5:
            return DayInfo(day, True, DayKind.WEEKDAY, _WORKING, None, provisional)
        return DayInfo(day, False, DayKind.WEEKEND, _WEEKEND, None, provisional)

    def year_source(self, year: int) -> str | None:
        """The source covering a year ('chinese-calendar' or 'holidays.toml <notice>'), None if none does."""
        return self._covered.get(year)

    def is_provisional(self, day: date) -> bool:
        return day.year not in self._covered

    def uncovered_years(self, first: date, last: date) -> list[int]:
        return [y for y in range(first.year, last.year + 1) if y not in self._covered]

    @property
    def covered_years(self) -> list[int]:
        return sorted(self._covered)

    # -- ranges -------------------------------------------------------------------------------

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (start itself not counted); ``start`` when n is 0."""
        if n < 0:
            raise ValueError(Message("calendar.data.negative", n=n))
        if n == 0:
            return start
        o, year = start.toordinal(), start.year
        while True:
            working = self._year(year).working
            i = bisect_right(working, o)
            if i + n <= len(working):
                return date.fromordinal(working[i + n - 1])
            n -= len(working) - i
            year += 1
            o = 0  # before every ordinal of the next year

    def count_working_days(self, first: date, last: date) -> int:
        """Working days in [first, last], both included; 0 when last < first."""
        lo, hi = first.toordinal(), last.toordinal()
        total = 0
        for year in range(first.year, last.year + 1):
            working = self._year(year).working
            total += bisect_right(working, hi) - bisect_left(working, lo)
        return max(total, 0)

    def notice_runs(self, first: date, last: date) -> list[NoticeRun]:
        """The holidays and make-up working days in [first, last], in date order, runs cut to the range."""
        runs = self._runs
        found = []
        for i in range(bisect_left(self._run_ends, first.toordinal()), len(runs)):
            run = runs[i]
            if run.first > last:
                break
            if run.first < first or run.last > last:
                run = NoticeRun(max(run.first, first), min(run.last, last), run.info)
            found.append(run)
        return found


@functools.cache
def default_calendar() -> WorkingCalendar:
    """The shared calendar of chinese-calendar plus the package's holidays.toml."""
    return WorkingCalendar()
