"""`gongkai rollup`: the region's tables as the sum of its agencies' reports (汇总)."""

from __future__ import annotations

from pathlib import Path

import click

from gongkai.errors import InputError, os_problem
from gongkai.i18n import t
from gongkai.pool import ReadingOptions
from gongkai.supervision.rollup import Rollup


def _output_ok(output: str) -> bool:
    from gongkai.supervision.rollup_files import SUFFIXES

    if Path(output).suffix.lower() in SUFFIXES:
        return True
    click.echo(f"gongkai: {output}: " + t("office.output.unsupported", suffix=Path(output).suffix,
                                            known=", ".join(SUFFIXES)), err=True)
    return False


def _compute(paths: list[str], year: int | None, format_id: str | None, include_errors: bool,
             regions_file: str | None, agencies_file: str | None, region: str | None,
             reading: ReadingOptions | None) -> tuple[Rollup, dict]:
    from gongkai.commands.check import checked_reports
    from gongkai.supervision.agencies import read_aliases
    from gongkai.supervision.regions import read_regions
    from gongkai.supervision.rollup import rollup, rollup_tree

    aliases = read_aliases(agencies_file)
    regions = read_regions(regions_file, aliases) if regions_file else None
    results = checked_reports(paths, reading)  # findings counted, not kept
    if regions is None:
        return rollup(results, year, format_id, include_errors, region), {}
    tree = rollup_tree(results, regions, aliases, year, format_id, include_errors)
    chosen = region or regions.roots()[0]
    if chosen not in tree:
        raise InputError(regions_file or "", "office.rollup.unknown_region", region=chosen)
    return tree[chosen], tree


def run_rollup(paths: list[str], output: str, year: int | None = None, format_id: str | None = None,
               include_errors: bool = False, regions_file: str | None = None, agencies_file: str | None = None,
               region: str | None = None, reading: ReadingOptions | None = None) -> int:
    from gongkai.supervision.rollup_files import write_rollup

    if not _output_ok(output):
        return 2
    try:
        result, tree = _compute(paths, year, format_id, include_errors, regions_file, agencies_file, region,
                                reading)
    except InputError as exc:
        click.echo(f"gongkai: {exc}", err=True)
        return 2
    for entry in result.excluded:
        click.echo(t("office.rollup.excluded_line", file=entry.file, agency=entry.agency or "?",
                     reason=entry.reason or ""), err=True)
    if not result.summed and not result.regions:
        click.echo("gongkai: " + t("office.rollup.nothing"), err=True)
        return 2
    click.echo(t("office.rollup.done", count=result.summed, year=result.year, format=result.format_id,
                 excluded=len(result.excluded)), err=True)
    try:
        write_rollup(result, output, tree)
    except OSError as exc:
        click.echo(f"gongkai: {output}: {os_problem(exc)}", err=True)
        return 2
    click.echo(t("common.written", path=output), err=True)
    return 0
