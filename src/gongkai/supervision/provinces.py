"""The province an agency belongs to, from the beginning of its name (provinces.toml): 淮安市洪泽区人民政府 → 江苏省.

An agency's name is matched against the full names of the provinces and of their prefecture-level divisions,
the longest first, and against a province's short name (内蒙古, 广西) unless 区/县/市/旗 follows it (海南区 is in
内蒙古, not 海南). A name that begins with none of these (洪泽区人民政府, 铜鼓县行政服务中心) has no province:
a county's or a district's name alone is not enough, many are spelled alike in several provinces.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_NOT_AFTER_SHORT = frozenset("区县市旗")  # a short name followed by one of these is a smaller place's name


@cache
def _names() -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """(full name, province) longest first, and (short name, province)."""
    from gongkai.toml_data import load_toml

    data = load_toml(Path(__file__).with_name("provinces.toml"))
    full = [(name, name) for name in data]
    full += [(prefecture, name) for name, entry in data.items() for prefecture in entry["prefectures"]]
    short = [(entry["short"], name) for name, entry in data.items()]
    return tuple(sorted(full, key=lambda pair: -len(pair[0]))), tuple(short)


def province_of(agency: str | None) -> str | None:
    """The province-level division whose name (or one of whose prefectures' names) the agency's name begins with."""
    if not agency:
        return None
    name = "".join(agency.split())
    full, short = _names()
    for prefix, province in full:
        if name.startswith(prefix):
            return province
    for prefix, province in short:
        if name.startswith(prefix) and name[len(prefix):len(prefix) + 1] not in _NOT_AFTER_SHORT:
            return province
    return None

