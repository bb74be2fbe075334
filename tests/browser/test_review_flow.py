"""The whole review flow in a real browser (Debian's chromium driven by Playwright).

Log in, create a dossier, upload a dev-corpus document, accept all suggestions, add one manual redaction by
drawing a rectangle, export, and check in the downloaded release PDF that the accepted texts and the manual
area are gone. Screenshots of the review page are kept as test artifacts.

The pages are Dutch; everything is selected by id, name and data attributes, never by visible text.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import urlparse

import pymupdf
import pytest
from pdfkit import SHARED

DOCUMENT = SHARED / "corpus" / "dev" / "003_email.pdf"  # a text PDF (no scan), 4 pages
READY_TIMEOUT = 180.0  # seconds the analysis may take
MARGIN = 1.5  # points around the chosen word's box for the manual rectangle
SLACK = 1.0  # points the drawn rectangle may be off by (mouse pixels converted back to points)
MIN_WORDS = 5  # letters of the word chosen for the manual rectangle
ARTIFACT_NAMES = ("review-before.png", "review-after.png", "release.pdf", "review.pdf")


# --- Helpers on PDFs (pure; no browser) -------------------------------------------------------------------

def norm(text: str) -> str:
    """Whitespace collapsed, case folded."""
    return " ".join(text.split()).casefold()


def joined(text: str) -> str:
    """Like ``norm``, with line ends after - . @ / joined, as a reader copying the text would."""
    return norm(re.sub(r"([-.@/])[ \t]*\n\s*", r"\1", text))


def whole(text: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(norm(text))}(?!\w)")


def page_texts(path: Path) -> list[str]:
    with pymupdf.open(str(path)) as doc:
        return [page.get_text("text") for page in doc]


def texts_to_check(findings: list[dict]) -> list[str]:
    """The accepted findings' texts the release must not contain anywhere: 4 or more characters, and not
    also (part of) the text of a finding that stays (kept or rejected), which may rightly remain readable."""
    staying = [norm(f["text"]) for f in findings if f["state"] != "accepted" and f["text"]]
    texts = set()
    for f in findings:
        text = norm(f["text"] or "")
        if f["state"] != "accepted" or f["entity"] == "MANUAL" or len(text) < 4:
            continue
        if any(whole(text).search(other) for other in staying):
            continue
        texts.add(text)
    return sorted(texts)


def leaks(path: Path, texts: list[str]) -> list[str]:
    """Each text of ``texts`` that a reader still finds (whole word) on a page of ``path``."""
    found = []
    for number, page_text in enumerate(page_texts(path)):
        haystacks = (norm(page_text), joined(page_text))
        found += [f"{text!r} on page {number + 1}" for text in texts
                  if any(whole(text).search(h) for h in haystacks)]
    return found


def choose_word(path: Path, findings: list[dict], page_number: int = 0) -> tuple[str, pymupdf.Rect]:
    """A word of the page for the manual rectangle: 5+ letters, in no finding's box or text, once in the
    whole document, and alone in its box widened by the margin and the slack (so the check is exact)."""
    with pymupdf.open(str(path)) as doc:
        everything = norm("\n".join(page.get_text("text") for page in doc))
        page = doc[page_number]
        boxes = [pymupdf.Rect(r) for f in findings if f["page"] == page_number for r in (f["rects"] or [])]
        finding_texts = [norm(f["text"]) for f in findings if f["text"]]
        for x0, y0, x1, y1, text, *_ in page.get_text("words"):
            word = pymupdf.Rect(x0, y0, x1, y1)
            area = word + (-MARGIN - SLACK, -MARGIN - SLACK, MARGIN + SLACK, MARGIN + SLACK)
            folded = text.casefold()
            if len(text) < MIN_WORDS or not text.isalpha():
                continue
            if any(area.intersects(box) for box in boxes):
                continue
            if any(folded in t or t in folded for t in finding_texts):
                continue
            if len(whole(text).findall(everything)) != 1:
                continue
            if norm(page.get_text("text", clip=area)) != folded:
                continue
            return text, word
    raise AssertionError(f"{path.name} page {page_number + 1} has no word fit for the manual rectangle; "
                         "choose another document.")


def ground_codes(ground: str | None) -> set[str]:
    """The ways a ground code may be printed in a box."""
    if not ground:
        return set()
    from redaction.rules import load_rules

    return {ground, load_rules().format_ground(ground)}


def text_in_area(path: Path, page_number: int, rect: pymupdf.Rect, codes: set[str]) -> str:
    """The text a reader gets out of ``rect``, without the printed ground code."""
    with pymupdf.open(str(path)) as doc:
        text = doc[page_number].get_text("text", clip=rect)
    for code in sorted(codes, key=len, reverse=True):
        text = text.replace(code, " ")
    text = re.sub(r"(?<![\w.])\d+(?:\.\d+)+(?:\s?[a-z])?(?!\w)", " ", text)  # any other ground-code shape
    return text.strip()


# --- Helpers on the browser ---------------------------------------------------------------------------------

def open_page(page, url: str):
    response = page.goto(url)
    assert response is not None and response.ok, (
        f"GET {urlparse(url).path} answered {response.status if response else 'nothing'}; the web interface "
        "is not there (yet)."
    )
    return response


def path_of(href: str | None) -> str:
    return urlparse(href or "").path


def wait_until_ready(page, live_server, document_id: int) -> None:
    """Reload the dossier page until the document's row says ready (the page's own refresh may interleave)."""
    from playwright.sync_api import Error as PlaywrightError

    row = page.locator(f'table#documents tr[data-document-id="{document_id}"]')
    deadline = time.monotonic() + READY_TIMEOUT
    status = None
    while True:
        try:
            status = row.get_attribute("data-status", timeout=5_000)
        except PlaywrightError:
            status = None  # the page was just navigating
        if status == "ready":
            return
        if status == "failed":
            _, body = live_server.api(f"/documents/{document_id}")
            pytest.fail(f"the analysis of document {document_id} failed: {body}")
        assert status in (None, "queued", "analyzing"), f"unexpected data-status {status!r}"
        if time.monotonic() > deadline:
            pytest.fail(f"document {document_id} was not ready after {READY_TIMEOUT:.0f} s (status {status!r})")
        page.wait_for_timeout(1_000)
        try:
            page.reload(wait_until="load")
        except PlaywrightError:
            pass  # raced with the page's own refresh; the next round reads the page again


def wait_for_image(page, img) -> None:
    img.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle(),
                           timeout=30_000)


def bring_into_view(page, img, rect_pt: pymupdf.Rect, width_pt: float, height_pt: float) -> dict:
    """Scroll until ``rect_pt`` of the page image is well inside the viewport; return the image's box."""
    viewport = page.viewport_size
    for _ in range(10):
        box = img.bounding_box()
        top = box["y"] + rect_pt.y0 * box["height"] / height_pt
        bottom = box["y"] + rect_pt.y1 * box["height"] / height_pt
        if 40 <= top and bottom <= viewport["height"] - 40:
            return box
        page.mouse.move(box["x"] + 5, max(5, min(box["y"] + 5, viewport["height"] - 5)))
        page.mouse.wheel(0, (top + bottom) / 2 - viewport["height"] / 2)
        page.wait_for_timeout(200)
    raise AssertionError("the chosen word cannot be scrolled into view on the review page")


