"""The release PDF holds no redacted text anywhere; the review PDF shows every finding; bad input fails cleanly."""

from __future__ import annotations

import json
import subprocess

import pymupdf
import pytest

from pdfkit import REPO, WOO_REDACT, all_text, make_pdf
from redaction.pipeline import redact_file
from redaction.render import verify_release
from redaction.render.release import Box


def run_cli(*args, cwd=REPO):
    return subprocess.run([*WOO_REDACT, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300)


LINES = [
    "Nota aan de minister, Kamerstuk 36 410, nr. 12",
    "Contactpersoon: Sanne Oudejans",
    "E sanne.oudejans@minbzk.nl",
    "Het advies van Sanne Oudejans is verwerkt in deze versie.",
]


def test_release_removes_term_from_text_annotations_fields_metadata_and_bookmarks(tmp_path, engine):
    src = make_pdf(tmp_path / "in.pdf", LINES, author="Sanne Oudejans", annotation="Opmerking van Sanne Oudejans",
                   field_value="Sanne Oudejans", bookmark="Notitie Sanne Oudejans")
    assert "Sanne Oudejans" in all_text(src)
    out = tmp_path / "out.pdf"
    result = redact_file(src, out, terms=["Sanne Oudejans"], engine=engine)
    assert result.status == "ok", result.error
    text = all_text(out)
    assert "oudejans" not in text.lower()
    assert "Kamerstuk 36 410" in text  # ordinary text stays
    assert "5.1.2e" in pymupdf.open(out)[0].get_text()  # the ground code is printed in the box
    with pymupdf.open(out) as doc:
        assert doc.page_count == 1
        assert not doc.metadata.get("author")
        assert "Oudejans" not in (doc.get_xml_metadata() or "")


def test_redacted_box_is_black_and_covers_the_text(tmp_path, engine):
    src = make_pdf(tmp_path / "in.pdf", LINES)
    out = tmp_path / "out.pdf"
    redact_file(src, out, terms=["Oudejans"], engine=engine)
    with pymupdf.open(src) as before:
        rect = before[0].search_for("Oudejans")[0]
    with pymupdf.open(out) as after:
        page = after[0]
        assert "Oudejans" not in page.get_text()
        band = pymupdf.Rect(rect.x0 + 1, rect.y0 + rect.height * 0.3, rect.x1 - 1, rect.y1 - rect.height * 0.15)
        pix = page.get_pixmap(clip=band, colorspace=pymupdf.csGRAY, dpi=144)
        dark = sum(1 for b in pix.samples if b < 128) / len(pix.samples)
        assert dark > 0.6


def test_neighbouring_lines_survive_tight_line_spacing(tmp_path, engine):
    lines = ["bovenregel met gewone woorden", "Pieter Zandbergen woont hier", "onderregel met gewone woorden"]
    src = make_pdf(tmp_path / "in.pdf", lines, fontsize=11)
    out = tmp_path / "out.pdf"
    result = redact_file(src, out, terms=["Pieter Zandbergen"], engine=engine)
    assert result.status == "ok"
    text = pymupdf.open(out)[0].get_text()
    assert "bovenregel met gewone woorden" in text
    assert "onderregel met gewone woorden" in text
    assert "Zandbergen" not in text and "woont hier" in text


def test_review_pdf_highlights_findings_and_keeps_text(tmp_path, engine):
    src = make_pdf(tmp_path / "in.pdf", LINES)
    review = tmp_path / "review.pdf"
    result = redact_file(src, tmp_path / "out.pdf", review_out=review, terms=["Sanne Oudejans"], engine=engine)
    assert result.status == "ok"
    with pymupdf.open(review) as doc:
        page = doc[0]
        assert "Sanne Oudejans" in page.get_text()  # content untouched
        highlights = [a for a in page.annots() if a.type[0] == pymupdf.PDF_ANNOT_HIGHLIGHT]
        assert len(highlights) >= 2
        assert any("5.1.2e" in a.info["content"] for a in highlights)


def test_verifier_catches_text_left_under_a_box(tmp_path):
    src = make_pdf(tmp_path / "in.pdf", LINES)
    with pymupdf.open(src) as doc:
        rect = doc[0].search_for("Oudejans")[0]
    report = verify_release(src, [Box(0, rect, "5.1.2e")], ["Sanne Oudejans"])
    assert not report.ok
    assert any("still" in p for p in report.problems)


def test_scanned_page_is_reported_not_counted_as_redacted(tmp_path, engine):
    doc = pymupdf.open()
    page = doc.new_page()
    pix = pymupdf.Pixmap(pymupdf.csGRAY, pymupdf.IRect(0, 0, 200, 100), False)
    pix.set_rect(pix.irect, (200,))
    page.insert_image(pymupdf.Rect(50, 50, 450, 250), pixmap=pix)
    doc.save(tmp_path / "scan.pdf")
    result = redact_file(tmp_path / "scan.pdf", tmp_path / "out.pdf", engine=engine)
    assert result.warnings == ["page 1 has no text layer and OCR found no text on it; check it by hand"]
    assert result.ocr_pages == [{"page": 1, "confidence": None, "words": 0}]
    assert result.counts_per_entity == {}


def test_encrypted_input_needs_password(tmp_path):
    src = make_pdf(tmp_path / "secret.pdf", LINES, password="geheim")
    proc = run_cli("redact", src, "--out", tmp_path / "out.pdf", "--term", "Oudejans")
    assert proc.returncode == 8
    assert "password" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "out.pdf").exists()
    proc = run_cli("redact", src, "--out", tmp_path / "out.pdf", "--term", "Oudejans", "--password", "geheim")
    assert proc.returncode == 0, proc.stderr
    assert "Oudejans" not in all_text(tmp_path / "out.pdf")


