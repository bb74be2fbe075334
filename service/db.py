"""The database: one SQLAlchemy engine per application, schema by Alembic migrations."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_write_lock(connection):
            # SQLite ignores SELECT ... FOR UPDATE, and its driver starts a transaction only at the first
            # write, so two requests could both read a finding and then write over each other. A request
            # that changes data takes the write lock at its start instead: such requests run one at a time.
            if connection.get_execution_options().get(WRITE_OPTION):
                connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True)


WRITE_OPTION = "woo_redact_writes"


def make_sessionmaker(engine: Engine, writes: bool = False) -> sessionmaker:
    """Sessions; with ``writes`` their transactions lock for writing from the first statement (SQLite),
    as ``SELECT ... FOR UPDATE`` does for the rows it reads on PostgreSQL."""
    bind = engine.execution_options(**{WRITE_OPTION: True}) if writes else engine
    return sessionmaker(bind=bind, expire_on_commit=False)


def alembic_config(connection=None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision (``alembic upgrade head``)."""
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
