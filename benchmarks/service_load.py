"""Load on the review service: concurrent reviewers reviewing and exporting for a fixed time, over real HTTP.

What is measured
    ``woo-redact serve`` is started as its own process (waitress with its default threads, SQLite in a
    temporary data folder like ``make run``, or PostgreSQL with ``--database-url``). Set-up, not timed: one
    admin, one officer and ``--users`` reviewers are created with ``woo-redact users add``; the officer
    creates ``--dossiers`` dossiers (default 5), adds the reviewers to them in turn (4 reviewers per dossier
    with the defaults) and uploads 4 documents into each (one of ``samples/*.pdf``, one one-page letter made
    with ``tests/pdfkit.make_pdf`` and two documents of ``tests/packagekit.make_package``); the benchmark
    waits until every document is analysed.

    Then, for ``--seconds`` (default 60), every reviewer is one thread with its own keep-alive connection and
    its own API token that loops over a mix of what a reviewer does, with a random think time of 0-200 ms
    between requests: get the dossier, a document, its findings, a page image, the review page (HTML), decide
    a random finding (accept twice as often as reject; sometimes ``"only_this": true``), decide a text (in
    the document or the whole dossier), the dossier's jobs, the review PDF, the release PDF (200, or 409
    while suggestions are open: both are expected answers of that kind) and now and then a forced release
    (``?force=1``) with the admin's token.

    The reviewers decide any finding either way, also the ones the engine kept visible (public officials),
    and also texts that stand inside one another ("R. Soekhlal" rejected while "Soekhlal" is redacted):
    every combination of decisions must give a verified release, so a 422 counts as an error here.

    Per kind of request it reports the count, the errors (a connection error, a 5xx or any status that is
    not expected for that kind), and the p50, p95 and maximum latency (the time from sending the request to
    having read the whole answer); overall the throughput, the server's peak resident memory (``VmHWM`` of
    the serve process, which does the analysis in threads) and the number of ``Traceback`` lines in the
    server's log (its stderr, kept in a file). It ends with one line::

        users=20 seconds=60 requests=N errors=0 p50=..ms p95=..ms

How to run
    .venv/bin/python benchmarks/service_load.py [--users 20] [--seconds 60] [--dossiers 5] [--json out.json]
    .venv/bin/python benchmarks/service_load.py --database-url postgresql://postgres@127.0.0.1:5432/test

    With ``--database-url`` a fresh schema is created for the run (``?options=-csearch_path%3D<schema>`` is
    added to the URL) and dropped afterwards, with psycopg. ``--keep`` keeps the data folder and the log.
    The exit status is 1 if any request failed, the set-up failed, the server's log holds a traceback or
    the server stopped; else 0.

Caveats
    The client threads and the server share one machine (two cores on the development box): the client's
    own work (Python threads, JSON parsing) takes CPU from the server, and the figures are those of a
    saturated small machine, not of a server with its own cores. Latencies include waiting for one of
    waitress's worker threads (4 by default), so they grow with ``--users``. Decisions change the state
    the later requests see (a release may turn from 409 into 200 once a document is fully decided, a
    decision on a text makes later review PDFs differ), so two runs are similar, not identical. The
    reviewers of a dossier decide the same findings at the same time on purpose: that is what the
    concurrency of the service has to survive.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
VENV_BIN = Path(sys.executable).parent
THINK_SECONDS = 0.2
ANALYSIS_TIMEOUT = 600

# kind of request -> (weight in the mix, statuses that are a correct answer)
MIX = {
    "GET dossier": (6, {200}),
    "GET document": (10, {200}),
    "GET findings": (14, {200}),
    "GET page image": (20, {200}),
    "GET review page (HTML)": (5, {200}),
    "POST decision": (18, {200}),
    "POST decisions by text": (6, {200}),
    "GET dossier jobs": (5, {200}),
    "GET review.pdf": (6, {200}),
    "GET release.pdf": (6, {200, 409}),
    "GET release.pdf?force=1 (admin)": (2, {200}),
}


# ------------------------------------------------------------------------------------------------ HTTP


class Connection:
    """One keep-alive HTTP connection with a bearer token; reconnects after a failure."""

    def __init__(self, host: str, port: int, token: str, timeout: float = 300):
        self.host, self.port, self.token, self.timeout = host, port, token, timeout
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: bytes | None = None, content_type: str | None = None,
                token: str | None = None) -> tuple[int, bytes]:
        headers = {"Authorization": f"Bearer {token or self.token}"}
        if content_type:
            headers["Content-Type"] = content_type
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
            if response.will_close:
                self.close()
            return response.status, data
        except BaseException:
            self.close()
            raise

    def json(self, method: str, path: str, payload=None, expect: tuple[int, ...] = (200, 201), token=None):
        body = None if payload is None else json.dumps(payload).encode()
        status, data = self.request(method, path, body, "application/json" if body is not None else None, token)
        if status not in expect:
            raise RuntimeError(f"{method} {path} answered {status}: {data[:300]!r}")
        return json.loads(data) if data else None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def multipart(files: list[tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, data in files:
        parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                     f"Content-Type: application/pdf\r\n\r\n".encode() + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


# ------------------------------------------------------------------------------------------ the set-up


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def with_schema(url: str, schema: str) -> str:
    parts = urlsplit(url)
    option = f"options=-csearch_path%3D{schema}"
    return urlunsplit(parts._replace(query=f"{parts.query}&{option}" if parts.query else option))


def schema_sql(url: str, statement: str) -> None:
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(statement)


def add_user(env: dict, data: Path, name: str, role: str) -> str:
    result = subprocess.run([str(VENV_BIN / "woo-redact"), "users", "add", name, "--role", role, "--data", str(data)],
                            env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"woo-redact users add {name} failed ({result.returncode}): {result.stderr.strip()}")
    return result.stdout.strip().splitlines()[-1]


def documents_for(dossiers: int, work: Path) -> list[list[tuple[str, bytes]]]:
    """Four distinct-enough PDFs per dossier: a sample, a generated letter and two package documents."""
    from tests.packagekit import make_package
    from tests.pdfkit import make_pdf

    samples = sorted((REPO / "samples").glob("*.pdf"))
    plan = make_package(work / "package", n=max(20, 4 * dossiers), seed=11)
    originals = [d for d in plan.originals() if d.kind != "unsupported"]
    people = ["Femke de Wit", "Joost Verbeek", "Khadija El Idrissi", "Radjesh Dewkoemar", "Katarzyna Nowak",
              "Wouter van Dongen", "Elif Yilmaz", "Kwame Mensah"]
    result = []
    for i in range(dossiers):
        sample = samples[i % len(samples)]
        person = people[i % len(people)]
        letter = make_pdf(work / f"brief-{i}.pdf", [
            "Gemeente Zwolle, afdeling Publiekszaken",
            f"Betreft: uw verzoek van {i + 1} maart 2024, kenmerk Z-2024-{1000 + i}",
            f"Geachte heer/mevrouw {person},",
            f"Naar aanleiding van uw e-mail aan {person.split()[0].lower()}@voorbeeld.nl van 4 maart",
            f"delen wij u mee dat uw aanvraag is ontvangen. U kunt ons bellen op 06-1234{5670 + i}.",
            f"Uw adres: Dorpsstraat {10 + i}, 8011 AB Zwolle.",
            "Met vriendelijke groet,",
            "drs. A.B. Jansen, teamleider",
        ])
        docs = [(sample.name, sample.read_bytes()), (letter.name, letter.read_bytes())]
        for j in range(2):
            doc = originals[(2 * i + j) % len(originals)]
            docs.append((Path(doc.path).name, (work / "package" / doc.path).read_bytes()))
        result.append(docs)
    return result


@dataclass
class Setup:
    admin: str
    reviewers: list[tuple[str, str, int]]          # (name, token, dossier id)
    documents: dict[int, list[tuple[int, int]]]     # dossier id -> [(document id, pages)]


def set_up(conn_for, env: dict, data: Path, users: int, dossiers: int) -> Setup:
    tag = uuid.uuid4().hex[:6]
    admin = add_user(env, data, f"admin-{tag}", "admin")
    officer = conn_for(add_user(env, data, f"officer-{tag}", "officer"))
    reviewers = [(f"reviewer-{tag}-{i:02d}", add_user(env, data, f"reviewer-{tag}-{i:02d}", "reviewer"))
                 for i in range(users)]
    uploads = documents_for(dossiers, data / "bench-inputs")
    dossier_ids, pending = [], []
    for i in range(dossiers):
        dossier = officer.json("POST", "/api/v1/dossiers",
                               {"title": f"Woo-verzoek belasting {i + 1}", "case_number": f"LOAD-{tag}-{i + 1}",
                                "received_on": "2024-03-01"})["id"]
        dossier_ids.append(dossier)
        body, content_type = multipart(uploads[i])
        status, answer = officer.request("POST", f"/api/v1/dossiers/{dossier}/documents", body, content_type)
        if status != 201:
            raise RuntimeError(f"upload into dossier {dossier} answered {status}: {answer[:300]!r}")
        pending += [d["id"] for d in json.loads(answer)]
    members = []
    for i, (name, token) in enumerate(reviewers):
        dossier = dossier_ids[i % dossiers]
        officer.json("POST", f"/api/v1/dossiers/{dossier}/members", {"user": name})
        members.append((name, token, dossier))
    deadline = time.monotonic() + ANALYSIS_TIMEOUT
    documents: dict[int, list[tuple[int, int]]] = {d: [] for d in dossier_ids}
    while pending:
        if time.monotonic() > deadline:
            raise RuntimeError(f"documents {pending} were not analysed within {ANALYSIS_TIMEOUT} s")
        still = []
        for document in pending:
            state = officer.json("GET", f"/api/v1/documents/{document}")
            if state["status"] == "ready":
                documents[state["dossier_id"]].append((document, state["pages"]))
            elif state["status"] in ("queued", "analyzing", "waiting"):
                still.append(document)
            else:
                raise RuntimeError(f"document {document} ({state['filename']}) is {state['status']}: {state['error']}")
        pending = still
        if pending:
            time.sleep(0.25)
    officer.close()
    return Setup(admin, members, documents)


# ---------------------------------------------------------------------------------------------- the load


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)  # of every answer, expected or not
    errors: int = 0
    statuses: dict[int | str, int] = field(default_factory=dict)
    samples: list[str] = field(default_factory=list)      # a few error descriptions


class Reviewer(threading.Thread):
    def __init__(self, host: str, port: int, token: str, admin: str, dossier: int,
                 documents: list[tuple[int, int]], stop_at: float, seed: int):
        super().__init__(daemon=True)
        self.conn = Connection(host, port, token)
        self.admin, self.dossier, self.documents, self.stop_at = admin, dossier, documents, stop_at
        self.rng = random.Random(seed)
        self.stats: dict[str, Stats] = {kind: Stats() for kind in MIX}
        self.findings: dict[int, list[dict]] = {}
        self.kinds = list(MIX)
        self.weights = [MIX[k][0] for k in self.kinds]

    def record(self, kind: str, started: float, status: int | str, detail: str = "") -> None:
        stats = self.stats[kind]
        stats.latencies.append(time.perf_counter() - started)
        stats.statuses[status] = stats.statuses.get(status, 0) + 1
        if status not in MIX[kind][1]:
            stats.errors += 1
            if len(stats.samples) < 3:
                stats.samples.append(f"{status}: {detail[:200]}")

    def call(self, kind: str, method: str, path: str, payload=None, token: str | None = None) -> bytes | None:
        body = None if payload is None else json.dumps(payload).encode()
        started = time.perf_counter()
        try:
            status, data = self.conn.request(method, path, body, "application/json" if body else None, token)
        except (OSError, http.client.HTTPException) as exc:
            self.record(kind, started, type(exc).__name__, f"{method} {path}: {exc}")
            return None
        self.record(kind, started, status, f"{method} {path}: {data[:200]!r}")
        return data if status in MIX[kind][1] else None

    def finding(self, document: int) -> dict | None:
        if document not in self.findings:
            data = self.call("GET findings", "GET", f"/api/v1/documents/{document}/findings")
            self.findings[document] = json.loads(data) if data else []
        found = self.findings[document]
        return self.rng.choice(found) if found else None

    def decision(self, finding: dict) -> str:
        return self.rng.choice(("accept", "accept", "reject"))

    def step(self) -> None:
        kind = self.rng.choices(self.kinds, self.weights)[0]
        document, pages = self.rng.choice(self.documents)
        if kind == "GET dossier":
            self.call(kind, "GET", f"/api/v1/dossiers/{self.dossier}")
        elif kind == "GET document":
            self.call(kind, "GET", f"/api/v1/documents/{document}")
        elif kind == "GET findings":
            data = self.call(kind, "GET", f"/api/v1/documents/{document}/findings")
            if data:
                self.findings[document] = json.loads(data)
        elif kind == "GET page image":
            self.call(kind, "GET", f"/documents/{document}/pages/{self.rng.randrange(max(1, pages))}.png")
        elif kind == "GET review page (HTML)":
            self.call(kind, "GET", f"/documents/{document}")
        elif kind == "POST decision":
            finding = self.finding(document)
            if finding is not None:
                payload = {"decision": self.decision(finding)}
                if self.rng.random() < 0.3:
                    payload["only_this"] = True
                self.call(kind, "POST", f"/api/v1/findings/{finding['id']}/decision", payload)
        elif kind == "POST decisions by text":
            finding = self.finding(document)
            if finding is not None:
                self.call(kind, "POST", f"/api/v1/documents/{document}/decisions",
                          {"text": finding["text"], "decision": self.decision(finding),
                           "scope": "dossier" if self.rng.random() < 0.3 else "document"})
        elif kind == "GET dossier jobs":
            self.call(kind, "GET", f"/api/v1/dossiers/{self.dossier}/jobs")
        elif kind == "GET review.pdf":
            self.call(kind, "GET", f"/api/v1/documents/{document}/review.pdf")
        elif kind == "GET release.pdf":
            self.call(kind, "GET", f"/api/v1/documents/{document}/release.pdf")
        elif kind == "GET release.pdf?force=1 (admin)":
            self.call(kind, "GET", f"/api/v1/documents/{document}/release.pdf?force=1", token=self.admin)

    def run(self) -> None:
        try:
            while time.monotonic() < self.stop_at:
                self.step()
                time.sleep(self.rng.uniform(0, THINK_SECONDS))
        finally:
            self.conn.close()


def percentile(ordered: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list (0 for an empty one)."""
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))]


