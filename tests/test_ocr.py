"""Scans read by Tesseract: real scans made by rasterising text PDFs, images of every kind, mixed pages.

The release of a scan must destroy the pixels under every box: each test reads the released page again
with OCR and checks that the personal data is gone while the rest still reads.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pymupdf
import pytest

from pdfkit import REPO, WOO_REDACT, make_pdf
from redaction import ocr
from redaction.pipeline import redact_file

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None,
                                reason="Tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-nld)")

LETTER = ["Ministerie van Binnenlandse Zaken", "Datum: 12 maart 2024", "",
          "Geachte heer Verhoeven,", "",
          "Uw aanvraag is in behandeling bij Sanne Oudejans.",
          "U kunt haar bereiken via sanne.oudejans@minbzk.nl of 06-12345678.",
          "Uw burgerservicenummer is 111222333.", "",
          "Met vriendelijke groet,", "Pieter Bakker"]
PII = ["Verhoeven", "Oudejans", "sanne.oudejans@minbzk.nl", "06-12345678", "111222333", "Pieter Bakker"]
KEPT = ["Ministerie", "Binnenlandse", "aanvraag", "behandeling", "vriendelijke"]


def scan(text_pdf: Path, out: Path, dpi: int = 200) -> Path:
    """An image-only PDF of ``text_pdf``: each page a grey picture of itself, no text layer."""
    with pymupdf.open(text_pdf) as source, pymupdf.open() as target:
        for page in source:
            pixmap = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
            new = target.new_page(width=page.rect.width, height=page.rect.height)
            new.insert_image(new.rect, pixmap=pixmap)
        target.save(out)
    return out


def read_again(pdf_path: Path) -> str:
    """What OCR reads on the released pages (from scratch: no memo)."""
    ocr._memory.clear()
    with pymupdf.open(pdf_path) as pdf:
        return " ".join(" ".join(w.text for w in ocr.read_page(page).words) for page in pdf)


def assert_redacted(release: Path) -> None:
    with pymupdf.open(release) as pdf:
        assert not "".join(page.get_text() for page in pdf).replace("5.1.2e", "").replace("5.1.1e", "").strip(), \
            "no OCR text (nor any other text) is added to the release"
    seen = read_again(release)
    for text in PII:
        for part in text.split():
            assert part not in seen, (part, seen)
    for word in KEPT:
        assert word in seen, (word, seen)


@pytest.fixture(scope="module")
def letter(tmp_path_factory) -> Path:
    return make_pdf(tmp_path_factory.mktemp("ocr") / "brief.pdf", LETTER, fontsize=12)


def test_a_scanned_pdf_is_read_redacted_and_its_pixels_destroyed(letter, tmp_path, engine):
    source = scan(letter, tmp_path / "scan.pdf")
    result = redact_file(source, tmp_path / "out.pdf", review_out=tmp_path / "review.pdf", engine=engine)
    assert result.exit_code == 0, result.error
    assert result.counts_per_entity.get("PERSON", 0) >= 3 and result.counts_per_entity.get("BSN") == 1
    [page] = result.ocr_pages
    assert page["page"] == 1 and page["confidence"] > 80 and page["words"] > 30
    assert not result.warnings
    assert_redacted(tmp_path / "out.pdf")
    # the review PDF highlights on the scan: its annotations sit where the names are
    with pymupdf.open(tmp_path / "review.pdf") as review:
        assert len(list(review[0].annots())) >= len(PII)


@pytest.mark.parametrize("kind", ["png", "jpeg"])
def test_an_image_file_is_released_as_a_redacted_pdf(letter, tmp_path, engine, kind):
    with pymupdf.open(letter) as pdf:
        image = tmp_path / f"brief.{'jpg' if kind == 'jpeg' else kind}"
        pdf[0].get_pixmap(dpi=200, colorspace=pymupdf.csGRAY).save(image)
    result = redact_file(image, tmp_path / "out.pdf", engine=engine)
    assert result.exit_code == 0, result.error
    assert result.pages == 1 and result.ocr_pages[0]["confidence"] > 70
    assert_redacted(tmp_path / "out.pdf")


def test_a_multi_page_tiff_is_read_page_by_page(letter, tmp_path, engine):
    from PIL import Image

    with pymupdf.open(letter) as pdf:
        frame = Image.open(io.BytesIO(pdf[0].get_pixmap(dpi=200, colorspace=pymupdf.csGRAY).tobytes("png")))
        frame.load()
    tiff = tmp_path / "fax.tif"
    frame.save(tiff, save_all=True, append_images=[frame.copy()], dpi=(200, 200), compression="tiff_lzw")
    result = redact_file(tiff, tmp_path / "out.pdf", engine=engine)
    assert result.exit_code == 0, result.error
    assert result.pages == 2 and [p["page"] for p in result.ocr_pages] == [1, 2]
    assert_redacted(tmp_path / "out.pdf")


def test_a_page_mixing_a_text_layer_and_a_scanned_image(tmp_path, engine):
    """A typed note with a scanned letter pasted in: both the typed and the scanned names are redacted."""
    letter = make_pdf(tmp_path / "brief.pdf", LETTER, fontsize=12)
    with pymupdf.open(letter) as pdf:
        picture = pdf[0].get_pixmap(dpi=200, colorspace=pymupdf.csGRAY, clip=pymupdf.Rect(60, 60, 540, 280))
    note = pymupdf.open()
    page = note.new_page(width=595.28, height=841.89)
    page.insert_text((72, 60), "Notitie van Karel Wijnstra over de aanvraag", fontsize=11, fontname="helv")
    page.insert_image(pymupdf.Rect(60, 120, 540, 340), pixmap=picture)
    note.save(tmp_path / "mixed.pdf")
    result = redact_file(tmp_path / "mixed.pdf", tmp_path / "out.pdf", engine=engine)
    assert result.exit_code == 0, result.error
    assert result.ocr_pages and result.ocr_pages[0]["words"] > 20
    with pymupdf.open(tmp_path / "out.pdf") as out:
        assert "Wijnstra" not in out[0].get_text() and "Notitie" in out[0].get_text()
    seen = read_again(tmp_path / "out.pdf")
    assert "Oudejans" not in seen and "Verhoeven" not in seen and "behandeling" in seen


def test_a_blurred_scan_is_flagged_for_the_reviewer(letter, tmp_path, engine):
    source = scan(letter, tmp_path / "scan.pdf", dpi=40)  # a bad fax: Tesseract guesses
    result = redact_file(source, tmp_path / "out.pdf", engine=engine)
    confidence = result.ocr_pages[0]["confidence"]
    assert confidence is not None and confidence < ocr.LOW_CONFIDENCE
    assert result.warnings == [f"page 1 was read by OCR with low confidence ({confidence:.0f}%); check its "
                               "redactions by hand"]


def test_without_tesseract_a_scan_gets_one_sentence_and_exit_3(letter, tmp_path):
    source = scan(letter, tmp_path / "scan.pdf")
    env = {**os.environ, "PATH": str(tmp_path / "empty-path")}
    proc = subprocess.run([*WOO_REDACT, "redact", str(source), "--out", str(tmp_path / "out.pdf")], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 3, proc.stderr
    assert "tesseract-ocr" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "out.pdf").exists()
