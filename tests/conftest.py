"""Fixtures every test module may use.

Messages are Chinese unless the command line or the locale asks for English, so the tests start from a locale
that asks for nothing (C.UTF-8): a developer's LANG=en_US.UTF-8 must not turn the expected Chinese into English.
Tests written against the English texts ask for them with the `english` fixture (library calls) or `--lang en`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gongkai.i18n import using


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