# --- The test -------------------------------------------------------------------------------------------------

def test_review_flow_in_browser(live_server, browser_page, artifacts):
    from playwright.sync_api import expect

    page = browser_page
    base = live_server.base_url
    for name in ARTIFACT_NAMES:
        (artifacts / name).unlink(missing_ok=True)

    assert DOCUMENT.is_file(), f"{DOCUMENT} is missing"
    original_texts = page_texts(DOCUMENT)
    assert all(len(t.strip()) > 200 for t in original_texts), f"{DOCUMENT.name} must be a text PDF, not a scan"
    with pymupdf.open(str(DOCUMENT)) as doc:
        page_count = doc.page_count
        sizes = [(p.rect.width, p.rect.height) for p in doc]

    # Log in as the admin.
    open_page(page, f"{base}/login")
    form = page.locator("form#login")
    form.locator("input[name=username]").fill(live_server.username)
    form.locator("input[name=password]").fill(live_server.password)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert path_of(page.url) == "/", f"after logging in the browser is at {page.url}, not at /"

    # Create a dossier.
    form = page.locator("form#new-dossier")
    form.locator("input[name=title]").fill("Browsertest Woo-verzoek")
    form.locator("input[name=case_number]").fill("WOO-2025-0042")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    match = re.fullmatch(r"/dossiers/(\d+)", path_of(page.url))
    assert match, f"creating a dossier led to {page.url}, not to /dossiers/<id>"
    dossier_path = match.group(0)

    # Upload the document and wait for its analysis.
    form = page.locator("form#upload")
    form.locator("input[type=file][name=file]").set_input_files(str(DOCUMENT))
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert path_of(page.url) == dossier_path, f"after the upload the browser is at {page.url}"
    rows = page.locator("table#documents tr[data-document-id]")
    expect(rows).to_have_count(1)
    document_id = int(rows.first.get_attribute("data-document-id"))
    status, body = live_server.api(f"/documents/{document_id}")
    assert status == 200, (status, body)
    wait_until_ready(page, live_server, document_id)

    # Open the review page.
    link = page.locator(f'table#documents tr[data-document-id="{document_id}"] a.review-link')
    assert path_of(link.get_attribute("href")) == f"/documents/{document_id}"
    with page.expect_navigation():
        link.click()
    assert path_of(page.url) == f"/documents/{document_id}"
    pages = page.locator("div.page[data-page]")
    expect(pages).to_have_count(page_count)
    for number in range(page_count):
        div = page.locator(f'div.page[data-page="{number}"]')
        width, height = float(div.get_attribute("data-width")), float(div.get_attribute("data-height"))
        assert (width, height) == pytest.approx(sizes[number], abs=0.6), f"page {number}: size {width}x{height}"
        src = div.locator("img.page-image").get_attribute("src")
        assert path_of(src) == f"/documents/{document_id}/pages/{number}.png", src
    wait_for_image(page, page.locator('div.page[data-page="0"] img.page-image'))
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(artifacts / "review-before.png"), full_page=True)

    # The findings list agrees with the API; accept all suggestions.
    status, findings = live_server.api(f"/documents/{document_id}/findings")
    assert status == 200, (status, findings)
    items = page.locator("ul#findings li.finding")
    expect(items).to_have_count(len(findings))
    by_id = {f["id"]: f for f in findings}
    for item in items.all():
        finding = by_id[int(item.get_attribute("data-finding-id"))]
        assert item.get_attribute("data-state") == finding["state"], finding
        assert " ".join((item.get_attribute("data-text") or "").split()) == " ".join(finding["text"].split())
    suggested = [f["id"] for f in findings if f["state"] == "suggested"]
    assert suggested, f"the analysis of {DOCUMENT.name} suggested nothing to accept"
    with page.expect_navigation():
        page.locator("form#accept-all button[type=submit]#accept-all-button").click()
    for finding_id in suggested:
        expect(page.locator(f'ul#findings li.finding[data-finding-id="{finding_id}"]')).to_have_attribute(
            "data-state", "accepted")
    expect(page.locator('ul#findings li.finding[data-state="suggested"]')).to_have_count(0)
    status, findings = live_server.api(f"/documents/{document_id}/findings")
    assert {f["id"] for f in findings if f["state"] == "accepted"} >= set(suggested)

    # Draw a manual redaction over a word no finding covers.
    word, word_rect = choose_word(DOCUMENT, findings, page_number=0)
    div = page.locator('div.page[data-page="0"]')
    div.scroll_into_view_if_needed()
    img = div.locator("img.page-image")
    wait_for_image(page, img)
    width_pt, height_pt = float(div.get_attribute("data-width")), float(div.get_attribute("data-height"))
    target = word_rect + (-MARGIN, -MARGIN, MARGIN, MARGIN)
    box = bring_into_view(page, img, target, width_pt, height_pt)
    sx, sy = box["width"] / width_pt, box["height"] / height_pt
    start = (box["x"] + target.x0 * sx, box["y"] + target.y0 * sy)
    end = (box["x"] + target.x1 * sx, box["y"] + target.y1 * sy)
    assert end[0] - start[0] >= 5 and end[1] - start[1] >= 5, f"the page image is too small to draw on: {box}"
    manual = page.locator('ul#findings li.finding[data-entity="MANUAL"]')
    expect(manual).to_have_count(0)
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*end, steps=5)
    page.mouse.up()
    expect(manual).to_have_count(1, timeout=15_000)
    page.wait_for_load_state("load")
    expect(manual).to_have_attribute("data-state", "accepted")
    status, findings = live_server.api(f"/documents/{document_id}/findings")
    manual_findings = [f for f in findings if f["entity"] == "MANUAL"]
    assert len(manual_findings) == 1 and manual_findings[0]["page"] == 0, manual_findings
    assert manual_findings[0]["state"] == "accepted", manual_findings[0]
    rects = [pymupdf.Rect(r) for r in manual_findings[0]["rects"]]
    assert len(rects) == 1, f"the manual finding has {len(rects)} rects"
    drawn = rects[0]
    widest = word_rect + (-MARGIN - SLACK, -MARGIN - SLACK, MARGIN + SLACK, MARGIN + SLACK)
    assert drawn in widest and (drawn & word_rect).get_area() >= 0.9 * word_rect.get_area(), (
        f"the drawn rectangle {tuple(drawn)} (points) does not match the word {word!r} at {tuple(word_rect)}: "
        "the pixel-to-point conversion is off"
    )
    div.scroll_into_view_if_needed()
    wait_for_image(page, img)
    page.screenshot(path=str(artifacts / "review-after.png"), full_page=True)

    # Export the release and the review PDF.
    downloads = {}
    for kind in ("release", "review"):
        link = page.locator(f"a#export-{kind}")
        assert path_of(link.get_attribute("href")) == f"/documents/{document_id}/{kind}.pdf"
        with page.expect_download(timeout=60_000) as info:
            link.click()
        download = info.value
        assert download.failure() is None, f"the {kind} download failed: {download.failure()}"
        target_path = artifacts / f"{kind}.pdf"
        download.save_as(str(target_path))
        assert target_path.read_bytes()[:5] == b"%PDF-", f"the {kind} download is not a PDF"
        downloads[kind] = target_path

    # The review PDF is the whole document; the release has lost what was accepted and the drawn area.
    with pymupdf.open(str(downloads["review"])) as review:
        assert review.page_count == page_count
    release = downloads["release"]
    released = page_texts(release)
    assert len(released) == page_count, f"the release has {len(released)} pages instead of {page_count}"
    for number, (before, after) in enumerate(zip(original_texts, released)):
        assert len(after.split()) >= 0.5 * len(before.split()), (
            f"page {number + 1} of the release lost its text layer ({len(after.split())} of "
            f"{len(before.split())} words left)"
        )
    checked = texts_to_check(findings)
    assert checked, "no accepted text to check"
    left = leaks(release, checked)
    assert not left, f"accepted texts are still readable in the release: {', '.join(left)}"
    rest = text_in_area(release, 0, drawn, ground_codes(manual_findings[0]["ground"]))
    assert not rest, f"the manual rectangle still has text in the release: {rest!r}"
    assert not whole(word).search(norm("\n".join(released))), f"the word {word!r} is still in the release"
