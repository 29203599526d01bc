"""`gongkai serve --demo`: a throwaway register to look at, filled with a year of generated work.

Two agencies of one city (示范市), a year and a half of generated applications (answered ones with an outcome,
the recent ones still open, some with a correction, an extension or a fee), review and litigation cases,
published documents, table 二's yearly counts, and the five example reports of `examples/seeds/` stored as closed
years of their own agencies (what a supervising office sees of earlier years) and submitted to the city's office
as files, in various states of 收集 (one published, one accepted, one returned with its defect confirmed, two
failing the checks), with the demo agency's own report of last year submitted from its register. A demo officer and
a demo supervisor get random passwords, printed when the demo starts.

`application_rows` also makes the 100,000 applications of `bench/web_speed.py`.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from gongkai.register.db import Application, Case, Document, Register, year_columns

RECENT = timedelta(days=120)  # the demo's forgotten applications are among the recent ones
REGION = "示范市"
AGENCY = "示范市交通运输局"
OTHER_AGENCY = "示范市生态环境局"
OFFICER, OTHER_OFFICER, SUPERVISOR, ADMIN = "demo-officer", "demo-officer2", "demo-supervisor", "demo-admin"
SEED_REGION = "示例报告"
SUBJECTS = (
    "某路段改造工程的立项批复和资金来源", "本单位2025年度部门预算和决算", "某公交线路调整的论证材料",
    "出租车经营权配置的相关文件", "某桥梁维修工程的招标文件和中标结果", "道路运输经营许可的办理情况",
    "某停车场收费标准的制定依据", "交通违法处罚决定书", "某项目环境影响评价报告", "网约车平台的监管记录",
    "农村公路建设计划", "某货运站场的规划许可", "城市轨道交通线网规划", "本人申请材料的办理记录",
)
TOPICS = ("道路运输", "公共交通", "停车管理", "交通工程")
NAMES = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴昊", "徐婷", "孙强")
CHANNELS = ("网络", "当面", "邮寄", "网络", "网络", "传真")
OUTCOME_WEIGHTS = {"granted": 40, "partially_granted": 12, "unable.not_held": 18, "withheld.process_info": 5,
                   "withheld.third_party_rights": 3, "not_processed.petition": 6, "not_processed.duplicate": 4,
                   "unable.unclear": 4, "other.other": 3, "withheld.internal_affairs": 3, "other.no_correction": 2}
APPLICANT_WEIGHTS = {"natural_person": 80, "commercial": 10, "legal_services": 4, "research": 2,
                     "social_welfare": 1, "other_org": 3}


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _working_days_after(day: date, n: int) -> date:
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def application_row(agency: int, number: str, received: date, today: date, rng: random.Random,
                    forgotten: float = 0.0) -> dict[str, Any]:
    """One generated application: answered within its time unless received in the last few weeks (or, with the
    probability `forgotten`, never: an overdue one for the desk to show)."""
    row: dict[str, Any] = {
        "agency_id": agency, "number": number, "received": received, "channel": rng.choice(CHANNELS),
        "applicant": _pick(rng, APPLICANT_WEIGHTS), "applicant_name": rng.choice(NAMES),
        "contact": f"1{rng.randint(3, 9)}{rng.randint(100000000, 999999999)}", "subject": rng.choice(SUBJECTS),
        "extended": False, "extension_reason": None, "correction_asked": None, "correction_received": None,
        "consultation_started": None, "consultation_ended": None, "fee_notice": None, "fee_paid": None,
        "fee": None, "answered": None, "outcome": None,
    }
    if rng.random() < 0.06:
        row["correction_asked"] = _working_days_after(received, rng.randint(2, 6))
        fixed = _working_days_after(row["correction_asked"], rng.randint(2, 10))
        row["correction_received"] = fixed if fixed <= today else None
    if rng.random() < 0.08:
        row["extended"], row["extension_reason"] = True, "需要调取档案，延期答复"
    answer = _working_days_after(received, rng.randint(5, 35 if row["extended"] else 19))
    if row["correction_received"]:
        answer = max(answer, _working_days_after(row["correction_received"], rng.randint(3, 15)))
    waiting = row["correction_asked"] is not None and row["correction_received"] is None
    if answer <= today and not waiting and (forgotten == 0.0 or rng.random() >= forgotten):
        row["answered"], row["outcome"] = answer, _pick(rng, OUTCOME_WEIGHTS)
    return year_columns(Application, row)


def application_rows(agency: int, start: date, end: date, count: int, today: date, rng: random.Random,
                     prefix: str = "", forgotten: float = 0.0) -> Iterator[dict[str, Any]]:
    """`count` applications received between `start` and `end`, numbered by year (2026-0001, …)."""
    span = (end - start).days
    days = sorted(start + timedelta(days=rng.randint(0, span)) for _ in range(count))
    running: dict[int, int] = {}
    for received in days:
        running[received.year] = running.get(received.year, 0) + 1
        number = f"{prefix}{received.year}-{running[received.year]:05d}"
        yield application_row(agency, number, received, today, rng, forgotten if today - received < RECENT else 0.0)


@dataclass(frozen=True)
class DemoPeople:
    officer: tuple[str, str]
    other_officer: tuple[str, str]
    supervisor: tuple[str, str]
    admin: tuple[str, str]


def _people(reg: Register) -> DemoPeople:
    from gongkai.register.accounts import add_user, ensure_region

    ensure_region(reg, REGION, user="demo")
    made = {}
    who = ((OFFICER, "officer", AGENCY, None), (OTHER_OFFICER, "officer", OTHER_AGENCY, None),
           (SUPERVISOR, "supervisor", None, REGION), (ADMIN, "admin", None, None))
    for name, role, agency, region in who:
        password = secrets.token_urlsafe(9)
        add_user(reg, name, password, role, agency=agency, region=region, user="demo")
        made[name] = (name, password)
    from gongkai.register.accounts import ensure_agency

    for agency in (AGENCY, OTHER_AGENCY):
        ensure_agency(reg, agency, region=REGION, user="demo")
    return DemoPeople(made[OFFICER], made[OTHER_OFFICER], made[SUPERVISOR], made[ADMIN])


def _records(reg: Register, agency: int, today: date, rng: random.Random, count: int) -> None:
    from gongkai.register.store import audit_import
    from gongkai.register.tabular import insert_rows

    start = date(today.year - 1, 1, 1)
    rows = list(application_rows(agency, start, today, count, today, rng, forgotten=0.05))
    cases, documents = _cases(agency, rows, today, rng), _documents(agency, today, rng)
    with reg.writing() as session:
        ids = insert_rows(session, Application, rows)
        audit_import(session, Application, "demo", ids, "demo", agency)
        numbers = {row["number"]: record_id for row, record_id in zip(rows, ids, strict=True)}
        for case in cases:
            case["application_id"] = numbers.get(case.pop("application_number"))
        audit_import(session, Case, "demo", insert_rows(session, Case, cases), "demo", agency)
        audit_import(session, Document, "demo", insert_rows(session, Document, documents), "demo", agency)


def _cases(agency: int, rows: list[dict[str, Any]], today: date, rng: random.Random) -> list[dict[str, Any]]:
    answered = [row for row in rows if row["answered"] and row["outcome"] != "granted"]
    out = []
    for i, row in enumerate(rng.sample(answered, min(8, len(answered)))):
        filed = _working_days_after(row["answered"], rng.randint(10, 40))
        if filed > today:
            continue
        closed = _working_days_after(filed, rng.randint(20, 60))
        done = closed <= today
        out.append(year_columns(Case, {
            "agency_id": agency, "number": f"{'复议' if i % 3 else '诉讼'}{filed.year}-{i + 1:02d}",
            "kind": "review" if i % 3 else "litigation_direct", "filed": filed,
            "result": rng.choice(("upheld", "upheld", "corrected", "other")) if done else "pending",
            "closed": closed if done else None, "application_number": row["number"]}))
    return out


def _documents(agency: int, today: date, rng: random.Random) -> list[dict[str, Any]]:
    out = []
    for i in range(12):
        issued = date(today.year - rng.randint(0, 3), rng.randint(1, 12), rng.randint(1, 28))
        if issued > today:
            issued = today - timedelta(days=rng.randint(1, 200))
        kind = "rules" if i < 2 else "normative_docs"
        number = f"示交{'令' if kind == 'rules' else '规'}〔{issued.year}〕{i + 1}号"
        repealed = issued + timedelta(days=400) if i % 5 == 4 and issued + timedelta(days=400) <= today else None
        out.append(year_columns(Document, {"agency_id": agency, "kind": kind, "number": number,
                                           "title": f"示范市{rng.choice(TOPICS)}管理办法（第{i + 1}号）",
                                           "issued": issued, "repealed": repealed}))
    return out


def _counts(reg: Register, agency: str, today: date, rng: random.Random) -> None:
    from gongkai.register.outcomes import yearly_count_keys
    from gongkai.register.report import format_id
    from gongkai.register.store import set_yearly_count
    from gongkai.web.desk import _in_format

    for key in sorted(k for k in yearly_count_keys() if _in_format(k, format_id())):
        value = Decimal(rng.randint(20, 900)) if not key.endswith("amount") else Decimal(rng.randint(50, 500)) / 10
        set_yearly_count(reg, agency, today.year - 1, key, value, user="demo")


def _seeds(reg: Register, folder: Path) -> int:
    """The example reports as closed years of their own agencies."""
    from gongkai.inputs import parse_file
    from gongkai.register.accounts import ensure_agency, ensure_region
    from gongkai.register.closing import store_closing
    from gongkai.register.report import format_id

    ensure_region(reg, SEED_REGION, REGION, user="demo")  # under the demo city: its supervisor sees them
    stored = 0
    for path in sorted(folder.glob("*.txt")):
        report = parse_file(path)
        flat = report.flat()
        if not report.meta.agency or not report.meta.year:
            continue
        agency = ensure_agency(reg, report.meta.agency, report.meta.kind, region=SEED_REGION, user="demo")
        with reg.writing() as session:
            store_closing(session, agency, report.meta.year, flat, format_id(), previous=None,
                          reason=None, user="demo")
        stored += 1
    return stored


# What the office did with each example report (by file name), for the 收集 board of the demo.
SEED_STATES = {"000_1fa4e0cf87918f09.txt": "published", "001_205d0fb765df4a20.txt": "accepted",
               "002_8183807e426b0491.txt": "returned"}
RETURN_NOTE = "表二缺少规章的本年制发、本年废止和现行有效件数，请补充后重新报送。"


def _submissions(reg: Register, folder: Path) -> None:
    """The example reports submitted to the office as files, each taken to the state of SEED_STATES."""
    from sqlalchemy import select

    from gongkai.register import submissions as subs
    from gongkai.register.db import Agency

    with reg.sessions() as session:
        agencies = {row.id: row.name for row in session.execute(select(Agency.id, Agency.name))}
    for path in sorted(folder.glob("*.txt")):
        read = subs.read_submission(str(path))
        found = subs.match(read, agencies)
        if found.agency_id is None:
            continue
        submission = subs.submit(reg, found.agency_id, read, path.name, path.read_bytes(), user=SUPERVISOR)
        _take_to(reg, submission, read, SEED_STATES.get(path.name))


def _take_to(reg: Register, submission: int, read: Any, state: str | None) -> None:
    from gongkai.register import submissions as subs

    if state == "returned":
        for index, finding in enumerate(read.findings):
            decision = "confirmed" if finding["code"].startswith("S") else "dismissed"
            subs.decide(reg, submission, index, decision, None, user=SUPERVISOR)
        subs.return_report(reg, submission, RETURN_NOTE, user=SUPERVISOR)
    elif state in ("accepted", "published"):
        subs.accept(reg, submission, user=SUPERVISOR)
        if state == "published":
            subs.publish(reg, submission, user=SUPERVISOR)


def seeds_folder() -> Path | None:
    """examples/seeds/ of a source checkout (the demo runs without it, only without the example reports)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "examples" / "seeds"
        if candidate.is_dir():
            return candidate
    return None


def build_demo(reg: Register, today: date | None = None, applications: int = 600) -> tuple[DemoPeople, int]:
    """Fill an empty register with the demo; the people (name, password) and how many example reports it holds."""
    from gongkai.register.accounts import ensure_agency

    today = today or date.today()
    rng = random.Random(20260210)
    people = _people(reg)
    agency = ensure_agency(reg, AGENCY, user="demo")
    other = ensure_agency(reg, OTHER_AGENCY, user="demo")
    _records(reg, agency, today, rng, applications)
    _records(reg, other, today, rng, applications // 4)
    _counts(reg, AGENCY, today, rng)
    from gongkai.web.collect import register_submission

    register_submission(reg, agency, AGENCY, today.year - 1, OFFICER)  # 报送 from the register
    folder = seeds_folder()
    if folder is None:
        return people, 0
    stored = _seeds(reg, folder)
    _submissions(reg, folder)
    return people, stored
