"""The office's commands over many reports: `check -o 问题清单.xlsx` and `rollup` against plain `check`.

Writes N text reports (the bundled seeds, each copy a different agency with its numbers varied, as
bench/stream_memory.py does) and times, in child processes, `gongkai check DIR --format json` (the baseline),
`gongkai check DIR --format json -o 问题清单.xlsx` and `gongkai rollup DIR -o 汇总.json`, in turn for
`--rounds` rounds, the best of each kept. Prints each throughput and its share of check's (target: at least 80%).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import gongkai, in_turn
from stream_memory import write_corpus


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(gongkai(*args), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp, "reports")
        folder.mkdir()
        write_corpus(folder, args.reports)
        runs = {
            "check": ["check", str(folder), "--format", "json"],
            "check -o 问题清单.xlsx": ["check", str(folder), "--format", "json", "-o", str(Path(tmp, "问题清单.xlsx"))],
            "rollup -o 汇总.json": ["rollup", str(folder), "-o", str(Path(tmp, "汇总.json"))],
        }
        best = dict.fromkeys(runs, float("inf"))
        for name, seconds in in_turn({name: partial(timed, command) for name, command in runs.items()}, args.rounds):
            best[name] = min(best[name], seconds)
    base = args.reports / best["check"]
    for name, seconds in best.items():
        rate = args.reports / seconds
        print(f"{name:<24} {args.reports} reports in {seconds:5.1f} s: {rate:5.0f} reports/s, "
              f"{rate / base:4.0%} of check's (target ≥ 80%)")


if __name__ == "__main__":
    main()
