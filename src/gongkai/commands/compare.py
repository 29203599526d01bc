"""`gongkai compare`: indicators per agency and year beside the region's quartiles, with charts."""

from __future__ import annotations

from pathlib import Path

import click

from gongkai.errors import os_problem
from gongkai.i18n import t
from gongkai.pool import ReadingOptions


def run_compare(paths: list[str], output: str, reading: ReadingOptions | None = None) -> int:
    from gongkai.commands.check import checked_reports
    from gongkai.supervision.charts import charts, cjk_font
    from gongkai.supervision.compare import compare
    from gongkai.supervision.compare_files import SUFFIXES, write_comparison

    if Path(output).suffix.lower() not in SUFFIXES:
        click.echo(f"gongkai: {output}: " + t("office.output.unsupported", suffix=Path(output).suffix,
                                                known=", ".join(SUFFIXES)), err=True)
        return 2
    results = checked_reports(paths, reading)  # findings counted, not kept
    unreadable = [c for c in results if c.error is not None]
    for checked in unreadable:
        click.echo(f"gongkai: {checked.error}", err=True)
    comparison = compare(results)
    if not comparison.rows:
        click.echo("gongkai: " + t("office.compare.nothing"), err=True)
        return 2
    if cjk_font() is None:
        click.echo("gongkai: " + t("office.compare.no_font"), err=True)
    try:
        write_comparison(comparison, list(charts(comparison)), output)
    except OSError as exc:
        click.echo(f"gongkai: {output}: {os_problem(exc)}", err=True)
        return 2
    click.echo(t("office.compare.done", count=len(comparison.rows), agencies=len({r.agency for r in comparison.rows}),
                 years=len(comparison.years())), err=True)
    click.echo(t("common.written", path=output), err=True)
    return 2 if unreadable else 0
