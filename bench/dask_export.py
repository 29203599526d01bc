"""The dataset export of 2,000 mixed reports on a Dask LocalCluster of two workers against `--jobs 1`.

Writes the reports (tests/mixed.py: the seeds as text, Word and HTML files made by the writers, three text files
to each Word and HTML file, all different), exports them into a dataset with `--jobs 1`, `--jobs 2` and
`--engine dask --jobs 2` (each `gongkai export` a child process), prints whether the Dask dataset holds the same
rows as the `--jobs 1` one (every table, in any order) and each run's throughput: wall time, and the processor time
of all its processes (gongkai, the scheduler, the workers, their readers) with the time that would take on idle
cores, since wall times say little on a machine shared with other sessions (bench/measure.py). Then it adds 100
new files and runs the Dask export again on the whole folder: it prints how many reports that run read (goal:
exactly the 100) and its time.

    python bench/dask_export.py [--count 2000] [--new 100]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import gongkai, on_idle_cores, watched

CORES = 2


def _rows(folder: Path, table: str) -> list[str]:
    from gongkai.export.dataset import read_table

    return sorted(json.dumps(r, ensure_ascii=False, sort_keys=True, default=str)
                  for r in read_table(folder, table).to_pylist())


def _export(corpus: Path, out: Path, *options: str) -> tuple[float, float, float]:
    """Run `gongkai export CORPUS -o OUT/ OPTIONS` as a child process: its wall seconds, the processor seconds of
    all its processes (gongkai, the scheduler, the workers, their readers), and the wall time those would take on
    two idle cores (bench/measure.py: wall times say little on a machine shared with other sessions)."""
    command = gongkai("export", str(corpus), "-o", f"{out}/", *options)
    with tempfile.TemporaryFile() as err:
        elapsed, cpu, code = watched(command, subprocess.DEVNULL, err)
        if code != 0:
            err.seek(0)
            raise SystemExit(f"export exited {code}: {err.read().decode()}")
    return elapsed, sum(cpu.values()), on_idle_cores(cpu, CORES)


def _cluster_start_and_stop() -> float:
    """Seconds a two-worker LocalCluster takes to start and stop with nothing to do."""
    from gongkai.export.engines import cluster_client

    start = time.perf_counter()
    with cluster_client(None, 2):
        pass
    return time.perf_counter() - start


def _batches(out: Path) -> set[Path]:
    return set((out / "_batches").glob("*.json"))


def _reports_in(out: Path, batches: set[Path]) -> int:
    """The reports the given batches stored: the reports a run read (a failure would fail the run here)."""
    import pyarrow.parquet as pq

    names = [n for b in batches for n in json.loads(b.read_text(encoding="utf-8"))["files"]]
    return sum(pq.read_metadata(out / n).num_rows for n in names if n.startswith("reports/"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--new", type=int, default=100)
    args = parser.parse_args()
    from gongkai.export.dataset import TABLES
    from mixed import write_mixed

    with tempfile.TemporaryDirectory() as tmp:
        corpus, serial_out, dask_out = Path(tmp) / "corpus", Path(tmp) / "serial", Path(tmp) / "dask"
        write_mixed(corpus, args.count)
        print(f"{args.count} mixed reports (text : Word : HTML = 3 : 1 : 1)", flush=True)
        serial = _export(corpus, serial_out, "--jobs", "1")
        pool = _export(corpus, Path(tmp) / "pool", "--jobs", str(CORES))
        dask = _export(corpus, dask_out, "--engine", "dask", "--jobs", str(CORES))
        fixed = _cluster_start_and_stop()
        same = all(_rows(serial_out, t) == _rows(dask_out, t) for t in TABLES)
        print(f"same rows as --jobs 1: {'yes' if same else 'no'}")
        runs = (("--jobs 1", serial), (f"--jobs {CORES}", pool), (f"--engine dask ({CORES} workers)", dask))
        for name, (wall, cpu, idle) in runs:
            print(f"{name:26} {wall:6.1f} s wall ({args.count / wall:5.1f} reports/s), {cpu:6.1f} s of processor time;"
                  f" on {CORES} idle cores {idle:6.1f} s = {args.count / idle:5.1f} reports/s")
        print(f"dask against --jobs 1: {serial[0] / dask[0]:.2f}× wall, {serial[2] / dask[2]:.2f}× on idle cores;"
              f" the LocalCluster's start and stop alone take {fixed:.1f} s wall")
        write_mixed(corpus / "new", args.new, start=args.count)
        before = _batches(dask_out)
        again_s = _export(corpus, dask_out, "--engine", "dask", "--jobs", str(CORES))[0]
        read = _reports_in(dask_out, _batches(dask_out) - before)
        print(f"rerun with {args.new} new files: {read} reports read in {again_s:.1f} s "
              f"({'only the new ones' if read == args.new else 'NOT only the new ones'})")
        if not same or read != args.new:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
