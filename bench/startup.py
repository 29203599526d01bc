"""How fast `gongkai --help` starts (target: under 0.3 s). Prints the median of several runs."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time


def main() -> None:
    exe = shutil.which("gongkai")
    command = [exe, "--help"] if exe else [sys.executable, "-m", "gongkai", "--help"]
    times = []
    for _ in range(15):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    print(f"gongkai --help: median {statistics.median(times) * 1000:.0f} ms, "
          f"max {max(times) * 1000:.0f} ms over {len(times)} runs (target < 300 ms)")


if __name__ == "__main__":
    main()
