"""Hypothesis strategies for random annual reports, in the flat form of cell-keys.md.

`consistent_reports()` builds reports of either official format in which every identity of the
format data holds by construction (and every soft bound too):

- table 三, per applicant column: random counts for each result row; （七）总计 is their sum; a
  random 结转下年度继续办理 and 上年结转 ≤ 总计 + 结转, and 本年新收 = 总计 + 结转 − 上年结转 ≥ 0;
  the 总计 column is the sum of the six applicant columns in every row;
- table 四: random 维持 / 纠正 / 其他 / 尚未审结 per group, 总计 their sum;
- table 二: random non-negative counts, negative ones allowed in the format's signed columns
  (本年增/减, 2019), decimals in its decimal columns (amounts in 万元).
"""

from __future__ import annotations

from hypothesis import strategies as st

from gongkai.formats import Format, all_formats
from layouts import Quirks

FORMAT_IDS = tuple(all_formats())

_PLACES = ("高安市", "赣州经开区", "宜春市袁州区", "南昌县", "上饶市广信区", "九江市", "吉安县",
           "萍乡经济技术开发区", "景德镇市昌江区", "抚州市临川区")
_DEPARTMENTS = ("人民政府", "行政服务中心管委会", "行政务服务中心管委会", "机关事务管理中心", "财政局",
                "教育体育局", "自然资源局", "卫生健康委员会", "人民政府办公室", "市场监督管理局",
                "住房和城乡建设局", "人力资源和社会保障局")
_PROSE = {
    1: ["本机关坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》，"
        "扎实推进政府信息公开工作。",
        "成立了以主要领导为组长、分管领导为副组长的政务公开工作领导小组，明确专人负责政府信息公开日常工作。",
        "进一步完善信息发布审核制度和保密审查制度，坚持先审查、后公开，确保公开信息准确、及时、规范。"],
    2: ["本机关依托门户网站及时发布机构职能、政策文件、财政预决算等信息，主动公开情况如下表所示。"],
    3: ["本机关严格按照法定程序和时限答复政府信息公开申请，没有出现超期答复的情况，具体情况如下表所示。"],
    4: ["本年度未发生因政府信息公开申请引起的行政复议、行政诉讼案件以外的其他争议，具体情况如下表所示。"],
    5: ["主要问题：政府信息公开的及时性和全面性仍有待提高，工作人员业务水平有待进一步加强。",
        "改进措施：下一步将加强业务培训，完善公开制度，规范公开流程，切实提高政府信息公开工作质量。"],
    6: ["本机关本年度未收取信息处理费，也没有其他需要报告的事项。"],
}

# Counts as they look in real reports: mostly zeros, some small, a few large.
counts = st.one_of(st.just(0), st.integers(0, 9), st.integers(0, 3000))
signed_counts = st.one_of(st.just(0), st.integers(-50, 50), st.integers(-3000, 3000))
amounts = st.one_of(st.just(0), st.integers(0, 100_000), st.integers(0, 10_000_000).map(lambda n: n / 100))


def fmt_of(report: dict) -> Format:
    return all_formats()[str(report["meta.template"])]


def table3_keys(fmt: Format) -> list[str]:
    return fmt.table3_keys()


def table4_keys(fmt: Format) -> list[str]:
    return fmt.table4_keys()


def table_keys(report: dict) -> list[str]:
    """Every table cell key of the report, in table order."""
    return [k for k in report if not k.startswith("meta.") and k != "prose"]


def flat(report: dict) -> dict:
    """The flat data the parser should give for the report: everything but the prose."""
    return {k: v for k, v in report.items() if k != "prose"}


@st.composite
def agencies(draw) -> str:
    return draw(st.sampled_from(_PLACES)) + draw(st.sampled_from(_DEPARTMENTS))


