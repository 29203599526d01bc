"""`gongkai parse`: reports as JSON, one object for one file, one line per report for several files or folders."""

from __future__ import annotations

import json
from dataclasses import asdict
from functools import partial
from pathlib import Path

import click

from gongkai.i18n import t
from gongkai.inputs import iter_files, read_report
from gongkai.pool import ReadingOptions


def parsed(path: str, shape: str) -> dict | str:
    """One report as JSON data (`shape` flat or json), or its one-line error: the work of each worker."""
    outcome = read_report(path)
    if outcome.report is None:
        return outcome.error or path
    return outcome.report.flat() if shape == "flat" else asdict(outcome.report)


def run_parse(paths: list[str], shape: str, reading: ReadingOptions | None = None) -> int:
    work = partial(parsed, shape=shape)
    reading = reading or ReadingOptions()
    if len(paths) == 1 and not Path(paths[0]).is_dir():
        with reading.pool(work) as pool:
            result = next(pool.imap(paths))
        data = result.error if result.value is None else result.value
        if isinstance(data, str):
            click.echo(f"gongkai: {data}", err=True)
            return 2
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    return _parse_many(paths, work, reading)


def _parse_many(paths: list[str], work: partial, reading: ReadingOptions) -> int:
    unreadable = seen = 0
    with reading.pool(work) as pool:
        for result in pool.imap(iter_files(paths)):
            seen += 1
            data = result.error if result.value is None else result.value
            if isinstance(data, str):
                unreadable += 1
                click.echo(f"gongkai: {data}", err=True)
                line = {"file": result.item, "error": data}
            else:
                line = {"file": result.item, "report": data}
            click.echo(json.dumps(line, ensure_ascii=False))
    if not seen:
        click.echo("gongkai: " + t("check.no_files", paths=", ".join(paths)), err=True)
        return 2
    return 2 if unreadable else 0
