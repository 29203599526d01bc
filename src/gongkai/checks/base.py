"""What a check is, and the registry that holds one check per code of the catalogue.

A check is a small class with a stable `code` (its severity and messages live in catalogue.toml, the
documentation of every code), the typed parameters of its message (`Params`, a NamedTuple), the formats it
applies to, and `run(context)` yielding findings. Registering is `@register` on the class; the identity
checks of the format data register themselves from that data (gongkai.checks.arithmetic).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar, NamedTuple

from gongkai.formats import Format, all_formats, format_for_year, report_format, table2_wordings, table_number
from gongkai.model import Cell, Finding, Note, Report, Source


@dataclass(slots=True)
class Related:
    """What the checks across reports judge a report against (gongkai.supervision.across finds it): the same
    agency's report of the year before, and for a region's own report the sum of its agencies' and those missing."""

    previous: Any = None  # the Digest (gongkai.supervision.digest) of the same agency's report of the year before
    region: str | None = None  # the region whose own report this is
    region_sum: dict[str, Any] | None = None  # the region's roll-up: cell key → the sum of its agencies' reports
    summed: int = 0  # how many reports that sum covers
    missing: list[str] = field(default_factory=list)  # agencies of the region with no report of the year


class Context:
    """A report and the formats a check judges it by; what several checks need is worked out once, when asked."""

    def __init__(self, report: Report, related: Related | None = None) -> None:
        self.report = report
        self.related = related
        self.fmt: Format = report_format(report)  # the format the report's tables follow
        self.year_format: Format = format_for_year(report.meta.year)  # the format the report's year requires
        formats = all_formats()
        # the formats whose wording table 二 uses
        self.table2_formats = tuple(formats[f] for f in report.meta.table2_formats if f in formats)

    @classmethod
    def of(cls, report: Report, related: Related | None = None) -> Context:
        return cls(report, related)

    @cached_property
    def digest(self) -> Any:
        """The report in the small form the checks across reports read (gongkai.supervision.digest)."""
        from gongkai.supervision.digest import digest_of

        return digest_of(self.report)

    @cached_property
    def keys_by_table(self) -> dict[int, list[str]]:
        """The report's cell keys by the number of their table."""
        out: dict[int, list[str]] = {}
        for key in self.report.cells:
            number = table_number(key)
            if number is not None:
                out.setdefault(number, []).append(key)
        return out

    @property
    def tables(self) -> set[int]:
        """The numbers of the tables the report has cells of."""
        return set(self.keys_by_table)

    @cached_property
    def table2_wordings(self) -> dict[str, frozenset[str]]:
        """Each row of table 二 → the formats whose wording of it the report uses (gongkai.formats)."""
        return table2_wordings(self.keys_by_table.get(2, ()))

    @cached_property
    def ocr(self) -> bool:
        """Some cell was read by OCR."""
        return any(c.confidence is not None for c in self.report.cells.values())

    @cached_property
    def cells_by_note(self) -> dict[str | None, list[Cell]]:
        out: dict[str | None, list[Cell]] = {}
        for cell in self.report.cells.values():
            out.setdefault(cell.note, []).append(cell)
        return out

    def notes(self, kind: str) -> list[Note]:
        return [n for n in self.report.notes if n.kind == kind]


class NoParams(NamedTuple):
    pass


class Check:
    """One code: subclasses set `code`, `Params` (when the message has any) and `run`."""

    code: str
    Params: ClassVar[type[Any]] = NoParams
    formats: ClassVar[frozenset[str] | None] = None  # the format ids it applies to; None: all

    def applies(self, context: Context) -> bool:
        return self.formats is None or context.fmt.id in self.formats

    def run(self, context: Context) -> Iterator[Finding]:
        raise NotImplementedError

    def finding(self, params: tuple = NoParams(), cells: Iterable[str] = (),
                where: Iterable[Source] = ()) -> Finding:
        if not isinstance(params, self.Params):
            raise TypeError(f"{self.code}: parameters must be {self.Params.__name__}, not {type(params).__name__}")
        return Finding(self.code, dict(params._asdict()), list(cells), list(where))  # type: ignore[attr-defined]


class AcrossCheck(Check):
    """A check across reports: it reads the report's digest and what it is related to, and is silent on a report
    checked alone. `run_across` runs these on a digest when the report itself is no longer at hand."""

    def run(self, context: Any) -> Iterator[Finding]:
        related = getattr(context, "related", None)
        if related is not None:
            yield from self.across(context.digest, related)

    def across(self, digest: Any, related: Related) -> Iterator[Finding]:
        raise NotImplementedError


class DigestContext:
    """The context of the checks across reports when only a report's digest is kept."""

    def __init__(self, digest: Any, related: Related) -> None:
        self.digest = digest
        self.related = related


class NoteCheck(Check):
    """A check that reports what extraction noted while reading (notes of one kind)."""

    kind: ClassVar[str]

    def run(self, context: Context) -> Iterator[Finding]:
        for note in context.notes(self.kind):
            yield self.finding(self.Params(**note.params), note.cells, note.where)


REGISTRY: dict[str, Check] = {}


def add(check: Check) -> Check:
    """Put a check into the registry; two checks for one code are a mistake in the code."""
    if check.code in REGISTRY:
        raise ValueError(f"two checks registered for {check.code}")
    REGISTRY[check.code] = check
    return check


def register(cls: type[Check]) -> type[Check]:
    """Class decorator: register one instance of the check."""
    add(cls())
    return cls
