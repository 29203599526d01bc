"""Errors that end a command with a one-line message naming the file."""


class InputError(Exception):
    """The input could not be read as a report (exit code 2)."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem
