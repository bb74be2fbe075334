"""`kill -9` of the running service in the middle of a package job; started again, it finishes the job without
redoing finished documents and without losing or duplicating any."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from pdfkit import REPO, make_pdf

WOO_REDACT = str(Path(sys.executable).parent / "woo-redact")
DOCUMENTS = 20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def call(port: int, method: str, path: str, token: str, body: bytes | None = None, content_type: str | None = None):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method,
                                     headers={"Authorization": f"Bearer {token}",
                                              **({"Content-Type": content_type} if content_type else {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def multipart(name: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            "Content-Type: application/zip\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def package(folder: Path) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n in range(DOCUMENTS):
            path = folder / f"nota-{n}.pdf"
            make_pdf(path, ["Notitie", f"Datum: {n + 1} juni 2024", "",
                            f"Overleg met Anouk Wiersma-{n:02d}berg over de planning van kwartaal {n % 4 + 1}.",
                            f"Contact: a.wiersma{n}@minbzk.nl, telefoon 06-{31000000 + 7 * n}.",
                            "Met vriendelijke groet,", f"Kemal Hagedoorn-{n:02d}veld"])
            archive.write(path, f"notities/nota-{n:02d}.pdf")
    return buffer.getvalue()


class Server:
    def __init__(self, data: Path):
        self.data, self.port, self.process = data, free_port(), None

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "WOO_REDACT_BROKER_URL")}
        env["WOO_REDACT_JOB_WORKERS"] = "2"
        self.process = subprocess.Popen([WOO_REDACT, "serve", "--port", str(self.port), "--data", str(self.data)],
                                        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            assert self.process.poll() is None, "the service stopped"
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/v1/openapi.json", timeout=2)
                return
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.2)

    def children(self) -> list[int]:
        found = []
        for task in Path(f"/proc/{self.process.pid}/task").glob("*/children"):
            found += [int(p) for p in task.read_text().split()]
        return found

    def kill(self) -> list[int]:
        """SIGKILL the service; return the pids of the worker processes it had."""
        children = self.children()
        self.process.kill()
        self.process.wait()
        return children


def snapshot(data: Path) -> dict:
    with sqlite3.connect(f"file:{data / 'woo-redact.db'}?mode=ro", uri=True, timeout=10) as conn:
        return {"findings": conn.execute('SELECT document_id, id, entity, start, "end" FROM findings '
                                         "ORDER BY document_id, id").fetchall(),
                "ready": [r[0] for r in conn.execute("SELECT id FROM documents WHERE status = 'ready'")],
                "documents": conn.execute("SELECT count(*) FROM documents").fetchone()[0]}


def test_the_service_killed_mid_package_finishes_it_after_a_restart(tmp_path):
    data = tmp_path / "data"
    made = subprocess.run([WOO_REDACT, "users", "add", "officier", "--role", "admin", "--data", str(data)],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip().splitlines()[-1]
    server = Server(data)
    server.start()
    try:
        status, dossier = call(server.port, "POST", "/api/v1/dossiers", token,
                               json.dumps({"title": "Pakket", "case_number": "WOO-1"}).encode(), "application/json")
        assert status == 201, dossier
        body, content_type = multipart("pakket.zip", package(tmp_path))
        status, answer = call(server.port, "POST", f"/api/v1/dossiers/{dossier['id']}/packages", token, body,
                              content_type)
        assert status == 202, answer
        job_id = answer["job"]["id"]
        deadline = time.monotonic() + 240
        while True:
            status, job = call(server.port, "GET", f"/api/v1/jobs/{job_id}", token)
            progress = job["progress"]
            if progress["phase"] == "analyse" and progress["done"] >= 4:
                break
            assert job["status"] not in ("done", "failed") and time.monotonic() < deadline, job
            time.sleep(0.05)
    finally:
        orphans = server.kill()  # SIGKILL, mid-analysis
    before = snapshot(data)
    assert orphans, "the service ran its package job in worker processes"
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in orphans):
        assert time.monotonic() < deadline, "worker processes outlive their killed service"
        time.sleep(0.2)
    assert 4 <= len(before["ready"]) < DOCUMENTS, before["ready"]

    server.start()
    try:
        deadline = time.monotonic() + 240
        while True:
            status, job = call(server.port, "GET", f"/api/v1/jobs/{job_id}", token)
            if job["status"] in ("done", "failed") or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert job["status"] == "done", job
    finally:
        server.kill()
    after = snapshot(data)
    assert after["documents"] == before["documents"] == DOCUMENTS  # none lost, none unpacked twice
    assert len(after["ready"]) == DOCUMENTS
    for document_id in before["ready"]:  # not redone
        assert [f for f in after["findings"] if f[0] == document_id] == \
               [f for f in before["findings"] if f[0] == document_id]
    spans = [(f[0], f[2], f[3], f[4]) for f in after["findings"]]
    assert len(spans) == len(set(spans)), "no finding stored twice"

