"""Every endpoint of the JSON API checks the token (401) and the role (403) before anything else."""

from __future__ import annotations

import pytest

from service_helpers import auth

ANY = ("officer", "reviewer", "admin")
EDITORS = ("officer", "admin")
DECIDERS = ("reviewer", "admin")
ID = 999999  # no such object: a caller who passes the role check gets 404, never 401 or 403

ENDPOINTS = [
    ("POST", "/api/v1/dossiers", EDITORS, {"title": "t", "case_number": "c"}),
    ("GET", "/api/v1/dossiers", ANY, None),
    ("GET", f"/api/v1/dossiers/{ID}", ANY, None),
    ("POST", f"/api/v1/dossiers/{ID}/members", EDITORS, {"user": "x"}),
    ("POST", f"/api/v1/dossiers/{ID}/documents", EDITORS, None),
    ("GET", f"/api/v1/dossiers/{ID}/audit", ANY, None),
    ("GET", f"/api/v1/documents/{ID}", ANY, None),
    ("POST", f"/api/v1/documents/{ID}/retry", ANY, None),
    ("GET", f"/api/v1/documents/{ID}/findings", ANY, None),
    ("POST", f"/api/v1/findings/{ID}/decision", DECIDERS, {"decision": "accept"}),
    ("POST", f"/api/v1/documents/{ID}/decisions", DECIDERS, {"all": True, "decision": "accept"}),
    ("POST", f"/api/v1/documents/{ID}/redactions", DECIDERS, {"text": "x"}),
    ("POST", f"/api/v1/documents/{ID}/reviewed-pages", DECIDERS, {"pages": [0]}),
    ("POST", f"/api/v1/documents/{ID}/approve", DECIDERS, None),
    ("GET", f"/api/v1/documents/{ID}/review.pdf", ANY, None),
    ("GET", f"/api/v1/documents/{ID}/release.pdf", ANY, None),
    ("POST", f"/api/v1/dossiers/{ID}/packages", EDITORS, None),
    ("GET", f"/api/v1/dossiers/{ID}/jobs", ANY, None),
    ("GET", f"/api/v1/dossiers/{ID}/release.zip", ANY, None),
    ("POST", f"/api/v1/dossiers/{ID}/release.zip", ANY, None),
    ("GET", f"/api/v1/jobs/{ID}", ANY, None),
]


def test_the_table_covers_every_api_route(app):
    routed = {(method, rule.rule.replace("<int:", "{").replace(">", "}"))
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    listed = {(method, path.replace(str(ID), "{x}")) for method, path, _, _ in ENDPOINTS}
    routed = {(m, p.replace("{dossier_id}", "{x}").replace("{document_id}", "{x}").replace("{finding_id}", "{x}")
                                                                                  .replace("{job_id}", "{x}"))
              for m, p in routed} - {("GET", "/api/v1/openapi.json")}
    assert routed == listed


@pytest.mark.parametrize("method,path,allowed,body", ENDPOINTS, ids=[f"{m} {p}" for m, p, _, _ in ENDPOINTS])
def test_token_and_role_are_checked_first(client, tokens, method, path, allowed, body):
    send = client.post if method == "POST" else client.get
    kwargs = {"json": body} if body is not None else {}
    assert send(path, **kwargs).status_code == 401
    assert send(path, headers={"Authorization": "Bearer not-a-token"}, **kwargs).status_code == 401
    for role in ANY:
        response = send(path, headers=auth(tokens[role]), **kwargs)
        if role in allowed:
            assert response.status_code not in (401, 403), (role, response.get_json())
            if path.endswith("/dossiers") and method == "POST":
                assert response.status_code == 201
            elif method == "GET" and path == "/api/v1/dossiers":
                assert response.status_code == 200
            else:
                assert response.status_code == 404, (role, response.get_json())
        else:
            assert response.status_code == 403, (role, response.status_code)
            assert role in response.get_json()["error"]
