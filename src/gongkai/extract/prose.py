"""The prose of a report: its title, six section headings, and the printed date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from gongkai.formats import Format
from gongkai.labels import SECTION_NUMERALS, core, normalize_text
from gongkai.readers.document import Paragraph

_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "Ｏ": 0, "O": 0}
_HEADING = re.compile(
    r"^\s*(?P<num>第?[一二三四五六七八九十]{1,2}\s*[、.．]|\d{1,2}\s*[、.．](?!\d)|[一二三四五六]\s)?\s*(?P<title>\S.*)$"
)
_SUB_NUMBERING = re.compile(r"^\s*[（(]")
_TITLE_END = re.compile(r"(年度报告|工作报告|年报)\s*$")
_YEAR = r"(?P<year>(?:19|20)\d{2}|[〇零○一二三四五六七八九]{4})"
_SUBJECT = r"(?:政府信息公开|政务公开|信息公开)"
_AGENCY_FIRST = re.compile(rf"^(?P<agency>.*?)\s*(?:关于)?\s*{_YEAR}\s*年\s*度?\s*(?:的)?\s*{_SUBJECT}")
_YEAR_FIRST = re.compile(rf"^{_YEAR}\s*年\s*度?\s*(?P<agency>.*?)\s*(?:政府信息公开|政务公开|信息公开)")
_CN_DAY = r"\d{1,2}|[一二三四五六七八九十]{1,3}"
_CN_YEAR = r"\d{4}|[〇零○一二三四五六七八九]{4}"
_DATE = re.compile(rf"^\s*(?P<y>{_CN_YEAR})\s*年\s*(?P<m>{_CN_DAY})\s*月\s*(?P<d>{_CN_DAY})\s*日\s*$")


@dataclass(slots=True)
class Heading:
    """A paragraph that is the title of one of the official sections."""

    number: int  # which official section the title names
    numbering: str  # as printed, e.g. 一、 or 4、
    text: str
    index: int  # position of the paragraph among the document's blocks


def chinese_number(text: str) -> int:
    """一 → 1, 十一 → 11, 二〇二三 → 2023 (digit by digit when there is no 十)."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return int("".join(str(_CN_DIGITS[c]) for c in text))


def match_heading(text: str, fmt: Format) -> tuple[int, str] | None:
    """(section number, printed numbering) when text is one of the six section headings."""
    if len(text) > 60:
        return None
    text = normalize_text(text).strip()
    if _SUB_NUMBERING.match(text) or len(text) > 40:
        return None
    m = _HEADING.match(text)
    if not m:
        return None
    title = core(m["title"]).rstrip(":")
    numbering = (m["num"] or "").strip()
    for section in fmt.sections:
        names = [core(section.label), *(core(v) for v in section.variants)]
        if title in names or (numbering and any(n in title and len(title) <= len(n) + 8 for n in names)):
            return int(section.key), numbering
    if numbering:  # a misprint in a numbered heading: 四、政府信息公开行政法复议、行政诉讼情况
        for section in fmt.sections:
            if misprinted(title, section):
                return int(section.key), numbering
    return None


TYPO_MIN = 6  # headings shorter than this are too short to tell a misprint from another heading


def misprinted(title: str, section) -> bool:
    """The heading (normalised) is an official heading (or variant) with one character added, dropped or
    replaced, or two in a long one."""
    names = (core(section.label), *(core(v) for v in section.variants))
    if title in names:
        return False
    for name in names:
        if (len(name) >= TYPO_MIN and (title[:2] == name[:2] or title[-2:] == name[-2:])
                and edits_within(title, name, 2 if len(name) >= 12 else 1)):  # a misprint leaves an end as it is
            return True
    return False


def edits_within(a: str, b: str, limit: int) -> bool:
    """Is the edit distance between a and b at most `limit`? (headings are short: a plain table)"""
    if abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        if min(current) > limit:
            return False
        previous = current
    return previous[-1] <= limit


def misprinted_heading(heading: Heading, fmt: Format) -> str | None:
    """The official wording of a heading that was recognised despite a misprint, else None."""
    m = _HEADING.match(normalize_text(heading.text).strip())
    title = core(m["title"]).rstrip(":") if m else ""
    section = next((s for s in fmt.sections if int(s.key) == heading.number), None)
    if section is None or not misprinted(title, section):
        return None
    names = [core(section.label), *(core(v) for v in section.variants)]
    if title in names or any(n in title for n in names):
        return None
    return expected_numbering(heading.number) + section.label


def expected_numbering(number: int) -> str:
    return SECTION_NUMERALS[number - 1] + "、"


def numbering_ok(printed: str, number: int) -> bool:
    """The official style: 一、 … 六、 (a full stop instead of 、 is tolerated)."""
    digits = printed.rstrip("、.．").strip().removeprefix("第")
    return digits == SECTION_NUMERALS[number - 1]


def find_headings(paragraphs: list[tuple[int, Paragraph]], fmt: Format) -> list[Heading]:
    found: list[Heading] = []
    seen: set[int] = set()
    for index, para in paragraphs:
        hit = match_heading(para.text, fmt)
        if hit and hit[0] not in seen:
            seen.add(hit[0])
            found.append(Heading(hit[0], hit[1], para.text, index))
    return found


