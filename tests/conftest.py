"""Shared fixtures."""

import pytest


@pytest.fixture(scope="session")
def engine():
    from redaction.analyzer import get_engine

    return get_engine()
