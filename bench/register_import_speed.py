"""How fast a register file imports (target: 20,000 applications/s or more on SQLite), in how much memory
(target: under 300 MB for 1,000,000 rows), and how fast table 三 counts.

Writes a realistic CSV of applications (default 200,000: receipt dates over five years, all six applicant
types, about 5% still open, a fifth with a correction, a sixth extended, a tenth with a consultation, a few
with fees, every official outcome) into a temporary folder, imports it into a fresh SQLite file and, when the
server answers, into a fresh PostgreSQL schema (dropped afterwards), and prints rows/s and the peak memory of
the import. Each import runs in a child process of its own (this script again, with --child), so the peak is
the import's alone: the child's ru_maxrss, from os.wait4. Then it times the GROUP BY that table 三 needs
(results by answer year × outcome × applicant type, new applications by receipt year × applicant type) over
everything imported.

    python bench/register_import_speed.py [--rows 200000] [--copies 1] [--postgres URL | --no-postgres] [--no-sqlite]

--copies N imports the file N times (as N agencies) before the aggregation, e.g. --copies 5 for a million rows;
--rows 1000000 imports a million rows in one file (the memory target).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
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


def child(target: str, csv_path: str, agency: str) -> None:
    """The import itself, in a process of its own: prints its rows and seconds as JSON."""
    reg = open_register(target)
    try:
        add_agency(reg, agency, user="bench")
        start = time.perf_counter()
        result = import_file(reg, csv_path, agency, user="bench", today=TODAY)
        print(json.dumps({"rows": result.rows, "seconds": time.perf_counter() - start}))
    finally:
        reg.close()


def import_in_child(target: str, csv_path: Path, agency: str) -> tuple[float, float]:
    """(rows/s, peak resident memory in MB) of one import run in a child process."""
    process = subprocess.Popen([sys.executable, __file__, "--child", target, str(csv_path), agency],
                               stdout=subprocess.PIPE, text=True)
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"the import failed (exit {process.returncode})")
    result = json.loads(output)
    kilobytes = usage.ru_maxrss / (1024 if sys.platform == "darwin" else 1)  # bytes on macOS, KiB on Linux
    return result["rows"] / result["seconds"], kilobytes / 1024


def run(name: str, target: str, csv_path: Path, rows: int, copies: int) -> None:
    open_register(target).close()  # created and migrated before the timed imports
    rates, peaks = [], []
    for copy in range(copies):
        rate, peak = import_in_child(target, csv_path, f"测试市人民政府办公室{copy}")
        rates.append(rate)
        peaks.append(peak)
    print(f"{name}: imported {rows:,} applications × {copies}: "
          + ", ".join(f"{r:,.0f} rows/s" for r in rates) + " (target ≥ 20,000); peak memory "
          + ", ".join(f"{p:,.0f} MB" for p in peaks) + " (target < 300 MB for 1,000,000 rows)")
    reg = open_register(target)
    try:
        by_answer, by_receipt, total = _aggregate(reg)
        print(f"{name}: table 三 GROUP BY over {total:,} applications: results {by_answer:.2f} s, "
              f"new by receipt year {by_receipt:.2f} s (target < 2 s for 1,000,000)")
    finally:
        reg.close()


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        child(*sys.argv[2:5])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--postgres", default=POSTGRES)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        csv_path = Path(folder) / "applications.csv"
        write_csv(csv_path, args.rows)
        print(f"generated {csv_path.name}: {args.rows:,} rows, {csv_path.stat().st_size / 1e6:.1f} MB")
        if not args.no_sqlite:
            run("SQLite", str(Path(folder) / "register.sqlite"), csv_path, args.rows, args.copies)
        if not args.no_postgres:
            with postgres_schema(args.postgres) as url:
                if url:
                    run("PostgreSQL", url, csv_path, args.rows, args.copies)


if __name__ == "__main__":
    main()
