"""Damaged copies of real report files, for the fuzz suite (tests/test_fuzz_readers.py) and bench/fuzz_readers.py.

The originals are real: the seed reports as text, the real PDFs of shared/fixtures/real, and a seed written by
gongkai's own writers as Word, Excel and a web page. A mutant is an original with bytes flipped, cut short, a range
deleted or junk put in; for the zip packages (.docx, .xlsx) also a member removed, damaged (its XML cut or its
bytes flipped), two members' contents swapped, or the zip's compression method or version made one zipfile does not
support. Every mutant must read as a report or end in a one-line error of a known kind (`KNOWN`).
"""

from __future__ import annotations

import io
import logging
import random
import tomllib
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "examples" / "seeds"
REAL = ROOT.parent / "shared" / "fixtures" / "real"
WRITTEN_SEED = "001_205d0fb765df4a20"

# Every error a damaged file may end in: the catalogue's errors of files and reports, except the catch-all and the
# operating system's own (a mutant is a readable file: an OSError there is a damaged file said badly).
_NOT_EXPECTED = {"errors.file.internal_error", "errors.file.os_error", "errors.file.missing",
                 "errors.file.no_permission", "errors.file.is_folder", "errors.file.folder_not_report",
                 "errors.file.disk_full", "errors.file.read_only", "errors.ocr.missing"}


def known_errors() -> frozenset[str]:
    catalogue = tomllib.loads((ROOT / "src" / "gongkai" / "locale" / "errors.toml").read_text(encoding="utf-8"))
    ids = {f"errors.{area}.{name}" for area, entries in catalogue.items() for name in entries
           if area in ("file", "text", "docx", "xlsx", "package", "html", "pdf", "image", "report")}
    return frozenset(ids - _NOT_EXPECTED)


KNOWN = known_errors()


def write_originals(folder: Path) -> dict[str, Path]:
    """The originals, written into folder where they are made: name → path."""
    from gongkai.inputs import parse_file
    from gongkai.writers import write_report

    found = {p.name: p for p in sorted(SEEDS.glob("*.txt"))[:3]}
    found.update({p.name: p for p in sorted(REAL.glob("*.pdf"))})
    report = parse_file(SEEDS / f"{WRITTEN_SEED}.txt")
    for suffix in (".docx", ".xlsx", ".html"):
        out = folder / f"written{suffix}"
        write_report(report, out)
        found[out.name] = out
    return found


# ── mutations ─────────────────────────────────────────────────────────────────────────────────────────────────

def flip(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 16)):
        i = rng.randrange(len(out))
        out[i] ^= rng.randint(1, 255)
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[:rng.randrange(len(data))]


def delete(data: bytes, rng: random.Random) -> bytes:
    i = rng.randrange(len(data))
    return data[:i] + data[i + rng.randint(1, 4096):]


def junk(data: bytes, rng: random.Random) -> bytes:
    i = rng.randrange(len(data))
    return data[:i] + rng.randbytes(rng.randint(1, 512)) + data[i:]


def _members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(info, z.read(info)) for info in z.infolist()]


def _zip(members: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for info, content in members:
            z.writestr(info, content)
    return buffer.getvalue()


def remove_member(data: bytes, rng: random.Random) -> bytes:
    members = _members(data)
    members.pop(rng.randrange(len(members)))
    return _zip(members)


def damage_member(data: bytes, rng: random.Random) -> bytes:
    """One member's content cut short or with bytes flipped (its XML no longer well-formed, most often)."""
    members = _members(data)
    i = rng.randrange(len(members))
    info, content = members[i]
    if content:
        content = truncate(content, rng) if rng.random() < 0.5 else flip(content, rng)
    members[i] = (info, content)
    return _zip(members)


def swap_members(data: bytes, rng: random.Random) -> bytes:
    members = _members(data)
    i, j = rng.sample(range(len(members)), 2)
    (a, x), (b, y) = members[i], members[j]
    members[i], members[j] = (a, y), (b, x)
    return _zip(members)


def damage_compressed(data: bytes, rng: random.Random) -> bytes:
    """Bytes flipped inside one member's deflate stream, the zip's headers left intact (zlib error -3, bad CRC)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        infos = [i for i in z.infolist() if i.compress_size > 8]
    info = rng.choice(infos)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        out[start + rng.randrange(info.compress_size)] ^= rng.randint(1, 255)
    return bytes(out)


def odd_zip_feature(data: bytes, rng: random.Random) -> bytes:
    """A member's compression method, or the version needed to extract it, set to one zipfile cannot read."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = rng.choice(z.infolist())
    out = bytearray(data)
    entry = _central_entry(data, info.filename.encode())  # its central directory entry: version at 6, method at 10
    if rng.random() < 0.5:
        method = rng.choice((1, 6, 97, 99)).to_bytes(2, "little")  # shrink, implode, WavPack, AES: unsupported
        out[info.header_offset + 8:info.header_offset + 10] = method  # and in the local header, at 8
        if entry >= 0:
            out[entry + 10:entry + 12] = method
    elif entry >= 0:
        out[entry + 6:entry + 8] = rng.choice((70, 90, 255)).to_bytes(2, "little")  # version 7.0 and up
    return bytes(out)


def _central_entry(data: bytes, name: bytes) -> int:
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        length = int.from_bytes(data[at + 28:at + 30], "little")
        if data[at + 46:at + 46 + length] == name:
            return at
        at = data.find(b"PK\x01\x02", at + 46)
    return -1


BYTE_MUTATIONS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "flip": flip, "truncate": truncate, "delete": delete, "junk": junk}
ZIP_MUTATIONS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "remove_member": remove_member, "damage_member": damage_member, "swap_members": swap_members,
    "damage_compressed": damage_compressed, "odd_zip_feature": odd_zip_feature}


def mutations_for(name: str) -> list[str]:
    zipped = name.endswith((".docx", ".xlsx"))
    return [*BYTE_MUTATIONS, *(ZIP_MUTATIONS if zipped else ())]


def mutate(data: bytes, mutation: str, seed: int) -> bytes:
    rng = random.Random(seed)
    return {**BYTE_MUTATIONS, **ZIP_MUTATIONS}[mutation](data, rng)


# ── reading a mutant ──────────────────────────────────────────────────────────────────────────────────────────

class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def outcome(path: Path) -> tuple[str, str, int]:
    """How reading path ended, as `gongkai parse` would: ("report", "", noise), ("error", message id, noise) or
    ("unexpected", what, noise); noise counts the warnings and log records (WARNING and above) that escaped."""
    handler = _Collect()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = _read(path)
    finally:
        root.removeHandler(handler)
    return (*result, len(caught) + len(handler.records))


def _read(path: Path) -> tuple[str, str]:
    from gongkai.errors import InputError
    from gongkai.inputs import parse_file

    try:
        parse_file(path)
    except InputError as exc:
        kind = exc.message.id
        return ("error", kind) if kind in KNOWN else ("unexpected", f"{kind}: {exc.problem}")
    except RecursionError:  # read_report says it as errors.file.too_deeply_nested
        return ("error", "errors.file.too_deeply_nested")
    except Exception as exc:
        return ("unexpected", f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}")
    return ("report", "")
