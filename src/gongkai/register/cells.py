"""What each cell of a report made from the register counts: one definition per cell key, used both to count the
cell (a GROUP BY) and to list the records behind it (`gongkai register explain`), so the two cannot drift apart.

A definition (`Counted`) is a *measure* and one or more *boxes*. The measure is a table and the records a year
takes from it (received that year, answered that year, open at its end, …); its *dimensions* are the columns the
cells split it by (applicant type, outcome, case kind, …). A box gives, for every dimension, the values the cell
takes. Counting runs one GROUP BY per measure over its dimensions (`count_cells`) and adds up the groups that lie
in a cell's boxes; explaining selects the measure's records whose dimensions lie in a box (`Counted.where`).

Which cells there are comes from the format data (the newest format: its rows and columns of tables 二, 三 and
四). A total cell (the 总计 column, row （七）, table 四's 总计) is the union of its parts as the format's identities
define them (`Format.totals`), so every identity of the format holds by construction. The code knows only what the
non-total rows and columns mean:

Table 三 (applications; columns: the applicant type 申请人类型):
  - 一、本年新收: received (收到日期) in the year.
  - 二、上年结转: received before the year and not answered before it (答复日期 empty, or in the year or later).
  - 三、本年度办理结果, each result row: answered in the year with that outcome (办理结果), whenever received.
  - 四、结转下年度继续办理: received by 31 December and not answered by then (答复日期 empty or after the year).
  So 一 + 二 = 三（七） + 四 for every column, and this year's 上年结转 is last year's 结转下年度, record for record.

Table 四 (review and litigation cases): a case counts once, in the year it was filed (立案日期), in its group
(类型) and under its result **as at 31 December** of that year: a case closed after the year ended counts as
尚未审结. Why: summing the reports of several years counts every case exactly once, and the report of a past year
comes out the same whenever it is made (a case decided in March does not change last year's report). A case filed
in an earlier year and decided this year is therefore not counted again (it was 尚未审结 in its own year's report).

Table 二: 规章 and 行政规范性文件 are counted from the documents: 本年制发 issued in the year, 本年废止 repealed in
the year, 现行有效 issued by 31 December and not repealed by then (so 现行有效(N) = 现行有效(N−1) + 制发 − 废止 holds
exactly). The other numbers of table 二 (行政许可, 行政处罚, 行政强制 decisions, 收费金额) are not records but yearly
counts an agency enters (`Entered`): the cell is the count entered for the year, blank when none is.

Withdrawn records count nowhere.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from itertools import combinations
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal_column, or_, select
from sqlalchemy.orm import Session

from gongkai.formats import Format, get_format
from gongkai.i18n import Join, Message
from gongkai.register.db import Application, Case, Document, Record, YearlyCount
from gongkai.register.outcomes import (
    Vocabulary,
    applicants,
    case_kinds,
    case_results,
    document_kinds,
    outcomes,
    yearly_count_keys,
)
from gongkai.register.store import RegisterError

PENDING = "pending"  # the result of a case not yet decided, as db.Case stores it (尚未审结)
CARRIED_OVER, CARRIED_FORWARD = "carried_over", "carried_forward"  # the rows of table 三 that link two years

Number = int | float
Expression = Callable[[int], ColumnElement[Any]]  # a column or expression, given the report year


@dataclass(frozen=True)
class Dimension:
    """A column a measure's cells are split by: its SQL expression for a year, its Chinese name and labels."""

    name: str
    expression: Expression
    header: str  # the register's column header (申请人类型, 办理结果, …)
    vocabulary: Callable[[], Vocabulary]


@dataclass(frozen=True)
class Measure:
    """A table and the records of it that a year takes, with the dimensions its cells split them by."""

    name: str
    model: type[Record]
    period: Callable[[int], ColumnElement[bool]]
    dimensions: tuple[Dimension, ...]

    def period_text(self, year: int) -> Message:
        """What the period means for a year, in words (register.measure.<name>)."""
        return Message(f"register.measure.{self.name}", year=year)

    def base(self, agency_id: int, year: int) -> list[ColumnElement[bool]]:
        """The records of one agency this measure takes for a year (withdrawn records never count)."""
        model = self.model
        return [model.agency_id == agency_id, model.withdrawn_at.is_(None), self.period(year)]


