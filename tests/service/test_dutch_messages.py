"""Refusals in Dutch on the web pages, in English in the API.

Every ``ReviewError`` carries an English sentence (the API's ``error``) and a Dutch one (flashed on the Dutch
pages). The first test reads the source of ``service/`` so that a new ``raise ReviewError(...)`` without a
Dutch sentence fails here; the others show the Dutch sentence on a page and the English one in the API.
"""

from __future__ import annotations

import ast
import io
from pathlib import Path

import pytest
from html_tree import parse
from service_helpers import auth, new_dossier
from test_web import PASSWORD, counts, csrf_of, login, new_dossier_by_form, unique

from service.review import ReviewError
from service.users import add_user

SERVICE = Path(__file__).resolve().parents[2] / "service"


# --- every raise carries a Dutch sentence ------------------------------------------------------------------------

def _error_classes(trees: dict[Path, ast.Module]) -> set[str]:
    """``ReviewError`` and every class in ``service/`` that derives from it (such as ``NotMade``)."""
    names = {"ReviewError"}
    grown = True
    while grown:
        grown = False
        for tree in trees.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in names and any(
                        (b.id if isinstance(b, ast.Name) else getattr(b, "attr", None)) in names for b in node.bases):
                    names.add(node.name)
                    grown = True
    return names


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):  # packages.NotMade(...), review.ReviewError(...)
        return call.func.attr
    return None


def _dutch_argument(call: ast.Call) -> ast.expr | None:
    if len(call.args) >= 3:
        return call.args[2]
    return next((k.value for k in call.keywords if k.arg == "dutch"), None)


def _raise_sites() -> list[tuple[str, ast.Call]]:
    trees = {path: ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
             for path in sorted(SERVICE.glob("*.py"))}
    classes = _error_classes(trees)
    return [(f"{path.name}:{node.lineno}", node) for path, tree in trees.items() for node in ast.walk(tree)
            if isinstance(node, ast.Call) and _called_name(node) in classes]


def test_the_source_raises_review_errors_at_many_places():
    """The check below finds the raise sites (it would pass vacuously if it found none)."""
    sites = [where for where, _ in _raise_sites()]
    assert len(sites) >= 50, sites
    assert {where.split(":")[0] for where in sites} >= {"api.py", "intake.py", "packages.py", "review.py", "web.py"}


def test_every_review_error_in_the_service_has_a_dutch_sentence():
    missing, unfinished = [], []
    for where, call in _raise_sites():
        dutch = _dutch_argument(call)
        if dutch is None or (isinstance(dutch, ast.Constant) and dutch.value in (None, "")):
            missing.append(where)
            continue
        # a sentence ends with a full stop, unless it ends with a quoted reason ({exc}) that has its own
        if isinstance(dutch, ast.Constant):
            last = dutch
        elif isinstance(dutch, ast.JoinedStr) and dutch.values:
            last = dutch.values[-1]
        else:
            continue  # built elsewhere (a variable): checked by the tests of that sentence
        if isinstance(last, ast.Constant) and not str(last.value).rstrip().endswith("."):
            unfinished.append(where)
    assert not missing, f"ReviewError without a Dutch sentence (third argument or dutch=): {missing}"
    assert not unfinished, f"Dutch sentences without a full stop: {unfinished}"


def test_review_error_keeps_the_english_message_and_offers_the_dutch_one_to_pages():
    both = ReviewError(409, "The dossier is busy.", "Het dossier is bezig.")
    assert (both.code, both.message, both.dutch, str(both)) == (409, "The dossier is busy.", "Het dossier is bezig.",
                                                                "The dossier is busy.")
    assert both.for_page == "Het dossier is bezig."
    assert ReviewError(400, "Bad.", dutch="Fout.").for_page == "Fout."
    only_english = ReviewError(400, "Bad.")
    assert only_english.dutch is None and only_english.for_page == "Bad."


