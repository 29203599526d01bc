"""Sizing on paper: how long 500,000 reports take on N workers, and what the cluster needs, from costs measured here.

Measures, on this machine and in process, the processor seconds a report of each form costs (what each worker of
`gongkai export` does per file: read, extract, check; gongkai.commands.export.dataset_record; processor time, not
wall time, so that what else the machine runs does not count) and the peak memory of a process reading that form,
each form in a fresh process of its own (its first file read apart, untimed: imports, tables and the OCR model
load once per worker, not per report):

    text       the seeds as text (crawled page text costs the same: same reader)
    word       Word files made from the seeds by the writers
    html       HTML files made from the seeds by the writers
    pdf        the three real text-layer PDFs (../shared/fixtures/real), per report and per page
    scan page  the real 6-page huaian report rendered at 200 dpi and degraded as a scanner would (tests/scans.py),
               its first PAGES pages as an image-only PDF, read by OCR (needs the ocr extra and pdftoppm)

then prints, for 500,000 reports of the mix below (an assumption, stated with the output; change it with the
options), the core-hours and the wall time on 1, 8, 32 and 128 workers (one core each; the reports are
independent tasks, so the time divides by N, less the cluster's own overhead: bench/dask_export.py measures it),
the memory a worker needs (the highest peak measured, plus a Dask worker process's own), and the volume the
dataset takes. Rerun it after a reader changes (a faster PDF backend, OCR on cells): every figure is measured anew.

    python bench/sizing.py [--reports 500000] [--pdf 55 --word 15 --html 20 --scan 10] [--scan-pages 6] [--pages 2]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "fixtures" / "real"
sys.path.insert(0, str(ROOT / "tests"))
WORKERS = (1, 8, 32, 128)


# ── in the child: one form ──────────────────────────────────────────────────────────────────────────────────


def _pages(path: str) -> int:
    if not path.lower().endswith(".pdf"):
        return 1
    import pypdfium2

    return len(pypdfium2.PdfDocument(path))


def measure(files: list[str]) -> None:
    """Read the first file untimed, then each file timed: print {seconds, pages, bytes} as JSON."""
    from gongkai.commands.export import dataset_record

    dataset_record(files[0])  # warm: imports, tables, the OCR model
    seconds, pages = [], []
    for path in files:
        start = time.process_time()  # the processor time of every thread of the process: what a core is busy for,
        record = dataset_record(path)  # whatever else the machine runs (wall time would count the others' share)
        seconds.append(time.process_time() - start)
        if isinstance(record, str):
            raise SystemExit(f"sizing: {record}")
        pages.append(_pages(path))
    print(json.dumps({"seconds": seconds, "pages": pages, "bytes": [os.path.getsize(f) for f in files],
                      "peak_mb": _peak_mb()}))


def _peak_mb() -> float:
    """This process's peak resident memory since it started its program (VmHWM: ru_maxrss would count the parent's
    memory at the fork, before the exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ── in the parent ───────────────────────────────────────────────────────────────────────────────────────────


def run_form(files: list[Path]) -> dict:
    """The form's measures, read in a fresh process, with that process's peak resident memory (MB)."""
    command = [sys.executable, __file__, "--measure", *map(str, files)]
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"sizing: measuring {files[0].name} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def samples(folder: Path, ocr_pages: int) -> dict[str, list[Path]]:
    """The files of each form; the scan: the first `ocr_pages` pages of the real huaian report, degraded."""
    from mixed import write_mixed
    from scans import scanned_pdf

    made = write_mixed(folder / "made", 25)  # 15 text, 5 Word, 5 HTML
    forms = {"text": sorted((ROOT / "examples" / "seeds").glob("*.txt")),
             "word": [p for p in made if p.suffix == ".docx"],
             "html": [p for p in made if p.suffix == ".html"],
             "pdf": sorted(REAL.glob("*.pdf"))}
    if shutil.which("pdftoppm"):
        scan, _ = scanned_pdf(REAL / "huaian-city-2024.pdf", folder, seed=1, pages=ocr_pages)
        forms["scan"] = [scan]  # read twice: first untimed (the model loads), then timed
    return forms


def dask_costs(tasks: int = 300) -> tuple[float, float] | None:
    """What Dask adds: the resident memory of a worker process (MB, after the tasks) and the processor seconds a task
    costs the client, the scheduler and the worker (each task sent as `--engine dask` sends a file: run_on_worker,
    through the worker's gongkai reader process, on a work that does nothing)."""
    try:
        from distributed import as_completed
    except ImportError:
        return None
    import psutil

    from gongkai.export.engines import cluster_client, run_on_worker
    from gongkai.pool import Limits

    def used(client: object) -> float:
        here = psutil.Process().cpu_times()
        there = client.run(lambda: sum(psutil.Process().cpu_times()[:2]))  # type: ignore[attr-defined]
        return here.user + here.system + sum(there.values())

    with cluster_client(None, 1) as client:
        client.gather(client.submit(run_on_worker, os.path.basename, "warm", Limits(), "zh", pure=False))
        before = used(client)
        futures = [client.submit(run_on_worker, os.path.basename, f"f{i}", Limits(), "zh", pure=False)
                   for i in range(tasks)]
        for future in as_completed(futures):
            future.result()
        per_task = (used(client) - before) / tasks
        rss = max(client.run(lambda: psutil.Process().memory_info().rss).values()) / 2**20
    return rss, per_task


