"""The 汇总 page for a region of 500 agencies: how long the server takes to render it.

Builds a register (SQLite, a temporary folder) with one region and N agencies, each with its report of the year
submitted and accepted through the library (gongkai.register.submissions: the flat data of a bundled seed, its
numbers varied per agency; no file is parsed), then asks for /summary as the region's supervisor through httpx's
TestClient (the whole server side: session, queries, roll-up, tables, template) `--requests` times and prints
p50 and p95 (target: under 1 s) and the first request's time (the digests not yet kept), and the 对比 page's
time with its charts drawn and then cached.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import get_seconds

SEEDS = Path(__file__).resolve().parent.parent / "examples" / "seeds"
PASSWORD = "bench password 1"


def build(url: str, agencies: int) -> None:
    from gongkai.register.accounts import add_user, ensure_agency
    from gongkai.register.db import open_register
    from gongkai.register.submissions import Read, accept, submit

    base = json.loads(sorted(SEEDS.glob("*.truth.json"))[0].read_text(encoding="utf-8"))
    rng = random.Random(500)
    reg = open_register(url)
    try:
        add_user(reg, "office", PASSWORD, "supervisor", region="某市", user="bench")
        for i in range(agencies):
            name = f"某市第{i:03d}局"
            agency = ensure_agency(reg, name, "department", region="某市", user="bench")
            flat = {k: v + rng.randrange(3) if isinstance(v, int) and not k.startswith("meta.") else v
                    for k, v in base.items()}
            flat["meta.agency"] = name
            accept(reg, submit(reg, agency, Read(flat=flat), f"{name}.docx", b"-", user="bench"), user="bench")
    finally:
        reg.close()


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20, method="inclusive")[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--agencies", type=int, default=500)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    from fastapi.testclient import TestClient

    from gongkai.web.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp, 'bench.sqlite')}"
        start = time.perf_counter()
        build(url, args.agencies)
        print(f"register of {args.agencies} agencies, each with an accepted report: built in "
              f"{time.perf_counter() - start:.1f} s")
        app = create_app(url)
        client = TestClient(app)
        client.post("/api/session", json={"username": "office", "password": PASSWORD})
        start = time.perf_counter()
        page = client.get("/summary?year=2020").text
        cold = time.perf_counter() - start  # each stored version's flat data read into a digest, then kept
        if f"本级纳入 {args.agencies} 份报告" not in page:
            sys.exit("the summary page does not sum every report")
        times = get_seconds(client, "/summary?year=2020", args.requests)
        print(f"/summary, {args.agencies} agencies: p50 {statistics.median(times):.3f} s, p95 {p95(times):.3f} s "
              f"over {args.requests} requests (target < 1 s); the first request {cold:.3f} s")
        first = get_seconds(client, "/compare?year=2020", 1)[0]
        again = get_seconds(client, "/compare?year=2020", max(3, args.requests // 4))
        print(f"/compare, {args.agencies} agencies: first (charts drawn) {first:.2f} s, "
              f"then (charts cached) p50 {statistics.median(again):.3f} s")
        app.state.register.close()


if __name__ == "__main__":
    main()
