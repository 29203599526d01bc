"""`gongkai export`: reports as one table, streamed to CSV, XLSX, Parquet or JSON lines."""

from __future__ import annotations

from collections.abc import Iterator

import click

from gongkai.errors import os_problem
from gongkai.i18n import message_of, t
from gongkai.inputs import iter_files, read_report


def run_export(paths: list[str], output: str, headers: str = "keys") -> int:
    from gongkai.export.tabular import write_reports

    unreadable = 0

    def rows() -> Iterator[dict[str, object]]:
        nonlocal unreadable
        for path in iter_files(paths):
            outcome = read_report(path)
            if outcome.report is None:
                unreadable += 1
                click.echo(f"gongkai: {outcome.error}", err=True)
                continue
            yield {"file": path, **outcome.report.flat()}

    try:
        count = write_reports(rows(), output, headers)
    except ValueError as exc:
        click.echo(f"gongkai: {output}: {message_of(exc)}", err=True)
        return 2
    except OSError as exc:
        click.echo(f"gongkai: {output}: {os_problem(exc)}", err=True)
        return 2
    click.echo(t("check.export.written", count=count, output=output), err=True)
    return 2 if unreadable else 0
