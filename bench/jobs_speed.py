"""`gongkai check` over 2,000 text reports: every core (the default --jobs) against one (--jobs 1).

Writes the reports (the bundled seeds, each copy under another agency's name and with its counts varied) into a
temporary folder, then runs `gongkai check FOLDER` as a child process, alternately with the default jobs and
with `--jobs 1`, several rounds, and prints each run's time, the reports per second, and the ratio of the
medians (goal: 1.8 or more on 2 cores). Both must print the same thing; the script says so or fails.

On a shared machine the wall times say little: Linux shares the processors between sessions (autogroup), so a
run of several processes gets no more than one of a single process while other sessions keep the cores busy.
The script therefore also sums the processor time of every process of each run (gongkai, the workers' server,
the workers: read from /proc while they run) and prints the ratio that time gives on idle cores: the --jobs 1
run's processor time against the longer of the default run's time spread over the cores and its busiest process.
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import gongkai, in_turn, on_idle_cores, watched

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


def run(folder: Path, jobs: list[str]) -> tuple[float, dict[int, float], str, int]:
    """Wall seconds, processor seconds by process, a digest of what it printed, the exit code."""
    with tempfile.TemporaryFile() as out:
        elapsed, cpu, code = watched(gongkai("check", str(folder), *jobs), out, subprocess.STDOUT)
        out.seek(0)
        digest = hashlib.sha256(out.read()).hexdigest()
    return elapsed, cpu, digest, code


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
        idle: dict[str, list[float]] = {"default": [], "--jobs 1": []}
        outputs = set()
        runs = {"default": lambda: run(folder, []), "--jobs 1": lambda: run(folder, ["--jobs", "1"])}
        for name, (elapsed, cpu, digest, code) in in_turn(runs, args.rounds):
            times[name].append(elapsed)
            idle[name].append(on_idle_cores(cpu, cores))
            outputs.add((digest, code))
            busiest = ", ".join(f"{c:.2f}" for c in sorted(cpu.values(), reverse=True)[:4])
            print(f"  {name:9} {elapsed:6.2f} s  {args.reports / elapsed:5.0f} reports/s  exit {code}  "
                  f"processor time {sum(cpu.values()):6.2f} s (busiest processes {busiest})")
    if len(outputs) != 1:
        sys.exit("the default jobs and --jobs 1 printed different things")
    default, single = statistics.median(times["default"]), statistics.median(times["--jobs 1"])
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"check over {args.reports} text reports, {cores} cores (load {load:.1f}): default jobs "
          f"{args.reports / default:.0f} reports/s, --jobs 1 {args.reports / single:.0f} reports/s: "
          f"{single / default:.2f}× the throughput measured (goal ≥ 1.8 on 2 cores); same output: yes")
    ideal = statistics.median(idle["--jobs 1"]) / statistics.median(idle["default"])
    print(f"from the processor time of the runs, on {cores} idle cores: {ideal:.2f}×")

if __name__ == "__main__":
    main()
