"""A report from JSON: the full model (`gongkai parse --json`) or the flat cell data of cell-keys.md.

Flat data may carry the prose as a `prose` field ({"1": "…", …, "6": "…"}, by section number), or
the prose comes from a Markdown file with the six section headings (`gongkai build --prose`),
read by the same extraction as any report.
"""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import date
from functools import cache
from pathlib import Path

from gongkai.errors import InputError
from gongkai.extract.prose import agency_kind
from gongkai.extract.values import read_value
from gongkai.formats import all_formats, format_for_year, get_format, table2_formats_of, table3_format_of
from gongkai.labels import SECTION_NUMERALS
from gongkai.model import Cell, Meta, Report, Section, Source

MAX_BYTES = 64 * 1024 * 1024
_META_FIELDS = {f.name for f in fields(Meta)} - {"table2_formats"}


def read_json_report(path: str | Path) -> Report:
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError.from_os(name, exc) from None
    if len(raw) > MAX_BYTES:
        raise InputError(name, "errors.json.too_large", mb=MAX_BYTES // 2**20)
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(name, "errors.json.invalid", detail=str(exc)) from None
    return report_from_data(data, name)


def report_from_data(data: object, file: str) -> Report:
    if not isinstance(data, dict):
        raise InputError(file, "errors.json.not_object")
    if isinstance(data.get("meta"), dict) and isinstance(data.get("cells"), dict):
        return _full_model(data, file)
    return report_from_flat(data, file)


def _full_model(data: dict, file: str) -> Report:
    from pydantic import TypeAdapter, ValidationError  # slow to import; only JSON input pays

    try:
        report = TypeAdapter(Report).validate_python({"file": file, **data})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InputError(file, "errors.json.model", where=where, detail=first["msg"]) from None
    for key, cell in report.cells.items():
        if cell.key != key:
            raise InputError(file, "errors.json.cell_names_itself", key=key, named=cell.key)
    report.file = file
    return report


def report_from_flat(flat: dict, file: str, prose: dict | None = None) -> Report:
    """Cells and metadata from flat keys; six sections from `prose` (or the flat data's own)."""
    meta = _meta(flat, file)
    known = _cell_keys()
    source = Source(file)  # one for every cell: a flat file has no lines or pages to tell them apart
    cells: dict[str, Cell] = {}
    for key, value in flat.items():
        if key.startswith("meta.") or key == "prose":
            continue
        if key not in known:
            raise InputError(file, "errors.json.unknown_cell", key=key)
        cells[key] = _cell(key, value, source)
    meta.table2_formats = table2_formats_of(cells)
    year_format = format_for_year(meta.year).id if meta.year else None
    meta.table3_format = table3_format_of(cells, meta.template or year_format)
    meta.template = meta.template or meta.table3_format
    if "meta.kind" not in flat:
        meta.kind = agency_kind(meta.agency)
    texts = _prose_texts(prose if prose is not None else flat.get("prose") or {}, file)
    fmt = get_format(meta.template) if meta.template else format_for_year(meta.year)
    sections = [Section(n, f"{SECTION_NUMERALS[n - 1]}、{s.label}", f"{SECTION_NUMERALS[n - 1]}、",
                        texts.get(n, ""), Source(file))
                for s in fmt.sections if (n := int(s.key))]
    return Report(file, meta, sections, cells)


def _meta(flat: dict, file: str) -> Meta:
    meta = Meta()
    for key, value in flat.items():
        if not key.startswith("meta."):
            continue
        name = key.removeprefix("meta.")
        if name not in _META_FIELDS:
            raise InputError(file, "errors.json.unknown_meta", key=key)
        setattr(meta, name, _meta_value(name, value, file))
    return meta


def _meta_value(name: str, value: object, file: str) -> object:
    if value is None:
        return None
    if name == "year":
        if isinstance(value, bool) or not isinstance(value, int) or not 2000 <= value <= 2100:
            raise InputError(file, "errors.json.meta_year", value=value)
        return value
    if not isinstance(value, str):
        raise InputError(file, "errors.json.meta_text", name=name, value=value)
    if name == "published":
        try:
            date.fromisoformat(value)
        except ValueError:
            raise InputError(file, "errors.json.meta_published", value=value) from None
    if name == "template" and value not in all_formats():
        raise InputError(file, "errors.json.meta_template", value=value, formats=", ".join(all_formats()))
    if name == "kind" and value not in ("department", "government"):
        raise InputError(file, "errors.json.meta_kind", value=value)
    return value


def _cell(key: str, value: object, source: Source) -> Cell:
    file = source.file
    if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return Cell(key, value, "" if value is None else str(value), source, note="blank" if value is None else None)
    if isinstance(value, str):  # printed text such as 无 or 12件: read as a printed cell is read
        reading = read_value(value)
        return Cell(key, reading.value, value, source, reading.unit, reading.note)
    raise InputError(file, "errors.json.cell_value", key=key, value=value)


@cache
def _cell_keys() -> frozenset[str]:
    return frozenset(k for f in all_formats().values()
                     for k in f.table2_keys() + f.table3_keys() + f.table4_keys())


def _prose_texts(prose: object, file: str) -> dict[int, str]:
    if not isinstance(prose, dict):
        raise InputError(file, "errors.json.prose_object")
    texts: dict[int, str] = {}
    for number, text in prose.items():
        if not str(number).isdigit() or not 1 <= int(number) <= 6:
            raise InputError(file, "errors.json.prose_section", number=number)
        if isinstance(text, list) and all(isinstance(t, str) for t in text):
            text = "\n".join(text)
        if not isinstance(text, str):
            raise InputError(file, "errors.json.prose_text", number=number)
        texts[int(number)] = text
    return texts


def add_prose(report: Report, markdown: str | Path) -> Report:
    """Sections, title, signature and date from a Markdown file with the six section headings."""
    from gongkai.extract import extract
    from gongkai.readers import read_document

    prose = extract(read_document(markdown))
    if not prose.sections:
        raise InputError(str(markdown), "errors.report.no_headings")
    by_number = {s.number: s for s in prose.sections}
    report.sections = [by_number.get(s.number, s) for s in report.sections] or prose.sections
    for name in ("title", "published", "signature"):
        if getattr(report.meta, name) is None:
            setattr(report.meta, name, getattr(prose.meta, name))
    return report