@pytest.mark.parametrize(
    "name,content",
    [("empty.pdf", b""), ("image.pdf", b"\x89PNG\r\n\x1a\n" + bytes(200)), ("broken.pdf", b"%PDF-1.7\n%%EOF\n")],
)
def test_bad_input_gives_one_sentence_and_exit_code_2(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    proc = run_cli("redact", path, "--out", tmp_path / "out.pdf")
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert str(path) in proc.stderr
    assert not (tmp_path / "out.pdf").exists()


def test_one_bad_file_does_not_stop_the_others_and_report_lists_each(tmp_path):
    good = make_pdf(tmp_path / "good.pdf", LINES)
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"")
    report = tmp_path / "report.json"
    proc = run_cli("redact", bad, good, "--out-dir", tmp_path / "out", "--report", report, "--term", "Oudejans")
    assert proc.returncode == 2
    assert (tmp_path / "out" / "good.pdf").exists()
    files = {f["input"]: f for f in json.loads(report.read_text())["files"]}
    assert files[str(good)]["status"] == "ok" and files[str(good)]["pages"] == 1
    assert files[str(good)]["counts_per_ground"].get("5.1.2e", 0) >= 1
    assert files[str(bad)]["status"] == "failed" and files[str(bad)]["exit_code"] == 2
    assert files[str(bad)]["error"]


def test_bad_arguments_exit_1(tmp_path):
    proc = run_cli("redact", "a.pdf", "b.pdf", "--out", tmp_path / "x.pdf")
    assert proc.returncode == 1
    proc = run_cli("redact", "a.pdf")
    assert proc.returncode == 1


def test_analyze_json_on_text_file_gives_offsets(tmp_path):
    path = tmp_path / "brief.txt"
    text = "Geachte heer Oudejans,\nUw BSN is 111222333.\n"
    path.write_text(text, encoding="utf-8")
    proc = run_cli("analyze", "--json", path, "--term", "Oudejans")
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout.strip().splitlines()[0])
    assert record["file"] == str(path)
    texts = {f["text"]: f for f in record["findings"]}
    assert "Oudejans" in texts
    for f in record["findings"]:
        assert text[f["start"]:f["end"]] == f["text"]
        assert f["page"] is None and f["rects"] is None
        assert set(f) >= {"entity", "text", "start", "end", "page", "rects", "ground", "score", "recognizer",
                          "reason", "decision"}