def dataset_bytes_per_report(folder: Path, count: int = 500) -> float:
    """The bytes a report takes in the dataset (all four tables), from an export of `count` mixed reports (a small
    export would be mostly the Parquet files' own metadata: some 400 columns described in each file)."""
    from gongkai.commands.export import run_export
    from gongkai.pool import ReadingOptions
    from mixed import write_mixed

    write_mixed(folder / "corpus", count)
    out = folder / "dataset"
    run_export([str(folder / "corpus")], f"{out}/", ReadingOptions(jobs=1))
    return sum(p.stat().st_size for p in out.rglob("*.parquet")) / count


def _duration(seconds: float) -> str:
    if seconds >= 2 * 86400:
        return f"{seconds / 86400:.1f} days"
    if seconds >= 2 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 60:.0f} min"


def per_report(results: dict[str, dict], scan_pages: int) -> dict[str, float]:
    """Seconds a report of each form costs: the mean over the samples; a scan: the per-page cost × its pages."""
    cost = {form: statistics.mean(r["seconds"]) for form, r in results.items() if form != "scan"}
    if "scan" in results:
        r = results["scan"]
        cost["scan"] = statistics.mean(s / p for s, p in zip(r["seconds"], r["pages"], strict=True)) * scan_pages
    return cost


def report(args: argparse.Namespace, results: dict[str, dict], dask: tuple[float, float] | None,
           stored: float) -> None:
    cost = per_report(results, args.scan_pages)
    worker_mb, per_task = dask or (None, 0.0)
    pdf = results["pdf"]
    print("measured on this machine, one core, in process (read + extract + check):")
    for form, r in results.items():
        pages = sum(r["pages"]) / len(r["pages"])
        unit = f", {statistics.mean(s / p for s, p in zip(r['seconds'], r['pages'], strict=True)):.3f} s a page" \
            if form in ("pdf", "scan") else ""
        print(f"  {form:5}  {statistics.mean(r['seconds']):7.3f} s a file ({len(r['seconds'])} files, "
              f"{pages:.0f} pages{unit})  peak {r['peak_mb']:.0f} MB  {statistics.mean(r['bytes']) / 1024:.0f} KB")
    mix = {"pdf": args.pdf, "word": args.word, "html": args.html / 2, "text": args.html / 2, "scan": args.scan}
    if "scan" not in cost:
        print("  (no scan measured: pdftoppm or the ocr extra missing; scans left out of the mix)")
        mix.pop("scan")
    total = sum(mix.values())
    mean = sum(cost[f] * share for f, share in mix.items()) / total
    core_seconds = (mean + per_task) * args.reports
    print(f"\nassumed mix of {args.reports:,} reports: {args.pdf}% text-layer PDF (as the real ones, "
          f"{statistics.mean(pdf['pages']):.0f} pages), {args.word}% Word, {args.html}% HTML / crawled text "
          f"(half each), {args.scan}% scans of {args.scan_pages} pages")
    shares = ", ".join(f"{f} {cost[f] * share / total / mean:.0%}" for f, share in mix.items())
    print(f"mean {mean:.2f} s a report (time by form: {shares}), + {per_task * 1000:.0f} ms of Dask's a task: "
          f"{core_seconds / 3600:,.0f} core-hours")
    for n in WORKERS:
        print(f"  {n:4} workers: {_duration(core_seconds / n):>10}")
    peak = max(r["peak_mb"] for r in results.values())
    need = peak + (worker_mb or 0)
    print(f"memory per worker: {peak:.0f} MB peak reading"
          + (f" + {worker_mb:.0f} MB the Dask worker itself = {need:.0f} MB" if worker_mb else "")
          + f"; 128 workers: {128 * need / 1024:.0f} GB in all")
    files = {f: statistics.mean(r["bytes"]) * (args.scan_pages / statistics.mean(r["pages"]) if f == "scan" else 1)
             for f, r in results.items()}
    source = sum(files[f] * share for f, share in mix.items()) / total * args.reports
    print(f"input {source / 2**30:,.0f} GB (files of the sizes measured); dataset about "
          f"{stored * args.reports / 2**30:.1f} GB ({stored / 1024:.1f} KB a report, all four tables)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measure", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--reports", type=int, default=500_000)
    parser.add_argument("--pdf", type=float, default=55)
    parser.add_argument("--word", type=float, default=15)
    parser.add_argument("--html", type=float, default=20)
    parser.add_argument("--scan", type=float, default=10)
    parser.add_argument("--scan-pages", type=int, default=6, help="pages of a scanned report in the mix")
    parser.add_argument("--pages", type=int, default=2, dest="ocr_pages",
                        help="pages of the scan OCR'd to measure a page")
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return
    with tempfile.TemporaryDirectory() as tmp:
        forms = samples(Path(tmp), args.ocr_pages)
        results = {}
        for form, files in forms.items():
            results[form] = run_form(files)
            print(f"measured {form}", file=sys.stderr, flush=True)
        stored = dataset_bytes_per_report(Path(tmp))
        dask = dask_costs()
    report(args, results, dask, stored)


if __name__ == "__main__":
    main()
