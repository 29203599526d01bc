"""The one translation mechanism: every message a person reads, in Chinese by default, in English on request.

Messages live in TOML catalogues in ``gongkai/locale/``, one file per area of the program. An entry

    [some.id]
    zh = "第 {line} 行：……"
    en = "line {line}: …"

in ``errors.toml`` is the message ``errors.some.id``: the first part of an id names its file, so a command loads
only the catalogues it uses (``gongkai --help`` reads cli.toml and click.toml, nothing else). Texts are
``str.format`` templates; both languages of an entry have the same placeholders (a test holds every entry to it).

The current language is a context variable: the command line sets it once from ``--lang`` or the locale
(`language_from`), a web application per request (`using`), a worker process from what it is passed
(`set_language`). `Message` is a message not yet rendered: exceptions carry one, so the same error reads in
whichever language is current when it is shown.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("zh", "en")
DEFAULT = "zh"
LOCALE_DIR = Path(__file__).with_name("locale")
_LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")  # POSIX precedence: the first one set decides

_current: ContextVar[str] = ContextVar("gongkai_language", default=DEFAULT)


# ── the current language ────────────────────────────────────────────────────────────────────────────────────


def _checked(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    return lang


def set_language(lang: str) -> None:
    """Make `lang` the current language of this context (a process, a thread, a task)."""
    _current.set(_checked(lang))


def language() -> str:
    return _current.get()


@contextmanager
def using(lang: str) -> Iterator[str]:
    """The current language is `lang` inside the block, and what it was after it."""
    token = _current.set(_checked(lang))
    try:
        yield lang
    finally:
        _current.reset(token)


def _lang_argument(args: Sequence[str]) -> str | None:
    """The value of the last valid `--lang X` or `--lang=X` among the arguments."""
    found = None
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith("--lang="):
            value = arg.removeprefix("--lang=")
        else:
            continue
        if value in LANGUAGES:
            found = value
    return found


def language_from(args: Sequence[str], environ: Mapping[str, str]) -> str:
    """The language a command line asks for: `--lang X` anywhere in it, else an English locale, else Chinese."""
    chosen = _lang_argument(args)
    if chosen:
        return chosen
    for name in _LOCALE_VARIABLES:
        value = environ.get(name)
        if value:  # an empty variable counts as unset, as for the C library
            return "en" if value.lower().startswith("en") else DEFAULT
    return DEFAULT


# ── catalogues ──────────────────────────────────────────────────────────────────────────────────────────────


def _entries(table: Mapping[str, Any], prefix: str) -> Iterator[tuple[str, dict[str, str]]]:
    """(id, texts) of every entry of a parsed catalogue: the tables that hold a `zh` text."""
    for key, value in table.items():
        if not isinstance(value, dict):
            continue
        if isinstance(value.get("zh"), str):
            yield f"{prefix}.{key}", value
        else:
            yield from _entries(value, f"{prefix}.{key}")


@cache
def catalogue(name: str) -> dict[str, dict[str, str]]:
    """id → {"zh": …, "en": …} of one catalogue file, read once."""
    from gongkai.toml_data import load_toml

    try:
        return dict(_entries(load_toml(LOCALE_DIR / f"{name}.toml"), name))
    except FileNotFoundError:
        return {}


def catalogue_names() -> list[str]:
    return sorted(path.stem for path in LOCALE_DIR.glob("*.toml"))


def texts_of(msg_id: str) -> dict[str, str]:
    """The texts of a message id; KeyError for an id no catalogue has."""
    texts = catalogue(msg_id.partition(".")[0]).get(msg_id)
    if texts is None:
        raise KeyError(f"no message {msg_id!r} in the catalogues of {LOCALE_DIR}")
    return texts


@cache
def _ids_by_text(prefix: str, lang: str) -> dict[str, str]:
    name = prefix.partition(".")[0]
    return {texts[lang]: msg_id for msg_id, texts in catalogue(name).items()
            if msg_id.startswith(prefix + ".") and lang in texts}


def id_of(prefix: str, lang: str, text: str) -> str | None:
    """The id under `prefix` whose `lang` text is exactly `text` (words that arrive as text: click's own, the
    holiday names of a notice), or None."""
    return _ids_by_text(prefix, lang).get(text)


# ── rendering ───────────────────────────────────────────────────────────────────────────────────────────────


class _Plain(float):
    """A float that prints without trailing zeros (2.5, not 2.5000; 3, not 3.0) unless a format says otherwise, as
    the check messages print their numbers."""

    def __format__(self, format_spec: str) -> str:
        if format_spec:
            return float.__format__(self, format_spec)
        return f"{float(self):.4f}".rstrip("0").rstrip(".")


def _plain(value: Any) -> Any:
    if isinstance(value, float):
        return _Plain(value)
    decimal = sys.modules.get("decimal")  # a Decimal exists only once decimal is imported: no import here
    if decimal is not None and isinstance(value, decimal.Decimal):
        return _Plain(value)
    return value


def _format(template: str, params: Mapping[str, Any]) -> str:
    """str.format_map over a plain dict: a missing parameter is a KeyError, never a literal {name}."""
    return template.format_map({name: _plain(value) for name, value in params.items()})


def render(texts: Mapping[str, str], lang: str | None = None, /, **params: Any) -> str:
    """One of a message's texts, {"zh": …, "en": …}, formatted: the `lang` text (default: the current
    language), the Chinese one when that is missing. Messages among the parameters render in the same language."""
    lang = lang or language()
    template = texts.get(lang) or texts["zh"]
    if lang == language():
        return _format(template, params)
    with using(lang):
        return _format(template, params)


def t(msg_id: str, /, *, lang: str | None = None, **params: Any) -> str:
    """The message `msg_id` in `lang` (default: the current language), its parameters filled in.
    KeyError for an unknown id or a missing parameter."""
    return render(texts_of(msg_id), lang, **params)


class Message:
    """A message rendered when it is shown (`str()`), in the language current at that moment.

    Exceptions carry these, so one error can be printed in Chinese on a terminal and in English in a log; a
    Message among another's parameters renders in the same language as the outer one."""

    __slots__ = ("id", "params")

    def __init__(self, msg_id: str, /, **params: Any) -> None:
        self.id = msg_id
        self.params = params

    def __str__(self) -> str:
        return t(self.id, **self.params)

    def __format__(self, format_spec: str) -> str:
        return format(str(self), format_spec)

    def render(self, lang: str | None = None) -> str:
        return t(self.id, lang=lang, **self.params)

    def texts(self) -> dict[str, str]:
        """The message in every language, for outputs that carry both ({"zh": …, "en": …})."""
        return {lang: self.render(lang) for lang in LANGUAGES}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and (self.id, self.params) == (other.id, other.params)

    def __hash__(self) -> int:
        return hash((self.id, tuple(sorted(self.params))))

    def __repr__(self) -> str:
        params = "".join(f", {k}={v!r}" for k, v in self.params.items())
        return f"Message({self.id!r}{params})"

    def __reduce__(self) -> tuple[Any, ...]:  # picklable for worker processes despite the keyword arguments
        return (_message, (self.id, self.params))


