"""The register's controlled words, read from the format data: what a person may type and the key it is stored as.

A register stores keys of cell-keys.md (`withheld.state_secret`, `natural_person`, `litigation_direct`, …) so
that table 三, 四 and 二 can later be counted from it with a GROUP BY. People type labels: the official row
label with or without its numbering (（三）不予公开 1.属于国家秘密, 1.属于国家秘密, 属于国家秘密), a variant the
format data lists, or the key itself. Every accepted spelling is derived here from `gongkai.formats`, so a new
format or a new variant is a change of data, not of code.

Outcomes and applicant types follow the newest format (outcomes must be rows of the format in force: the 2021
format splits （六）其他处理 into three rows). Case kinds, case results and document kinds accept the labels of
every format (they are the same or only differ in wording).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from gongkai.formats import Format, Label, all_formats
from gongkai.i18n import Join, Message
from gongkai.labels import core

_NOTE = re.compile(r"\([^()]*\)$")  # a trailing explanatory note: 部分公开（区分处理的，…）
# Numbering as printed, before normalisation: 一、 （一） (1) 1. 1． 1、
_RAW_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、])\s*")


def comparable(text: str) -> str:
    """The form two typed spellings are compared in (gongkai.labels.core, loosely)."""
    return core(text, loose=True)


@dataclass(frozen=True)
class Vocabulary:
    """Spellings → keys for one controlled column, with the label to write back and a suggestion for typos."""

    name: str  # what the words are, for messages: outcome, applicant, … (register.vocabulary.<name>)
    keys: tuple[str, ...]
    _lookup: dict[str, str]
    _labels: dict[str, str]
    _groups: dict[str, tuple[str, ...]]  # a group heading (不予公开) → the keys of its rows

    def resolve(self, text: str) -> str | None:
        """The key a spelling stands for, or None when it is not one of the accepted spellings."""
        if text in self.keys:
            return text
        return self._lookup.get(comparable(text))

    def label(self, key: str) -> str:
        """The official label written on export; it resolves back to the same key."""
        return self._labels[key]

    def suggest(self, text: str) -> str | None:
        """The official label closest to a spelling that did not resolve (for the error message)."""
        import difflib  # only for a value not in the vocabulary

        by_form = {comparable(label): label for label in self._labels.values()}
        close = difflib.get_close_matches(comparable(text), list(by_form), n=1, cutoff=0.3)
        return by_form[close[0]] if close else None

    def unknown(self, text: str) -> Message:
        """The message for a spelling that did not resolve."""
        what = Message(f"register.vocabulary.{self.name}")
        rows = self._groups.get(comparable(text))
        if rows:
            return Message("register.vocabulary.group", what=what, text=text,
                           rows=Join(self.label(key) for key in rows))
        hint = self.suggest(text)
        if hint:
            return Message("register.vocabulary.unknown_closest", what=what, text=text, closest=hint)
        return Message("register.vocabulary.unknown", what=what, text=text)


def _spellings(label: Label) -> list[str]:
    """Every spelling of one row or column label, most specific first: with and without group and note."""
    words = [label.label, *label.variants]
    out = []
    for word in words:
        out.append(word)
        out.append(_NOTE.sub("", core(word)))  # 部分公开（区分处理的，…）
        if label.group:
            out.append(label.group + word)
    return out


def build(name: str, labels: Iterable[Label], exported: dict[str, str] | None = None) -> Vocabulary:
    """A vocabulary from format labels; a spelling shared by two keys is dropped (it would be a guess).

    `exported` overrides the label written back for some keys; by default it is the official label without
    its numbering, or with its group when that alone is ambiguous.
    """
    owners: dict[str, set[str]] = {}
    order: dict[str, list[str]] = {}
    groups: dict[str, list[str]] = {}
    for label in labels:
        order.setdefault(label.key, [])
        if label.group:
            groups.setdefault(comparable(label.group), []).append(label.key)
        for spelling in _spellings(label):
            owners.setdefault(comparable(spelling), set()).add(label.key)
            order[label.key].append(spelling)
    lookup = {form: next(iter(keys)) for form, keys in owners.items() if len(keys) == 1}
    chosen = {}
    for key, spellings in order.items():
        if exported and key in exported:
            chosen[key] = exported[key]
            continue
        unique = [s for s in spellings if lookup.get(comparable(s)) == key]
        chosen[key] = _RAW_NUMBERING.sub("", unique[0]) if unique else key
    groups = {form: tuple(dict.fromkeys(keys)) for form, keys in groups.items() if form not in lookup}
    return Vocabulary(name, tuple(order), lookup, chosen, groups)


def newest_format() -> Format:
    """The format in force now: the one whose rows an outcome must be."""
    return list(all_formats().values())[-1]


def _in_set(labels: Iterable[Label], fmt: Format, set_name: str) -> list[Label]:
    wanted = fmt.sets[set_name]
    return sorted((label for label in labels if label.key in wanted), key=lambda label: wanted.index(label.key))


def _every_format(pick) -> list[Label]:
    return [label for fmt in all_formats().values() for label in pick(fmt)]


@cache
def outcomes() -> Vocabulary:
    """办理结果: the result rows of table 三 of the newest format (exactly one per answered application)."""
    fmt = newest_format()
    return build("outcome", _in_set(fmt.table3_rows, fmt, "result_rows"))


@cache
def applicants() -> Vocabulary:
    """申请人类型: the six applicant columns of table 三 (自然人, 商业企业, …, 其他), not 总计."""
    fmt = newest_format()
    return build("applicant", _in_set(fmt.table3_columns, fmt, "applicant_parts"))


@cache
def case_kinds() -> Vocabulary:
    """类型 of a case: the three groups of table 四 (行政复议, 行政诉讼 未经复议直接起诉, 行政诉讼 复议后起诉)."""
    return build("case_kind", _every_format(lambda f: _in_set(f.table4_groups, f, "appeal_groups")))


def _short_result(label: Label) -> Label:
    """结果维持 → 维持, 其他结果 → 其他: how results are usually typed into a register."""
    return Label(label.key, label.label.replace("结果", "") or label.label)


@cache
def case_results() -> Vocabulary:
    """结果 of a case: the four result columns of table 四, also without 结果 (维持, 纠正, 其他, 尚未审结)."""
    labels = _every_format(lambda f: _in_set(f.table4_columns, f, "appeal_parts"))
    official = {label.key: label.label for label in labels}
    return build("case_result", [*labels, *map(_short_result, labels)], exported=official)


@cache
def document_kinds() -> Vocabulary:
    """类型 of a published document: the document rows of table 二 (规章, 行政规范性文件)."""
    fmt = newest_format()
    labels = _every_format(lambda f: _in_set((r for b in f.table2 for r in b.rows), f, "document_rows"))
    official = {r.key: r.label for b in fmt.table2 for r in b.rows if r.key in fmt.sets["document_rows"]}
    return build("document_kind", labels, exported=official)


@cache
def yearly_count_keys() -> frozenset[str]:
    """Cell keys of table 二 a register stores as yearly counts: every block but the documents (counted)."""
    keys = set()
    for fmt in all_formats().values():
        spec, documents = fmt.table(2), set(fmt.sets.get("document_rows", ()))
        keys.update(k for k in fmt.table2_keys() if spec.split(k)[0] not in documents)  # type: ignore[index]
    return frozenset(keys)
