"""The Dutch web pages of the review service: login, sessions, CSRF, headers, roles and the review flow.

Everything goes through the Flask test client with CSRF protection switched on, as in production: every
form post first reads the ``csrf_token`` field from the page that carries the form.
"""

from __future__ import annotations

import io
import re
import time
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from html_tree import parse
from service_helpers import SAMPLE, auth, db_session
from sqlalchemy import func, select

from service.models import (
    AuditEvent,
    Decision,
    Document,
    Dossier,
    DossierMember,
    Finding,
    PageReview,
    User,
)
from service.users import add_user

PASSWORD = "correct horse battery staple"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ANALYSIS_TIMEOUT = 180.0


def csrf_of(response, form_selector: str | None = None) -> str:
    """The ``csrf_token`` field of the form ``form_selector`` (or of the first form) on a page."""
    page = parse(response)
    scope = page.one(form_selector) if form_selector else page
    fields = scope.select("input[name=csrf_token]")
    assert fields, f"no csrf_token field in {form_selector or 'the page'}"
    token = fields[0].attrs.get("value", "")
    assert len(token) > 20, token
    return token


# --- helpers ------------------------------------------------------------------------------------------------


def counts(app) -> dict:
    """Rows per table: a request that should change nothing must leave these as they were."""
    with db_session(app) as s:
        return {model.__tablename__: s.scalar(select(func.count()).select_from(model))
                for model in (Dossier, DossierMember, Document, Finding, Decision, PageReview, AuditEvent)}


def states(app, document_id: int) -> dict:
    with db_session(app) as s:
        return dict(s.execute(select(Finding.id, Finding.state).where(Finding.document_id == document_id)).all())


def location(response) -> str:
    return response.headers.get("Location", "")


def path_of(response) -> str:
    return urlsplit(location(response)).path


def redirects_to_login(response) -> bool:
    return response.status_code == 302 and path_of(response) == "/login"


def session_cookie(app, response) -> str | None:
    """The raw Set-Cookie header of the session cookie in ``response``."""
    name = app.config.get("SESSION_COOKIE_NAME", "session")
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(f"{name}="):
            return header
    return None


def cookie_value(app, client) -> str | None:
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    return cookie.value if cookie else None


def logged_in_user(client) -> str | None:
    with client.session_transaction() as s:
        return s.get("_user_id")


def login(app, name: str, password: str = PASSWORD, client=None, **query):
    """A client with a web session of ``name`` (through the login form, with its CSRF token)."""
    client = client or app.test_client()
    page = client.get("/login", query_string=query)
    assert page.status_code == 200
    response = client.post("/login", query_string=query,
                           data={"username": name, "password": password, "csrf_token": csrf_of(page, "form#login")})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


def post_form(client, page_url: str, form_selector: str, action: str | None = None, data: dict | None = None,
              **kwargs):
    """Open ``page_url``, take the CSRF token of ``form_selector`` and post ``data`` to its action."""
    page = client.get(page_url)
    assert page.status_code == 200, (page_url, page.status_code)
    form = parse(page).one(form_selector)
    body = dict(data or {})
    body["csrf_token"] = csrf_of(page, form_selector)
    return client.post(action or form.attrs["action"], data=body, **kwargs)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def wait_ready(app, document_id: int, timeout: float = ANALYSIS_TIMEOUT) -> str:
    deadline = time.monotonic() + timeout
    while True:
        with db_session(app) as s:
            status = s.get(Document, document_id).status
        if status in ("ready", "failed") or time.monotonic() > deadline:
            return status
        time.sleep(0.2)


def new_dossier_by_form(app, client, title="Verzoek over windparken", case_number=None) -> int:
    case_number = case_number or unique("WOO-WEB")
    response = post_form(client, "/", "form#new-dossier",
                         data={"title": title, "case_number": case_number, "received_on": "2026-01-05",
                               "deadline": ""})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    match = re.fullmatch(r"/dossiers/(\d+)", path_of(response))
    assert match, location(response)
    return int(match.group(1))


