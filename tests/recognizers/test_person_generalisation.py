"""PersonRecognizer on invented documents of many kinds, with names of many origins.

None of these names, layouts or documents come from the benchmark corpus: they are written here to check
that the detector generalises (structure, positions, consistency) instead of knowing the corpus.
Each document lists

* ``redact``: names (as written, titles included where one stands in front) whose every occurrence
  must be covered by a non-keep result;
* ``keep``: public officials acting in office, which must be returned with a keep_reason and never
  covered by a non-keep result;

and every non-keep result must lie inside an occurrence of a ``redact`` name (no false positives on
organisations, places, job titles, weekdays, months or sentence-initial words).

``python tests/recognizers/test_person_generalisation.py`` prints recall and precision per document.
"""

from __future__ import annotations

import pytest

from redaction.recognizers.person import PersonRecognizer

DOCS = [
    dict(
        name="email_thread",
        text="""Van: Owusu-Ansah, K. (Kwabena) <k.owusu-ansah@minbzk.nl>
Verzonden: dinsdag 14 mei 2024 09:41
Aan: Tesfamariam, Yonas; Ngo, T.H. (Hoa)
CC: Bijlsma, Sjoukje
Onderwerp: RE: planning evaluatie subsidieregeling

Hoi Yonas,

Zoals besproken met Hoa stuur ik je hierbij de planning. De minister wil de evaluatie voor het
zomerreces naar de Tweede Kamer sturen. Kun jij donderdag de cijfers van DUO controleren?
Staatssecretaris Drenthe-Vos heeft gevraagd om een korte notitie.

Met vriendelijke groet,

Kwabena Owusu-Ansah
Senior beleidsmedewerker
Directie Arbeidsmarkt en Personeelsbeleid
Ministerie van Binnenlandse Zaken en Koninkrijksrelaties

Van: Tesfamariam, Yonas <y.tesfamariam@minbzk.nl>
Verzonden: maandag 13 mei 2024 16:02
Aan: Owusu-Ansah, K. (Kwabena)
Onderwerp: planning evaluatie subsidieregeling

Kwabena,

Ik heb vandaag met Sjoukje gebeld. Zij kan pas in juni, want in april en mei zit ze in Leeuwarden.

Groet,
Yonas
""",
        redact=["Owusu-Ansah, K. (Kwabena)", "Tesfamariam, Yonas", "Ngo, T.H. (Hoa)", "Bijlsma, Sjoukje",
                "Yonas", "Hoa", "Kwabena Owusu-Ansah", "Kwabena", "Sjoukje"],
        keep=["Drenthe-Vos"],
    ),
    dict(
        name="beslisnota",
        text="""Nota aan de minister
Beslisnota
Aan
de minister van Sociale Zaken en Werkgelegenheid
Datum
3 juni 2024
Kenmerk
2024-0000123456
Directie Participatie
Contactpersoon
drs. Mehdi Rahimi
T 070 333 44 55
Auteur
Lucía Ferreira Gonçalves
Bijlage(n)
2

Aanleiding
Het lid Scheepstra-Bakker heeft met de motie Scheepstra-Bakker c.s. gevraagd om een onderzoek naar de
bestaanszekerheid van jongeren. Staatssecretaris Oudkerk heeft toegezegd de Kamer voor de zomer te
informeren.

Advies
Wij adviseren u in te stemmen met bijgaande brief. De gemeente Heerenveen en de provincie Fryslân
hebben ingestemd. Er is afgestemd met Wen Liu (FEZ) en met mr. Aster Haile van de directie Wetgeving.
Volgens Rahimi is de uitvoering door het UWV haalbaar per 1 januari.
""",
        redact=["drs. Mehdi Rahimi", "Lucía Ferreira Gonçalves", "Wen Liu", "mr. Aster Haile", "Rahimi"],
        keep=["Scheepstra-Bakker", "Oudkerk"],
    ),
    dict(
        name="verslag_attendees",
        text="""Verslag overleg ketenpartners inburgering
Datum: woensdag 21 februari 2024
Locatie: Stadskantoor, zaal 3.12

Aanwezig
Naam
Organisatie
Rol
Ama Boateng
Gemeente Zwolle
voorzitter
Yohannes Gebremedhin
VluchtelingenWerk
adviseur
Hylke Wiersma
Provincie Overijssel
gedeputeerde
Phuong Tran
COA
notulist

1. Opening
Ama opent de vergadering en heet iedereen welkom. Gedeputeerde Wiersma sluit later aan.
2. Mededelingen
Yohannes meldt dat de wachtlijst in maart is gegroeid. Phuong licht de cijfers toe.
3. Rondvraag
Geen.
""",
        redact=["Ama Boateng", "Yohannes Gebremedhin", "Phuong Tran", "Ama", "Yohannes", "Phuong"],
        keep=["Hylke Wiersma", "Wiersma"],
    ),
    dict(
        name="chat_export",
        text="""Export chatgesprek team Handhaving
[10:02] Zhang Wei: Goedemorgen, zijn de stukken binnen?
[10:04] Bruna Oliveira: Ja, ze staan op de schijf.
[10:05] Zhang Wei: Top. Kan Djanira ze vandaag nog checken?
[10:07] Djanira Fortes Semedo: Doe ik na de lunch
[10:15] Bruna Oliveira: Burgemeester Halsema-Kaya komt vrijdag langs.
[10:16] Djanira Fortes Semedo: Dan zet ik het in de agenda voor vrijdag.
""",
        redact=["Zhang Wei", "Bruna Oliveira", "Djanira", "Djanira Fortes Semedo"],
        keep=["Halsema-Kaya"],
    ),
    dict(
        name="letter_to_citizen",
        text="""Gemeente Maastricht
Postbus 1992
6201 BZ Maastricht

De heer J.W.M. Lemmens-Claessens
Boschstraat 87b
6211 AX Maastricht

Datum: 12 maart 2024
Onderwerp: besluit op uw aanvraag bijzondere bijstand

Geachte heer Lemmens-Claessens,

Op 4 februari 2024 hebben wij uw aanvraag ontvangen. Wij kennen u een bedrag van € 450 toe.
Hebt u vragen? Neem dan contact op met Huub Roebroek via telefoonnummer 14 043.

Met vriendelijke groet,
namens burgemeester en wethouders van Maastricht,

Geertruida Frijns
teamleider Inkomen
""",
        redact=["J.W.M. Lemmens-Claessens", "Lemmens-Claessens", "Huub Roebroek", "Geertruida Frijns"],
        keep=[],
    ),
    dict(
        name="whatsapp_export",
        text="""12-04-2024, 08:15 - Kofi Asante: Morgen ben ik er om 9 uur
12-04-2024, 08:17 - Ayaan Rahmani: Prima, ik neem Farida mee
12-04-2024, 08:20 - Kofi Asante: Goed. Heeft Farida de sleutel?
12-04-2024, 08:22 - Ayaan Rahmani: Ja. Zaterdag ben ik vrij.
""",
        redact=["Kofi Asante", "Ayaan Rahmani", "Farida"],
        keep=[],
    ),
    dict(
        name="klachtformulier",
        text="""Klachtformulier
Naam: Ruthmila Martina-Isenia
Adres: Bonairestraat 14, 2572 LX Den Haag
Telefoon: 06-12345678
E-mail: r.martina@example.com

Omschrijving klacht:
Op maandag 8 januari ben ik aan de balie van het Klant Contact Centrum onheus bejegend. Mijn dochter
Shanaïra was erbij. De medewerker, de heer Van den Akker, wilde mijn aanvraag niet aannemen.
Ook mijn buurman Jurgen Girigorie heeft dit gezien.
""",
        redact=["Ruthmila Martina-Isenia", "Shanaïra", "Van den Akker", "Jurgen Girigorie"],
        keep=[],
    ),
    dict(
        name="rooster",
        text="""Rooster piketdienst april 2024
Week
Dienst
Medewerker
14
Dag
Gulalai Ahmadzai
14
Nacht
Sami Haddad
15
Dag
Rana Alkhatib
15
Nacht
Gulalai Ahmadzai
Vervanging bij ziekte: Tjitte Hiemstra (06-11223344).
""",
        redact=["Gulalai Ahmadzai", "Sami Haddad", "Rana Alkhatib", "Tjitte Hiemstra"],
        keep=[],
    ),
    dict(
        name="memo_parafen",
        text="""MEMO
Aan: Abena Mensah
Van: Bureau Bestuursondersteuning
Datum: 5 april 2024
Onderwerp: voorbereiding werkbezoek commissaris van de Koning

De commissaris van de Koning, Arno Brok-Teunissen, brengt op dinsdag 16 april een werkbezoek aan de
wijk Kanaleneiland. Wethouder Diepeveen ontvangt hem. De gemeentesecretaris, Osei Bonsu, is
verhinderd. Het programma wordt voorbereid door Wouter Zandbergen en Liesbeth Coolen.

Paraaf
Datum
WZ
8 april
LC
9 april
""",
        redact=["Abena Mensah", "Wouter Zandbergen", "Liesbeth Coolen", "WZ", "LC"],
        keep=["Arno Brok-Teunissen", "Diepeveen", "Osei Bonsu"],
    ),
    dict(
        name="titles_and_particles",
        text="""Besluit op bezwaar

Het bezwaar van mevrouw dr. Nadia El Ouali is ontvangen op 2 mei 2024. Namens haar trad op
mr. R.P. van der Sluijs-Haddou, advocaat te Utrecht. De adviescommissie (voorzitter prof. dr. ir. J.H. Brouwers)
heeft haar gehoord. Ook Dr. K. v.d. Meer-Okafor was aanwezig. De commissie verwijst naar het advies van
de Raad van State en naar de Wet open overheid.
""",
        redact=["dr. Nadia El Ouali", "mr. R.P. van der Sluijs-Haddou", "prof. dr. ir. J.H. Brouwers",
                "Dr. K. v.d. Meer-Okafor"],
        keep=[],
    ),
    dict(
        name="kamerbrief_officials",
        text="""Geachte voorzitter,

Hierbij stuur ik u, mede namens de minister van Volksgezondheid, Welzijn en Sport, de antwoorden op de
vragen van het lid Tielens-Akyol over de wachttijden in de jeugdzorg. Ook de motie van de leden Hamstra
en Van Wijngaarden is hiermee afgedaan. Burgemeester Ruddijs van Ede en minister Bijleveld-Schouten
zijn hierover geïnformeerd.

De staatssecretaris van Volksgezondheid, Welzijn en Sport,

Marjolein Haverkamp-Dijk
""",
        redact=[],
        keep=["Tielens-Akyol", "Hamstra", "Van Wijngaarden", "Ruddijs", "Bijleveld-Schouten",
              "Marjolein Haverkamp-Dijk"],
    ),
    dict(
        name="ordinary_words",
        text="""Jaarplan 2024

In januari start de pilot in Groningen, Drenthe en Friesland. Daarna volgt in maart een evaluatie door
het Centraal Planbureau. Op maandag en dinsdag is het loket gesloten. De directeur-generaal Wonen en
de programmadirecteur Stikstof bespreken de voortgang met ProRail, Rijkswaterstaat en de Nederlandse
Zorgautoriteit. Zie bijlage B voor de planning en scenario C voor de kosten. Meer informatie staat op
de website van de Rijksoverheid en in de brochure Samen Sterker. Langs de Vecht en de Amstel worden de
kades hersteld. Volgens de methode D'Hondt is de zetel toegekend.
""",
        redact=[],
        keep=[],
    ),
    dict(
        name="running_text_family",
        text="""Verslag huisbezoek

Op 3 oktober heb ik gesproken met mevrouw Nguyen en haar zoon Minh. Haar man Bao werkt in Rotterdam.
Mevrouw gaf aan dat haar broer Ilyas sinds de zomer bij het gezin woont. Daarna belde Wiegersma van de
woningcorporatie, die toezegde de lekkage te laten verhelpen.
""",
        redact=["Nguyen", "Minh", "Bao", "Ilyas", "Wiegersma"],
        keep=[],
    ),

 dict(name="email2", text="""Van: Ngo, T.H. (Thi Hoa) <t.h.ngo@minvws.nl>
Verzonden: vrijdag 7 juni 2024 14:03
Aan: Tekle, Semhar; Dos Santos Rosário, Nilton
Onderwerp: FW: overleg jeugdzorg

Beste Semhar en Nilton,

Semhar heeft gisteren gesproken met Awet Ghebreyesus van de GGD. April is voor hem te vroeg; juni lukt wel.
Maandag bel ik Shurandy Maduro van het Openbaar Lichaam Bonaire.

Groetjes,
Thi Hoa
""", redact=["Ngo, T.H. (Thi Hoa)", "Tekle, Semhar", "Dos Santos Rosário, Nilton", "Semhar", "Nilton",
             "Awet Ghebreyesus", "Shurandy Maduro", "Thi Hoa"], keep=[]),
 dict(name="verslag2", text="""Verslag stuurgroep
Aanwezig: Nguyễn Thị Lan (voorzitter), Eelke Dijkstra-Postma, Farshad Hosseini, Marit Schreurs
Afwezig: Kwame Asare

1. Opening
De voorzitter opent om 10.00 uur. Farshad vraagt naar de begroting. Projectleider Schreurs licht toe.
Juni wordt de maand van de evaluatie; in Juli volgt het besluit.
Actiepunt: Eelke stuurt de planning rond (voor 1 juli).
""", redact=["Nguyễn Thị Lan", "Eelke Dijkstra-Postma", "Farshad Hosseini", "Marit Schreurs", "Kwame Asare",
             "Farshad", "Schreurs", "Eelke"], keep=[]),
 dict(name="brief2", text="""Aan mevrouw S. Girigori-Maduro
Kerkweg 12
Kralendijk, Bonaire

Geachte mevrouw Girigori-Maduro,

Naar aanleiding van uw verzoek van 2 april deel ik u mee dat uw dochter Yaëlle in aanmerking komt.
Voor vragen kunt u contact opnemen met mijn collega Wytske Hoekstra-van Dijk.

Hoogachtend,

Tomás Albuquerque
Afdelingshoofd Publiekszaken
""", redact=["S. Girigori-Maduro", "Girigori-Maduro", "Yaëlle", "Wytske Hoekstra-van Dijk", "Tomás Albuquerque"], keep=[]),
 dict(name="sms2", text="""SMS-berichten toestel 06-87654321
02-05-2024 21:14
Habib Noorzai
Ben je morgen op kantoor?
02-05-2024 21:20
Ik
Ja, vanaf 8 uur. Neem jij Mustafa mee?
02-05-2024 21:22
Habib Noorzai
Prima. Zal ik ook Hamid Sultani bellen?
""", redact=["Habib Noorzai", "Mustafa", "Hamid Sultani"], keep=[]),
]


