"""Helpers for the service tests."""

from __future__ import annotations

import time


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def wait_for(client, token: str, document_id: int, timeout: float = 180.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        body = client.get(f"/api/v1/documents/{document_id}", headers=auth(token)).get_json()
        if body["status"] in ("ready", "failed") or time.monotonic() > deadline:
            return body
        time.sleep(0.2)
