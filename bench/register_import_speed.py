"""How fast a register file imports (target: 20,000 applications/s or more on SQLite), and how fast table 三 counts.

Writes a realistic CSV of applications (default 200,000: receipt dates over five years, all six applicant
types, about 5% still open, a fifth with a correction, a sixth extended, a tenth with a consultation, a few
with fees, every official outcome) into a temporary folder, imports it into a fresh SQLite file and, when the
server answers, into a fresh PostgreSQL schema (dropped afterwards), and prints rows/s. Then it times the
GROUP BY that table 三 needs (results by answer year × outcome × applicant type, new applications by receipt
year × applicant type) over everything imported.

    python bench/register_import_speed.py [--rows 200000] [--copies 1] [--postgres URL | --no-postgres]

--copies N imports the file N times (as N agencies) before the aggregation, e.g. --copies 5 for a million rows.
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select

from gongkai.register.db import Application, open_register
from gongkai.register.outcomes import applicants, outcomes
from gongkai.register.store import add_agency
from gongkai.register.tabular import APPLICATIONS, import_file
from postgres_schema import POSTGRES, postgres_schema

TODAY = date(2026, 1, 31)
_SUBJECTS = ("某地块征收补偿安置方案", "2024年度部门预算执行情况", "某项目环境影响评价审批文件", "行政处罚决定书",
             "某路段道路改造工程招标文件", "城市更新专项规划", "某企业排污许可证及监测数据", "农村宅基地审批材料")


def _application(rng: random.Random, number: int, outcome_labels: list[str], applicant_labels: list[str]) -> list:
    received = date(2021, 1, 4) + timedelta(days=rng.randrange(1800))
    row = {"编号": f"YSQ{received.year}-{number:07d}", "收到日期": received.isoformat(),
           "渠道": rng.choice(("网络", "网络", "邮寄", "当面", "传真")),
           "申请人类型": rng.choices(applicant_labels, weights=(70, 15, 2, 3, 5, 5))[0],
           "申请内容": f"申请公开{rng.choice(_SUBJECTS)}"}
    day = received
    if rng.random() < 0.2:
        day += timedelta(days=rng.randrange(1, 8))
        row["补正告知日期"] = day.isoformat()
        day += timedelta(days=rng.randrange(1, 15))
        row["补正收到日期"] = day.isoformat()
    if rng.random() < 0.1:
        day += timedelta(days=rng.randrange(1, 10))
        row["征求意见开始"] = day.isoformat()
        day += timedelta(days=rng.randrange(1, 16))
        row["征求意见结束"] = day.isoformat()
    if rng.random() < 0.17:
        row["延期"] = rng.choice(("是", "需要调取档案，经负责人批准延期"))
    if rng.random() < 0.02:
        day += timedelta(days=1)
        row["收费通知日期"] = day.isoformat()
        day += timedelta(days=rng.randrange(1, 20))
        row["缴费日期"] = day.isoformat()
        row["收费"] = str(rng.choice((100, 200, 310, 1250)))
    answered = day + timedelta(days=rng.randrange(0, 40))
    if rng.random() >= 0.05 and answered <= TODAY:
        row["答复日期"] = answered.strftime(rng.choice(("%Y-%m-%d", "%Y/%m/%d")))
        row["办理结果"] = rng.choices(outcome_labels, weights=[40, 15] + [1] * (len(outcome_labels) - 2))[0]
    return [row.get(header, "") for header in APPLICATIONS.headers]


def write_csv(path: Path, rows: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    outcome_labels = [outcomes().label(key) for key in outcomes().keys]
    applicant_labels = [applicants().label(key) for key in applicants().keys]
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(APPLICATIONS.headers)
        for number in range(rows):
            writer.writerow(_application(rng, number, outcome_labels, applicant_labels))


def _aggregate(reg) -> tuple[float, float, int]:
    """Table 三 for every agency and year: results by answer year, new applications by receipt year."""
    a = Application
    active = a.withdrawn_at.is_(None)
    results = (select(a.agency_id, a.answered_year, a.outcome, a.applicant, func.count())
               .where(active, a.answered_year.is_not(None))
               .group_by(a.agency_id, a.answered_year, a.outcome, a.applicant))
    new = (select(a.agency_id, a.received_year, a.applicant, func.count()).where(active)
           .group_by(a.agency_id, a.received_year, a.applicant))
    timings = []
    with reg.sessions() as session:
        total = session.scalar(select(func.count()).select_from(a).where(active))
        for query in (results, new):
            start = time.perf_counter()
            session.execute(query).all()
            timings.append(time.perf_counter() - start)
    return timings[0], timings[1], total


def run(name: str, target: str, csv_path: Path, rows: int, copies: int) -> None:
    reg = open_register(target)
    try:
        rates = []
        for copy in range(copies):
            agency = f"测试市人民政府办公室{copy}"
            add_agency(reg, agency, user="bench")
            start = time.perf_counter()
            result = import_file(reg, csv_path, agency, user="bench", today=TODAY)
            rates.append(result.rows / (time.perf_counter() - start))
        print(f"{name}: imported {rows:,} applications × {copies}: "
              + ", ".join(f"{r:,.0f} rows/s" for r in rates) + " (target ≥ 20,000)")
        by_answer, by_receipt, total = _aggregate(reg)
        print(f"{name}: table 三 GROUP BY over {total:,} applications: results {by_answer:.2f} s, "
              f"new by receipt year {by_receipt:.2f} s (target < 2 s for 1,000,000)")
    finally:
        reg.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--postgres", default=POSTGRES)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        csv_path = Path(folder) / "applications.csv"
        write_csv(csv_path, args.rows)
        print(f"generated {csv_path.name}: {args.rows:,} rows, {csv_path.stat().st_size / 1e6:.1f} MB")
        run("SQLite", str(Path(folder) / "register.sqlite"), csv_path, args.rows, args.copies)
        if not args.no_postgres:
            with postgres_schema(args.postgres) as url:
                if url:
                    run("PostgreSQL", url, csv_path, args.rows, args.copies)


if __name__ == "__main__":
    main()
