"""The service against real databases: a fresh SQLite file, and a unique schema on the local PostgreSQL."""

from __future__ import annotations

import uuid

import pytest

from service_helpers import PG_SERVER, drop_schema, postgres_schema


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def app(request, tmp_path_factory):
    from service import create_app

    data = tmp_path_factory.mktemp(f"data-{request.param}")
    config = {"DATA_DIR": str(data), "MAX_CONTENT_LENGTH": 2 * 1024 * 1024}
    schema = None
    if request.param == "postgresql":
        schema, reason = postgres_schema()
        if schema is None:
            pytest.skip(reason)
        config["DATABASE_URL"] = f"{PG_SERVER}?options=-csearch_path%3D{schema}"
    else:
        config["DATABASE_URL"] = f"sqlite:///{data / 'woo-redact.db'}"
    application = create_app(config)
    application.config["TESTING"] = True
    yield application
    application.extensions["woo_redact"]["analyser"].shutdown(wait=True)
    application.extensions["woo_redact"]["engine"].dispose()
    if schema:
        drop_schema(schema)


@pytest.fixture(scope="module")
def accounts(app):
    """One user of each role: {role: (name, API token)}."""
    from service.users import add_user

    made = {}
    for role in ("officer", "reviewer", "admin"):
        name = f"{role}-{uuid.uuid4().hex[:6]}"
        made[role] = (name, add_user(app, name, role)[1])
    return made


@pytest.fixture(scope="module")
def tokens(accounts):
    return {role: token for role, (_, token) in accounts.items()}


@pytest.fixture(scope="module")
def names(accounts):
    return {role: name for role, (name, _) in accounts.items()}


@pytest.fixture()
def client(app):
    return app.test_client()
