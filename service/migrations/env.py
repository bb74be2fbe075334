"""Alembic environment: the service passes its connection in; the ``alembic`` CLI falls back to DATABASE_URL."""

from alembic import context
from sqlalchemy import create_engine

from service.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    from service.config import data_dir, database_url

    engine = create_engine(database_url(data_dir()))
    with engine.begin() as conn:
        _run(conn)
