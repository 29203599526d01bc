"""`gongkai users …`: the people who log in to the web application (add, list, disable, reset-password).

Passwords are read from standard input (one line; asked twice without echo on a terminal), never from the command
line, where other users of the machine could see them. Failures are one line and exit 2, as every register command.
"""

from __future__ import annotations

import sys

import click

from gongkai.commands.register import EXIT_INPUT, EXIT_OK, Failure, guarded
from gongkai.i18n import Message, t
from gongkai.register.db import Register


def read_password() -> str:
    """A password from standard input: asked twice without echo on a terminal, else its first line."""
    if sys.stdin.isatty():
        return click.prompt(t("web.cli.password"), hide_input=True, confirmation_prompt=t("web.cli.password_again"))
    line = sys.stdin.readline()
    password = line.rstrip("\r\n")
    if not password:
        raise Failure("stdin", Message("web.cli.no_password"))
    return password


def _password() -> str | None:
    """The password from standard input, or None after its one-line error."""
    try:
        return read_password()
    except Failure as exc:
        click.echo(f"gongkai: {exc}", err=True)
        return None


def run_add(db: str | None, name: str, role: str, agency: str | None, region: str | None, kind: str | None,
            user: str | None) -> int:
    password = _password()
    if password is None:
        return EXIT_INPUT

    def body(reg: Register, where: str) -> int:
        from gongkai.register.accounts import add_user

        add_user(reg, name, password, role, agency=agency, region=region, kind=kind, user=user)
        click.echo(t("web.cli.added", name=name, role=t(f"web.role.{role}"), place=agency or region or "—"), err=True)
        return EXIT_OK

    return guarded(db, body)


def run_list(db: str | None) -> int:
    def body(reg: Register, where: str) -> int:
        from gongkai.register.accounts import list_users

        click.echo("\t".join(t(f"web.cli.column.{c}") for c in ("name", "role", "agency", "region", "state")))
        for row in list_users(reg):
            state = t("web.cli.disabled") if row.disabled else t("web.cli.enabled")
            click.echo("\t".join((row.name, t(f"web.role.{row.role}"), row.agency or "", row.region or "", state)))
        return EXIT_OK

    return guarded(db, body)


def run_disable(db: str | None, name: str, enable: bool, user: str | None) -> int:
    def body(reg: Register, where: str) -> int:
        from gongkai.register.accounts import set_disabled

        set_disabled(reg, name, not enable, user=user)
        click.echo(t("web.cli.enabled_now" if enable else "web.cli.disabled_now", name=name), err=True)
        return EXIT_OK

    return guarded(db, body)


def run_reset(db: str | None, name: str, user: str | None) -> int:
    password = _password()
    if password is None:
        return EXIT_INPUT

    def body(reg: Register, where: str) -> int:
        from gongkai.register.accounts import set_password

        set_password(reg, name, password, user=user)
        click.echo(t("web.cli.password_set", name=name), err=True)
        return EXIT_OK

    return guarded(db, body)