# --- fixtures ---------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def people(app):
    """Users with passwords: {key: (name, API token)}; ``outsider`` is a reviewer of no dossier."""
    made = {}
    for key, role in (("officer", "officer"), ("reviewer", "reviewer"), ("outsider", "reviewer"),
                      ("admin", "admin")):
        name = unique(f"web-{key}")
        made[key] = (name, add_user(app, name, role, password=PASSWORD)[1])
    return made


@pytest.fixture(scope="module")
def web_document(app, people):
    """The web flow of an officer: a dossier, an upload and a member, all through the forms.

    Returns (dossier id, document id) once the analysis is ready; test_web_flow_* checks the steps.
    """
    officer, reviewer = people["officer"][0], people["reviewer"][0]
    client = login(app, officer)
    dossier_id = new_dossier_by_form(app, client)

    page = client.get(f"/dossiers/{dossier_id}")
    form = parse(page).one("form#upload")
    assert form.attrs.get("enctype") == "multipart/form-data"
    assert form.select("input[name=file]")
    response = client.post(form.attrs["action"], content_type="multipart/form-data",
                           data={"csrf_token": csrf_of(page, "form#upload"),
                                 "file": (io.BytesIO(SAMPLE.read_bytes()), "nota minister.pdf")})
    assert response.status_code == 302 and path_of(response) == f"/dossiers/{dossier_id}", response.status_code
    with db_session(app) as s:
        [document_id] = s.scalars(select(Document.id).where(Document.dossier_id == dossier_id)).all()

    page = client.get(f"/dossiers/{dossier_id}")
    options = [o.attrs.get("value") for o in parse(page).one("form#add-member").select("option")]
    assert reviewer in options
    response = post_form(client, f"/dossiers/{dossier_id}", "form#add-member", data={"user": reviewer})
    assert response.status_code == 302 and path_of(response) == f"/dossiers/{dossier_id}"

    status = wait_ready(app, document_id)
    assert status == "ready", status
    return dossier_id, document_id


# --- 1. logging in -------------------------------------------------------------------------------------------------

def test_login_page_has_a_form_with_a_csrf_token(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    form = parse(response).one("form#login")
    assert form.attrs.get("method") == "post"
    assert form.select("input[name=username]") and form.select("input[name=password]")
    assert csrf_of(response, "form#login")


def test_login_with_the_right_password_redirects_home(app, people):
    client = app.test_client()
    page = client.get("/login")
    response = client.post("/login", data={"username": people["officer"][0], "password": PASSWORD,
                                           "csrf_token": csrf_of(page, "form#login")})
    assert response.status_code == 302
    assert path_of(response) == "/"
    assert logged_in_user(client) is not None
    home = client.get("/")
    assert home.status_code == 200 and people["officer"][0] in home.get_data(as_text=True)


@pytest.mark.parametrize("password", ["wrong password", "", PASSWORD.upper()])
def test_login_with_a_wrong_password_is_401_with_an_error(app, people, password):
    client = app.test_client()
    page = client.get("/login")
    response = client.post("/login", data={"username": people["officer"][0], "password": password,
                                           "csrf_token": csrf_of(page, "form#login")})
    assert response.status_code == 401
    alerts = parse(response).select("p.error")
    assert alerts and alerts[0].attrs.get("role") == "alert"
    assert "onjuist wachtwoord" in response.get_data(as_text=True)
    assert logged_in_user(client) is None
    assert redirects_to_login(client.get("/"))


def test_login_of_an_unknown_user_or_one_without_password_is_401(app, people, names):
    client = app.test_client()
    for name in ("nobody-" + uuid.uuid4().hex, names["officer"]):  # names[...] has no password
        page = client.get("/login")
        response = client.post("/login", data={"username": name, "password": "",
                                               "csrf_token": csrf_of(page, "form#login")})
        assert response.status_code == 401
        assert logged_in_user(client) is None


@pytest.mark.parametrize("token", [None, "", "not-a-token"])
def test_login_without_a_valid_csrf_token_is_400_and_logs_nobody_in(app, people, token):
    client = app.test_client()
    client.get("/login")  # a session with a CSRF token exists, but the post does not send it
    data = {"username": people["officer"][0], "password": PASSWORD}
    if token is not None:
        data["csrf_token"] = token
    response = client.post("/login", data=data)
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert logged_in_user(client) is None
    assert redirects_to_login(client.get("/"))


# --- 2. session fixation ---------------------------------------------------------------------------------------

def test_login_issues_a_new_session_and_the_old_one_gives_no_access(app, people):
    client = app.test_client()
    page = client.get("/login")
    old_token = csrf_of(page, "form#login")
    with client.session_transaction() as s:
        s["planted"] = "by an attacker"  # whatever the session held before login
    before = cookie_value(app, client)
    assert before, "visiting /login should set a session cookie (it holds the CSRF token)"

    response = client.post("/login", data={"username": people["officer"][0], "password": PASSWORD,
                                           "csrf_token": old_token})
    assert response.status_code == 302
    after = cookie_value(app, client)
    assert after and after != before
    assert client.get("/").status_code == 200
    with client.session_transaction() as s:
        assert "planted" not in s, "the session from before login was carried over"
    # the CSRF token of the pre-login session is no longer valid
    assert client.post("/logout", data={"csrf_token": old_token}).status_code == 400
    assert client.get("/").status_code == 200

    attacker = app.test_client()
    attacker.set_cookie(app.config.get("SESSION_COOKIE_NAME", "session"), before)
    response = attacker.get("/")
    assert redirects_to_login(response)
    assert logged_in_user(attacker) is None


# --- 3. logging out ----------------------------------------------------------------------------------------------

def test_logout_ends_the_session(app, people):
    client = login(app, people["officer"][0])
    home = client.get("/")
    assert home.status_code == 200
    token = csrf_of(home, "form.logout")
    response = client.post("/logout", data={"csrf_token": token})
    assert redirects_to_login(response)
    assert logged_in_user(client) is None
    assert redirects_to_login(client.get("/"))


def test_a_session_cookie_copied_before_logout_is_dead_after_logout(app, people):
    client = login(app, people["officer"][0])
    copied = cookie_value(app, client)
    response = client.post("/logout", data={"csrf_token": csrf_of(client.get("/"), "form.logout")})
    assert redirects_to_login(response)
    thief = app.test_client()
    thief.set_cookie(app.config.get("SESSION_COOKIE_NAME", "session"), copied)
    assert redirects_to_login(thief.get("/"))


def test_logout_needs_post_and_a_csrf_token(app, people):
    client = login(app, people["officer"][0])
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no CSRF token: a foreign page cannot log you out
    assert client.get("/").status_code == 200


# --- 4. open redirects after login ----------------------------------------------------------------------------

EVIL = ["https://evil.example/x", "//evil.example", "/\\evil.example", "\\\\evil.example", "javascript:alert(1)",
        "///evil.example", "/\t/evil.example", "https:evil.example", "http://localhost.evil.example/",
        " //evil.example"]


def _is_local(target: str) -> bool:
    parts = urlsplit(target)
    return parts.netloc in ("", "localhost") and parts.scheme in ("", "http") and target.count("evil") == 0


@pytest.mark.parametrize("target", EVIL)
def test_login_never_redirects_to_another_site(app, people, target):
    client = app.test_client()
    page = client.get("/login", query_string={"next": target})
    response = client.post("/login", query_string={"next": target},
                           data={"username": people["officer"][0], "password": PASSWORD,
                                 "csrf_token": csrf_of(page, "form#login")})
    assert response.status_code == 302
    assert _is_local(location(response)), location(response)
    assert path_of(response) == "/"


@pytest.mark.parametrize("target", EVIL[:4])
def test_next_in_the_form_body_is_checked_too(app, people, target):
    client = app.test_client()
    page = client.get("/login")
    response = client.post("/login", data={"username": people["officer"][0], "password": PASSWORD, "next": target,
                                           "csrf_token": csrf_of(page, "form#login")})
    assert response.status_code == 302
    assert _is_local(location(response)), location(response)


def test_a_local_next_is_followed_and_kept_by_the_login_form(app, people):
    client = app.test_client()
    page = client.get("/login", query_string={"next": "/dossiers/1"})
    action = parse(page).one("form#login").attrs["action"]
    assert parse_qs(urlsplit(action).query) == {"next": ["/dossiers/1"]}
    response = client.post(action, data={"username": people["officer"][0], "password": PASSWORD,
                                         "csrf_token": csrf_of(page, "form#login")})
    assert response.status_code == 302
    assert location(response) in ("/dossiers/1", "http://localhost/dossiers/1")


# --- 5. cookies -------------------------------------------------------------------------------------------------

def _login_response(app, people):
    client = app.test_client()
    page = client.get("/login")
    response = client.post("/login", data={"username": people["officer"][0], "password": PASSWORD,
                                           "csrf_token": csrf_of(page, "form#login")})
    assert response.status_code == 302
    header = session_cookie(app, response)
    assert header, response.headers
    return [part.strip().lower() for part in header.split(";")]


def test_the_session_cookie_is_httponly_and_samesite_lax(app, people):
    attributes = _login_response(app, people)
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
    assert "secure" not in attributes  # plain HTTP by default (WOO_REDACT_SECURE_COOKIES unset)


def test_the_session_cookie_is_secure_when_configured(app, people):
    saved = app.config["SESSION_COOKIE_SECURE"]
    app.config["SESSION_COOKIE_SECURE"] = True
    try:
        attributes = _login_response(app, people)
    finally:
        app.config["SESSION_COOKIE_SECURE"] = saved
    assert "secure" in attributes and "httponly" in attributes and "samesite=lax" in attributes


# --- 6. security headers ---------------------------------------------------------------------------------------

def _check_security_headers(response):
    csp = response.headers.get("Content-Security-Policy", "")
    directives = {d.strip().split()[0]: d.strip() for d in csp.split(";") if d.strip()}
    assert directives.get("default-src") == "default-src 'self'", csp
    assert directives.get("frame-ancestors") == "frame-ancestors 'none'", csp
    assert "unsafe-inline" not in directives.get("script-src", directives["default-src"]), csp
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("X-Frame-Options") == "DENY"
    assert response.headers.get("Referrer-Policy") in ("same-origin", "no-referrer", "strict-origin",
                                                       "strict-origin-when-cross-origin")


def test_security_headers_on_html_pages(app, people, client):
    for response in (client.get("/login"), login(app, people["officer"][0]).get("/")):
        assert response.status_code == 200 and response.mimetype == "text/html"
        _check_security_headers(response)
        assert "no-store" in response.headers.get("Cache-Control", "")


def test_security_headers_on_api_responses(client, people):
    for response in (client.get("/api/v1/dossiers", headers=auth(people["officer"][1])),
                     client.get("/api/v1/dossiers")):
        assert response.mimetype == "application/json"
        _check_security_headers(response)
        assert "no-store" in response.headers.get("Cache-Control", "")


def test_security_headers_on_error_pages(app, people, client):
    reviewer = login(app, people["reviewer"][0])
    page = reviewer.get("/")
    refused = reviewer.post("/dossiers", data={"title": "t", "case_number": "c", "csrf_token": csrf_of(page)})
    for response, code in ((client.get("/no-such-page"), 404), (reviewer.get("/dossiers/999999"), 404),
                           (refused, 403), (client.post("/login", data={}), 400),
                           (client.put("/login"), 405)):
        assert response.status_code == code
        _check_security_headers(response)
    assert parse(refused).select("h1")  # the error page, not a bare text


# --- 7. nothing without a session ------------------------------------------------------------------------------

PAGES = ["/", "/dossiers/1", "/documents/1", "/documents/1/pages/0.png", "/dossiers/1/audit",
         "/documents/1/review.pdf", "/documents/1/release.pdf"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_without_a_session_redirect_to_login_with_next(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert path_of(response) == "/login"
    assert parse_qs(urlsplit(location(response)).query).get("next") == [url]


def _form_routes(dossier_id, document_id, finding_id):
    return [
        ("/dossiers", {"title": "Ongeautoriseerd", "case_number": "X-1"}),
        (f"/dossiers/{dossier_id}/documents", {"file": (io.BytesIO(SAMPLE.read_bytes()), "x.pdf")}),
        (f"/dossiers/{dossier_id}/members", {"user": "someone"}),
        (f"/findings/{finding_id}/decision", {"decision": "accept"}),
        (f"/documents/{document_id}/decisions", {"decision": "accept", "text": "x", "scope": "dossier"}),
        (f"/documents/{document_id}/accept-all", {}),
        (f"/documents/{document_id}/redactions", {"text": "de"}),
        (f"/documents/{document_id}/reviewed-pages", {"page": "0", "reviewed": "1"}),
        (f"/documents/{document_id}/approve", {}),
        (f"/documents/{document_id}/retry", {}),
    ]


def test_form_posts_without_a_session_are_refused_and_change_nothing(app, web_document):
    dossier_id, document_id = web_document
    finding_id = min(states(app, document_id))
    before, before_states = counts(app), states(app, document_id)
    for with_token in (False, True):
        for url, data in _form_routes(dossier_id, document_id, finding_id):
            client = app.test_client()
            body = dict(data)
            if with_token:  # a CSRF token of an anonymous session: only the missing login stops the post
                body["csrf_token"] = csrf_of(client.get("/login"))
            response = client.post(url, data=body, content_type="multipart/form-data")
            assert response.status_code in (302, 400, 401, 403), (url, response.status_code)
            if response.status_code == 302:
                assert path_of(response) == "/login", (url, location(response))
            if with_token:
                assert redirects_to_login(response), (url, response.status_code)
    assert counts(app) == before
    assert states(app, document_id) == before_states


# --- 8. roles in the web --------------------------------------------------------------------------------------

def test_officer_creates_a_dossier_through_the_form(app, people):
    client = login(app, people["officer"][0])
    home = client.get("/")
    form = parse(home).one("form#new-dossier")
    assert form.attrs.get("method") == "post"
    case_number = unique("WOO-FORM")
    dossier_id = new_dossier_by_form(app, client, title="Verzoek over stikstof", case_number=case_number)
    page = client.get(f"/dossiers/{dossier_id}")
    assert page.status_code == 200 and case_number in page.get_data(as_text=True)
    assert parse(page).select("p.ok")  # the flash message
    with db_session(app) as s:
        dossier = s.get(Dossier, dossier_id)
        officer = s.scalar(select(User).where(User.name == people["officer"][0]))
        assert dossier.title == "Verzoek over stikstof" and dossier.case_number == case_number
        assert dossier.created_by == officer.id
        assert dossier.received_on.isoformat() == "2026-01-05"
        assert dossier.deadline.isoformat() == "2026-02-02"  # four weeks after receipt when left empty
        assert s.get(DossierMember, (dossier_id, officer.id)) is not None
        events = s.scalars(select(AuditEvent).where(AuditEvent.dossier_id == dossier_id)).all()
        assert [(e.action, e.user_id) for e in events] == [("dossier.create", officer.id)]
        assert events[0].after["case_number"] == case_number


def test_reviewer_sees_no_new_dossier_form_and_may_not_create_one(app, people):
    client = login(app, people["reviewer"][0])
    home = client.get("/")
    assert home.status_code == 200
    assert parse(home).select("form#new-dossier") == []
    before = counts(app)
    response = client.post("/dossiers", data={"title": "Niet toegestaan", "case_number": unique("WOO-R"),
                                              "csrf_token": csrf_of(home)})
    assert response.status_code == 403
    assert counts(app) == before


def test_reviewer_outside_the_dossier_gets_404(app, people, web_document):
    dossier_id, document_id = web_document
    client = login(app, people["outsider"][0])
    home = client.get("/")
    token = csrf_of(home)
    before, before_states = counts(app), states(app, document_id)
    response = client.post(f"/documents/{document_id}/accept-all", data={"csrf_token": token})
    assert response.status_code == 404
    assert client.get(f"/documents/{document_id}").status_code == 404
    assert client.get(f"/dossiers/{dossier_id}").status_code == 404
    assert client.get(f"/dossiers/{dossier_id}/audit").status_code == 404
    assert client.get(f"/documents/{document_id}/pages/0.png").status_code == 404
    assert client.get(f"/documents/{document_id}/review.pdf").status_code == 404
    links = {a.attrs.get("href") for a in parse(client.get("/")).select("a")}
    assert f"/dossiers/{dossier_id}" not in links
    assert counts(app) == before and states(app, document_id) == before_states


def test_officer_may_not_decide_findings(app, people, web_document):
    _, document_id = web_document
    finding_id = min(states(app, document_id))
    client = login(app, people["officer"][0])
    before, before_states = counts(app), states(app, document_id)
    page = client.get(f"/documents/{document_id}")
    assert page.status_code == 200
    assert parse(page).select("form.decide") == [] and parse(page).select("form#accept-all") == []
    response = client.post(f"/findings/{finding_id}/decision",
                           data={"decision": "reject", "csrf_token": csrf_of(client.get("/"))})
    assert response.status_code == 403
    assert counts(app) == before and states(app, document_id) == before_states


# --- 9. the review flow with a real document ---------------------------------------------------------------

def test_web_flow_upload_and_member_were_stored(app, people, web_document):
    dossier_id, document_id = web_document
    with db_session(app) as s:
        document = s.get(Document, document_id)
        assert document.status == "ready" and document.pages >= 1
        assert document.filename == "nota_minister.pdf"
        members = {u.name for u in s.get(Dossier, dossier_id).members}
        assert members == {people["officer"][0], people["reviewer"][0]}
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.dossier_id == dossier_id)).all()
        assert {"dossier.create", "document.upload", "dossier.member_add"} <= set(actions)
    client = login(app, people["officer"][0])
    page = parse(client.get(f"/dossiers/{dossier_id}"))
    row = page.one(f"tr[data-document-id={document_id}]")
    assert row.attrs["data-status"] == "ready"
    assert row.select("a.review-link")[0].attrs["href"] == f"/documents/{document_id}"


def test_reviewer_reviews_the_document_in_the_web(app, people, web_document):
    _, document_id = web_document
    client = login(app, people["reviewer"][0])
    response = client.get(f"/documents/{document_id}")
    assert response.status_code == 200
    page = parse(response)
    with db_session(app) as s:
        document = s.get(Document, document_id)
        n_pages, n_findings = document.pages, len(document.findings)
    findings = page.select("li.finding")
    assert n_findings > 0 and len(findings) == n_findings
    assert {int(li.attrs["data-finding-id"]) for li in findings} == set(states(app, document_id))
    blocks = page.select("div.page")
    assert len(blocks) == n_pages
    for n, block in enumerate(blocks):
        assert block.attrs["data-page"] == str(n)
        [image] = block.select("img.page-image")
        assert image.attrs["src"] == f"/documents/{document_id}/pages/{n}.png"

    image = client.get(f"/documents/{document_id}/pages/0.png")
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert image.data.startswith(PNG_MAGIC)
    assert image.headers.get("X-Content-Type-Options") == "nosniff"
    assert client.get(f"/documents/{document_id}/pages/{n_pages - 1}.png").status_code == 200
    assert client.get(f"/documents/{document_id}/pages/{n_pages}.png").status_code == 404
    assert client.get(f"/documents/{document_id}/pages/999.png").status_code == 404
    outsider = login(app, people["outsider"][0])
    assert outsider.get(f"/documents/{document_id}/pages/0.png").status_code == 404
    assert app.test_client().get(f"/documents/{document_id}/pages/0.png").status_code == 302


def test_reviewer_decides_a_finding_through_the_form(app, people, web_document):
    _, document_id = web_document
    client = login(app, people["reviewer"][0])
    response = client.get(f"/documents/{document_id}")
    page = parse(response)
    suggested = [li for li in page.select("li.finding") if li.attrs["data-state"] == "suggested"]
    assert suggested
    finding_id = int(suggested[0].attrs["data-finding-id"])
    form = page.one(f"li#f{finding_id}").select("form.decide")[0]
    assert form.attrs["action"] == f"/findings/{finding_id}/decision"
    assert {b.attrs.get("value") for b in form.select("button[name=decision]")} == {"accept", "reject"}
    token = form.select("input[name=csrf_token]")[0].attrs["value"]

    with db_session(app) as s:
        reviewer_id = s.scalar(select(User.id).where(User.name == people["reviewer"][0]))
        decisions_before = s.scalar(select(func.count()).select_from(Decision).where(Decision.finding_id == finding_id))
    response = client.post(form.attrs["action"], data={"decision": "reject", "csrf_token": token})
    assert response.status_code == 302
    assert path_of(response) == f"/documents/{document_id}"
    with db_session(app) as s:
        assert s.get(Finding, finding_id).state == "rejected"
        decisions = s.scalars(select(Decision).where(Decision.finding_id == finding_id).order_by(Decision.id)).all()
        assert len(decisions) == decisions_before + 1
        assert (decisions[-1].decision, decisions[-1].user_id) == ("reject", reviewer_id)
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "finding.reject",
                                                    AuditEvent.user_id == reviewer_id)).all()
        assert [e for e in events if e.after and e.after.get("finding") == finding_id
                and e.after.get("state") == "rejected"]
    after = parse(client.get(location(response)))
    assert after.one(f"li#f{finding_id}").attrs["data-state"] == "rejected"


def test_session_api_calls_need_the_csrf_header(app, people, web_document):
    _, document_id = web_document
    client = login(app, people["reviewer"][0])
    response = client.get(f"/documents/{document_id}")
    page = parse(response)
    token = page.one("div.review").attrs["data-csrf"]
    assert token
    finding_id = min(states(app, document_id))
    before, before_states = counts(app), states(app, document_id)

    url = f"/api/v1/findings/{finding_id}/decision"
    response = client.post(url, json={"decision": "accept"})
    assert response.status_code == 400
    assert "CSRF" in response.get_json()["error"]
    response = client.post(url, json={"decision": "accept"}, headers={"X-CSRFToken": "forged"})
    assert response.status_code == 400
    other = login(app, people["admin"][0])  # a token of another session is no good either
    foreign = parse(other.get("/")).select("input[name=csrf_token]")[0].attrs["value"]
    response = client.post(url, json={"decision": "accept"}, headers={"X-CSRFToken": foreign})
    assert response.status_code == 400
    assert counts(app) == before and states(app, document_id) == before_states

    response = client.post(url, json={"decision": "accept"}, headers={"X-CSRFToken": token})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["state"] == "accepted"
    assert states(app, document_id)[finding_id] == "accepted"
    # the form's csrf_token field works as header as well
    field = page.select("input[name=csrf_token]")[0].attrs["value"]
    response = client.post(url, json={"decision": "reject"}, headers={"X-CSRFToken": field})
    assert response.status_code == 200 and states(app, document_id)[finding_id] == "rejected"
    # reading needs no CSRF token
    assert client.get(f"/api/v1/documents/{document_id}").status_code == 200


