"""Word read and write speed on report-size files (targets: read < 60 ms, write < 150 ms).

Writes each bundled seed report as .docx and reads it back (read_document + extract), many
times, and prints the mean of each.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from gongkai.extract import extract
from gongkai.inputs import parse_file
from gongkai.readers import read_document
from gongkai.writers.docx import write_docx

SEEDS = Path(__file__).resolve().parent.parent / "examples" / "seeds"


def main(rounds: int = 10) -> None:
    reports = [parse_file(p) for p in sorted(SEEDS.glob("*.txt"))]
    writes, reads = [], []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.docx"
        write_docx(reports[0], out)
        extract(read_document(out))  # warm imports
        for _ in range(rounds):
            for report in reports:
                start = time.perf_counter()
                write_docx(report, out)
                writes.append(time.perf_counter() - start)
                start = time.perf_counter()
                extract(read_document(out))
                reads.append(time.perf_counter() - start)
        size = out.stat().st_size
    print(f"docx write: mean {statistics.mean(writes) * 1000:.0f} ms (target < 150 ms); "
          f"read + extract: mean {statistics.mean(reads) * 1000:.0f} ms (target < 60 ms); "
          f"{len(writes)} files of about {size // 1024} KB")


if __name__ == "__main__":
    main()
