"""Matching printed labels to the labels of the official formats."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from gongkai.formats import Label
from gongkai.labels import core


@dataclass(frozen=True, slots=True)
class Match:
    """An official label found for printed text, and how closely it matched."""

    label: Label
    variant: bool  # matched a non-official spelling (结果维护, 规范性文件 in 2021 wording…)
    exact: bool  # False for prefix/fuzzy matches: the label was truncated or misspelt


class LabelIndex:
    """Official labels and their accepted variants, looked up by their core text."""

    def __init__(self, labels: list[Label] | tuple[Label, ...]) -> None:
        self.labels = list(labels)
        self.exact: dict[str, list[tuple[Label, bool]]] = {}
        self._near: dict[tuple[str, frozenset[str] | None], Match | None] = {}  # _approximate's answers
        for label in self.labels:
            self._add(label.label, label, False)
            for variant in label.variants:
                self._add(variant, label, True)

    def _add(self, text: str, label: Label, variant: bool) -> None:
        entries = self.exact.setdefault(core(text), [])
        if all(existing.key != label.key for existing, _ in entries):
            entries.append((label, variant))

    def find(self, text: str, *, fuzzy: bool = True, among: set[str] | None = None) -> Match | None:
        """The best label for text: exact core, then prefix of a label, then close spelling."""
        c = core(text)
        if not c:
            return None
        hits = [(lab, var) for lab, var in self.exact.get(c, ()) if among is None or lab.key in among]
        if hits:
            lab, var = hits[0]
            return Match(lab, var, True)
        if not fuzzy:
            return None
        return self._approximate(c, among)

    def _approximate(self, c: str, among: set[str] | None) -> Match | None:
        """The closest label, remembered: a long file repeats its labels, and each guess compares with every label."""
        key = (c, None if among is None else frozenset(among))
        if key not in self._near:
            if len(self._near) > 10_000:
                self._near.clear()
            self._near[key] = self._closest(c, among)
        return self._near[key]

    def _closest(self, c: str, among: set[str] | None) -> Match | None:
        best: tuple[float, Label, bool] | None = None
        for key, entries in self.exact.items():
            for lab, var in entries:
                if among is not None and lab.key not in among:
                    continue
                score = _similarity(c, key)
                if score and (best is None or score > best[0]):
                    best = (score, lab, var)
        if best is None:
            return None
        return Match(best[1], best[2], False)


def _similarity(text: str, label: str) -> float:
    """0 unless text is a long enough prefix of label, or spelt closely enough to it."""
    if len(text) >= 4 and label.startswith(text):
        return 0.9 + len(text) / 1000
    if len(text) >= 4 and len(label) >= 4 and 2 * min(len(text), len(label)) >= 0.8 * (len(text) + len(label)):
        ratio = SequenceMatcher(None, text, label, autojunk=False).ratio()
        if ratio >= 0.8:
            return ratio
        if len(text) == len(label) and sum(a != b for a, b in zip(text, label, strict=True)) == 1:
            return 0.79  # one character misread (子以公开 by OCR for 予以公开)
    return 0.0