# A portal's line about the article (发布时间：… 来源：… 浏览次数：…): never part of the title.
_ARTICLE_INFO = re.compile(r"^\s*(发布时间|发布日期|发文日期|来源|信息来源|浏览次数|点击数|阅读次数|作者|字号|【字体)"
                           r"\s*[:：]?")


def find_title(paragraphs: list[Paragraph]) -> str | None:
    """The title: the first short lines, joined until they end like a report title."""
    parts: list[str] = []
    for para in [p for p in paragraphs if not _ARTICLE_INFO.match(p.text)][:4]:
        text = para.text.strip()
        if len(text) > 60:
            break
        parts.append(text)
        if _TITLE_END.search("".join(parts)):  # a title wrapped as …年度 / 报告 ends only when joined
            return "".join(parts)
    return None


# Who publishes by 3月31日 (第四十九条): a government for its region. A people's government or its general
# office (办公厅) publishing for it, a zone's administrative committee (管委会 of a 开发区, 高新区…), or a title
# naming only the region (高安市2023年政府信息公开工作年度报告: the region's summary report).
_GOVERNMENT = re.compile(r"(人民政府|人民政府办公厅|政府办公厅)$")
_ZONE = re.compile(r"(开发区|高新区|经开区|新区|园区|自贸区|试验区|示范区|管理区|保税区|合作区|度假区|风景区)"
                   r"[^局委办厅院所站队部室组处]{0,6}(管委会|管理委员会)$")
_REGION_ENDS = ("省", "自治区", "市", "自治州", "州", "盟", "县", "自治县", "旗", "区", "镇", "乡", "街道")
_DEPARTMENT_WORD = re.compile(r"局|委|办|中心|厅|院|所|站|队|公司|部|室|组|会|处|馆|署|社|行|庭")
_BRACKETED = re.compile(r"[(（][^()（）]*[)）]")


def agency_kind(agency: str | None) -> str:
    """"government" (publishes by 3月31日) or "department" (1月31日), from the agency as the title names it."""
    if not agency:
        return "department"
    name = _BRACKETED.sub("", normalize_text(agency)).strip()
    if _GOVERNMENT.search(name) or _ZONE.search(name):
        return "government"
    if _names_a_region(name) and not _DEPARTMENT_WORD.search(name):
        return "government"
    return "department"


def _names_a_region(name: str) -> bool:
    """1 to 20 Chinese characters and a region's word at the end (高安市, 内蒙古自治区). Not a regular expression:
    the class of every Chinese character compiles into a table that cost more than the rest of this module."""
    if not all("\u4e00" <= char <= "\u9fff" for char in name):
        return False
    return any(name.endswith(end) and 1 <= len(name) - len(end) <= 20 for end in _REGION_ENDS)


def parse_title(title: str) -> tuple[str | None, int | None]:
    """(agency, year) from a title such as 高安市…管委会2023年政府信息公开工作年度报告."""
    for pattern in (_AGENCY_FIRST, _YEAR_FIRST):
        m = pattern.match(title)
        if m:
            agency = m["agency"].strip(" \u3000：:") or None
            return agency, chinese_number(m["year"])
    return None, None


def find_date(paragraphs: list[Paragraph]) -> tuple[str | None, int | None]:
    """The date printed at the end of the report (YYYY-MM-DD) and its paragraph's position."""
    start = max(0, len(paragraphs) - 6)
    for i in range(len(paragraphs) - 1, start - 1, -1):
        m = _DATE.match(normalize_text(paragraphs[i].text))
        if not m:
            continue
        try:
            printed = date(chinese_number(m["y"]), chinese_number(m["m"]), chinese_number(m["d"]))
        except ValueError:
            continue  # 2月30日 and the like: not a date, so no date
        return printed.isoformat(), i
    return None, None


# How agency names end: a lone closing line that ends so, with no sentence punctuation, is a signature.
_AGENCY_END = re.compile(r"(局|委员会|委|政府|办公室|办|中心|管委会|厅|院|署|所|站|处|队|会|公司|部|室|组)$")
_SENTENCE = re.compile(r"[。，；：,;:！？!?]")


def _signature_like(text: str, agency: str | None) -> bool:
    text = text.strip()
    if not 2 < len(text) <= 40 or _SENTENCE.search(text):
        return False
    return bool(agency and core(agency) in core(text)) or bool(_AGENCY_END.search(text))


def find_signature(paragraphs: list[Paragraph], date_at: int | None) -> str | None:
    """The agency signed above the date, when a short line stands there."""
    if date_at is None or date_at == 0:
        return None
    text = paragraphs[date_at - 1].text.strip()
    return text if 2 < len(text) <= 40 and not _SENTENCE.search(text) else None


@dataclass(slots=True)
class Closing:
    """The signature and date that end a report, and where they start among the paragraphs."""

    published: str | None
    signature: str | None
    start: int | None  # index of the first closing paragraph, when the closing ends the document


def find_closing(paragraphs: list[Paragraph], agency: str | None) -> Closing:
    """Date and signature at the end; a signature line alone counts when it names an agency."""
    published, date_at = find_date(paragraphs)
    signature = find_signature(paragraphs, date_at)
    last = len(paragraphs) - 1
    if date_at is not None:
        at_end = date_at == last
        start = (date_at - 1 if signature else date_at) if at_end else None
        return Closing(published, signature, start)
    if paragraphs and _signature_like(paragraphs[last].text, agency):
        return Closing(None, paragraphs[last].text.strip(), last)
    return Closing(None, None, None)
