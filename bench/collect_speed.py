"""How fast 收集 is: the board of a region of 500 agencies (each with a submitted version holding a seed's flat data
and findings), the review page of one version, and an upload of a seed text report (read in a guarded worker,
checked, matched, stored) — wall-clock medians through the application in process (httpx's TestClient), with the
load average beside them.

    python bench/collect_speed.py [--agencies 500] [--requests 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from gongkai.register import submissions as subs
from gongkai.register.accounts import add_user, ensure_region
from gongkai.register.db import Agency, open_register
from gongkai.web.app import create_app

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import median_ms

SEEDS = Path(__file__).resolve().parent.parent / "examples" / "seeds"
PASSWORD = "bench password"


def fill(reg, count: int) -> None:
    """`count` agencies of one county, each with version 1 of its 2020 report (a seed's data, read once)."""
    region = ensure_region(reg, "测试县", "测试市", user="bench")
    read = subs.read_submission(str(SEEDS / "002_8183807e426b0491.txt"))
    content = (SEEDS / "002_8183807e426b0491.txt").read_bytes()
    with reg.writing() as session:
        session.add_all(Agency(name=f"测试县第{i:04d}局", kind="department", region_id=region) for i in range(count))
    with reg.sessions() as session:
        ids = [a.id for a in session.query(Agency).all()]
    with reg.writing() as session:  # the agency of the uploads: stored as versions 1 to 5
        session.add(Agency(name="铜鼓县行政服务中心", kind="department", region_id=region))
    for agency in ids:
        subs.submit(reg, agency, read, f"{agency}.txt", content + str(agency).encode(), user="bench")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agencies", type=int, default=500)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        reg = open_register(f"sqlite:///{folder}/bench.sqlite")
        fill(reg, args.agencies)
        add_user(reg, "sue", PASSWORD, "supervisor", region="测试市", user="bench")
        client = TestClient(create_app(register=reg))
        csrf = client.post("/api/session", json={"username": "sue", "password": PASSWORD}).json()["csrf"]
        board = median_ms(client, "/collect?year=2020", args.requests)
        review = median_ms(client, "/collect/1", args.requests)
        seed = SEEDS / "001_205d0fb765df4a20.txt"
        uploads = []
        for i in range(5):
            start = time.perf_counter()
            result = client.post("/collect/upload", data={"csrf": csrf}, headers={"Accept": "application/json"},
                                 files=[("files", (seed.name, seed.read_bytes() + f"\n{i}".encode()))])
            assert result.json()["results"][0]["version"] == i + 1, result.text
            uploads.append((time.perf_counter() - start) * 1000)
        reg.close()
    print(f"load average {os.getloadavg()[0]:.1f}")
    print(f"board of {args.agencies} agencies: median {board:.0f} ms")
    print(f"review page of one version: median {review:.0f} ms")
    print(f"upload of one seed text (guarded worker, checked, stored): median {statistics.median(uploads):.0f} ms")


if __name__ == "__main__":
    main()