Box = tuple[frozenset[str], ...]  # the values each dimension of the measure takes, in the measure's order


@dataclass(frozen=True)
class Counted:
    """A cell counted from records: a measure and the boxes of dimension values it takes."""

    key: str
    measure: Measure
    boxes: tuple[Box, ...]

    def contains(self, group: tuple[str | None, ...]) -> bool:
        """Whether a GROUP BY group (its dimension values, in order) lies in this cell."""
        return any(all(value in values for value, values in zip(group, box, strict=True)) for box in self.boxes)

    def where(self, agency_id: int, year: int) -> list[ColumnElement[bool]]:
        """The SQL condition of the records behind this cell: what `explain` lists and `contains` counts."""
        dimensions = self.measure.dimensions
        boxes = [and_(*(d.expression(year).in_(sorted(values)) for d, values in zip(dimensions, box, strict=True)))
                 for box in self.boxes]
        return [*self.measure.base(agency_id, year), or_(*boxes)]

    def describe(self, year: int) -> str:
        """The condition in words, for people reading `explain` (in the current language)."""
        shown = [terms for terms in map(self._terms, self.boxes) if terms]
        if len(shown) > 1:
            shown = [Message("register.condition.alternative", terms=terms) for terms in shown]
        parts: list[Message | Join] = [self.measure.period_text(year)]
        if shown:
            parts.append(Join(shown, "register.condition.or"))
        return str(Join(parts, "common.semicolon"))

    def _terms(self, box: Box) -> Join:
        """One box's condition on the dimensions it restricts: 申请人类型 = 自然人, 办理结果 in …"""
        terms = []
        for dimension, values in zip(self.measure.dimensions, box, strict=True):
            vocabulary = dimension.vocabulary()
            if set(vocabulary.keys) <= values:
                continue
            labels = "、".join(vocabulary.label(v) for v in vocabulary.keys if v in values)
            kind = "equals" if len(values) == 1 else "among"
            terms.append(Message(f"register.condition.{kind}", header=dimension.header, labels=labels))
        return Join(terms, "register.condition.and")


@dataclass(frozen=True)
class Entered:
    """A cell of table 二 that is a yearly count the agency enters (行政许可 decisions, 收费金额, …)."""

    key: str

    def describe(self, year: int) -> str:
        return str(Message("register.condition.entered", year=year, key=self.key))


Definition = Counted | Entered


def _year_literal(year: int) -> ColumnElement[Any]:
    """The year written into the SQL text: an expression grouped by must read the same in SELECT and GROUP BY,
    which bound parameters (one per use) would not on PostgreSQL. Always an int, so nothing is injected."""
    return literal_column(str(int(year)))


def _case_result(year: int) -> ColumnElement[Any]:
    """A case's result as at 31 December of the year: decided after it = still pending then."""
    return case((Case.closed_year <= _year_literal(year), Case.result), else_=literal_column(f"'{PENDING}'"))


_APPLICANT = Dimension("applicant", lambda _: Application.applicant, "申请人类型", applicants)
_OUTCOME = Dimension("outcome", lambda _: Application.outcome, "办理结果", outcomes)
_CASE_KIND = Dimension("kind", lambda _: Case.kind, "类型", case_kinds)
_CASE_RESULT = Dimension("result", _case_result, "结果", case_results)
_DOCUMENT_KIND = Dimension("kind", lambda _: Document.kind, "类型", document_kinds)

A, C, D = Application, Case, Document
# Each measure's period in words is the message register.measure.<name> (locale/register.toml).
RECEIVED = Measure("received", A, lambda y: A.received_year == y, (_APPLICANT,))
PENDING_AT_START = Measure(
    "pending_at_start", A, lambda y: and_(A.received_year < y, or_(A.answered_year.is_(None), A.answered_year >= y)),
    (_APPLICANT,))
ANSWERED = Measure("answered", A, lambda y: A.answered_year == y, (_OUTCOME, _APPLICANT))
OPEN_AT_END = Measure(
    "open_at_end", A, lambda y: and_(A.received_year <= y, or_(A.answered_year.is_(None), A.answered_year > y)),
    (_APPLICANT,))
