"""Errors that end a command with a one-line message naming the file."""

from __future__ import annotations

import errno
from typing import Any

from gongkai.i18n import Message

# Operating-system errors people meet when naming files, in our words; any other keeps the system's text.
_OS_PROBLEMS = {
    errno.ENOENT: "errors.file.missing",
    errno.EACCES: "errors.file.no_permission",
    errno.EPERM: "errors.file.no_permission",
    errno.EISDIR: "errors.file.is_folder",
    errno.ENOSPC: "errors.file.disk_full",
    errno.EROFS: "errors.file.read_only",
}


class InputError(Exception):
    """The input could not be read as a report (exit code 2).

    The problem is a message id with its parameters, rendered when shown: `str(exc)` is "PATH: problem" in the
    language current at that moment."""

    def __init__(self, path: str, msg_id: str | Message, /, **params: Any) -> None:
        self.path = path
        self.message = msg_id if isinstance(msg_id, Message) else Message(msg_id, **params)
        super().__init__(path, self.message)

    @classmethod
    def from_os(cls, path: str, exc: OSError) -> InputError:
        """An error of the operating system on `path`, said in the current language where it is a common one."""
        return cls(path, os_problem(exc))

    @property
    def problem(self) -> str:
        return str(self.message)

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"

    def __reduce__(self) -> tuple[Any, ...]:  # rebuilt from its path and message (subclasses keep their state)
        return (_rebuild, (type(self), self.__dict__))


def _rebuild(cls: type[InputError], state: dict[str, Any]) -> InputError:
    error = cls.__new__(cls)
    Exception.__init__(error, state["path"], state["message"])
    error.__dict__.update(state)
    return error


def os_problem(exc: OSError) -> Message:
    """What went wrong with a file, from an OSError: our words for the common cases, else the system's."""
    msg_id = _OS_PROBLEMS.get(exc.errno or 0)
    if msg_id:
        return Message(msg_id)
    return Message("errors.file.os_error", detail=exc.strerror or str(exc))