@pytest.fixture(scope="module")
def rec():
    return PersonRecognizer()


def _occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    out = []
    start = text.find(needle)
    while start >= 0:
        end = start + len(needle)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() or after.isalnum()):
            out.append((start, end))
        start = text.find(needle, start + 1)
    return out


def evaluate(rec, doc: dict) -> dict:
    text = doc["text"]
    results = rec.analyze(text, ["PERSON"], None)
    red = [r for r in results if not r.recognition_metadata.get("keep_reason")]
    keep = [r for r in results if r.recognition_metadata.get("keep_reason")]
    red_chars = set()
    for r in red:
        red_chars.update(range(r.start, r.end))
    keep_chars = set()
    for r in keep:
        keep_chars.update(range(r.start, r.end))
    missed, found = [], 0
    allowed = set()
    for name in doc["redact"]:
        occ = _occurrences(text, name)
        assert occ, f"{doc['name']}: {name!r} not in the text"
        for s, e in occ:
            allowed.update(range(s, e))
            need = [k for k in range(s, e) if not text[k].isspace()]
            if all(k in red_chars for k in need):
                found += 1
            else:
                missed.append(name)
    keep_missed, keep_found = [], 0
    for name in doc["keep"]:
        occ = _occurrences(text, name)
        assert occ, f"{doc['name']}: {name!r} not in the text"
        for s, e in occ:
            need = [k for k in range(s, e) if not text[k].isspace()]
            if all(k in keep_chars and k not in red_chars for k in need):
                keep_found += 1
            else:
                keep_missed.append(name)
    fps = [text[r.start:r.end] for r in red if not all(k in allowed for k in range(r.start, r.end))]
    return dict(found=found, missed=missed, keep_found=keep_found, keep_missed=keep_missed, fps=fps,
                results=len(red))


