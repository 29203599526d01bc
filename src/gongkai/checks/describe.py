"""Human names of cell keys, from the format data (for messages)."""

from __future__ import annotations

from functools import cache

from gongkai.formats import all_formats

_TABLE_NAMES = {"proactive": "表二", "applications": "表三"}


def table_of(key: str) -> str:
    return _TABLE_NAMES.get(key.split(".", 1)[0], "表四")


@cache
def _names(format_id: str | None = None) -> dict[str, str]:
    """Labels by key; the given format's wording wins over the others'."""
    names: dict[str, str] = {}
    formats = list(all_formats().values())
    formats.sort(key=lambda f: f.id == format_id)  # the preferred format is written last
    for fmt in formats:
        for block in fmt.table2:
            for r in block.rows:
                for c in block.columns:
                    names[f"proactive.{r.key}.{c.key}"] = f"{r.label}·{c.label}"
        for r in fmt.table3_rows:
            row = f"{r.group}{r.label}" if r.group else r.label
            for c in fmt.table3_columns:
                names[f"applications.{r.key}.{c.key}"] = f"{row}·{c.label}"
            names[f"applications.{r.key}"] = row
        for c in fmt.table3_columns:
            names[f"applicant:{c.key}"] = c.label
        for block in fmt.table2:
            for r in block.rows:
                names[f"proactive.{r.key}"] = r.label
        for g in fmt.table4_groups:
            group = f"{g.group}·{g.label}" if g.group else g.label
            names[g.key] = group
            for c in fmt.table4_columns:
                names[f"{g.key}.{c.key}"] = f"{group}·{c.label}"
    return names


def describe(key: str) -> str:
    """表三「（三）不予公开1.属于国家秘密·自然人」 for applications.withheld.state_secret.natural_person."""
    name = _names().get(key)
    return f"{table_of(key)}「{name}」" if name else key


def name(key: str, format_id: str | None = None) -> str:
    """The bare label for a row, column or group key."""
    return _names(format_id).get(key, key)


# Which kind of key each named set of the formats holds, for naming set members in messages.
_SET_PREFIX = {"applicant_columns": "applicant:", "applicant_parts": "applicant:",
               "table3_rows": "applications.", "result_rows": "applications.",
               "document_rows": "proactive."}


def member(set_name: str, value: str) -> str:
    """The label of one member of a named set: natural_person in applicant_columns → 自然人."""
    return _names().get(_SET_PREFIX.get(set_name, "") + value, value)


def listing(keys: list[str], limit: int = 6) -> str:
    shown = "、".join(f"「{_names().get(k, k)}」" for k in keys[:limit])
    return shown + (f" 等 {len(keys)} 个" if len(keys) > limit else "")
