from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "examples" / "seeds"
SHARED = ROOT.parent / "shared"


def seed_names() -> list[str]:
    return sorted(p.name.removesuffix(".truth.json") for p in SEEDS.glob("*.truth.json"))


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS
