"""Any combination of decisions gives a verified release or a 409 that says what to decide, never a 422.

A release refuses (its verifier) to show a text it blacks out elsewhere. Two combinations of decisions
used to meet that refusal: a text kept visible inside a longer kept passage ("R. Soekhlal" rejected while
"Soekhlal" is redacted elsewhere), and a redaction of a text that also stands elsewhere without any
finding. The first is a deliberate decision and is released as decided; the second becomes a suggestion
at the place the reviewer has not seen, named in the 409, and is released once decided.
"""

from __future__ import annotations

from sqlalchemy import select

from service_helpers import auth, db_session
from test_review_api import configured, findings_of, fresh_document, pdf_bytes, pdf_text, stored_pdf


def decide(client, token, finding_id, decision, **extra):
    response = client.post(f"/api/v1/findings/{finding_id}/decision", json={"decision": decision, **extra},
                           headers=auth(token))
    assert response.status_code == 200, response.get_json()


def first_box(app, document_id, word):
    """The box of the first word reading ``word`` (punctuation included) on page 1."""
    doc = stored_pdf(app, document_id)
    try:
        return next(list(w[:4]) for w in doc[0].get_text("words") if w[4] == word)
    finally:
        doc.close()


def release(app, client, token, document_id, force=False):
    with configured(app, FOUR_EYES=False):
        return client.get(f"/api/v1/documents/{document_id}/release.pdf" + ("?force=1" if force else ""),
                          headers=auth(token))


def test_a_name_kept_inside_a_longer_kept_name_is_released_as_decided(app, client, tokens, names):
    content = pdf_bytes([["Contactpersoon: R. Soekhlal",
                          "Telefoon: 06 12 34 56 78",
                          "Het overleg met Soekhlal over de planning is verplaatst naar dinsdag."]])
    _, document_id = fresh_document(app, tokens, names, content=content, name="soekhlal.pdf")
    findings = findings_of(client, tokens["reviewer"], document_id)
    texts = {f["text"] for f in findings}
    assert {"R. Soekhlal", "Soekhlal"} <= texts, texts
    for finding in findings:
        decision = "reject" if finding["text"] == "R. Soekhlal" else "accept"
        decide(client, tokens["reviewer"], finding["id"], decision, only_this=True)

    text = released_text(app, client, tokens["officer"], document_id)
    assert "R. Soekhlal" in text  # kept where the reviewer kept it
    assert "met Soekhlal" not in text and "Soekhlal over" not in text  # redacted where it was redacted
    assert "06 12 34 56 78" not in text


def released_text(app, client, token, document_id) -> str:
    """The text of the document's release, which must be made (200)."""
    response = release(app, client, token, document_id)
    assert response.status_code == 200, response.get_json()
    return pdf_text(response.data)


def birth_date_document(app, tokens, names, name: str) -> tuple[int, int]:
    """A date of birth, and the same date two lines on (the engine flags both)."""
    content = pdf_bytes([["Betrokkene, geboren op 12 maart 1980, woont in Zeewolde.",
                          "Het overleg vond plaats in het gemeentehuis.",
                          "Zijn aanvraag is op 12 maart 1980 niet ontvangen."]])
    return fresh_document(app, tokens, names, content=content, name=name)


def unflag_all_but_first(app, document_id, text):
    """Leave only the first finding of ``text``: the engine flags every occurrence of what it suggests, but
    not always of what it keeps (a name after a role such as "staatssecretaris", the same letters without
    one elsewhere), and a reviewer may then redact the kept one."""
    from sqlalchemy import delete

    from service.models import Decision, Finding

    with db_session(app) as session:
        rows = list(session.scalars(select(Finding).where(Finding.document_id == document_id, Finding.text == text)
                                    .order_by(Finding.start)))
        assert len(rows) >= 2, [r.text for r in rows]
        for row in rows[1:]:
            session.execute(delete(Decision).where(Decision.finding_id == row.id))
            session.delete(row)
        session.commit()
        return rows[0].id


