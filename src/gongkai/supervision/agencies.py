"""Agencies matched by name: the name as the title prints it (or as signed), normalised, and an optional file of
aliases (agencies.csv) for names that changed — 县行政服务中心 renamed 县政务服务中心, the same agency.

agencies.csv has a header and two columns: the agency's name now, and another name it went by
(`agency,alias` or `机关,别名`); an agency may have many rows.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from gongkai.errors import InputError
from gongkai.labels import core

AGENCY_HEADERS = ("agency", "机关")
ALIAS_HEADERS = ("alias", "别名")


def normalise(name: str) -> str:
    """The one form agency names are compared in: the label normaliser's (width, spaces, brackets, quotes)."""
    return core(name)


@dataclass(slots=True)
class Aliases:
    """Normalised alias → the normalised name it stands for."""

    names: dict[str, str] = field(default_factory=dict)

    def canonical(self, name: str | None) -> str | None:
        if not name:
            return None
        key = normalise(name)
        return self.names.get(key, key)

    def of(self, *names: str | None) -> frozenset[str]:
        """The canonical names an agency goes by (its title's name, its signature)."""
        return frozenset(filter(None, (self.canonical(n) for n in names)))


def column_index(header: list[str], names: Iterable[str], path: str) -> int:
    wanted = [n.lower() for n in names]
    for index, text in enumerate(header):
        if text.strip().lower() in wanted:
            return index
    raise InputError(path, "office.errors.missing_column", column=" / ".join(names))


def read_rows(path: str | Path) -> list[list[str]]:
    """The rows of a small CSV file in UTF-8 (with or without BOM) or GB18030, header first."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError.from_os(str(path), exc) from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError(str(path), "office.errors.encoding")
    rows = [row for row in csv.reader(text.splitlines()) if any(cell.strip() for cell in row)]
    if not rows:
        raise InputError(str(path), "office.errors.empty")
    return rows


def read_aliases(path: str | Path | None) -> Aliases:
    if path is None:
        return Aliases()
    rows = read_rows(path)
    agency, alias = column_index(rows[0], AGENCY_HEADERS, str(path)), column_index(rows[0], ALIAS_HEADERS, str(path))
    names: dict[str, str] = {}
    for row in rows[1:]:
        if len(row) > max(agency, alias) and row[agency].strip() and row[alias].strip():
            names[normalise(row[alias])] = normalise(row[agency])
    return Aliases(names)
