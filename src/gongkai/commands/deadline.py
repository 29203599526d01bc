"""`gongkai deadline` and `gongkai fee`: the statutory clock and the fee calculator."""

from __future__ import annotations

import json

import click

from gongkai.i18n import message_of, t


def run_deadline(received: str, extension: bool, channel: str | None, correction_asked: str | None,
                 correction_received: str | None, consultations: tuple[str, ...], fee_notice: str | None,
                 fee_paid: str | None, as_json: bool) -> int:
    from gongkai.register.deadline import compute_deadline, parse_date, parse_period, render_trace

    def day(text: str | None):
        return parse_date(text) if text else None

    try:
        deadline = compute_deadline(
            parse_date(received), channel=channel, extension=extension,
            correction_asked=day(correction_asked), correction_received=day(correction_received),
            consultations=[parse_period(p) for p in consultations],
            fee_notice=day(fee_notice), fee_paid=day(fee_paid))
    except ValueError as exc:
        raise click.UsageError(str(message_of(exc))) from None
    if as_json:
        click.echo(json.dumps(deadline.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_trace(deadline))
    return 0


def run_fee(applications: int | None, pages: int | None, as_json: bool) -> int:
    from gongkai.register.fee import fee_per_application, fee_per_page, render_fee

    if (applications is None) == (pages is None):
        raise click.UsageError(t("fee.input.one_method"))
    try:
        fee = fee_per_application(applications) if applications is not None else fee_per_page(pages)
    except ValueError as exc:
        raise click.UsageError(str(message_of(exc))) from None
    click.echo(json.dumps(fee.to_dict(), ensure_ascii=False, indent=2) if as_json else render_fee(fee))
    return 0
