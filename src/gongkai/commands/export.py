"""`gongkai export`: reports as one table, streamed to CSV, XLSX, Parquet or JSON lines."""

from __future__ import annotations

from collections.abc import Iterator

import click

from gongkai.errors import os_problem
from gongkai.i18n import Message, message_of, t
from gongkai.inputs import iter_files, read_report


def run_export(paths: list[str], output: str) -> int:
    from gongkai.export.tabular import write_reports

    unreadable = read = 0

    def rows() -> Iterator[dict[str, object]]:
        nonlocal unreadable, read
        for path in iter_files(paths):
            outcome = read_report(path)
            if outcome.report is None:
                unreadable += 1
                click.echo(f"gongkai: {outcome.error}", err=True)
                continue
            read += 1
            yield {"file": path, **outcome.report.flat()}
        if unreadable and not read:  # a failed export: the output written before stays (gongkai.atomic)
            raise ValueError(Message("check.export.nothing_read", count=unreadable))

    try:
        count = write_reports(rows(), output)
    except ValueError as exc:
        click.echo(f"gongkai: {output}: {message_of(exc)}", err=True)
        return 2
    except OSError as exc:
        click.echo(f"gongkai: {output}: {os_problem(exc)}", err=True)
        return 2
    click.echo(t("check.export.written", count=count, output=output), err=True)
    return 2 if unreadable else 0
