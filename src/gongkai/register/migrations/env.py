"""Alembic environment of the register, run from `gongkai.register.db.migrate` (no alembic.ini needed).

`migrate` passes an open connection in `config.attributes["connection"]`, inside its own transaction (which on
PostgreSQL holds an advisory lock, so concurrent openers migrate one at a time). Used from the alembic
command line instead, the URL comes from the `sqlalchemy.url` option.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from gongkai.register.db import Base

config = context.config


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as own:
        _run(own)
    engine.dispose()


run_migrations()