# --- the pages say it in Dutch, the API in English -----------------------------------------------------------

@pytest.fixture(scope="module")
def officer(app):
    name = unique("nl-officer")
    return name, add_user(app, name, "officer", password=PASSWORD)[1]


def _errors(client, url: str) -> list[str]:
    page = parse(client.get(url))
    return [p.text for box in page.select("div.messages") for p in box.select("p.error")]


def test_a_refused_upload_is_explained_in_dutch_on_the_page_and_in_english_in_the_api(app, officer):
    name, token = officer
    client = login(app, name)
    dossier_id = new_dossier_by_form(app, client)
    content = b"Dit is gewoon tekst, geen PDF.\n" * 20
    before = counts(app)
    page = client.get(f"/dossiers/{dossier_id}")
    response = client.post(parse(page).one("form#upload").attrs["action"], content_type="multipart/form-data",
                           data={"csrf_token": csrf_of(page, "form#upload"),
                                 "file": (io.BytesIO(content), "notitie.pdf")})
    assert response.status_code == 302
    assert _errors(client, f"/dossiers/{dossier_id}") == [
        "Niets opgeslagen: Het bestand 'notitie.pdf' is geen PDF, scan (PNG, JPEG, TIFF), Office-bestand of e-mail "
        "(gecontroleerd aan de hand van de inhoud)."]
    assert counts(app) == before

    reply = app.test_client().post(f"/api/v1/dossiers/{dossier_id}/documents", headers=auth(token),
                                   data={"file": [(io.BytesIO(content), "notitie.pdf")]},
                                   content_type="multipart/form-data")
    assert reply.status_code == 415
    assert reply.get_json()["error"] == ("The file 'notitie.pdf' is not a PDF, scan image (PNG, JPEG, TIFF), Office "
                                         "file or e-mail (checked by its content).")


def test_adding_an_unknown_member_is_refused_in_dutch(app, officer):
    name, token = officer
    client = login(app, name)
    dossier_id = new_dossier(app.test_client(), token, case_number=unique("WOO-NL"))
    page = client.get(f"/dossiers/{dossier_id}")
    nobody = unique("niemand")
    # the form lists only the users that exist; a name typed by hand (or an account removed meanwhile) is refused
    response = client.post(f"/dossiers/{dossier_id}/members",
                           data={"user": nobody, "csrf_token": csrf_of(page, "form#upload")})
    assert response.status_code == 302
    assert _errors(client, f"/dossiers/{dossier_id}") == [f"Er is geen gebruiker met de naam '{nobody}'."]


def test_error_pages_are_dutch_too(app, officer):
    """A page that does not exist, a dossier that does not exist and a role that may not do something: the
    error page says so in Dutch (the API keeps its English sentences)."""
    name, token = officer
    client = login(app, name)
    missing = parse(client.get("/dossiers/987654"))
    assert missing.one("h1").text == "Niet gevonden"
    assert "Dossier 987654 bestaat niet." in [p.text for p in missing.select("p")]
    unknown = client.get("/bestaat-niet")
    assert unknown.status_code == 404
    assert "Deze pagina bestaat niet." in [p.text for p in parse(unknown).select("p")]
    assert app.test_client().get("/api/v1/dossiers/987654", headers=auth(token)).get_json() == {
        "error": "There is no dossier 987654."}

    reviewer = unique("nl-reviewer")
    add_user(app, reviewer, "reviewer", password=PASSWORD)
    client = login(app, reviewer)
    home = client.get("/")
    forbidden = client.post("/dossiers", data={"csrf_token": csrf_of(home, "form.logout"), "title": "Niet van mij"})
    assert forbidden.status_code == 403
    page = parse(forbidden)
    assert page.one("h1").text == "Geen toegang"
    assert any(p.text.startswith("Uw rol (beoordelaar) staat dit niet toe") for p in page.select("p")), \
        [p.text for p in page.select("p")]