# --- 10. a refused upload through the form -------------------------------------------------------------------

@pytest.mark.parametrize("name,content", [("notitie.pdf", b"Dit is gewoon tekst, geen PDF.\n" * 20),
                                          ("plaatje.png", PNG_MAGIC + b"\x00" * 64),
                                          ("leeg.pdf", b"")], ids=["text-named-pdf", "png", "empty"])
def test_upload_of_a_non_pdf_through_the_form_stores_nothing(app, people, name, content):
    client = login(app, people["officer"][0])
    dossier_id = new_dossier_by_form(app, client)
    before = counts(app)
    page = client.get(f"/dossiers/{dossier_id}")
    response = client.post(parse(page).one("form#upload").attrs["action"], content_type="multipart/form-data",
                           data={"csrf_token": csrf_of(page, "form#upload"), "file": (io.BytesIO(content), name)})
    assert response.status_code == 302 and path_of(response) == f"/dossiers/{dossier_id}"
    assert counts(app) == before
    with db_session(app) as s:
        assert s.scalars(select(Document).where(Document.dossier_id == dossier_id)).all() == []
    shown = client.get(f"/dossiers/{dossier_id}")
    errors = parse(shown).select("p.error")
    assert errors, shown.get_data(as_text=True)[:2000]
    assert "Niets opgeslagen" in shown.get_data(as_text=True)
    assert parse(shown).select("table#documents") == []


