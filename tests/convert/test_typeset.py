"""Plain-text files typeset as PDF print exactly what they say: markup literally, no word cut off."""

from __future__ import annotations

import pymupdf

from redaction.convert.typeset import text_to_pdf

LONG = "https://example.org/" + "a1b2c3" * 70  # wider than a line


def test_a_text_file_prints_markup_and_long_words_as_written():
    content = f"Jan &amp; Piet schreven <b>vet</b> &lt;niet&gt;.\n\nZie {LONG}\n".encode()
    with pymupdf.open("pdf", text_to_pdf(content, title="notitie.txt")) as pdf:
        text = "".join(page.get_text() for page in pdf)
        assert pdf.metadata["title"] == "notitie.txt"
    assert "Jan &amp; Piet schreven <b>vet</b> &lt;niet&gt;." in text
    assert LONG in text.replace("\n", "")
