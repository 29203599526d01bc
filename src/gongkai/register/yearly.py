"""The yearly counts of table 二 an agency enters itself (`gongkai register counts`): 行政许可, 行政处罚, 行政强制
decisions and 行政事业性收费 in 万元 — the numbers of table 二 that are not counted from records.

Which numbers there are comes from the format data: the cells of table 二 of the newest format (the one a report
from the register follows) that `outcomes.yearly_count_keys` stores as yearly counts, each named by its row and
column label. A count is named by its cell key (proactive.licensing.decisions), the key without `proactive.`,
its row and column labels (行政许可·本年处理决定数量), or its row label alone where the row has one such number
(行政许可). Values are whole numbers, but for a decimal column (万元), and never negative but for a signed one.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

from gongkai.formats import all_formats
from gongkai.i18n import Join, Message
from gongkai.labels import core
from gongkai.register.outcomes import newest_format, yearly_count_keys
from gongkai.register.store import RegisterError

_NOISE = str.maketrans({",": None, "，": None, " ": None, "万": None, "元": None})


@dataclass(frozen=True)
class Count:
    key: str
    label: str  # 行政许可·本年处理决定数量
    value: Decimal | None  # None: not entered for the year


@cache
def labels() -> dict[str, str]:
    """key → 行·列 label of every yearly count key, the newest format's first (it is the one shown)."""
    out: dict[str, str] = {}
    for fmt in reversed(list(all_formats().values())):
        spec = fmt.table(2)
        for block in fmt.table2:
            for row in block.rows:
                for column in block.columns:
                    key = spec.key(row.key, column.key)
                    if key in yearly_count_keys():
                        out.setdefault(key, f"{row.label}·{column.label}")
    return out


def shown_keys() -> list[str]:
    """The yearly counts of the newest format's table 二, in its order."""
    return [key for key in newest_format().table2_keys() if key in yearly_count_keys()]


@cache
def _spellings() -> dict[str, str]:
    """Every accepted spelling (in comparable form) → key; the newest format's keys win a shared row label."""
    out: dict[str, str] = {}
    rows: dict[str, list[str]] = {}
    for key, label in labels().items():
        out[core(key)] = out[core(key.removeprefix("proactive."))] = key
        out[core(label)] = key
        rows.setdefault(core(label.split("·")[0]), []).append(key)
    newest = set(shown_keys())
    for row, keys in rows.items():
        current = [key for key in keys if key in newest]
        if len(current) == 1:
            out.setdefault(row, current[0])
    return out


def count_key(text: str) -> str:
    """The key a typed name stands for; RegisterError listing the names when none."""
    key = _spellings().get(core(text))
    if key is None:
        raise RegisterError(Message("register.counts.unknown", name=text,
                                    names=Join(labels()[key] for key in shown_keys())))
    return key


def _column(key: str) -> str:
    return key.rsplit(".", 1)[-1]


def count_value(key: str, text: str) -> Decimal:
    """A typed value of a count: 1200, 1,200, 35.6 (万元 columns); RegisterError when it is not one."""
    try:
        value = Decimal(text.strip().translate(_NOISE))
    except InvalidOperation:
        raise RegisterError(Message("register.counts.not_a_number", label=labels()[key], text=text)) from None
    decimal = any(_column(key) in fmt.decimal_columns for fmt in all_formats().values())
    signed = any(_column(key) in fmt.signed_columns for fmt in all_formats().values())
    if not value.is_finite() or (value != value.to_integral_value() and not decimal):
        raise RegisterError(Message("register.counts.not_whole", label=labels()[key], text=text))
    if value < 0 and not signed:
        raise RegisterError(Message("register.counts.negative", label=labels()[key], text=text))
    return value


def yearly_counts(reg, agency: str, year: int) -> list[Count]:
    """The counts of a year: the newest format's, entered or not, then any other key entered for the year."""
    from sqlalchemy import select

    from gongkai.register import store
    from gongkai.register.db import YearlyCount

    with reg.sessions() as session:
        owner = store.agency_id(session, agency)
        entered = dict(session.execute(select(YearlyCount.key, YearlyCount.value).where(
            YearlyCount.agency_id == owner, YearlyCount.year == year, YearlyCount.withdrawn_at.is_(None))).all())
    keys = shown_keys() + sorted(key for key in entered if key not in shown_keys())
    return [Count(key, labels().get(key, key), entered.get(key)) for key in keys]
