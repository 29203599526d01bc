"""Where the wording of each letter comes from: a TOML file per letter (and per outcome of the 答复书), in the
package's `templates/` folder, or in an office's own folder that holds its adapted copies.

An office copies the package's folder (`gongkai register letter --copy-templates DIR`), edits the wording, and
names its folder with `--templates DIR` or $GONGKAI_LETTER_TEMPLATES. A file the office's folder has wins; any
other comes from the package, so an office may keep only the files it changed. Every placeholder a file uses
must be one the letters know (README.md of the folder lists them): a typo is refused, naming the file.
"""

from __future__ import annotations

import os
import string
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

from gongkai.errors import InputError, os_problem

TEMPLATES_ENV = "GONGKAI_LETTER_TEMPLATES"
COMMON = "通用"
ANSWER = "答复书"
ANSWER_BODY = "答复内容"  # the placeholder of 答复书.toml that an outcome's paragraphs replace, as a paragraph


def package_folder() -> Traversable:
    return resources.files("gongkai.letters") / "templates"


@dataclass(frozen=True)
class Template:
    """One template file: its data and where it was read (for messages)."""

    name: str
    where: str
    data: dict[str, Any]

    def text(self, key: str, default: str | None = None) -> str:
        """A text of the file; a missing required one is an InputError naming the file."""
        value = self.data.get(key, default)
        if not isinstance(value, str):
            raise InputError(self.where, "letters.template.missing_key", key=key)
        return value

    def paragraphs(self) -> list[str]:
        value = self.data.get("paragraphs")
        if not isinstance(value, list) or not value or not all(isinstance(p, str) for p in value):
            raise InputError(self.where, "letters.template.missing_key", key="paragraphs")
        return value

    def defaults(self) -> dict[str, str]:
        value = self.data.get("defaults", {})
        return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


class Templates:
    """The templates of one office (or the package's own): `get(name)` reads `name.toml`, the office's first."""

    def __init__(self, folder: str | Path | None = None) -> None:
        chosen = folder if folder is not None else os.environ.get(TEMPLATES_ENV) or None
        self.folder = Path(chosen) if chosen else None
        if self.folder is not None and not self.folder.is_dir():
            raise InputError(str(self.folder), "letters.template.no_folder")
        self._cache: dict[str, Template] = {}

    def get(self, name: str) -> Template:
        if name not in self._cache:
            self._cache[name] = self._read(name)
        return self._cache[name]

    def _read(self, name: str) -> Template:
        file = f"{name}.toml"
        source: Traversable | Path = package_folder() / file
        if self.folder is not None and (self.folder / file).is_file():
            source = self.folder / file
        where = str(source)
        try:
            data = tomllib.loads(source.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError(where, "letters.template.missing") from None
        except OSError as exc:
            raise InputError(where, os_problem(exc)) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InputError(where, "letters.template.bad_toml", detail=str(exc)) from None
        return Template(name, where, data)


def placeholders(text: str) -> list[str]:
    """The {names} a template text uses, in order."""
    return [name for _, name, _, _ in string.Formatter().parse(text) if name]


def fill(text: str, where: str, value: Callable[[str], str]) -> str:
    """The text with each {name} replaced by value(name); a malformed text is an InputError naming the file."""
    try:
        return "".join(literal + (value(name) if name is not None else "")
                       for literal, name, _, _ in string.Formatter().parse(text))
    except ValueError as exc:  # an unmatched brace
        raise InputError(where, "letters.template.bad_text", text=text, detail=str(exc)) from None


def copy_package_templates(target: str | Path) -> list[Path]:
    """Copy the package's templates into an office's folder (files already there are kept); the files written."""
    folder = Path(target)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for item in sorted(package_folder().iterdir(), key=lambda i: i.name):
        destination = folder / item.name
        if item.is_file() and not destination.exists():
            destination.write_bytes(item.read_bytes())
            written.append(destination)
    return written