def _message(msg_id: str, params: dict[str, Any]) -> Message:
    return Message(msg_id, **params)


class Join:
    """Items (Messages or text) joined by a separator that is itself a message (common.list: 、 in Chinese, ", " in
    English), rendered when shown like a Message."""

    __slots__ = ("items", "separator")

    def __init__(self, items: Iterable[Any], separator: str = "common.list") -> None:
        self.items = tuple(items)
        self.separator = separator

    def __str__(self) -> str:
        return t(self.separator).join(map(str, self.items))

    def __format__(self, format_spec: str) -> str:
        return format(str(self), format_spec)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Join) and (self.items, self.separator) == (other.items, other.separator)

    __hash__ = None  # type: ignore[assignment]


def message_of(exc: BaseException) -> Message | Join | str:
    """What an exception says: the Message it carries (still to be rendered), else its text."""
    arg = exc.args[0] if len(exc.args) == 1 else None
    return arg if isinstance(arg, Message | Join) else str(exc)


# ── terminal columns ────────────────────────────────────────────────────────────────────────────────────────

# Characters that take two columns on a terminal: CJK, full-width forms and punctuation. Ranges, not a regex:
# compiling one would cost `gongkai --help` milliseconds.
_WIDE_RANGES = ((0x2E80, 0x9FFF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF))


def is_wide(char: str) -> bool:
    code = ord(char)
    return any(first <= code <= last for first, last in _WIDE_RANGES)


def columns(text: str) -> int:
    """The width of a text on a terminal, a Chinese character counting two."""
    return sum(2 if is_wide(char) else 1 for char in text)


def ljust(text: str, width: int) -> str:
    """`text` padded to `width` terminal columns (str.ljust counts a Chinese character as one)."""
    return text + " " * max(width - columns(text), 0)


def placeholders(text: str) -> set[str]:
    """The parameter names a template uses ({name}, {name!r}, {name:>3} → name); % placeholders too
    (%(prog)s), for the click strings that are formatted with %."""
    import re
    import string

    names = {field.split(".")[0].split("[")[0] for _, field, _, _ in string.Formatter().parse(text)
             if field is not None}
    return names | {f"%{name}" for name in re.findall(r"%\((\w+)\)", text)}
