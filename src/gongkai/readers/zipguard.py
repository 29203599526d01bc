"""The zip guard of Word and Excel files: every member checked before any library unpacks it.

Both .docx and .xlsx are zip packages of XML parts. Before python-docx or openpyxl sees one, its central directory is
checked against readers/limits.py (members, uncompressed size of each member and of all, compression ratio), every
member is decompressed once with its CRC checked (so damaged deflate data, an unsupported compression method or zip
version and a truncated member are said here, in one line, naming the member), and the parts the reader needs must
be there. What zipfile or zlib raise becomes the specific error of the package: never an internal error.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from gongkai.errors import InputError
from gongkai.i18n import Message
from gongkai.readers import limits

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc/.xls, and encrypted OOXML files
ZIP_MAGIC = b"PK\x03\x04"
_CHUNK = 1024 * 1024


class Package:
    """The kind of package being read: its name in messages, and the errors of its own reader."""

    def __init__(self, what: str, ole2: str, not_zip: str) -> None:
        self.what = Message(what)
        self.ole2 = ole2
        self.not_zip = not_zip


WORD = Package("errors.package.word", "errors.docx.ole2", "errors.docx.not_zip")
EXCEL = Package("errors.package.excel", "errors.xlsx.ole2", "errors.xlsx.not_zip")


def check_package(path: str | Path, package: Package, required: tuple[str, ...] = (),
                  max_bytes: int | None = None) -> set[str]:
    """The names of the members of the package at path, checked; or InputError with a one-line reason: not a zip
    (or a legacy OLE2 file), larger than max_bytes, a part of `required` missing, damaged, hostile."""
    name = str(path)
    head = _head(name, max_bytes)
    if head.startswith(OLE2_MAGIC):
        raise InputError(name, package.ole2)
    if not head.startswith(ZIP_MAGIC) and not zipfile.is_zipfile(name):
        raise InputError(name, package.not_zip)
    try:
        with zipfile.ZipFile(name) as z:
            infos = z.infolist()
            _check_directory(name, package, infos)
            present = {i.filename for i in infos}
            for part in required:
                if part not in present:
                    raise InputError(name, "errors.package.missing_part", what=package.what, entry=part)
            for info in infos:
                _check_member(name, package, z, info)
            return present
    except InputError:
        raise
    except Exception as exc:  # every failure of zipfile itself is a damaged package
        raise InputError(name, zip_problem(package, exc)) from None


def _head(name: str, max_bytes: int | None) -> bytes:
    try:
        size = Path(name).stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise InputError(name, "errors.file.too_large", mb=size // limits.MB, limit=max_bytes // limits.MB)
        if size == 0:
            raise InputError(name, "errors.file.empty")
        with open(name, "rb") as f:
            return f.read(8)
    except OSError as exc:
        raise InputError.from_os(name, exc) from None


def _check_directory(name: str, package: Package, infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > limits.MAX_MEMBERS:
        raise InputError(name, "errors.package.too_many_members", what=package.what, count=len(infos),
                         limit=limits.MAX_MEMBERS)
    total = sum(i.file_size for i in infos)
    if total > limits.MAX_UNZIPPED:
        raise InputError(name, "errors.package.zip_bomb", mb=total // limits.MB, limit=limits.MAX_UNZIPPED // limits.MB)
    for info in infos:
        limit = limits.MAX_XML_MEMBER if _is_xml(info.filename) else limits.MAX_MEMBER
        bomb = info.file_size > limits.RATIO_FLOOR and info.file_size > limits.MAX_RATIO * max(info.compress_size, 1)
        if info.file_size > limit or bomb:
            raise InputError(name, "errors.package.member_too_large", entry=info.filename,
                             mb=max(1, info.file_size // limits.MB), limit=limit // limits.MB)
        if info.flag_bits & 0x1:
            raise InputError(name, "errors.package.encrypted", what=package.what)


def _is_xml(member: str) -> bool:
    return member.lower().endswith((".xml", ".rels", ".vml"))


def _check_member(name: str, package: Package, z: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Decompress the member once (bounded by its declared size, which zipfile enforces), checking its CRC."""
    if info.is_dir():
        return
    try:
        with z.open(info) as member:
            while member.read(_CHUNK):
                pass
    except zlib.error as exc:
        raise InputError(name, "errors.package.damaged_data", what=package.what, entry=info.filename,
                         detail=_one_line(exc)) from None
    except NotImplementedError as exc:
        raise InputError(name, "errors.package.unsupported", what=package.what, detail=_one_line(exc)) from None
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, RuntimeError) as exc:
        raise InputError(name, "errors.package.damaged_entry", what=package.what, entry=info.filename,
                         detail=_one_line(exc)) from None


def zip_problem(package: Package, exc: BaseException) -> Message:
    """What an exception of zipfile, zlib or an XML parser says about a package, as one specific message."""
    if isinstance(exc, zlib.error):
        return Message("errors.package.damaged_data", what=package.what, entry="?", detail=_one_line(exc))
    if isinstance(exc, NotImplementedError):
        return Message("errors.package.unsupported", what=package.what, detail=_one_line(exc))
    if type(exc).__name__ in ("XMLSyntaxError", "ParseError", "ExpatError", "SAXParseException"):
        return Message("errors.package.bad_xml", what=package.what, detail=_one_line(exc))
    if isinstance(exc, KeyError):
        return Message("errors.package.missing_part", what=package.what, entry=_one_line(exc).strip("'\""))
    return Message("errors.package.damaged_zip", what=package.what, detail=_one_line(exc))


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 120 else text[:117] + "…"
