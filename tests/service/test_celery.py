"""The distributed mode for real: two `woo-redact worker` processes (Celery) take a package's job from the Redis
on this machine and work in a PostgreSQL schema of their own; the service only hands the job out."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path

import pytest
from pdfkit import REPO
from service_helpers import (
    PG_SERVER,
    auth,
    drop_schema,
    new_dossier,
    package_zip,
    postgres_schema,
    wait_job,
)

REDIS = "redis://127.0.0.1:6379/0"
LETTER = ["Gemeente Zwolle", "Datum: 12 april 2024", "", "Geachte heer {name},", "",
          "Uw aanvraag is ontvangen. Uw dossier wordt behandeld door {colleague}.",
          "Bereikbaar via {mail}.", "", "Met vriendelijke groet,", "{colleague}"]
PEOPLE = [("Bouzid", "Anouk Wiersma"), ("Ramsaran", "Kemal Hagedoorn"), ("Nowak", "Priya Tjon A Fong"),
          ("de Greef", "Joris El Idrissi"), ("Vermeulen", "Fleur Quakkelaar"), ("Hagedoorn", "Daan Ploeterbeek")]


def redis_answers() -> str | None:
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        return f"Redis at {REDIS} does not answer ({exc})"
    return None


@pytest.fixture(scope="module")
def distributed(tmp_path_factory):
    """The service in distributed mode and two workers: (app, worker logs)."""
    reason = redis_answers()
    schema, pg_reason = postgres_schema()
    if reason or schema is None:
        pytest.skip(reason or pg_reason)
    data = tmp_path_factory.mktemp("celery-data")
    queue = f"woo-test-{uuid.uuid4().hex[:8]}"
    database = f"{PG_SERVER}?options=-csearch_path%3D{schema}"
    env = {**os.environ, "WOO_REDACT_BROKER_URL": REDIS, "WOO_REDACT_QUEUE": queue, "DATABASE_URL": database,
           "WOO_REDACT_DATA": str(data)}
    from service import create_app

    # The service first: it makes the schema (migrations) before any worker looks at it.
    app = create_app({"DATA_DIR": str(data), "DATABASE_URL": database, "BROKER_URL": REDIS, "JOB_QUEUE": queue})
    app.config["TESTING"] = True
    logs, workers = [], []
    for n in range(2):
        log = data / f"worker{n}.log"
        logs.append(log)
        workers.append(subprocess.Popen(
            [str(Path(sys.executable).parent / "woo-redact"), "worker", "--concurrency", "1",
             "--hostname", f"w{n}-{queue}@%h"],
            cwd=REPO, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT))
    try:
        deadline = time.monotonic() + 120
        while not all("ready." in log.read_text(errors="replace") for log in logs):
            for worker, log in zip(workers, logs):
                assert worker.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, [log.read_text(errors="replace")[-2000:] for log in logs]
            time.sleep(0.3)
        yield app, logs
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        app.extensions["woo_redact"]["engine"].dispose()
        drop_schema(schema)


def package(folder: Path) -> bytes:
    pdfs = {}
    for n, (name, colleague) in enumerate(PEOPLE):
        mail = colleague.lower().replace(" ", ".") + "@zwolle.nl"
        pdfs[f"brieven/brief-{n}.pdf"] = [line.format(name=name, colleague=colleague, mail=mail) for line in LETTER]
    return package_zip(folder, pdfs, copies={"kopie/brief-0.pdf": "brieven/brief-0.pdf"})


def test_a_package_runs_through_celery_workers(distributed, tmp_path):
    from service.jobs import BackgroundRunner
    from service.users import add_user
    from service.worker import CeleryRunner

    app, logs = distributed
    assert isinstance(app.extensions["woo_redact"]["jobs"], CeleryRunner)
    assert not isinstance(app.extensions["woo_redact"]["jobs"], BackgroundRunner)
    _, token = add_user(app, f"admin-{uuid.uuid4().hex[:6]}", "admin")
    client = app.test_client()
    dossier_id = new_dossier(client, token)
    response = client.post(f"/api/v1/dossiers/{dossier_id}/packages", headers=auth(token),
                           data={"file": (io.BytesIO(package(tmp_path)), "pakket.zip")},
                           content_type="multipart/form-data")
    assert response.status_code == 202, response.get_json()
    job = wait_job(client, token, response.get_json()["job"]["id"])
    assert job["status"] == "done", (job, [log.read_text(errors="replace")[-3000:] for log in logs])
    documents = client.get(f"/api/v1/dossiers/{dossier_id}", headers=auth(token)).get_json()["documents"]
    assert sorted(d["status"] for d in documents) == ["duplicate"] + ["ready"] * len(PEOPLE)

    # the release ZIP is made by the workers too
    url = f"/api/v1/dossiers/{dossier_id}/release.zip?force=1"
    started = client.post(url, headers=auth(token))
    assert started.status_code == 202, started.get_json()
    assert wait_job(client, token, started.get_json()["job"]["id"])["status"] == "done"
    released = client.get(url, headers=auth(token))
    assert released.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(released.data))
    assert len([n for n in archive.namelist() if n.startswith("documenten/")]) == len(PEOPLE)

    # both workers took part: every document task ran in one of them, none in this process
    done = [log.read_text(errors="replace").count("woo_redact.document[") for log in logs]
    assert all(count > 0 for count in done), done
