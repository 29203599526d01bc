"""How many answer deadlines (with their traces) one core computes per second (target: 10,000 or more).

Random receipt dates 2019–2026; about a third with an extension, a sixth with a correction, a sixth with a
consultation. The calendar is built before timing (its per-year arrays are cached on first use).
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import date, timedelta

from gongkai.register.calendar import default_calendar
from gongkai.register.deadline import compute_deadline


def _cases(n: int, seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    first, span = date(2019, 1, 1), (date(2026, 12, 31) - date(2019, 1, 1)).days
    cases = []
    for _ in range(n):
        received = first + timedelta(days=rng.randrange(span + 1))
        case: dict = {"received": received, "extension": rng.random() < 1 / 3}
        draw = rng.random()
        if draw < 1 / 6:
            asked = received + timedelta(days=rng.randrange(1, 8))
            case |= {"correction_asked": asked, "correction_received": asked + timedelta(days=rng.randrange(1, 20))}
        elif draw < 2 / 6:
            start = received + timedelta(days=rng.randrange(1, 20))
            case["consultations"] = [(start, start + timedelta(days=rng.randrange(1, 21)))]
        cases.append(case)
    return cases


def main() -> None:
    cases = _cases(20_000)
    calendar = default_calendar()
    for case in cases[:200]:  # warm the per-year caches
        compute_deadline(calendar=calendar, **case)
    rates = []
    for _ in range(5):
        start = time.perf_counter()
        for case in cases:
            compute_deadline(calendar=calendar, **case)
        rates.append(len(cases) / (time.perf_counter() - start))
    print(f"deadline computations: median {statistics.median(rates):,.0f}/s, "
          f"min {min(rates):,.0f}/s over {len(rates)} runs of {len(cases):,} (target ≥ 10,000/s)")


if __name__ == "__main__":
    main()