def test_a_redaction_of_a_text_that_also_stands_unflagged_elsewhere_becomes_a_suggestion(app, client, tokens,
                                                                                           names):
    from service.models import AuditEvent, Finding

    dossier_id, document_id = birth_date_document(app, tokens, names, "geboren.pdf")
    reviewer = auth(tokens["reviewer"])
    response = client.post(f"/api/v1/documents/{document_id}/decisions", json={"all": True, "decision": "accept"},
                           headers=reviewer)
    assert response.status_code == 200
    # decided, and then a place loses its finding (as in a dossier made consistent before this rule): the
    # release itself still finds it
    first = unflag_all_but_first(app, document_id, "12 maart 1980")

    # The release finds the other "12 maart 1980", makes it a suggestion and says so, instead of a 422.
    response = release(app, client, tokens["officer"], document_id)
    assert response.status_code == 409, response.get_json()
    message = response.get_json()["error"]
    assert "'12 maart 1980' (geboren.pdf, page 1)" in message, message
    with db_session(app) as session:
        [added] = session.scalars(select(Finding).where(Finding.document_id == document_id,
                                                        Finding.recognizer == "consistency"))
        assert (added.text, added.state, added.page, added.entity) == ("12 maart 1980", "suggested", 0,
                                                                       "DATE_OF_BIRTH")
        assert added.id != first and added.rects
        event = session.scalar(select(AuditEvent).where(AuditEvent.dossier_id == dossier_id,
                                                        AuditEvent.action == "finding.suggested"))
        assert event.after["finding"] == added.id
        added_id = added.id

    # Asking again adds nothing more; once decided, the release is made.
    assert release(app, client, tokens["officer"], document_id).status_code == 409
    with db_session(app) as session:
        assert len(list(session.scalars(select(Finding).where(Finding.document_id == document_id,
                                                              Finding.recognizer == "consistency")))) == 1
    decide(client, tokens["reviewer"], added_id, "accept")
    text = released_text(app, client, tokens["officer"], document_id)
    assert "1980" not in text
    assert "gemeentehuis" in text


def test_rejecting_the_added_place_keeps_it_visible(app, client, tokens, names):
    _, document_id = birth_date_document(app, tokens, names, "geboren2.pdf")
    unflag_all_but_first(app, document_id, "12 maart 1980")
    client.post(f"/api/v1/documents/{document_id}/decisions", json={"all": True, "decision": "accept"},
                headers=auth(tokens["reviewer"]))
    assert release(app, client, tokens["officer"], document_id).status_code == 409
    [added] = [f for f in findings_of(client, tokens["reviewer"], document_id) if f["state"] == "suggested"]
    assert added["reason"].startswith("elders in dit document gelakt"), added
    decide(client, tokens["reviewer"], added["id"], "reject", only_this=True)
    text = released_text(app, client, tokens["officer"], document_id)
    assert "op 12 maart 1980 niet" in text
    assert "geboren op 12 maart 1980" not in text


def test_a_drawn_box_redacts_its_place_only(app, client, tokens, names):
    """A rectangle is a decision about a place: the same word elsewhere is neither suggested nor refused."""
    content = pdf_bytes([["Locatie: Zeewolde, gemeentehuis",
                          "De bewoners van Zeewolde zijn per brief uitgenodigd."]])
    _, document_id = fresh_document(app, tokens, names, content=content, name="zeewolde.pdf")
    box = first_box(app, document_id, "Zeewolde,")
    response = client.post(f"/api/v1/documents/{document_id}/redactions",
                           json={"page": 0, "rect": box, "words": True}, headers=auth(tokens["reviewer"]))
    assert response.status_code == 201, response.get_json()
    client.post(f"/api/v1/documents/{document_id}/decisions", json={"all": True, "decision": "accept"},
                headers=auth(tokens["reviewer"]))
    text = released_text(app, client, tokens["officer"], document_id)
    assert "Locatie: Zeewolde" not in text
    assert "van Zeewolde zijn" in text


def test_an_accept_adds_the_unflagged_places_at_once(app, client, tokens, names):
    """The reviewer sees the other places when redacting, not only when asking for the release."""
    _, document_id = birth_date_document(app, tokens, names, "geboren3.pdf")
    first = unflag_all_but_first(app, document_id, "12 maart 1980")
    response = client.post(f"/api/v1/findings/{first}/decision", json={"decision": "accept"},
                           headers=auth(tokens["reviewer"]))
    assert response.status_code == 200 and response.get_json()["added"] == 1, response.get_json()
    [added] = [f for f in findings_of(client, tokens["reviewer"], document_id) if f["state"] == "suggested"]
    assert added["text"] == "12 maart 1980" and added["reason"].startswith("elders in dit document gelakt")
    again = client.post(f"/api/v1/findings/{first}/decision", json={"decision": "accept", "only_this": True},
                        headers=auth(tokens["reviewer"]))
    assert again.get_json()["added"] == 0  # nothing twice
    rejected = client.post(f"/api/v1/documents/{document_id}/decisions",
                           json={"all": True, "decision": "reject"}, headers=auth(tokens["reviewer"]))
    assert rejected.get_json() == {"changed": 1, "added": 0}
