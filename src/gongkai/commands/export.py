"""`gongkai export`: reports as one table, streamed to CSV, XLSX, Parquet or JSON lines; or, given a folder, as a
resumable Parquet dataset (gongkai.export.dataset), read in the local pool or on a Dask cluster."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

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


def dataset_record(path: str) -> dict[str, object] | str:
    """One report's row and its findings (rendered in the current language), or its one-line error: the work each
    worker of a dataset export does, in the local pool and on a Dask cluster alike."""
    from gongkai.checks import run_checks
    from gongkai.checks.catalogue import render

    outcome = read_report(path)
    if outcome.report is None:
        return outcome.error or path
    findings = []
    for finding in run_checks(outcome.report):
        shown = render(finding)  # {code, severity, message, cells, where}: the findings table's columns
        findings.append({**shown, "where": json.dumps(shown["where"], ensure_ascii=False)})
    return {"row": {"file": path, **outcome.report.flat()}, "findings": findings}


def _failed(output: str, exc: ValueError | OSError) -> int:
    """The output could not be written: one line naming it, exit 2."""
    problem = os_problem(exc) if isinstance(exc, OSError) else message_of(exc)
    click.echo(f"gongkai: {output}: {problem}", err=True)
    return 2


def is_dataset(output: str, engine: str) -> bool:
    """A dataset folder is asked for: an existing folder, a name ending in a slash, or any name without a suffix
    given to the Dask engine (which writes nothing else)."""
    return output.endswith(("/", os.sep)) or Path(output).is_dir() or (engine == "dask" and not Path(output).suffix)


def run_dataset(paths: list[str], output: str, reading: ReadingOptions, engine: str = "local",
                scheduler: str | None = None) -> int:
    """Read the files not yet in the dataset at `output` and add them to it, batch by batch (exit 2 if any failed)."""
    from gongkai.supervision.provinces import province_of

    try:
        dataset = _opened(output)
        for sha256, result in _reads(paths, dataset, reading, engine, scheduler):
            record = result.error if result.value is None else result.value
            if isinstance(record, str):
                click.echo(f"gongkai: {record}", err=True)
                dataset.add_failure(sha256, result.item, record)
                continue
            row = record["row"]
            dataset.add_report(sha256, row, record["findings"], province_of(row.get("meta.agency")))
        dataset.flush()
    except (ValueError, OSError) as exc:
        return _failed(output, exc)
    click.echo(dataset.tally.summary(output), err=True)
    return 2 if dataset.tally.failed else 0


def _opened(output: str):
    """The dataset at `output`, opened (ValueError with the message to show if its records or files are damaged)."""
    from gongkai.export.dataset import Dataset

    try:
        return Dataset.open(output)
    except (ValueError, KeyError, TypeError) as exc:  # a record that is not JSON, a file that is not Parquet
        raise ValueError(Message("check.export.dataset_damaged", detail=f"{type(exc).__name__}: {exc}")) from None


def _reads(paths: list[str], dataset, reading: ReadingOptions, engine: str, scheduler: str | None) -> Iterator:
    from gongkai.export.engines import dask_reads, local_reads

    if engine == "dask":
        return dask_reads(paths, dataset, dataset_record, reading, scheduler)
    return local_reads(paths, dataset, dataset_record, reading)


def run_export(paths: list[str], output: str, reading: ReadingOptions | None = None, headers: str = "keys",
               engine: str = "local", scheduler: str | None = None) -> int:
    from gongkai.export.tabular import write_reports
    reading = reading or ReadingOptions()
    dataset = is_dataset(output, engine)
    problem = _dataset_problem(dataset, headers, engine)
    if problem:
        click.echo(f"gongkai: {output}: {problem}", err=True)
        return 2
    if dataset:
        return run_dataset(paths, output, reading, engine, scheduler)

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
    except (ValueError, OSError) as exc:
        return _failed(output, exc)
    click.echo(t("check.export.written", count=count, output=output), err=True)
    return 2 if unreadable else 0


def _dataset_problem(dataset: bool, headers: str, engine: str) -> str | None:
    """Why the options cannot go together: the Dask engine writes a dataset only, a dataset has the keys as headers;
    and the engine must be installed. `dataset`: whether the output is a dataset folder (is_dataset)."""
    if engine == "dask" and not dataset:
        return t("check.export.dask_needs_folder")
    if headers != "keys" and dataset:
        return t("check.export.dataset_headers")
    if engine == "dask":
        from importlib.util import find_spec

        if find_spec("distributed") is None:
            return t("check.export.dask_missing")
    return None
