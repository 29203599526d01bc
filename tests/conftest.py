"""Fixtures every test module may use.

Messages are Chinese unless the command line or the locale asks for English, so the tests start from a locale
that asks for nothing (C.UTF-8): a developer's LANG=en_US.UTF-8 must not turn the expected Chinese into English.
Tests written against the English texts ask for them with the `english` fixture (library calls) or `--lang en`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gongkai.i18n import using
from support import REGISTER_AGENCY, SEEDS, Seed, postgres_schema, seed_names, truth
from webserver import CHROMIUM


@pytest.fixture(autouse=True)
def _neutral_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture
def english() -> Iterator[None]:
    """Messages in English for the test (the library's current language)."""
    with using("en"):
        yield


# ── the register's databases ───────────────────────────────────────────────────────────────────────────────

@pytest.fixture(name="register_url", params=["sqlite", "postgresql"])
def register_url_fixture(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """The URL of an empty database: a new SQLite file, or a new PostgreSQL schema (dropped afterwards)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'register.sqlite'}"
        return
    with postgres_schema() as url:
        yield url


@pytest.fixture(name="register")
def register_fixture(register_url: str):
    """An open register with one agency in it (support.REGISTER_AGENCY)."""
    from gongkai.register import store
    from gongkai.register.db import open_register

    reg = open_register(register_url)
    store.add_agency(reg, REGISTER_AGENCY, "government", user="setup")
    yield reg
    reg.close()


# ── the seeds ──────────────────────────────────────────────────────────────────────────────────────────────

@pytest.fixture(params=seed_names())
def seed(request: pytest.FixtureRequest) -> Seed:
    """Each of the five seed reports: its name, its text file and its hand-checked truth."""
    return Seed(request.param, SEEDS / f"{request.param}.txt", truth(request.param))


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright, one per test module (the browser tests)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM))
        yield launched
        launched.close()
