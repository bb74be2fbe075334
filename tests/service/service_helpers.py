"""Helpers for the service tests."""

from __future__ import annotations

import io
import time
import uuid
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "nota_minister.pdf"  # a real memo with personal data


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def db_session(app):
    return app.extensions["woo_redact"]["sessions"]()


def upload(client, token: str, dossier_id: int, *files):
    """POST (name, content) pairs as one multipart upload into the dossier."""
    data = {"file": [(io.BytesIO(content), name) for name, content in files]}
    return client.post(f"/api/v1/dossiers/{dossier_id}/documents", data=data, headers=auth(token),
                       content_type="multipart/form-data")


def poll(client, token: str, url: str, final: tuple[str, ...], timeout: float) -> dict:
    """GET ``url`` until its ``status`` is one of ``final`` (or the time is up); the last body."""
    deadline = time.monotonic() + timeout
    while True:
        body = client.get(url, headers=auth(token)).get_json()
        if body["status"] in final or time.monotonic() > deadline:
            return body
        time.sleep(0.2)


def wait_for(client, token: str, document_id: int, timeout: float = 180.0) -> dict:
    return poll(client, token, f"/api/v1/documents/{document_id}", ("ready", "failed"), timeout)


def wait_job(client, token: str, job_id: int, timeout: float = 300.0) -> dict:
    return poll(client, token, f"/api/v1/jobs/{job_id}", ("done", "failed"), timeout)


def package_zip(folder: Path, pdfs: dict[str, list[str]], copies: dict[str, str] | None = None,
                extra: dict[str, bytes] | None = None) -> bytes:
    """A ZIP of real PDFs (path in the ZIP: lines of text), byte-identical ``copies`` (new path: path of the
    PDF copied) and ``extra`` files as they are."""
    import zipfile

    from pdfkit import make_pdf

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n, (name, lines) in enumerate(pdfs.items()):
            path = folder / f"document-{n}.pdf"
            make_pdf(path, lines)
            archive.write(path, name)
        for name, original in (copies or {}).items():
            archive.writestr(name, archive.read(original))
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


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


PG_SERVER = "postgresql://postgres@127.0.0.1:5432/test"


def postgres_schema():
    """Create a schema of its own for this run; None (with the reason) when the server does not answer."""
    import psycopg

    schema = f"woo_test_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(PG_SERVER, connect_timeout=3, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
    except psycopg.OperationalError as exc:
        return None, f"PostgreSQL at {PG_SERVER} does not answer ({str(exc).strip().splitlines()[0]})"
    return schema, None


def drop_schema(schema: str) -> None:
    import psycopg

    with psycopg.connect(PG_SERVER, connect_timeout=3, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
