"""Charts of a comparison as PNG images (matplotlib, imported here only), drawn with a CJK font found on the
machine (Noto CJK, Source Han, Fandol, WenQuanYi): nothing is fetched, the images work offline.

Each chart is a (title, PNG bytes) pair: the bar chart of an indicator by agency with the region's median, the
trend of an indicator over the years, and the heat map of defect codes by agency.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from functools import cache

from gongkai.i18n import t
from gongkai.supervision.compare import Comparison, Indicator, indicators

# Font files tried in this order (their names as installed by Debian's fonts-noto-cjk, texlive's Fandol…).
CJK_FONTS = ("NotoSansCJK", "NotoSerifCJK", "SourceHanSans", "FandolHei", "FandolSong", "wqy-zenhei", "wqy-microhei",
             "gbsn00lp")
MOST_AGENCIES = 40  # bars and heat-map rows beyond these are left out (the largest kept)


@cache
def cjk_font() -> str | None:
    """The family name of a CJK font installed on this machine, registered with matplotlib; None if there is none."""
    from matplotlib import font_manager

    files = font_manager.findSystemFonts()
    for wanted in CJK_FONTS:
        for path in sorted(files):
            if wanted.lower() in path.lower():
                font_manager.fontManager.addfont(path)
                return font_manager.FontProperties(fname=path).get_name()
    return None


def _figure(width: float, height: float):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    family = cjk_font()
    if family:
        matplotlib.rcParams["font.family"] = [family]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return pyplot.subplots(figsize=(width, height), dpi=110)


def _png(figure) -> bytes:
    from matplotlib import pyplot

    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png")
    pyplot.close(figure)
    return buffer.getvalue()


def _indicator(identifier: str) -> Indicator:
    return next(i for i in indicators() if i.id == identifier)


def bar(comparison: Comparison, indicator_id: str = "received", lang: str = "zh") -> tuple[str, bytes]:
    indicator = _indicator(indicator_id)
    year = comparison.years()[-1] if comparison.years() else None
    rows = [(r.agency, v) for r in comparison.rows if r.year == year and (v := r.values[indicator_id]) is not None]
    rows = sorted(rows, key=lambda pair: -pair[1])[:MOST_AGENCIES]
    figure, axes = _figure(9, 0.6 + 0.3 * max(len(rows), 1))
    axes.barh([a for a, _ in rows][::-1], [v for _, v in rows][::-1], color="#3b6ea5")
    median = comparison.quartiles.get((year, indicator_id))
    if median:
        axes.axvline(median[1], color="#c0392b", linestyle="--", label=t("office.chart.median", lang=lang))
        axes.legend()
    title = t("office.chart.bar", lang=lang, indicator=indicator.label[lang], year=year or "?")
    axes.set_title(title)
    return title, _png(figure)


def trend(comparison: Comparison, indicator_id: str = "received", lang: str = "zh") -> tuple[str, bytes]:
    indicator = _indicator(indicator_id)
    years = comparison.years()
    by_agency: dict[str, dict[int, float]] = {}
    for r in comparison.rows:
        if r.year is not None and (v := r.values[indicator_id]) is not None:
            by_agency.setdefault(r.agency, {})[r.year] = v
    largest = sorted(by_agency, key=lambda a: -max(by_agency[a].values()))[:10]
    figure, axes = _figure(9, 4.5)
    for agency in largest:
        points = sorted(by_agency[agency].items())
        axes.plot([y for y, _ in points], [v for _, v in points], marker="o", label=agency)
    medians = [(y, q[1]) for y in years if (q := comparison.quartiles.get((y, indicator_id)))]
    if medians:
        axes.plot([y for y, _ in medians], [v for _, v in medians], color="black", linestyle="--",
                  label=t("office.chart.median", lang=lang))
    axes.set_xticks(years, [str(y) for y in years])  # 2019, 2020: not offsets from 2.02e3
    if axes.get_legend_handles_labels()[0]:
        axes.legend(fontsize=7, loc="best")
    title = t("office.chart.trend", lang=lang, indicator=indicator.label[lang])
    axes.set_title(title)
    return title, _png(figure)


def heat_map(comparison: Comparison, lang: str = "zh") -> tuple[str, bytes]:
    agencies: dict[str, dict[str, int]] = {}
    for r in comparison.rows:
        counts = agencies.setdefault(r.agency, {})
        for code, n in r.codes.items():
            counts[code] = counts.get(code, 0) + n
    names = sorted(agencies, key=lambda a: -sum(agencies[a].values()))[:MOST_AGENCIES]
    codes = sorted({code for a in names for code in agencies[a]}) or ["—"]
    grid = [[agencies[a].get(code, 0) for code in codes] for a in names] or [[0]]
    figure, axes = _figure(max(6, 0.5 * len(codes) + 3), 1 + 0.35 * max(len(names), 1))
    image = axes.imshow(grid, cmap="Reds", aspect="auto")
    axes.set_xticks(range(len(codes)), codes, rotation=90)
    axes.set_yticks(range(max(len(names), 1)), names or [""])
    figure.colorbar(image, ax=axes)
    title = t("office.chart.heat_map", lang=lang)
    axes.set_title(title)
    return title, _png(figure)


def charts(comparison: Comparison, lang: str = "zh") -> Iterable[tuple[str, bytes]]:
    yield bar(comparison, "received", lang)
    yield trend(comparison, "received", lang)
    yield heat_map(comparison, lang)
