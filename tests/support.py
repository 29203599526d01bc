"""Paths and helpers shared by the tests (a plain module: import it as `support`)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "examples" / "seeds"
SHARED = ROOT.parent / "shared"


def seed_names() -> list[str]:
    return sorted(p.name.removesuffix(".truth.json") for p in SEEDS.glob("*.truth.json"))
