"""Single uploads of other formats: a scan image, an e-mail with an attachment; a file that cannot be converted."""

from __future__ import annotations

from email.message import EmailMessage

import pymupdf

from pdfkit import make_pdf
from service_helpers import auth, new_dossier, upload, wait_for


def test_an_image_and_an_e_mail_with_its_attachment_are_uploaded_and_analysed(app, tokens, tmp_path):
    client = app.test_client()
    dossier_id = new_dossier(client, tokens["officer"])
    letter = make_pdf(tmp_path / "brief.pdf", ["Geachte heer Wolters-Bijl,", "", "Bel Femke Aydogan: 06-12345678."],
                      fontsize=12)
    with pymupdf.open(letter) as pdf:
        scan = pdf[0].get_pixmap(dpi=200, colorspace=pymupdf.csGRAY).tobytes("png")
    message = EmailMessage()
    message["From"] = "Femke Aydogan <f.aydogan@minbzk.nl>"
    message["To"] = "g.woltersbijl@gmail.com"
    message["Subject"] = "Uw aanvraag"
    message["Date"] = "Tue, 05 Mar 2024 10:12:00 +0100"
    message.set_content("Beste heer Wolters-Bijl,\n\nZie de bijlage.\n\nFemke Aydogan")
    message.add_attachment(letter.read_bytes(), maintype="application", subtype="pdf", filename="brief.pdf")
    response = upload(client, tokens["officer"], dossier_id, ("scan.png", scan), ("mail.eml", message.as_bytes()))
    assert response.status_code == 201, response.get_json()
    documents = response.get_json()
    assert len(documents) == 3  # the scan, the e-mail and its attachment
    bodies = [wait_for(client, tokens["officer"], d["id"]) for d in documents]
    assert [b["status"] for b in bodies] == ["ready"] * 3
    scan_doc, mail_doc, attachment = bodies
    assert attachment["family_id"] == str(mail_doc["id"]) == mail_doc["family_id"]
    assert attachment["path"].endswith("/brief.pdf")
    for body in bodies:
        texts = {f["text"] for f in client.get(f"/api/v1/documents/{body['id']}/findings",
                                               headers=auth(tokens["officer"])).get_json()}
        assert any("Aydogan" in t for t in texts), (body["filename"], texts)


def test_a_file_that_cannot_be_converted_is_refused_with_one_sentence(app, tokens):
    client = app.test_client()
    dossier_id = new_dossier(client, tokens["officer"])
    response = upload(client, tokens["officer"], dossier_id, ("kapot.docx", b"PK\x03\x04 broken"))
    assert response.status_code == 400
    assert "cannot be converted" in response.get_json()["error"]
    dossier = client.get(f"/api/v1/dossiers/{dossier_id}", headers=auth(tokens["officer"])).get_json()
    assert dossier["documents"] == []
    still = upload(client, tokens["officer"], dossier_id, ("foto.gif", b"GIF89a not supported"))
    assert still.status_code == 415