def test_ground_notation_is_configurable():
    from redaction.rules import Rules

    rules = Rules(entities={}, grounds={}, notation="art. {article} lid {paragraph} sub {letter} Woo")
    assert rules.format_ground("5.1.2e") == "art. 5.1 lid 2 sub e Woo"
    assert rules.format_ground("5.1.5") == "5.1.5"
    assert Rules(entities={}, grounds={}).format_ground("5.1.1e") == "5.1.1e"


def test_analyze_json_on_pdf_gives_pages_rects_grounds_and_decisions(tmp_path):
    lines = ["Contactpersoon: Sanne Oudejans", "T 06-12345678", "BSN: 111222333",
             "De minister van Financiën heeft besloten."]
    src = make_pdf(tmp_path / "nota.pdf", lines)
    proc = run_cli("analyze", "--json", src)
    assert proc.returncode == 0, proc.stderr
    findings = json.loads(proc.stdout)["findings"]
    by_entity = {f["entity"]: f for f in findings}
    assert by_entity["BSN"]["ground"] == "5.1.1e" and by_entity["BSN"]["decision"] == "redact"
    assert by_entity["PHONE"]["ground"] == "5.1.2e"
    assert by_entity["PERSON"]["text"] == "Sanne Oudejans"
    with pymupdf.open(src) as doc:
        expected = doc[0].search_for("Sanne Oudejans")[0]
    (x0, y0, x1, y1), = by_entity["PERSON"]["rects"]
    assert by_entity["PERSON"]["page"] == 0
    assert abs(x0 - expected.x0) < 1 and abs(x1 - expected.x1) < 1


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rotated_pages_are_redacted_in_place(tmp_path, engine, rotation):
    src = make_pdf(tmp_path / "in.pdf", LINES)
    with pymupdf.open(src) as doc:
        doc[0].set_rotation(rotation)
        doc.save(tmp_path / "rotated.pdf")
    out = tmp_path / "out.pdf"
    result = redact_file(tmp_path / "rotated.pdf", out, terms=["Oudejans"], engine=engine)
    assert result.status == "ok", result.error
    with pymupdf.open(out) as doc:
        text = doc[0].get_text()
        assert doc[0].rotation == rotation
    assert "Oudejans" not in text and "Kamerstuk 36 410" in text and "Contactpersoon" in text


def test_plain_text_is_released_as_text_with_ground_codes(tmp_path):
    path = tmp_path / "brief.txt"
    path.write_text("Geachte heer Oudejans,\nUw BSN is 111222333; bel 06-12345678.\nMet vriendelijke groet,\n"
                    "Minister De Jonge\n", encoding="utf-8")
    proc = run_cli("redact", path, "--out-dir", tmp_path / "out", "--term", "Oudejans")
    assert proc.returncode == 0, proc.stderr
    released = (tmp_path / "out" / "brief.txt").read_text(encoding="utf-8")
    assert "Oudejans" not in released and "111222333" not in released and "12345678" not in released
    assert "[5.1.1e]" in released and "[5.1.2e]" in released
    assert "Geachte heer" in released and "Minister De Jonge" in released


def test_every_rules_file_comes_from_the_folder_in_woo_redact_rules(tmp_path):
    import os
    import shutil

    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules)
    with open(rules / "email_function_mailboxes.yaml", "a", encoding="utf-8") as fh:
        fh.write("  - kwaliteitsbureau*\n")
    text = tmp_path / "mail.txt"
    text.write_text("Mail naar kwaliteitsbureau@gemeente.nl voor vragen.\n", encoding="utf-8")

    def decision(env):
        proc = subprocess.run([*WOO_REDACT, "analyze", "--json", str(text)], cwd=REPO, capture_output=True,
                              text=True, timeout=300, env=env)
        assert proc.returncode == 0, proc.stderr
        return {f["entity"]: f["decision"] for f in json.loads(proc.stdout)["findings"]}["EMAIL"]

    assert decision(dict(os.environ)) == "redact"
    assert decision({**os.environ, "WOO_REDACT_RULES": str(rules)}) == "keep"


