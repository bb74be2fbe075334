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


def new_dossier(client, token: str, members=(), title: str = "Verzoek om informatie",
                case_number: str = "WOO-2026-001") -> int:
    """A dossier made by the user of ``token``, who gives ``members`` (user names) access to it."""
    response = client.post("/api/v1/dossiers", json={"title": title, "case_number": case_number},
                           headers=auth(token))
    assert response.status_code == 201, response.get_json()
    dossier_id = response.get_json()["id"]
    for name in members:
        response = client.post(f"/api/v1/dossiers/{dossier_id}/members", json={"user": name}, headers=auth(token))
        assert response.status_code == 201, response.get_json()
    return dossier_id
