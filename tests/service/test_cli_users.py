"""``woo-redact users add``: creates a user and prints its API token as the last line."""

from __future__ import annotations

import pytest

from redaction.cli import main


def test_users_add_prints_a_working_token(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    data = tmp_path / "data"
    assert main(["users", "add", "Anna de Vries", "--role", "reviewer", "--data", str(data)]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert (data / "woo-redact.db").exists()

    from service import create_app

    app = create_app({"DATA_DIR": str(data)})
    try:
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        assert client.get("/api/v1/documents/1", headers=headers).status_code == 404  # authenticated
        response = client.post("/api/v1/dossiers", json={"title": "t", "case_number": "c"}, headers=headers)
        assert response.status_code == 403  # a reviewer creates no dossiers
    finally:
        app.extensions["woo_redact"]["engine"].dispose()


def test_users_add_refuses_a_duplicate_name(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    data = str(tmp_path / "data")
    assert main(["users", "add", "piet", "--role", "officer", "--data", data]) == 0
    assert main(["users", "add", "piet", "--role", "admin", "--data", data]) == 1
    assert "exists already" in capsys.readouterr().err


def test_users_add_rejects_an_unknown_role(tmp_path):
    with pytest.raises(SystemExit) as exc:
        main(["users", "add", "x", "--role", "boss", "--data", str(tmp_path)])
    assert exc.value.code == 1


def test_users_add_with_a_password_from_standard_input_can_log_in(tmp_path, capsys, monkeypatch):
    import io

    monkeypatch.delenv("DATABASE_URL", raising=False)
    data = str(tmp_path / "data")
    monkeypatch.setattr("sys.stdin", io.StringIO("geheim-wachtwoord\n"))
    assert main(["users", "add", "Joke", "--role", "officer", "--password", "--data", data]) == 0
    capsys.readouterr()

    from service import create_app

    app = create_app({"DATA_DIR": data, "WTF_CSRF_ENABLED": False})
    try:
        client = app.test_client()
        wrong = client.post("/login", data={"username": "Joke", "password": "fout"})
        assert wrong.status_code == 401
        right = client.post("/login", data={"username": "Joke", "password": "geheim-wachtwoord"})
        assert right.status_code == 302 and right.headers["Location"] == "/"
        assert client.get("/").status_code == 200
    finally:
        app.extensions["woo_redact"]["engine"].dispose()


def test_users_add_refuses_a_short_password(tmp_path, capsys, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("kort\n"))
    assert main(["users", "add", "Kees", "--role", "officer", "--password", "--data", str(tmp_path)]) == 1
    assert "at least 8 characters" in capsys.readouterr().err
