"""Every file gongkai writes is written whole or not at all: the one way to write a file.

`replacing(target)` yields the path of a temporary file in the target's own folder (so the final rename never
crosses a file system); the caller writes it by any means (a text stream, openpyxl, pyarrow, python-docx,
LibreOffice's output moved there). Only when the block ends without an exception is the file flushed to disk
(fsync) and renamed over the target with `os.replace`, which is atomic on POSIX and Windows: a reader sees the
previous file or the new one, never a part. A failure removes the temporary file and leaves the target as it
was; a process killed outright (SIGKILL, power loss) leaves the target as it was too, plus one hidden
`.NAME.*.part` file beside it, which the next successful write of the same target removes once it is an hour old
(younger, it may be another process's write under way: a part is written continuously until it is renamed).

The new file gets the permissions of the file it replaces, or those a new file would get (0666 less the umask)
rather than mkstemp's 0600. A target that is a symbolic link is written through (the file it points to is
replaced, the link stays); a target that exists and is not a regular file (/dev/stdout, a named pipe) is written
directly, since renaming over it would be wrong.
"""

from __future__ import annotations

import contextlib
import glob
import os
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

PART_SUFFIX = ".part"  # the temporary files: .NAME.RANDOM.part, in the target's folder
STALE_PART_SECONDS = 3600  # a part not written to for this long was left by a process killed while writing


def part_prefix(target: str | Path) -> str:
    """How the names of a target's temporary files begin (tests watch for them)."""
    return f".{Path(target).name}."


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDWR)  # Windows commits only a file open for writing
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); folders cannot be opened for fsync on Windows."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _writes_in_place(target: Path) -> bool:
    """An existing target that is not a regular file (a device, a pipe): written as it is, not replaced."""
    try:
        return not stat.S_ISREG(target.stat().st_mode)
    except OSError:
        return False


@contextmanager
def replacing(target: str | Path) -> Iterator[Path]:
    """A temporary path to write instead of `target`, renamed over it when the block succeeds."""
    target = Path(target)
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    if _writes_in_place(target):
        yield target
        return
    folder = target.parent
    fd, name = tempfile.mkstemp(prefix=part_prefix(target), suffix=PART_SUFFIX, dir=folder)
    os.close(fd)
    part = Path(name)
    try:
        yield part
        _fsync_file(part)  # the data on disk before the name points at it
        os.chmod(part, _mode_for(target))  # after the fsync: a read-only mode would not let it open the file
        os.replace(part, target)
    except BaseException:  # KeyboardInterrupt and SystemExit too: the target stays as it was
        with contextlib.suppress(OSError):
            part.unlink()
        raise
    _fsync_folder(folder)
    _remove_stale_parts(target)


def _remove_stale_parts(target: Path) -> None:
    """The parts of this target that killed writers left behind (none of them is ever renamed now)."""
    oldest = time.time() - STALE_PART_SECONDS
    with contextlib.suppress(OSError):
        for part in target.parent.glob(f"{glob.escape(part_prefix(target))}*{PART_SUFFIX}"):
            with contextlib.suppress(OSError):
                found = part.lstat()
                if found.st_mtime < oldest and stat.S_ISREG(found.st_mode):
                    part.unlink()


@contextmanager
def atomic_open(target: str | Path, mode: str = "w", **kwargs: Any) -> Iterator[IO[Any]]:
    """`open(target, mode, …)` whose file replaces the target only once it is completely written."""
    if not mode.startswith("w"):
        raise ValueError(f"atomic_open writes a new file; mode {mode!r} is not a writing mode")
    with replacing(target) as part, open(part, mode, **kwargs) as stream:
        yield stream


def write_text(target: str | Path, text: str, encoding: str = "utf-8") -> None:
    """Path.write_text, atomically."""
    with atomic_open(target, "w", encoding=encoding) as out:
        out.write(text)
