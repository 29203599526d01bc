"""A corpus of mixed reports for the dataset export's tests and bench/dask_export.py: the seeds as text, and Word and
HTML files made from their truth by the writers, each under another agency's name (some named after a province or
a prefecture, some not) and with some counts changed, so that no two files are alike."""

from __future__ import annotations

import random
import re
from pathlib import Path

from support import seed_files, truth

PLACES = ["江苏省", "淮安市", "宜春市", "广西壮族自治区", "海南藏族自治州", "北京市", "鼓楼区", "某县"]
KINDS = [".txt", ".txt", ".docx", ".txt", ".html"]  # three text files to each Word and HTML file


def _seeds() -> list[tuple[str, dict]]:
    return [(path.read_text(encoding="utf-8"), truth(path.stem)) for path in seed_files()]


def write_mixed(folder: Path, count: int, start: int = 0) -> list[Path]:
    """Files report-{i}.{txt,docx,html} for i in start … start+count-1, each different from every other."""
    from gongkai.serialized import report_from_flat
    from gongkai.writers import write_report

    seeds = _seeds()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for i in range(start, start + count):
        text, seed_truth = seeds[i % len(seeds)]
        agency = seed_truth["meta.agency"]
        other = f"{PLACES[i % len(PLACES)]}{agency}{i}"
        suffix = KINDS[i // len(seeds) % len(KINDS)]
        path = folder / f"report-{i:05d}{suffix}"
        if suffix == ".txt":
            varied = re.sub(r"(?m)^\t(\d+)$", lambda m, i=i: f"\t{int(m[1]) + i % 3}", text.replace(agency, other))
            path.write_text(varied, encoding="utf-8")
        else:
            rng = random.Random(i)
            flat = {k: (v + rng.randrange(2) if isinstance(v, int) and not k.startswith("meta.") else v)
                    for k, v in seed_truth.items()}
            write_report(report_from_flat({**flat, "meta.agency": other}, str(path)), path)
        written.append(path)
    return written
