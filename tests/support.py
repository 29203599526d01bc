"""Paths, data and helpers shared by the tests (a plain module: `from support import …`); the shared fixtures
(databases, the locale, the seeds) are in conftest.py."""

from __future__ import annotations

import json
import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "examples" / "seeds"  # the five real reports as text, with their hand-checked truth
SHARED = ROOT.parent / "shared"  # the project's shared material, where CI puts it beside the checkout
REAL = SHARED / "fixtures" / "real"  # three real PDFs with their truth, and the blank official template
REAL_PDFS = ["hongze-district-2023", "hongze-district-2024", "huaian-city-2024"]


def seed_names() -> list[str]:
    return sorted(p.name.removesuffix(".truth.json") for p in SEEDS.glob("*.truth.json"))


def seed_files() -> list[Path]:
    return [SEEDS / f"{name}.txt" for name in seed_names()]


@dataclass(frozen=True)
class Seed:
    """One seed report (the `seed` fixture of conftest.py)."""

    name: str
    path: Path  # the report as text
    truth: dict  # its hand-checked flat data


def truth(name: str, folder: Path = SEEDS) -> dict:
    """The hand-checked flat data of a seed (or, with folder=REAL, of a real PDF)."""
    return json.loads((folder / f"{name}.truth.json").read_text(encoding="utf-8"))


def differences(got: dict, expected: dict, types: bool = False) -> dict:
    """Every key whose value differs (types=True: or whose type does, 0 against 0.0), as (got, expected)."""
    missing = object()

    def differ(key: str) -> bool:
        a, b = got.get(key, missing), expected.get(key, missing)
        return a != b or (types and type(a) is not type(b))

    return {k: (got.get(k, "MISSING"), expected.get(k, "MISSING")) for k in sorted(set(got) | set(expected))
            if differ(k)}


# ── the register's databases ───────────────────────────────────────────────────────────────────────────────

POSTGRES = os.environ.get("GONGKAI_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REGISTER_AGENCY = "测试县人民政府办公室"  # the agency of the `register` fixture
REGISTER_TODAY = date(2026, 1, 31)


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A fresh schema on the server for one test, dropped afterwards; yields a URL that works in it."""
    from sqlalchemy import create_engine
    from sqlalchemy.exc import OperationalError

    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    schema = f"test_{uuid.uuid4().hex[:16]}"
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    except OperationalError as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES} ({str(exc).splitlines()[0]}); "
                    "set GONGKAI_TEST_POSTGRES to a server to run these tests on it")
    try:
        yield f"{POSTGRES}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


def count(reg, model, *where) -> int:
    from sqlalchemy import func, select

    with reg.sessions() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def run_threads(target, arguments: list[tuple]) -> None:
    """Start every thread at once (a barrier), wait for all, and fail with the first error any raised."""
    barrier = threading.Barrier(len(arguments))
    errors: list[BaseException] = []

    def run(*args) -> None:
        barrier.wait()
        try:
            target(*args)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=args) for args in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


# ── the command line ───────────────────────────────────────────────────────────────────────────────────────

def run_register(*args: str, db: str | None = None):
    """`gongkai register …` through click, with the register named by GONGKAI_DATABASE_URL (as a user sets it)."""
    from click.testing import CliRunner

    from gongkai.cli import main

    env = {"GONGKAI_DATABASE_URL": db} if db else {}
    return CliRunner().invoke(main, ["register", *args], env=env)


def one_line_error(result, code: int = 2) -> str:
    """The one line a command printed on failure, after checking there was one line, no traceback, that code."""
    assert result.exit_code == code, (result.exit_code, result.output, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gongkai: "), result.stderr
    return lines[0]


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