FILED = Measure("filed", C, lambda y: C.filed_year == y, (_CASE_KIND, _CASE_RESULT))
ISSUED = Measure("issued", D, lambda y: D.issued_year == y, (_DOCUMENT_KIND,))
REPEALED = Measure("repealed", D, lambda y: D.repealed_year == y, (_DOCUMENT_KIND,))
IN_FORCE = Measure(
    "in_force", D, lambda y: and_(D.issued_year <= y, or_(D.repealed_year.is_(None), D.repealed_year > y)),
    (_DOCUMENT_KIND,))

# What the rows of table 三 other than the result rows, and the roles of the columns of table 二's documents, mean.
TABLE3_ROWS = {"new": RECEIVED, CARRIED_OVER: PENDING_AT_START, CARRIED_FORWARD: OPEN_AT_END}
DOCUMENT_ROLES = {"issued": ISSUED, "repealed": REPEALED, "in_force": IN_FORCE}


class UncountableCell(RegisterError):
    """A cell of the format that the register has no definition for (a new format needs one)."""


# ── definitions from the format data ────────────────────────────────────────────────────────────────────────


def _table3(fmt: Format) -> dict[str, Counted]:
    spec = fmt.table(3)
    out = {}
    for row in fmt.table3_rows:
        if row.key in fmt.sets["result_rows"]:
            measure, fixed = ANSWERED, (frozenset({row.key}),)
        elif row.key in TABLE3_ROWS:
            measure, fixed = TABLE3_ROWS[row.key], ()
        else:
            continue
        for column in fmt.sets["applicant_parts"]:
            key = spec.key(row.key, column)
            out[key] = Counted(key, measure, ((*fixed, frozenset({column})),))
    return out


def _table4(fmt: Format) -> dict[str, Counted]:
    spec = fmt.table(4)
    return {spec.key(group, part): Counted(spec.key(group, part), FILED, ((frozenset({group}), frozenset({part})),))
            for group in fmt.sets["appeal_groups"] for part in fmt.sets["appeal_parts"]}


def _table2(fmt: Format) -> dict[str, Definition]:
    out: dict[str, Definition] = {}
    documents = fmt.sets.get("document_rows", ())
    spec = fmt.table(2)
    for block in fmt.table2:
        for row in block.rows:
            for column in block.columns:
                key = spec.key(row.key, column.key)
                if row.key in documents and column.role in DOCUMENT_ROLES:
                    out[key] = Counted(key, DOCUMENT_ROLES[column.role], ((frozenset({row.key}),),))
                elif row.key not in documents and key in yearly_count_keys():
                    out[key] = Entered(key)
    return out


def _merged(boxes: Iterable[Box]) -> tuple[Box, ...]:
    """Boxes that differ in one dimension only, joined (outcome in {a} + outcome in {b} → outcome in {a, b}),
    until none do: a total's condition reads as simply as it is."""
    out = list(dict.fromkeys(boxes))
    joined = True
    while joined:
        joined = False
        for i, j in combinations(range(len(out)), 2):
            differ = [n for n, (a, b) in enumerate(zip(out[i], out[j], strict=True)) if a != b]
            if len(differ) <= 1:
                out[i] = tuple(a | b for a, b in zip(out[i], out[j], strict=True))
                del out[j]
                joined = True
                break
    return tuple(out)


def _union(key: str, parts: list[Definition]) -> Counted:
    """A total: the records of all its parts, which must all be counted from the same measure."""
    measures = {part.measure.name for part in parts if isinstance(part, Counted)}
    if len(measures) != 1 or not all(isinstance(part, Counted) for part in parts):
        raise UncountableCell(Message("register.cell.mixed_parts", key=key))
    counted = [part for part in parts if isinstance(part, Counted)]
    return Counted(key, counted[0].measure, _merged(box for part in counted for box in part.boxes))


@cache
def definitions(format_id: str) -> dict[str, Definition]:
    """Every cell key of tables 二, 三 and 四 of a format → its definition, in the format's order.

    UncountableCell when the format has a cell the register cannot count (the meaning of a new row or column
    has to be added to this module)."""
    fmt = get_format(format_id)
    base: dict[str, Definition] = {**_table2(fmt), **_table3(fmt), **_table4(fmt)}
    totals = fmt.totals()
    out: dict[str, Definition] = {}

    def resolve(key: str) -> Definition:
        if key not in out:
            if key in totals:
                out[key] = _union(key, [resolve(part) for part in totals[key]])
            elif key in base:
                out[key] = base[key]
            else:
                raise UncountableCell(Message("register.cell.uncountable", key=key, format=fmt.id))
        return out[key]

    for key in fmt.table2_keys() + fmt.table3_keys() + fmt.table4_keys():
        resolve(key)
    return {key: out[key] for key in fmt.table2_keys() + fmt.table3_keys() + fmt.table4_keys()}


def row_union(format_id: str, row: str) -> Counted:
    """The records of a whole row of table 三 (every applicant type): e.g. the applications carried forward."""
    fmt = get_format(format_id)
    cells = definitions(format_id)
    spec = fmt.table(3)
    return _union(spec.row_key(row), [cells[spec.key(row, c)] for c in fmt.sets["applicant_parts"]])


# ── counting ────────────────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Uncounted:
    """Records a measure takes that fall in no cell (an outcome that is no row of the format): they would break
    the identities, so the report names them."""

    measure: Measure
    group: tuple[str | None, ...]
    count: int


def _groups(session: Session, measure: Measure, agency_id: int, year: int) -> list[tuple[tuple[str | None, ...], int]]:
    """One GROUP BY: (dimension values, number of records) for every group the measure has this year."""
    columns = [d.expression(year).label(f"d_{n}") for n, d in enumerate(measure.dimensions)]
    query = (select(*columns, func.count()).select_from(measure.model).where(*measure.base(agency_id, year))
             .group_by(*columns))
    return [(tuple(row[:-1]), row[-1]) for row in session.execute(query)]


def count_cells(session: Session, format_id: str, agency_id: int, year: int, keys: Collection[str] | None = None
                ) -> tuple[dict[str, Number | None], list[Uncounted]]:
    """The value of every cell of a year's report (or of `keys` only), counted in SQL; and the records that fall
    in no cell.

    One GROUP BY per measure (eight small ones); Python then only adds up the groups (a few dozen), never
    records. Asked for some keys only, only their measures are queried (and nothing is said of records that
    fall in no cell, which only the whole report can tell)."""
    cells = definitions(format_id)
    if keys is not None:
        cells = {key: cells[key] for key in keys}
    by_measure: dict[str, list[Counted]] = {}
    for definition in cells.values():
        if isinstance(definition, Counted):
            by_measure.setdefault(definition.measure.name, []).append(definition)
    values: dict[str, Number | None] = {}
    uncounted = []
    for counted in by_measure.values():
        measure = counted[0].measure
        groups = _groups(session, measure, agency_id, year)
        for cell in counted:
            values[cell.key] = sum(n for group, n in groups if cell.contains(group))
        if keys is None:
            uncounted += [Uncounted(measure, group, n) for group, n in groups
                          if not any(cell.contains(group) for cell in counted)]
    entered = [key for key, d in cells.items() if isinstance(d, Entered)]
    values.update(_entered(session, agency_id, year, entered))
    return {key: values[key] for key in cells}, uncounted


def plain_number(value: Any) -> Number:
    """A stored Decimal as the report prints it: 35 for 35.0000, 12.5 for 12.5000."""
    return int(value) if value == int(value) else float(value)


def _entered(session: Session, agency_id: int, year: int, keys: list[str]) -> dict[str, Number | None]:
    query = select(YearlyCount.key, YearlyCount.value).where(
        YearlyCount.agency_id == agency_id, YearlyCount.year == year, YearlyCount.withdrawn_at.is_(None),
        YearlyCount.key.in_(keys))
    found = {key: plain_number(value) for key, value in session.execute(query)}
    return {key: found.get(key) for key in keys}


def entered_where(agency_id: int, year: int, key: str) -> list[ColumnElement[bool]]:
    """The yearly count record behind an entered cell (what `explain` lists for it)."""
    return [YearlyCount.agency_id == agency_id, YearlyCount.year == year, YearlyCount.withdrawn_at.is_(None),
            YearlyCount.key == key]


def dimension_labels(measure: Measure, group: Iterable[str | None]) -> Mapping[str, str]:
    """{header: label} of a group, for messages: {办理结果: 予以公开, 申请人类型: 自然人}."""
    out = {}
    for dimension, value in zip(measure.dimensions, group, strict=True):
        vocabulary = dimension.vocabulary()
        out[dimension.header] = vocabulary.label(value) if value in vocabulary.keys else repr(value)
    return out
