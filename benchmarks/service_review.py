"""How fast a reviewer gets through a long document in the review service, measured over real HTTP.

A 40-page document is built from the dev corpus's text documents (their pages repeated in turn), uploaded
to the service (waitress, SQLite in a temporary data folder, the same set-up as `make run`), and then:

* analysis: upload until the document is ``ready``;
* the findings list (``GET /api/v1/documents/{id}/findings``) and the review page (HTML);
* page images: the first request of each page (rendered) and the second (from the cache);
* bulk decisions: one request that accepts every suggestion, and 500 findings decided one by one;
* export: the review PDF and the verified release PDF.

    .venv/bin/python benchmarks/service_review.py [--pages 40] [--single 500]

It prints one line per measurement (median and 95th percentile where repeated) and the process's peak
memory. Nothing is asserted: these are figures for the issue notes.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import pymupdf

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
CORPUS = REPO.parent / "shared" / "corpus" / "dev"


def long_document(pages: int, out: Path) -> Path:
    sources = []
    for gold in sorted(CORPUS.glob("*.gold.json")):
        if not json.loads(gold.read_text())["scanned"]:
            sources.append(pymupdf.open(str(CORPUS / (gold.name[: -len(".gold.json")] + ".pdf"))))
    result = pymupdf.open()
    index = 0
    while result.page_count < pages:
        source = sources[index % len(sources)]
        result.insert_pdf(source, from_page=0, to_page=min(source.page_count, pages - result.page_count) - 1)
        index += 1
    result.save(str(out))
    for source in sources:
        source.close()
    return out


class Client:
    def __init__(self, base: str, token: str):
        self.base, self.token = base, token

    def call(self, method: str, path: str, body: bytes | None = None, content_type: str | None = None):
        request = urllib.request.Request(self.base + path, data=body, method=method)
        request.add_header("Authorization", f"Bearer {self.token}")
        if content_type:
            request.add_header("Content-Type", content_type)
        with urllib.request.urlopen(request, timeout=600) as response:
            return response.status, response.read()

    def json(self, method: str, path: str, payload=None):
        body = None if payload is None else json.dumps(payload).encode()
        status, data = self.call(method, path, body, "application/json" if body else None)
        return json.loads(data) if data and data[:1] in (b"{", b"[") else data


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def report(name: str, seconds: list[float]) -> None:
    if len(seconds) == 1:
        print(f"{name:<44} {seconds[0] * 1000:9.1f} ms")
        return
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    print(f"{name:<44} median {statistics.median(ordered) * 1000:8.1f} ms   p95 {p95 * 1000:8.1f} ms"
          f"   (n={len(ordered)})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--single", type=int, default=500, help="findings decided one request each")
    args = parser.parse_args()

    import waitress

    from service import create_app
    from service.users import add_user

    data = Path(tempfile.mkdtemp(prefix="woo-bench-"))
    app = create_app({"DATA_DIR": str(data)})
    _, admin = add_user(app, f"bench-{uuid.uuid4().hex[:6]}", "admin")
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=8)
    threading.Thread(target=server.run, daemon=True).start()
    client = Client(f"http://127.0.0.1:{server.effective_port}", admin)

    pdf = long_document(args.pages, data / "long.pdf")
    dossier = client.json("POST", "/api/v1/dossiers", {"title": "Benchmark", "case_number": "BENCH-1"})["id"]
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"long.pdf\"\r\n"
            f"Content-Type: application/pdf\r\n\r\n").encode() + pdf.read_bytes() + f"\r\n--{boundary}--\r\n".encode()

    started = time.perf_counter()
    _, answer = client.call("POST", f"/api/v1/dossiers/{dossier}/documents", body,
                            f"multipart/form-data; boundary={boundary}")
    document = json.loads(answer)[0]["id"]
    while client.json("GET", f"/api/v1/documents/{document}")["status"] not in ("ready", "failed"):
        time.sleep(0.1)
    state = client.json("GET", f"/api/v1/documents/{document}")
    report(f"upload + analysis ({state['pages']} pages)", [time.perf_counter() - started])
    if state["status"] != "ready":
        print(f"analysis failed: {state['error']}")
        return 1

    findings = client.json("GET", f"/api/v1/documents/{document}/findings")
    print(f"{'findings':<44} {len(findings)}")
    report("GET findings (JSON)", [timed(lambda: client.call("GET", f"/api/v1/documents/{document}/findings"))
                                   for _ in range(20)])
    first = [timed(lambda n=n: client.call("GET", f"/documents/{document}/pages/{n}.png"))
             for n in range(state["pages"])]
    report("page image, first request (rendered)", first)
    report("page image, cached", [timed(lambda n=n: client.call("GET", f"/documents/{document}/pages/{n}.png"))
                                  for n in range(state["pages"])])
    report("review page (HTML)", [timed(lambda: client.call("GET", f"/documents/{document}")) for _ in range(10)])

    open_count = sum(1 for f in findings if f["state"] == "suggested")
    changed = {}
    report(f"bulk: all {open_count} suggestions accepted, one request",
           [timed(lambda: changed.update(client.json("POST", f"/api/v1/documents/{document}/decisions",
                                                     {"all": True, "decision": "accept"})))])
    single = [f for f in findings if f["state"] == "suggested"][: args.single]
    decisions = [timed(lambda f=f: client.json("POST", f"/api/v1/findings/{f['id']}/decision",
                                               {"decision": "reject"})) for f in single]
    report(f"one decision per request ({len(single)} findings)", decisions)
    texts = sorted({f["text"] for f in single})
    report(f"by text: {len(texts)} texts accepted again, one request each",
           [timed(lambda: [client.json("POST", f"/api/v1/documents/{document}/decisions",
                                       {"text": t, "decision": "accept"}) for t in texts])])
    report("review PDF export", [timed(lambda: client.call("GET", f"/api/v1/documents/{document}/review.pdf"))])
    report("release PDF export (verified)",
           [timed(lambda: client.call("GET", f"/api/v1/documents/{document}/release.pdf"))])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'peak memory of the service process':<44} {peak:9.0f} MB")
    app.extensions["woo_redact"]["analyser"].shutdown(wait=True)
    server.task_dispatcher.shutdown()
    server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