def test_release_empties_javascript_actions_wherever_they_hang(tmp_path, engine):
    """JavaScript can carry personal data (and run): a link's action, an outline item's action, the
    document's open action and its /Names JavaScript tree are all emptied in the release."""
    src = make_pdf(tmp_path / "in.pdf", LINES, bookmark="Inhoud")
    with pymupdf.open(src) as doc:
        def action(code: str) -> int:
            xref = doc.get_new_xref()
            doc.update_object(xref, f"<</Type/Action/S/JavaScript/JS({code})>>")
            return xref
        page = doc[0]
        page.insert_link({"kind": pymupdf.LINK_URI, "from": pymupdf.Rect(72, 300, 200, 320), "uri": "https://x.nl"})
        link = next(x for x, kind, _ in page.annot_xrefs() if kind == pymupdf.PDF_ANNOT_LINK)
        doc.xref_set_key(link, "A", f"{action('app.alert(1)')} 0 R")
        outline = int(doc.xref_get_key(doc.pdf_catalog(), "Outlines")[1].split()[0])
        item = int(doc.xref_get_key(outline, "First")[1].split()[0])
        doc.xref_set_key(item, "A", f"{action('app.alert(2)')} 0 R")
        doc.xref_set_key(doc.pdf_catalog(), "OpenAction", f"{action('app.alert(3)')} 0 R")
        names = doc.get_new_xref()
        doc.update_object(names, f"<</Names[(a) {action('app.alert(4)')} 0 R]>>")
        doc.xref_set_key(doc.pdf_catalog(), "Names", f"<</JavaScript {names} 0 R>>")
        doc.save(tmp_path / "js.pdf")
    with pymupdf.open(tmp_path / "js.pdf") as doc:
        sources = "".join(doc.xref_object(x) for x in range(1, doc.xref_length()))
        assert all(f"app.alert\\({n}\\)" in sources for n in range(1, 5)), sources
    out = tmp_path / "out.pdf"
    result = redact_file(tmp_path / "js.pdf", out, terms=["Sanne Oudejans"], engine=engine)
    assert result.status == "ok", result.error
    with pymupdf.open(out) as doc:
        sources = "".join(doc.xref_object(x) for x in range(1, doc.xref_length()))
        assert "app.alert" not in sources
        assert [entry[1] for entry in doc.get_toc()] == ["Inhoud"]  # the outline itself stays


def test_verifier_catches_image_pixels_left_under_a_box(tmp_path):
    """A black rectangle over a scan hides the name but leaves it in the image: the verifier decodes the
    image and refuses; after MuPDF's pixel redaction the same box passes."""
    source = pymupdf.open()
    source.new_page().insert_text((72, 100), "Geheime naam Pietersen hier", fontsize=14)
    scan = source[0].get_pixmap(dpi=150, colorspace=pymupdf.csGRAY).tobytes("png")
    box = pymupdf.Rect(150, 85, 260, 105)
    for remove_pixels in (False, True):
        doc = pymupdf.open()
        page = doc.new_page()
        page.insert_image(page.rect, stream=scan)
        if remove_pixels:
            page.add_redact_annot(box)
            page.apply_redactions(images=pymupdf.PDF_REDACT_IMAGE_PIXELS)
        page.draw_rect(box, color=(0, 0, 0), fill=(0, 0, 0))
        path = tmp_path / f"scan-{remove_pixels}.pdf"
        doc.save(path)
        report = verify_release(path, [Box(0, box, "5.1.2e")], [])
        assert report.ok is remove_pixels, report.problems
        if not remove_pixels:
            assert report.box_pages == {0} and "image pixels" in report.problems[0]


def test_a_name_inside_a_hyphenated_compound_is_redacted_there_too(tmp_path, engine):
    """The verifier reads 'Visser' in 'Visser-rapport'; the engine redacts it there too instead of refusing
    the whole document."""
    src = make_pdf(tmp_path / "in.pdf", ["Contactpersoon: Pieter Visser, telefoon 06-12345678",
                                         "Het Visser-rapport is gisteren ontvangen.",
                                         "Visser stuurt de stukken na."])
    out = tmp_path / "out.pdf"
    result = redact_file(src, out, engine=engine)
    assert result.status == "ok", result.error
    text = all_text(out)
    assert "visser" not in text.lower()
    assert "-rapport is gisteren ontvangen" in " ".join(text.split())