def vm_hwm_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def wait_until_up(host: str, port: int, server: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"woo-redact serve exited with {server.returncode}:\n{log.read_text()[-2000:]}")
        try:
            conn = http.client.HTTPConnection(host, port, timeout=2)
            conn.request("GET", "/api/v1/openapi.json")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"woo-redact serve did not answer within {timeout} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20, help="concurrent reviewers (threads), default 20")
    parser.add_argument("--seconds", type=float, default=60, help="duration of the load, default 60")
    parser.add_argument("--dossiers", type=int, default=5, help="dossiers, 4 documents each; default 5")
    parser.add_argument("--database-url", metavar="URL",
                        help="PostgreSQL server (postgresql://...); a fresh schema is made and dropped")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--seed", type=int, default=1, help="seed of the reviewers' random choices")
    parser.add_argument("--keep", action="store_true", help="keep the data folder and the server log")
    args = parser.parse_args()
    if args.users < 1 or args.dossiers < 1 or args.seconds <= 0:
        parser.error("--users, --dossiers and --seconds must be positive")

    data = Path(tempfile.mkdtemp(prefix="woo-load-"))
    log = data / "serve.log"
    host, port = "127.0.0.1", free_port()
    env = dict(os.environ, WOO_REDACT_DATA=str(data), PYTHONUNBUFFERED="1")
    env.pop("WOO_REDACT_BROKER_URL", None)
    schema = None
    if args.database_url:
        schema = f"woo_load_{uuid.uuid4().hex[:8]}"
        schema_sql(args.database_url, f"CREATE SCHEMA {schema}")
        env["DATABASE_URL"] = with_schema(args.database_url, schema)
    else:
        env.pop("DATABASE_URL", None)
    database = "PostgreSQL" if schema else "SQLite"

    server, failure = None, None
    with open(log, "wb") as log_file:
        try:
            server = subprocess.Popen([str(VENV_BIN / "woo-redact"), "serve", "--host", host, "--port", str(port),
                                       "--data", str(data)], env=env, stdout=log_file, stderr=subprocess.STDOUT)
            wait_until_up(host, port, server, log)
            set_up_started = time.perf_counter()
            setup = set_up(lambda token: Connection(host, port, token), env, data, args.users, args.dossiers)
            set_up_seconds = time.perf_counter() - set_up_started
            documents = sum(len(d) for d in setup.documents.values())
            print(f"set-up: {database}, {len(setup.documents)} dossiers, {documents} documents analysed, "
                  f"{args.users} reviewers, {set_up_seconds:.1f} s (not timed)", flush=True)

            stop_at = time.monotonic() + args.seconds
            threads = [Reviewer(host, port, token, setup.admin, dossier, setup.documents[dossier],
                                stop_at, args.seed * 1000 + i)
                       for i, (_, token, dossier) in enumerate(setup.reviewers)]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
            peak = vm_hwm_mb(server.pid)
            alive = server.poll() is None
        except (RuntimeError, OSError, http.client.HTTPException) as exc:
            failure = exc
        finally:
            if server is not None and server.poll() is None:
                server.terminate()
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
            if schema:
                try:
                    schema_sql(args.database_url, f"DROP SCHEMA {schema} CASCADE")
                except Exception as exc:  # noqa: BLE001 - the figures matter more than the clean-up
                    print(f"could not drop schema {schema}: {exc}", file=sys.stderr)

    log_text = log.read_text(errors="replace")
    tracebacks = log_text.count("Traceback")
    if failure is not None:
        print(f"set-up failed: {failure}\nserver log ({tracebacks} tracebacks), kept at {log}:\n{log_text[-3000:]}")
        return 1

    merged: dict[str, Stats] = {kind: Stats() for kind in MIX}
    for thread in threads:
        for kind, stats in thread.stats.items():
            target = merged[kind]
            target.latencies += stats.latencies
            target.errors += stats.errors
            for status, count in stats.statuses.items():
                target.statuses[status] = target.statuses.get(status, 0) + count
            target.samples += stats.samples[: max(0, 3 - len(target.samples))]

    def figures(latencies: list[float]) -> dict:
        ordered = sorted(latencies)
        return {"p50_ms": percentile(ordered, 0.50) * 1000, "p95_ms": percentile(ordered, 0.95) * 1000,
                "max_ms": (ordered[-1] if ordered else 0.0) * 1000}

    rows = []
    print(f"\n{'request':<34} {'count':>6} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  statuses")
    for kind, stats in merged.items():
        f = figures(stats.latencies)
        statuses = " ".join(f"{s}:{n}" for s, n in sorted(stats.statuses.items(), key=lambda item: str(item[0])))
        print(f"{kind:<34} {len(stats.latencies):>6} {stats.errors:>6} {f['p50_ms']:>8.1f} {f['p95_ms']:>8.1f} "
              f"{f['max_ms']:>8.1f}  {statuses}")
        rows.append({"kind": kind, "count": len(stats.latencies), "errors": stats.errors,
                     "statuses": {str(s): n for s, n in stats.statuses.items()}, "error_samples": stats.samples, **f})
    every = [x for stats in merged.values() for x in stats.latencies]
    errors = sum(stats.errors for stats in merged.values())
    total = figures(every)
    print(f"{'all':<34} {len(every):>6} {errors:>6} {total['p50_ms']:>8.1f} {total['p95_ms']:>8.1f} "
          f"{total['max_ms']:>8.1f}")
    for kind, stats in merged.items():
        for sample in stats.samples:
            print(f"error in {kind}: {sample}")
    rss = f"{peak:.0f} MB" if peak is not None else "unknown"
    print(f"\nthroughput {len(every) / elapsed:.1f} requests/s over {elapsed:.1f} s; server peak RSS (VmHWM) {rss}; "
          f"server log: {tracebacks} tracebacks{'' if alive else '; the server exited during the load!'}")
    if tracebacks:
        print(f"server log kept at {log}" if args.keep else "server log excerpt:\n" + log_text[-3000:])
    print(f"users={args.users} seconds={args.seconds:g} requests={len(every)} errors={errors} "
          f"p50={total['p50_ms']:.0f}ms p95={total['p95_ms']:.0f}ms")

    if args.json:
        Path(args.json).write_text(json.dumps({
            "users": args.users, "seconds": args.seconds, "database": database, "dossiers": len(setup.documents),
            "documents": documents, "set_up_seconds": set_up_seconds, "elapsed_seconds": elapsed,
            "requests": len(every), "errors": errors, "throughput_rps": len(every) / elapsed,
            "p50_ms": total["p50_ms"], "p95_ms": total["p95_ms"], "max_ms": total["max_ms"],
            "server_peak_rss_mb": peak, "server_tracebacks": tracebacks, "server_alive": alive, "kinds": rows,
        }, indent=2) + "\n")
    if args.keep:
        print(f"data folder kept at {data}")
    else:
        shutil.rmtree(data, ignore_errors=True)
    return 1 if errors or tracebacks or not alive else 0


if __name__ == "__main__":
    sys.exit(main())