def test_scanned_pages_are_read_by_ocr_and_an_unreadable_one_is_flagged(app, people):
    """A scanned page is read by OCR (its names are found and the page says so); a page whose picture holds
    no readable text is flagged: the reviewer must check it by hand."""
    import pymupdf
    from service_helpers import new_dossier

    source = pymupdf.open()
    page = source.new_page(width=300, height=200)
    page.insert_text((20, 50), "Jan de Vries, 06-12345678", fontsize=12)
    picture = page.get_pixmap(dpi=200, colorspace=pymupdf.csGRAY)
    scanned = pymupdf.open()
    scanned.new_page(width=300, height=200).insert_image(pymupdf.Rect(0, 0, 300, 200), pixmap=picture)
    grey = pymupdf.Pixmap(pymupdf.csGRAY, pymupdf.IRect(0, 0, 200, 100), False)
    grey.set_rect(grey.irect, (190,))
    scanned.new_page(width=300, height=200).insert_image(pymupdf.Rect(0, 0, 300, 200), pixmap=grey)
    text_page = scanned.new_page(width=300, height=200)
    text_page.insert_text((20, 50), "Gewone tekst zonder bijzonderheden.", fontsize=12)
    content = scanned.tobytes()

    officer, reviewer = people["officer"], people["reviewer"]
    client = app.test_client()
    dossier_id = new_dossier(client, officer[1], [reviewer[0]], case_number=unique("SCAN"))
    response = client.post(f"/api/v1/dossiers/{dossier_id}/documents", headers=auth(officer[1]),
                           data={"file": [(io.BytesIO(content), "scan.pdf")]}, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    document_id = response.get_json()[0]["id"]
    assert wait_ready(app, document_id) == "ready"
    findings = client.get(f"/api/v1/documents/{document_id}/findings", headers=auth(reviewer[1])).get_json()
    assert {f["page"] for f in findings if "Vries" in f["text"] or "12345678" in f["text"]} == {0}

    html = login(app, reviewer[0]).get(f"/documents/{document_id}").get_data(as_text=True)
    assert html.count('class="note ocr-note"') == 1  # the readable scan
    assert html.count('class="flash error scan-warning"') == 1  # the grey picture, not the text page
    assert 'id="scan-pages"' in html
