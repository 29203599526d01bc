"""The dataset export of 2,000 mixed reports on a Dask LocalCluster of two workers against `--jobs 1`.

Writes the reports (tests/mixed.py: the seeds as text, Word and HTML files made by the writers, three text files
to each Word and HTML file, all different), exports them into a dataset with `--jobs 1` and with
`--engine dask --jobs 2`, and prints whether both datasets hold the same rows (every table, in any order), then
adds 100 new files and runs the Dask export again on the whole folder: it prints how many reports that run read
(goal: exactly the 100) and its time, and the throughput of both engines in reports per second (Dask's also
without the seconds a LocalCluster takes to start and stop, measured apart).

    python bench/dask_export.py [--count 2000] [--new 100]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))


def _rows(folder: Path, table: str) -> list[str]:
    from gongkai.export.dataset import read_table

    return sorted(json.dumps(r, ensure_ascii=False, sort_keys=True, default=str)
                  for r in read_table(folder, table).to_pylist())


def _export(corpus: Path, out: Path, **engine: object) -> float:
    from gongkai.commands.export import run_export
    from gongkai.pool import ReadingOptions

    jobs = engine.pop("jobs")
    start = time.perf_counter()
    code = run_export([str(corpus)], f"{out}/", ReadingOptions(jobs=jobs), **engine)  # type: ignore[arg-type]
    if code != 0:
        raise SystemExit(f"export exited {code}")
    return time.perf_counter() - start


def _cluster_start_and_stop() -> float:
    """Seconds a two-worker LocalCluster takes to start and stop with nothing to do."""
    from gongkai.export.engines import _client

    start = time.perf_counter()
    with _client(None, 2):
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
    from mixed import write_mixed

    with tempfile.TemporaryDirectory() as tmp:
        corpus, serial, on_dask = Path(tmp) / "corpus", Path(tmp) / "serial", Path(tmp) / "dask"
        write_mixed(corpus, args.count)
        print(f"{args.count} mixed reports (text : Word : HTML = 3 : 1 : 1)", flush=True)
        serial_s = _export(corpus, serial, jobs=1)
        dask_s = _export(corpus, on_dask, jobs=2, engine="dask")
        fixed = _cluster_start_and_stop()
        same = all(_rows(serial, t) == _rows(on_dask, t) for t in ("reports", "findings", "sources", "failures"))
        print(f"same rows as --jobs 1: {'yes' if same else 'no'}")
        print(f"--jobs 1:                   {serial_s:6.1f} s  {args.count / serial_s:6.1f} reports/s")
        print(f"--engine dask (2 workers):  {dask_s:6.1f} s  {args.count / dask_s:6.1f} reports/s"
              f"  ({serial_s / dask_s:.2f}× --jobs 1, the cluster's start and stop included)")
        print(f"  the cluster's start and stop alone: {fixed:.1f} s; without them {args.count / (dask_s - fixed):.1f}"
              f" reports/s ({serial_s / (dask_s - fixed):.2f}× --jobs 1)")
        write_mixed(corpus / "new", args.new, start=args.count)
        before = _batches(on_dask)
        again_s = _export(corpus, on_dask, jobs=2, engine="dask")
        read = _reports_in(on_dask, _batches(on_dask) - before)
        print(f"rerun with {args.new} new files: {read} reports read in {again_s:.1f} s "
              f"({'only the new ones' if read == args.new else 'NOT only the new ones'})")
        if not same or read != args.new:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
