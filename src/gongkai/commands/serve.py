"""`gongkai serve`: the web application under uvicorn, on the register named by --db (or the default one), or on a
throwaway demo register (--demo)."""

from __future__ import annotations

import os
import tempfile

import click

from gongkai.commands.register import EXIT_INPUT, EXIT_OK, Failure, _open
from gongkai.i18n import t


def run_serve(db: str | None, host: str, port: int, demo: bool) -> int:
    folder = None
    if demo:
        folder = tempfile.TemporaryDirectory(prefix="gongkai-demo-")
        db = f"sqlite:///{os.path.join(folder.name, 'demo.sqlite')}"
    try:
        reg, where = _open(db)
    except Failure as exc:
        click.echo(f"gongkai: {exc}", err=True)
        return EXIT_INPUT
    try:
        if demo:
            _fill_demo(reg)
        from gongkai.web.app import create_app

        app = create_app(register=reg)
        click.echo(t("web.cli.serving", url=f"http://{host}:{port}/", db=where), err=True)
        import uvicorn

        uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=True)
    finally:
        reg.close()
        if folder is not None:
            folder.cleanup()
    return EXIT_OK


def _fill_demo(reg) -> None:
    from gongkai.web.demo import build_demo

    people, seeds = build_demo(reg)
    click.echo(t("web.cli.demo", seeds=seeds), err=True)
    for role, (name, password) in (("officer", people.officer), ("officer", people.other_officer),
                                   ("supervisor", people.supervisor), ("admin", people.admin)):
        click.echo(t("web.cli.demo_person", role=t(f"web.role.{role}"), name=name, password=password), err=True)