@pytest.mark.parametrize("doc", DOCS, ids=[d["name"] for d in DOCS])
def test_document(rec, doc):
    r = evaluate(rec, doc)
    assert not r["missed"], f"names not found: {r['missed']}"
    assert not r["keep_missed"], f"officials not kept: {r['keep_missed']}"
    assert not r["fps"], f"false positives: {r['fps']}"


def main() -> None:
    rec = PersonRecognizer()
    tot = dict(found=0, missed=0, keep_found=0, keep_missed=0, fps=0, results=0)
    for doc in DOCS:
        r = evaluate(rec, doc)
        for k in tot:
            tot[k] += r[k] if isinstance(r[k], int) else len(r[k])
        print(f"{doc['name']:24} found {r['found']:2}/{r['found'] + len(r['missed']):2}  kept "
              f"{r['keep_found']}/{r['keep_found'] + len(r['keep_missed'])}  fp {len(r['fps'])}"
              + (f"  missed {r['missed']}" if r["missed"] else "")
              + (f"  not kept {r['keep_missed']}" if r["keep_missed"] else "")
              + (f"  fp {r['fps']}" if r["fps"] else ""))
    n = tot["found"] + tot["missed"]
    print(f"recall {tot['found']}/{n} = {tot['found'] / n:.3f}; officials kept {tot['keep_found']}/"
          f"{tot['keep_found'] + tot['keep_missed']}; precision {tot['results'] - tot['fps']}/{tot['results']}")


if __name__ == "__main__":
    main()
