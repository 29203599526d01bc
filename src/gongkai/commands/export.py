"""`gongkai export`: reports as one table, streamed to CSV, XLSX, Parquet or JSON lines."""

from __future__ import annotations

from collections.abc import Iterator

import click

from gongkai.errors import os_problem
from gongkai.i18n import Message, message_of, t
from gongkai.inputs import iter_files, read_report
from gongkai.pool import ReadingOptions


def flat_row(path: str) -> dict[str, object] | str:
    """One report's row of the table, or its one-line error: the work each worker of `gongkai export` does."""
    outcome = read_report(path)
    if outcome.report is None:
        return outcome.error or path
    return {"file": path, **outcome.report.flat()}


def run_export(paths: list[str], output: str, reading: ReadingOptions | None = None, headers: str = "keys") -> int:
    from gongkai.export.tabular import write_reports
    reading = reading or ReadingOptions()

    unreadable = read = 0

    def rows(pool) -> Iterator[dict[str, object]]:
        nonlocal unreadable, read
        for result in pool.imap(iter_files(paths)):
            row = result.error if result.value is None else result.value
            if isinstance(row, str):
                unreadable += 1
                click.echo(f"gongkai: {row}", err=True)
                continue
            read += 1
            yield row
        if unreadable and not read:  # a failed export: the output written before stays (gongkai.atomic)
            raise ValueError(Message("check.export.nothing_read", count=unreadable))

    try:
        with reading.pool(flat_row) as pool:
            count = write_reports(rows(pool), output, headers)
    except ValueError as exc:
        click.echo(f"gongkai: {output}: {message_of(exc)}", err=True)
        return 2
    except OSError as exc:
        click.echo(f"gongkai: {output}: {os_problem(exc)}", err=True)
        return 2
    click.echo(t("check.export.written", count=count, output=output), err=True)
    return 2 if unreadable else 0
