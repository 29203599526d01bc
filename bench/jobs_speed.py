"""`gongkai check` over 2,000 text reports: every core (the default --jobs) against one (--jobs 1).

Writes the reports (the bundled seeds, each copy under another agency's name and with its counts varied) into a
temporary folder, then runs `gongkai check FOLDER` as a child process, alternately with the default jobs and
with `--jobs 1`, several rounds, and prints each run's time, the reports per second, and the ratio of the
medians (goal: 1.8 or more on 2 cores). Both must print the same thing; the script says so or fails.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "examples" / "seeds"
PLACES = ["江宁区", "鼓楼区", "玄武区", "秦淮区", "建邺区", "栖霞区", "雨花台区", "浦口区", "六合区", "溧水区"]


def write_corpus(folder: Path, count: int) -> None:
    seeds = []
    for path in sorted(SEEDS.glob("*.txt")):
        agency = json.loads(path.with_suffix("").with_suffix(".truth.json").read_text(encoding="utf-8"))
        seeds.append((path.read_text(encoding="utf-8"), agency["meta.agency"]))
    rng = random.Random(17)
    for i in range(count):
        text, agency = seeds[i % len(seeds)]
        other = f"{PLACES[i // len(seeds) % len(PLACES)]}{agency}{i // (len(seeds) * len(PLACES)) or ''}"
        text = text.replace(agency, other)
        text = re.sub(r"(?m)^\t(\d+)$", lambda m: f"\t{int(m[1]) + rng.randrange(3)}", text)
        (folder / f"report-{i:05d}.txt").write_text(text, encoding="utf-8")


def run(folder: Path, jobs: list[str]) -> tuple[float, str, int]:
    command = [sys.executable, "-m", "gongkai", "check", str(folder), *jobs]
    start = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    return elapsed, hashlib.sha256(proc.stdout + proc.stderr).hexdigest(), proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_corpus(folder, args.reports)
        times: dict[str, list[float]] = {"default": [], "--jobs 1": []}
        outputs = set()
        for _ in range(args.rounds):
            for name, jobs in (("default", []), ("--jobs 1", ["--jobs", "1"])):
                elapsed, digest, code = run(folder, jobs)
                times[name].append(elapsed)
                outputs.add((digest, code))
                print(f"  {name:9} {elapsed:6.2f} s  {args.reports / elapsed:5.0f} reports/s  exit {code}")
    if len(outputs) != 1:
        sys.exit("the default jobs and --jobs 1 printed different things")
    default, single = statistics.median(times["default"]), statistics.median(times["--jobs 1"])
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"check over {args.reports} text reports, {cores} cores (load {load:.1f}): default jobs "
          f"{args.reports / default:.0f} reports/s, --jobs 1 {args.reports / single:.0f} reports/s: "
          f"{single / default:.2f}× the throughput (goal ≥ 1.8 on 2 cores); same output: yes")


if __name__ == "__main__":
    main()