@st.composite
def _table3(draw, fmt: Format) -> dict:
    columns = [c.key for c in fmt.table3_columns]
    parts = list(fmt.sets["applicant_parts"])
    total_column = next(c for c in columns if c not in parts)
    results = list(fmt.sets["result_rows"])
    rows = [r.key for r in fmt.table3_rows]
    sums = [r for r in rows if r not in results and r not in ("new", "carried_over", "carried_forward")]
    out: dict[str, int] = {}
    for c in parts:
        values = draw(st.lists(counts, min_size=len(results), max_size=len(results)))
        for r, v in zip(results, values, strict=True):
            out[f"applications.{r}.{c}"] = v
        total = sum(values)
        for r in sums:  # （七）总计
            out[f"applications.{r}.{c}"] = total
        forward = draw(counts)
        over = draw(st.integers(0, total + forward))
        out[f"applications.carried_forward.{c}"] = forward
        out[f"applications.carried_over.{c}"] = over
        out[f"applications.new.{c}"] = total + forward - over
    for r in rows:
        out[f"applications.{r}.{total_column}"] = sum(out[f"applications.{r}.{c}"] for c in parts)
    return {f"applications.{r}.{c}": out[f"applications.{r}.{c}"] for r in rows for c in columns}


@st.composite
def _table4(draw, fmt: Format) -> dict:
    parts = list(fmt.sets["appeal_parts"])
    out: dict[str, int] = {}
    for g in fmt.table4_groups:
        values = draw(st.lists(counts, min_size=len(parts), max_size=len(parts)))
        for c in fmt.table4_columns:
            out[f"{g.key}.{c.key}"] = values[parts.index(c.key)] if c.key in parts else sum(values)
    return out


@st.composite
def _table2(draw, fmt: Format) -> dict:
    out: dict[str, object] = {}
    for block in fmt.table2:
        for r in block.rows:
            for c in block.columns:
                if c.key in fmt.decimal_columns:
                    strategy = amounts
                elif c.key in fmt.signed_columns:
                    strategy = signed_counts
                else:
                    strategy = counts
                out[f"proactive.{r.key}.{c.key}"] = draw(strategy)
    for bound in fmt.bounds:  # soft bounds hold too: left >= right
        for binding in fmt.bindings(bound.for_each):
            left, right = bound.left.format(**binding), bound.right.format(**binding)
            if left in out and right in out and out[left] < out[right]:
                out[left] = out[right] + draw(st.integers(0, 20))
    return out


@st.composite
def consistent_reports(draw, template: str | None = None, prose: bool = True) -> dict:
    """A random report of one official format in which every identity and bound holds."""
    fmt = all_formats()[template] if template else all_formats()[draw(st.sampled_from(FORMAT_IDS))]
    last = fmt.last_year or fmt.first_year + 4
    year = draw(st.integers(fmt.first_year, last))
    report: dict[str, object] = {
        "meta.year": year,
        "meta.agency": draw(agencies()),
        "meta.template": fmt.id,
    }
    if draw(st.booleans()):
        month, day = draw(st.integers(1, 3)), draw(st.integers(1, 28))
        report["meta.published"] = f"{year + 1:04d}-{month:02d}-{day:02d}"
    report.update(draw(_table2(fmt)))
    report.update(draw(_table3(fmt)))
    report.update(draw(_table4(fmt)))
    if prose and draw(st.booleans()):
        report["prose"] = {n: draw(st.lists(st.sampled_from(texts), min_size=1, max_size=3,
                                            unique=True))
                           for n, texts in _PROSE.items()}
    return report


@st.composite
def blanked(draw, report: dict) -> dict:
    """The report with some table cells left blank (None): single cells, or whole rows."""
    keys = table_keys(report)
    out = dict(report)
    for key in draw(st.lists(st.sampled_from(keys), max_size=8, unique=True)):
        out[key] = None
    if draw(st.booleans()):  # a whole row left blank
        key = draw(st.sampled_from(keys))
        row = key.rsplit(".", 1)[0] + "."
        for k in keys:
            if k.startswith(row) and k.count(".") == key.count("."):
                out[k] = None
    return out


quirk_sets = st.builds(
    Quirks,
    broken_headers=st.booleans(), none_word=st.booleans(), blanks=st.booleans(),
    fullwidth_digits=st.booleans(), duplicate_cell=st.booleans(), upheld_typo=st.booleans(),
    halfwidth_brackets=st.booleans(), seed=st.integers(0, 2**32 - 1),
)

layouts = st.sampled_from(("cell-per-line", "tab", "pipe"))
