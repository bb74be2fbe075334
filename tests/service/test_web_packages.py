"""Release packages on the Dutch dossier page: the upload form, the jobs with their progress, the package facts
of the documents (duplicates, unsupported files, dates) and the release ZIP link.

Everything goes through the Flask test client with CSRF protection on, as in production: a form post first
reads the ``csrf_token`` of the form on the page. Jobs are followed through the JSON API with a token.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
import zipfile
from urllib.parse import parse_qs, urlsplit

import pytest
from html_tree import Node, parse
from service_helpers import auth, db_session, new_dossier, package_zip
from service_helpers import wait_job as shared_wait_job
from sqlalchemy import func, select

from service.models import Document, Job
from service.users import add_user

PASSWORD = "correct horse battery staple"
JOB_TIMEOUT = 240.0

MAIL = ["Van: Wendelmoet Grauwkoper <w.grauwkoper@minezk.nl>", "Aan: projectteam netwerk",
        "Verzonden: donderdag 11 april 2024 09:40", "Onderwerp: aansluitingen noord", "",
        "Wendelmoet Grauwkoper stuurt de lijst met aansluitingen.", "Met vriendelijke groet,",
        "Wendelmoet Grauwkoper"]
NOTE = ["Verslag overleg netwerk", "Datum: 15 april 2024", "",
        "Aanwezig: Wendelmoet Grauwkoper en Thijmen Olderbroek (06-12348765)."]
SCRIPT_NAME = "overig/<script>alert('pakket')</script>.bin"


def csrf_of(page: Node, form_selector: str) -> str:
    return page.one(form_selector).one("input[name=csrf_token]").attrs["value"]


def flashes(page: Node, category: str) -> list[str]:
    """The flash messages of ``category`` (ok, error) on a page."""
    return [p.text for box in page.select("div.messages") for p in box.select(f"p.{category}")]


def path_of(response) -> str:
    return urlsplit(response.headers.get("Location", "")).path


def login(app, name: str):
    client = app.test_client()
    page = parse(client.get("/login"))
    response = client.post("/login", data={"username": name, "password": PASSWORD,
                                           "csrf_token": csrf_of(page, "form#login")})
    assert response.status_code == 302, response.status_code
    return client


# --- packages ------------------------------------------------------------------------------------------------

def package_bytes(folder, extra: dict[str, bytes] | None = None) -> bytes:
    """Two real PDFs, a byte-identical copy of one, a drawing (unsupported) and a file named like a script."""
    return package_zip(folder, {"mails/mail-0007.pdf": MAIL, "verslagen/verslag.pdf": NOTE},
                       copies={"zz-kopie/mail-0007.pdf": "mails/mail-0007.pdf"},
                       extra={"tekening.dwg": b"AC1027 a drawing, not a document", SCRIPT_NAME: b"\x00\x01 binary " * 8,
                              **(extra or {})})


def post_package(client, dossier_id: int, content: bytes | None, name: str = "pakket.zip", token: str | None = None):
    """Post ``content`` through the package form of the dossier page (its action and CSRF token)."""
    page = parse(client.get(f"/dossiers/{dossier_id}"))
    form = page.one("form#upload-package")
    data = {"csrf_token": token if token is not None else csrf_of(page, "form#upload-package")}
    if content is not None:
        data["file"] = (io.BytesIO(content), name)
    return client.post(form.attrs["action"], data=data, content_type="multipart/form-data")


def wait_job(client, token: str, job_id: int, timeout: float = JOB_TIMEOUT) -> dict:
    return shared_wait_job(client, token, job_id, timeout)


def counts(app) -> tuple[int, int]:
    with db_session(app) as s:
        return (s.scalar(select(func.count()).select_from(Document)), s.scalar(select(func.count()).select_from(Job)))


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


# --- fixtures ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def people(app):
    """Users with passwords: {role: (name, API token)}."""
    made = {}
    for role in ("officer", "reviewer", "admin"):
        name = unique(f"pkg-{role}")
        made[role] = (name, add_user(app, name, role, password=PASSWORD)[1])
    return made


@pytest.fixture(scope="module")
def processed(app, people, tmp_path_factory):
    """A package uploaded through the web form and processed: (dossier id, case number, job, documents by path,
    the redirect after the upload, the page that followed it)."""
    (officer, officer_token), (reviewer, _) = people["officer"], people["reviewer"]
    case_number = unique("WOO-PKG")
    api = app.test_client()
    dossier_id = new_dossier(api, officer_token, members=[reviewer], case_number=case_number)
    client = login(app, officer)
    response = post_package(client, dossier_id, package_bytes(tmp_path_factory.mktemp("pakket")))
    after = parse(client.get(f"/dossiers/{dossier_id}"))
    jobs = api.get(f"/api/v1/dossiers/{dossier_id}/jobs", headers=auth(officer_token)).get_json()
    assert [j["kind"] for j in jobs] == ["package"], jobs
    job = wait_job(api, officer_token, jobs[0]["id"])
    assert job["status"] == "done", job
    dossier = api.get(f"/api/v1/dossiers/{dossier_id}", headers=auth(officer_token)).get_json()
    return dossier_id, case_number, job, {d["path"]: d for d in dossier["documents"]}, response, after


def row_of(page: Node, document: dict) -> Node:
    return page.one(f"tr[data-document-id={document['id']}]")


# --- the upload form -----------------------------------------------------------------------------------------

def test_the_package_form_posts_and_redirects_to_the_dossier_with_a_flash(processed):
    dossier_id, _, job, _, response, after = processed
    assert response.status_code == 302 and path_of(response) == f"/dossiers/{dossier_id}"
    assert "Pakket ontvangen; het wordt verwerkt." in flashes(after, "ok")
    assert job["filename"] == "pakket.zip"


def test_the_package_form_is_a_multipart_zip_upload_for_officers(app, people, processed):
    dossier_id = processed[0]
    page = parse(login(app, people["officer"][0]).get(f"/dossiers/{dossier_id}"))
    form = page.one("form#upload-package")
    assert form.attrs["method"] == "post" and form.attrs["enctype"] == "multipart/form-data"
    assert form.attrs["action"] == f"/dossiers/{dossier_id}/packages"
    assert ".zip" in form.one("input[name=file]").attrs["accept"]
    assert "Pakket uploaden (ZIP)" in [h.text for h in page.select("h2")]


def test_a_reviewer_sees_no_package_form_and_may_not_post_one(app, people, processed, tmp_path):
    dossier_id = processed[0]
    client = login(app, people["reviewer"][0])
    page = parse(client.get(f"/dossiers/{dossier_id}"))
    assert page.select("form#upload-package") == [] and page.select("form#upload") == []
    assert page.select("form#release-zip"), "everyone who sees the dossier may ask for its release package"
    before = counts(app)
    response = client.post(f"/dossiers/{dossier_id}/packages", content_type="multipart/form-data",
                           data={"csrf_token": csrf_of(page, "form.logout"),
                                 "file": (io.BytesIO(package_bytes(tmp_path)), "pakket.zip")})
    assert response.status_code == 403
    assert counts(app) == before


def test_a_package_post_needs_a_session_and_a_csrf_token(app, people, processed, tmp_path):
    dossier_id = processed[0]
    content = package_bytes(tmp_path)
    before = counts(app)
    anonymous = app.test_client()
    response = anonymous.post(f"/dossiers/{dossier_id}/packages", content_type="multipart/form-data",
                              data={"file": (io.BytesIO(content), "pakket.zip")})
    assert response.status_code == 302 and path_of(response) == "/login"
    client = login(app, people["officer"][0])
    for token in ("", "not-a-token"):
        assert post_package(client, dossier_id, content, token=token).status_code == 400
    assert counts(app) == before


def test_a_file_that_is_no_zip_is_refused_with_one_sentence(app, people):
    client = login(app, people["officer"][0])
    dossier_id = new_dossier(app.test_client(), people["officer"][1], case_number=unique("WOO-NOZIP"))
    before = counts(app)
    response = post_package(client, dossier_id, b"%PDF-1.7 dit is geen zip\n" * 40, "pakket.zip")
    assert response.status_code == 302 and path_of(response) == f"/dossiers/{dossier_id}"
    page = parse(client.get(f"/dossiers/{dossier_id}"))
    [message] = flashes(page, "error")
    assert message.startswith("Niets opgeslagen") and "geen ZIP-bestand" in message, message
    assert counts(app) == before
    assert page.select("table#jobs") == [] and page.select("table#documents") == []
    # no file chosen at all
    response = post_package(client, dossier_id, None)
    assert response.status_code == 302
    [message] = flashes(parse(client.get(f"/dossiers/{dossier_id}")), "error")
    assert "kies een ZIP-bestand" in message
    assert counts(app) == before


def test_a_package_over_the_limit_gives_a_clear_message_and_stores_nothing(app, people, tmp_path):
    client = login(app, people["officer"][0])
    dossier_id = new_dossier(app.test_client(), people["officer"][1], case_number=unique("WOO-BIG"))
    before = counts(app)
    limit = app.config["MAX_PACKAGE_BYTES"]
    app.config["MAX_PACKAGE_BYTES"] = 2000
    try:
        response = post_package(client, dossier_id, package_bytes(tmp_path))
    finally:
        app.config["MAX_PACKAGE_BYTES"] = limit
    assert response.status_code == 302 and path_of(response) == f"/dossiers/{dossier_id}"
    [message] = flashes(parse(client.get(f"/dossiers/{dossier_id}")), "error")
    assert "groter dan de limiet van 2 kB" in message, message
    assert counts(app) == before
    assert not list((app.config["DATA_DIR"] / "packages").glob(".upload-*"))


def test_a_package_larger_than_the_document_limit_is_accepted(app, people):
    """The package limit, not the (smaller) document limit, applies to the package form."""
    client = login(app, people["officer"][0])
    officer_token = people["officer"][1]
    dossier_id = new_dossier(app.test_client(), officer_token, case_number=unique("WOO-LARGE"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("ruis.bin", uuid.uuid4().bytes * (app.config["MAX_CONTENT_LENGTH"] // 16 + 4096))
    content = buffer.getvalue()
    assert app.config["MAX_CONTENT_LENGTH"] < len(content) < app.config["MAX_PACKAGE_BYTES"]
    response = post_package(client, dossier_id, content, "groot.zip")
    assert response.status_code == 302
    assert "Pakket ontvangen; het wordt verwerkt." in flashes(parse(client.get(f"/dossiers/{dossier_id}")), "ok")
    jobs = app.test_client().get(f"/api/v1/dossiers/{dossier_id}/jobs", headers=auth(officer_token)).get_json()
    assert [j["filename"] for j in jobs] == ["groot.zip"]
    assert wait_job(app.test_client(), officer_token, jobs[0]["id"])["status"] == "done"


# --- the jobs and the documents on the page -----------------------------------------------------------------

def test_the_finished_package_job_shows_as_done_with_a_full_progress_bar(app, people, processed):
    dossier_id, _, job, documents, _, _ = processed
    response = login(app, people["reviewer"][0]).get(f"/dossiers/{dossier_id}")
    page = parse(response)
    row = page.one(f"tr[data-job-id={job['id']}]")
    assert row.attrs["data-status"] == "done"
    cells = [td.text for td in row.select("td")]
    assert cells[0].startswith("Pakket") and cells[1] == "pakket.zip"
    assert cells[2] == "klaar" and cells[3] == "klaar"
    bar = row.one("progress")
    assert bar.attrs["max"] == "100" and float(bar.attrs["value"]) == 100.0
    total = len(documents)
    assert f"100% · {total} / {total} documenten" in cells[4]
    # nothing is unfinished: the page does not refresh itself
    html = response.get_data(as_text=True)
    assert 'http-equiv="refresh"' not in html and page.select("p#auto-refresh") == []


def test_documents_show_their_path_date_and_status(app, people, processed):
    _, _, _, documents, _, _ = processed
    assert {p: d["status"] for p, d in documents.items()} == {
        "mails/mail-0007.pdf": "ready", "verslagen/verslag.pdf": "ready", "zz-kopie/mail-0007.pdf": "duplicate",
        "tekening.dwg": "unsupported", SCRIPT_NAME: "unsupported"}
    page = parse(login(app, people["reviewer"][0]).get(f"/dossiers/{processed[0]}"))
    mail = row_of(page, documents["mails/mail-0007.pdf"])
    cells = [td.text for td in mail.select("td")]
    assert cells[0].startswith("mails/mail-0007.pdf") and cells[1] == "11-04-2024" and cells[3] == "klaar"
    assert mail.one("a.review-link").attrs["href"] == f"/documents/{documents['mails/mail-0007.pdf']['id']}"
    assert "e-mailreeks E001" in mail.one("span.group").text
    note = row_of(page, documents["verslagen/verslag.pdf"])
    assert [td.text for td in note.select("td")][1] == "15-04-2024"


def test_a_duplicate_links_to_its_original_and_has_no_review_link(app, people, processed):
    _, _, _, documents, _, _ = processed
    original, copy = documents["mails/mail-0007.pdf"], documents["zz-kopie/mail-0007.pdf"]
    page = parse(login(app, people["reviewer"][0]).get(f"/dossiers/{processed[0]}"))
    row = row_of(page, copy)
    assert row.attrs["data-status"] == "duplicate"
    status = row.one("td.status")
    assert status.text == "duplicaat van mails/mail-0007.pdf: exact", status.text
    assert status.one("a.original-link").attrs["href"] == f"/documents/{original['id']}"
    assert row.select("a.review-link") == [] and "Openbare versie" not in row.text


def test_an_unsupported_file_shows_its_reason_and_has_no_review_link(app, people, processed):
    _, _, _, documents, _, _ = processed
    word = documents["tekening.dwg"]
    page = parse(login(app, people["reviewer"][0]).get(f"/dossiers/{processed[0]}"))
    row = row_of(page, word)
    assert ".dwg" in word["error"]  # the API's English reason, said in Dutch on the page
    assert row.one("td.status").text == "niet ondersteund: bestanden van het type .dwg worden niet ondersteund"
    assert row.select("a") == [] and row.select("form") == []


def test_a_file_name_with_markup_is_escaped(app, people, processed):
    _, _, _, documents, _, _ = processed
    response = login(app, people["reviewer"][0]).get(f"/dossiers/{processed[0]}")
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;pakket&#39;)&lt;/script&gt;.bin" in html
    row = row_of(parse(response), documents[SCRIPT_NAME])
    assert row.select("td")[0].text == SCRIPT_NAME
    assert row.select("script") == []
    assert all(s.attrs.get("src", "").startswith("/static/") for s in parse(response).select("script"))


def test_unfinished_jobs_show_in_dutch_newest_first_and_the_page_refreshes(app, people):
    """Jobs made here and never started: a package waiting to be unpacked, a release under way, a failed one."""
    officer_token = people["officer"][1]
    dossier_id = new_dossier(app.test_client(), officer_token, case_number=unique("WOO-JOBS"))
    with app.extensions["woo_redact"]["write_sessions"]() as s:
        s.add(Job(dossier_id=dossier_id, kind="package", status="failed", phase="unpack", filename="kapot.zip",
                  error="kapot.zip is a damaged ZIP file; make the ZIP file again.", options={}))
        s.flush()
        s.add(Job(dossier_id=dossier_id, kind="release", status="running", phase="release", options={}))
        s.flush()
        s.add(Job(dossier_id=dossier_id, kind="package", status="queued", phase="unpack", filename="nieuw.zip",
                  options={}))
        s.commit()
    response = login(app, people["officer"][0]).get(f"/dossiers/{dossier_id}")
    page = parse(response)
    rows = page.one("table#jobs").select("tr")[1:]
    ids = [int(r.attrs["data-job-id"]) for r in rows]
    assert ids == sorted(ids, reverse=True) and len(ids) == 3
    texts = [[td.text for td in r.select("td")][:4] for r in rows]
    assert texts[0][0].startswith("Pakket") and texts[0][1:] == ["nieuw.zip", "in de wachtrij", "uitpakken"]
    assert texts[1][0].startswith("Releasepakket") and texts[1][2:] == ["bezig", "lakken"]
    assert texts[2][2] == "mislukt: kapot.zip is een beschadigd ZIP-bestand; maak het ZIP-bestand opnieuw"
    for row in rows:
        assert row.one("progress").attrs["max"] == "100"
    assert "0 / 0 documenten" in rows[0].one("td.progress").text
    # unfinished work: the page reloads itself (a meta refresh without JavaScript, else its script)
    html = response.get_data(as_text=True)
    assert re.search(r'<noscript><meta http-equiv="refresh" content="\d+"></noscript>', html)
    assert page.one("p#auto-refresh").attrs["data-refresh"].isdigit()
    assert page.one("script").attrs["src"] == "/static/dossier.js"
    assert app.test_client().get("/static/dossier.js").status_code == 200


def test_near_duplicates_threads_and_families_are_shown(app, people):
    """Package facts stored as a package job stores them (rows made here, no job needed)."""
    officer_token = people["officer"][1]
    dossier_id = new_dossier(app.test_client(), officer_token, case_number=unique("WOO-FACTS"))
    with app.extensions["woo_redact"]["write_sessions"]() as s:
        def add(**fields) -> Document:
            document = Document(dossier_id=dossier_id, sha256=uuid.uuid4().hex * 2, filename="x.pdf", **fields)
            s.add(document)
            s.flush()
            return document

        mail = add(path="mails/mail-0042.pdf", status="ready", pages=1, thread_id="T1")
        mail.family_id = str(mail.id)
        attachment = add(path="mails/mail-0042_bijlage1.pdf", status="ready", pages=2, family_id=str(mail.id))
        reply = add(path="mails/mail-0043.pdf", status="waiting", thread_id="T1")
        near = add(path="kopie/mail-0042.pdf", status="duplicate", thread_id="T1", duplicate_of=mail.id,
                   duplicate_kind="near", similarity=0.938)
        copy_of_waiting = add(path="kopie/mail-0043.pdf", status="duplicate", duplicate_of=reply.id,
                              duplicate_kind="exact", similarity=1.0)
        s.commit()
        ids = {name: d.id for name, d in (("mail", mail), ("attachment", attachment), ("reply", reply),
                                          ("near", near), ("copy", copy_of_waiting))}
    page = parse(login(app, people["officer"][0]).get(f"/dossiers/{dossier_id}"))
    row = page.one(f"tr[data-document-id={ids['near']}]")
    assert row.one("td.status").text == "duplicaat van mails/mail-0042.pdf: bijna gelijk (93%)"
    assert row.one("a.original-link").attrs["href"] == f"/documents/{ids['mail']}"
    assert row.select("a.review-link") == []
    # an original that is not analysed yet: the link goes to its row
    row = page.one(f"tr[data-document-id={ids['copy']}]")
    assert row.one("a.original-link").attrs["href"] == f"#document-{ids['reply']}"
    assert page.one(f"tr#document-{ids['reply']}").one("td.status").text == "wordt ingelezen"
    hints = {name: [n.text for n in page.one(f"tr[data-document-id={i}]").select("span.group")]
             for name, i in ids.items()}
    assert hints["mail"] == ["e-mailreeks E001 (2 berichten); e-mail met bijlagen"]
    assert hints["attachment"] == ["bijlage bij mails/mail-0042.pdf"]
    assert hints["copy"] == []
    assert page.one("p#auto-refresh"), "a document is still waiting"


# --- the release package ---------------------------------------------------------------------------------------

def flash_after(client, response) -> tuple[list[str], list[str]]:
    assert response.status_code == 302, response.status_code
    page = parse(client.get(response.headers["Location"]))
    return flashes(page, "ok"), flashes(page, "error")


def test_the_release_zip_waits_for_decisions_then_is_made_by_a_job_and_downloaded(app, people, processed):
    dossier_id, case_number, _, documents, _, _ = processed
    reviewer, reviewer_token = people["reviewer"]
    client = login(app, reviewer)
    page = parse(client.get(f"/dossiers/{dossier_id}"))
    form = page.one("form#release-zip")
    action = form.attrs["action"]
    assert form.attrs["method"] == "post" and action == f"/dossiers/{dossier_id}/release.zip"
    link = page.one("a#release-zip-download").attrs["href"]
    assert link == f"/dossiers/{dossier_id}/release.zip"
    assert page.select("form#release-zip-forced") == [], "only an admin may force"
    token = {"csrf_token": csrf_of(page, "form#release-zip")}

    # suggestions are open: refused with the sentence, nothing started
    before = counts(app)
    response = client.post(action, data=token)
    assert path_of(response) == f"/dossiers/{dossier_id}"
    ok, errors = flash_after(client, response)
    assert not ok and len(errors) == 1 and "voorstellen hebben nog geen besluit" in errors[0], errors
    _, errors = flash_after(client, client.post(action, data={**token, "force": "1"}))
    assert "Alleen een beheerder" in errors[0], errors
    assert counts(app) == before

    # an admin sees the forced form
    admin_page = parse(login(app, people["admin"][0]).get(f"/dossiers/{dossier_id}"))
    forced = admin_page.one("form#release-zip-forced")
    assert forced.one("input[name=force]").attrs["value"] == "1"
    assert "Forceren" in forced.one("button").text

    # every suggestion decided: a GET (a link, from this site or another) starts nothing, and a form without
    # its CSRF token neither; the button starts a job, the page shows it, and once done the link downloads
    for path in ("mails/mail-0007.pdf", "verslagen/verslag.pdf"):
        reply = client.post(f"/api/v1/documents/{documents[path]['id']}/decisions",
                            json={"all": True, "decision": "accept"}, headers=auth(reviewer_token))
        assert reply.status_code == 200, reply.get_json()
    before = counts(app)
    _, errors = flash_after(client, client.get(link))
    assert errors == ["Er is nog geen releasepakket voor de huidige besluiten; maak het met de knop."], errors
    assert client.post(action).status_code == 400
    assert counts(app) == before
    response = client.post(action, data=token)
    assert path_of(response) == f"/dossiers/{dossier_id}"
    ok, errors = flash_after(client, response)
    assert ok == ["Het releasepakket wordt gemaakt; ververs deze pagina tot de taak klaar is."] and not errors
    jobs = client.get(f"/api/v1/dossiers/{dossier_id}/jobs", headers=auth(reviewer_token)).get_json()
    release = [j for j in jobs if j["kind"] == "release"]
    assert len(release) == 1
    job = wait_job(client, reviewer_token, release[0]["id"])
    assert job["status"] == "done", job

    page = parse(client.get(f"/dossiers/{dossier_id}"))
    row = page.one(f"tr[data-job-id={job['id']}]")
    assert [td.text for td in row.select("td")][2:4] == ["klaar", "klaar"]
    assert row.select("td")[0].text.startswith("Releasepakket")
    assert float(row.one("progress").attrs["value"]) == 100.0
    assert page.one("table#jobs").select("tr")[1].attrs["data-job-id"] == str(job["id"]), "newest first"

    download = client.get(link)
    assert download.status_code == 200, download.headers.get("Location")
    assert download.mimetype == "application/zip"
    disposition = download.headers["Content-Disposition"]
    assert "attachment" in disposition and f"{case_number}-openbaar.zip" in disposition
    archive = zipfile.ZipFile(io.BytesIO(download.data))
    assert "inventarislijst.csv" in archive.namelist()
    rows = list(csv.DictReader(io.StringIO(archive.read("inventarislijst.csv").decode("utf-8-sig"))))
    assert {r["Document"] for r in rows} == set(documents)
    assert len([n for n in archive.namelist() if n.startswith("documenten/")]) == 2
