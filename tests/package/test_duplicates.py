"""Exact and near-duplicates, e-mail threads, families and dates in a release package.

The texts are made up: a municipality ("Waterland-Oost") discussing a dike reinforcement, a bicycle
bridge and an information evening. Longer documents are built from varied sentences so that
unrelated documents differ the way real ones do.
"""

import datetime
import hashlib
import os
import random
import subprocess
import sys
import time

import pytest

from redaction.package.duplicates import (
    DuplicateOf,
    PackageText,
    document_date,
    email_threads,
    families,
    find_duplicates,
    is_email,
)

# --- building texts ---------------------------------------------------------------------------

SUBJECTS = [
    "De gemeente Waterland-Oost", "Het waterschap Amstelmeer", "De provincie", "Het projectteam dijkversterking",
    "De afdeling Juridische Zaken", "Het college van burgemeester en wethouders", "De wethouder van Ruimte",
    "De omgevingsdienst", "Rijkswaterstaat", "De bewonerscommissie", "Het ingenieursbureau", "De gemeenteraad",
    "De werkgroep verkeer", "Het ministerie van Infrastructuur en Waterstaat", "De directie Bedrijfsvoering",
    "De adviseur natuur en ecologie", "Het team vergunningen", "De dorpsraad van Kleine Polder",
    "De regionale brandweer", "De accounthouder van het Rijksvastgoedbedrijf",
]
ACTIONS = [
    "heeft besloten", "stelt voor", "vraagt of het mogelijk is", "wil voor de zomer nog", "is van plan",
    "heeft toegezegd", "overweegt", "ziet geen bezwaar om", "adviseert dringend", "heeft er moeite mee",
    "verzoekt de gemeente", "acht het verstandig", "zal in het volgende overleg voorstellen", "durft niet",
    "heeft schriftelijk gevraagd", "blijft erbij",
]
MATTERS = [
    "de vergunning voor de nieuwe fietsbrug", "het conceptadvies over de dijkversterking",
    "de planning van de aanbesteding", "de subsidieaanvraag voor de energietransitie",
    "het bestemmingsplan voor het havengebied", "de nota van zienswijzen", "het onderzoek naar de bodemkwaliteit",
    "de verkeersmaatregelen rond de basisschool", "de begroting voor het tweede kwartaal",
    "het participatieplan", "de compensatie voor gekapte bomen", "de afspraken over de bouwweg",
    "het stikstofonderzoek", "de kaders voor de informatieavond", "de overeenkomst met de aannemer",
    "de brief aan de omwonenden", "het advies van de landsadvocaat", "de raadsinformatiebrief",
    "de monitoring van de grondwaterstand", "het inspraakverslag",
]
VERBS = [
    "te herzien", "opnieuw te laten beoordelen", "aan de raad voor te leggen", "uit te stellen",
    "te bespreken in het bestuurlijk overleg", "voor het reces af te ronden", "ter inzage te leggen",
    "met de juristen af te stemmen", "te laten toetsen door een externe partij", "openbaar te maken",
    "aan te vullen met een financiële paragraaf", "in te trekken",
]
REASONS = [
    "omdat de kosten hoger uitvallen dan geraamd", "na overleg met de betrokken partijen",
    "vanwege de uitspraak van de Raad van State", "zodat de bewoners tijdig worden geïnformeerd",
    "in verband met de krappe planning", "omdat er nog geen reactie van de provincie is",
    "gezien de zorgen over de verkeersveiligheid", "omdat het broedseizoen in maart begint",
    "zoals eerder met de projectleider besproken", "tenzij de raad daar anders over denkt",
    "omdat de aannemer extra tijd nodig heeft", "om juridische risico's te beperken",
]
PEOPLE = [
    "Sanne Bakker", "Pieter van Dijk", "Fatima El Amrani", "Joost Vermeulen", "Karin de Boer", "Mehmet Yilmaz",
    "Linda Smit", "Ruud Hoekstra", "Anouk Visser", "Thijs Mulder", "Esther Brouwer", "Ahmed Bouzid",
    "Marloes Jansen", "Gerrit Post", "Ilse van der Meer", "Bas Koster",
]
PLACES = ["Kleine Polder", "Oosterdijk", "Havenkwartier", "Molenbuurt", "De Weel", "Zuiderhout", "Veenwijk"]
MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december"]

DISCLAIMER = (
    "Gemeente Waterland-Oost. Deze e-mail en de eventuele bijlagen zijn alleen bedoeld voor de persoon of "
    "organisatie aan wie ze zijn gericht. Heeft u dit bericht bij vergissing ontvangen, laat het de afzender "
    "dan weten en wis het bericht en de bijlagen. Het is niet toegestaan de inhoud te gebruiken, te kopiëren "
    "of door te sturen. Aan de inhoud van dit bericht kunnen geen rechten worden ontleend; de gemeente is niet "
    "aansprakelijk voor virussen of voor schade door onjuiste of onvolledige overdracht van de inhoud.\n"
    "This e-mail and any attachments are meant only for the person or organisation it is addressed to. If "
    "you received it by mistake, please tell the sender and erase the message and its attachments. You may "
    "not use, copy or forward its contents. No rights can be derived from this message; the municipality "
    "accepts no liability for viruses or for damage caused by incorrect or incomplete transmission."
)


def sentence(rng: random.Random) -> str:
    form = rng.randrange(8)
    who, place = rng.choice(PEOPLE), rng.choice(PLACES)
    day = f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.choice([2022, 2023, 2024])}"
    matter = rng.choice(MATTERS)
    if form == 0:
        return f"In het overleg van {day} is afgesproken dat {who} {matter} uiterlijk vrijdag aanlevert."
    if form == 1:
        return f"Het budget voor {matter} bedraagt € {rng.randint(12, 990)}.{rng.randint(100, 999)},- excl. btw."
    if form == 2:
        return f"Volgens {who} is {matter} voor de bewoners van {place} nog onvoldoende uitgewerkt."
    if form == 3:
        return f"Zie ook het verslag van {day} met kenmerk {rng.randint(2022, 2024)}-{rng.randint(10000, 99999)}."
    if form == 4:
        return f"{who} merkte op dat de inwoners van {place} zich zorgen maken over {matter}."
    return (f"{rng.choice(SUBJECTS)} {rng.choice(ACTIONS)} {matter} {rng.choice(VERBS)}, "
            f"{rng.choice(REASONS)}.")


def prose(seed: int, sentences: int) -> str:
    """Paragraphs of ``sentences`` varied sentences; the same seed gives the same text."""
    rng = random.Random(seed)
    paragraphs, current = [], []
    for _ in range(sentences):
        current.append(sentence(rng))
        if len(current) >= rng.randint(3, 6):
            paragraphs.append(" ".join(current))
            current = []
    paragraphs.append(" ".join(current))
    return "\n\n".join(p for p in paragraphs if p)


def email(sender: str, to: str, when: str, subject: str, body: str, disclaimer: bool = True) -> str:
    text = f"Van: {sender}\nVerzonden: {when}\nAan: {to}\nOnderwerp: {subject}\n\n{body}\n"
    return text + ("\n" + DISCLAIMER + "\n" if disclaimer else "")


def doc(key: str, text: str, path: str | None = None, sha: str | None = None) -> PackageText:
    sha = sha or hashlib.sha256(f"{key}|{text}".encode()).hexdigest()  # a file's bytes differ per file
    return PackageText(key=key, path=path or f"docs/{key}.pdf", text=text, sha256=sha)


def change_words(text: str, count: int, seed: int) -> str:
    """Replace ``count`` words of ``text`` with other words, as an editor would."""
    rng = random.Random(seed)
    words = text.split(" ")
    for position in rng.sample(range(len(words)), count):
        words[position] = rng.choice(["aangepast", "nieuw", "later", "eerst", "opnieuw", "vooral", "zelf", "weer"])
    return " ".join(words)


def ocr_noise(text: str, seed: int) -> str:
    """A copy of ``text`` as OCR of a printout reads it: m/rn, l/1, e/c and split words."""
    rng = random.Random(seed)
    out = []
    for ch in text:
        roll = rng.random()
        if ch == "m" and roll < 0.3:
            out.append("rn")
        elif ch == "l" and roll < 0.2:
            out.append("1")
        elif ch in "ëï" and roll < 0.5:
            out.append({"ë": "e", "ï": "i"}[ch])
        elif ch == "e" and roll < 0.01:
            out.append("c")
        elif ch.isalpha() and roll < 0.005:
            out.append(ch + " ")
        else:
            out.append(ch)
    return "".join(out)


def rewrap(text: str, width: int, prefix: str = "") -> str:
    """``text`` with its lines broken again at ``width`` characters, as a mail client quotes it."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(prefix + line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(prefix + line)
    return "\n".join(lines)


# --- exact duplicates -------------------------------------------------------------------------


def test_same_bytes_are_exact_duplicates_of_the_first():
    text = prose(1, 30)
    docs = [doc("1", text, sha="a" * 64), doc("2", prose(2, 30)), doc("3", text, sha="a" * 64)]
    assert find_duplicates(docs) == {"3": DuplicateOf("1", "exact", 1.0)}


def test_same_text_with_other_case_and_spacing_is_exact():
    text = prose(3, 12)
    messy = "  " + text.upper().replace(" ", "   ").replace("\n\n", "\n \n") + "\n\f"
    docs = [doc("1", text), doc("2", messy)]
    assert find_duplicates(docs) == {"2": DuplicateOf("1", "exact", 1.0)}


def test_scans_without_text_only_match_by_hash():
    docs = [doc("1", "", sha="b" * 64), doc("2", ""), doc("3", "", sha="b" * 64)]
    assert find_duplicates(docs) == {"3": DuplicateOf("1", "exact", 1.0)}


def test_short_texts_are_only_matched_exactly():
    note = "Akkoord met het voorstel voor de informatieavond in het dorpshuis van Kleine Polder. Groet, Sanne"
    assert len(note) < 200
    longer = ("Beste Karin, de zaal voor de informatieavond in het dorpshuis is gereserveerd voor 14 mei vanaf "
              "19.00 uur. Wil jij de uitnodiging voor de bewoners opstellen en naar Pieter sturen? Met vriendelijke "
              "groet, Ahmed Bouzid, projectsecretaris dijkversterking")
    assert 200 <= len(longer) < 300
    docs = [
        doc("1", note), doc("2", note),  # same short text, different files: not even exact
        doc("3", longer), doc("4", longer.replace("Beste", "beste  ")),  # >= 200 characters: exact
        doc("5", longer.replace("14 mei", "21 mei")),  # one word changed, too short to be near
        doc("6", note, sha=hashlib.sha256(b"x").hexdigest()), doc("7", note, sha=hashlib.sha256(b"x").hexdigest()),
    ]
    assert find_duplicates(docs) == {"4": DuplicateOf("3", "exact", 1.0), "7": DuplicateOf("6", "exact", 1.0)}


# --- near-duplicates --------------------------------------------------------------------------


def test_a_few_changed_words_make_a_near_duplicate():
    text = prose(4, 40)
    edited = change_words(text, 4, seed=5)
    docs = [doc("1", text), doc("2", prose(6, 40)), doc("3", edited)]
    found = find_duplicates(docs)
    assert len(found) == 1
    ((duplicate, of),) = found.items()
    assert {duplicate, of.original} == {"1", "3"}
    assert of.kind == "near" and 0.9 <= of.similarity < 1.0


def test_earlier_mail_quoted_whole_in_a_reply_is_the_duplicate():
    body = prose(7, 18)
    first = email("Sanne Bakker <s.bakker@waterland-oost.nl>", "Pieter van Dijk <p.vandijk@amstelmeer.nl>",
                  "maandag 4 maart 2024 10:12", "Planning dijkversterking", body)
    reply = email(
        "Pieter van Dijk <p.vandijk@amstelmeer.nl>", "Sanne Bakker <s.bakker@waterland-oost.nl>",
        "dinsdag 5 maart 2024 08:47", "RE: Planning dijkversterking",
        "Dag Sanne,\n\nDank voor je uitgebreide toelichting. Het waterschap kan zich vinden in de planning, "
        "maar wil de bouwweg pas na het broedseizoen openstellen. Ik bel je donderdag.\n\n"
        + prose(9, 5) + "\n\nGroet, Pieter\n\n"
        "Van: Sanne Bakker <s.bakker@waterland-oost.nl>\nVerzonden: maandag 4 maart 2024 10:12\n"
        "Aan: Pieter van Dijk <p.vandijk@amstelmeer.nl>\nOnderwerp: Planning dijkversterking\n\n"
        + rewrap(body, 72, prefix="> ") + "\n\n" + DISCLAIMER,
        disclaimer=False,
    )
    docs = [doc("1", first), doc("2", reply), doc("3", prose(8, 25))]
    found = find_duplicates(docs)
    assert list(found) == ["1"]
    assert found["1"].original == "2" and found["1"].kind == "near"
    assert found["1"].similarity >= 0.95  # the containment: the reply adds too much for resemblance


def test_mails_sharing_a_disclaimer_are_not_duplicates():
    first = email("Sanne Bakker", "Karin de Boer", "woensdag 6 maart 2024 09:30", "Stukken PHO",
                  "Hoi Karin,\n\nKun je mij de stukken voor het portefeuillehoudersoverleg van donderdag toesturen? "
                  "Ik wil ze vooraf nog met de wethouder doornemen, vooral de nota van zienswijzen.\n\nGroet, Sanne")
    second = email("Ahmed Bouzid", "Marloes Jansen", "vrijdag 8 maart 2024 14:02", "Zaal informatieavond",
                   "Beste Marloes,\n\nDe zaal in het dorpshuis is gereserveerd voor 14 mei vanaf 19.00 uur. Wil jij "
                   "de uitnodiging voor de bewoners opstellen? Dan stuur ik die door naar de dorpsraad.\n\nMet "
                   "vriendelijke groet,\nAhmed")
    assert find_duplicates([doc("1", first), doc("2", second)]) == {}


def test_many_short_mails_with_the_same_disclaimer_are_not_duplicates_but_a_copy_is():
    rng = random.Random(9)
    replies = ["Akkoord, dank je.", "Prima, zo doen we het.", "Klopt, zie mijn eerdere mail.",
               "Ik kijk er morgen naar.", "Graag, doe maar.", "Nee, dat lukt helaas niet."]
    docs = []
    for n in range(40):
        sender, to = rng.sample(PEOPLE, 2)
        when = f"{rng.choice(['maandag', 'dinsdag', 'woensdag'])} {rng.randint(1, 28)} {rng.choice(MONTHS)} 2024 " \
               f"{rng.randint(8, 17)}:{rng.randint(10, 59)}"
        body = f"{rng.choice(replies)}\n\nGroet, {sender.split()[0]}"
        docs.append(doc(str(n), email(sender, to, when, f"RE: {rng.choice(MATTERS)}", body)))
    # The same message printed from another mailbox: a name line on top, otherwise equal.
    docs.append(doc("copy", "Jansen, Marloes\n" + docs[7].text))
    found = find_duplicates(docs)
    # Counting the disclaimer, two of the others would be near-duplicates (resemblance 0.90).
    assert len(found) == 1
    ((duplicate, of),) = found.items()
    assert {duplicate, of.original} == {"7", "copy"} and of.kind == "near"


def test_ocr_copy_of_a_printout_is_a_near_duplicate():
    text = ("Geachte heer Hoekstra,\n\nNaar aanleiding van uw zienswijze over de dijkversterking bij de Molenbuurt "
            "informeren wij u graag over het vervolg. De gemeente heeft uw reactie zorgvuldig gelezen en "
            "geïnventariseerd welke maatregelen mogelijk zijn.\n\n" + prose(10, 30))
    scanned = ocr_noise(text, seed=11)
    assert "rn" in scanned and "1" in scanned and scanned != text
    docs = [doc("1", text), doc("2", prose(12, 30)), doc("3", scanned)]
    found = find_duplicates(docs)
    assert len(found) == 1
    ((duplicate, of),) = found.items()
    assert {duplicate, of.original} == {"1", "3"} and of.kind == "near"


def test_no_chains_a_duplicate_points_at_an_original_it_matches_itself():
    # B is a near-duplicate of A and C of B, but C is not of A: C may not point at B (a duplicate).
    # The containment threshold is out of reach here, so that only the resemblance links them.
    base = prose(13, 40)
    b = base + " " + prose(31, 1)
    a = b + "\n\n" + prose(14, 6)
    c = change_words(base, 6, seed=15)

    def matches(x: str, y: str) -> bool:
        return bool(find_duplicates([doc("x", x), doc("y", y)], containment=0.99))

    assert matches(a, b) and matches(b, c) and not matches(a, c)
    assert len(a) > len(b) > len(c)  # processed in this order: A, B, C
    found = find_duplicates([doc("C", c), doc("B", b), doc("A", a)], containment=0.99)
    assert found == {"B": DuplicateOf("A", "near", pytest.approx(0.92, abs=0.02))}


def test_members_of_an_exact_group_follow_its_original_when_that_is_a_near_duplicate():
    text = prose(16, 30)
    larger = text + "\n\n" + prose(17, 2)
    docs = [doc("1", text, sha="c" * 64), doc("2", larger), doc("3", text, sha="c" * 64)]
    found = find_duplicates(docs)
    assert set(found) == {"1", "3"}
    assert found["1"].original == found["3"].original == "2"
    assert found["1"].kind == found["3"].kind == "near"


def test_result_does_not_depend_on_string_hash_randomisation():
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); import test_duplicates as t; "
        "print(sorted((k, v.original, v.kind, round(v.similarity, 9)) for k, v in "
        "t.find_duplicates(t.planted_package(120, seed=3)[0]).items()))"
    )
    here = os.path.dirname(__file__)
    outputs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run([sys.executable, "-c", script, here], env=env, capture_output=True, text=True, check=True)
        outputs.add(run.stdout)
    assert len(outputs) == 1 and outputs.pop().startswith("[(")


# --- scale ------------------------------------------------------------------------------------


def planted_package(size: int, seed: int) -> tuple[list[PackageText], dict[str, tuple[str, str]]]:
    """``size`` documents of 40 to 160 sentences, about one in ten a planted duplicate.

    Returns the documents and, per planted duplicate, (its source, how it was made). Many of the
    documents are e-mails that end in the same disclaimer.
    """
    rng = random.Random(seed)
    docs: list[PackageText] = []
    planted: dict[str, tuple[str, str]] = {}
    ways = ["bytes", "text", "edit", "ocr", "quoted"]
    while len(docs) < size:
        key = str(len(docs))
        body = prose(seed * 100_000 + len(docs), rng.randint(40, 160))
        if rng.random() < 0.4:
            sender, to = rng.sample(PEOPLE, 2)
            body = email(sender, to, f"{rng.randint(1, 28)} {rng.choice(MONTHS)} 2024", rng.choice(MATTERS), body)
        docs.append(doc(key, body))
        if rng.random() < 0.1 and len(docs) < size:
            way = ways[len(planted) % len(ways)]
            copy = str(len(docs))
            if way == "bytes":
                docs.append(doc(copy, body, sha=docs[-1].sha256))
            elif way == "text":
                docs.append(doc(copy, body.replace("\n\n", "\n").replace(". ", ".  ")))
            elif way == "edit":
                docs.append(doc(copy, change_words(body, 3, seed=len(docs))))
            elif way == "ocr":
                docs.append(doc(copy, ocr_noise(body, seed=len(docs))))
            else:
                reply = email("Thijs Mulder", "Linda Smit", "12 april 2024", "RE: overleg",
                              prose(len(docs), 6) + "\n\n" + rewrap(body, 70, prefix="> "), disclaimer=False)
                docs.append(doc(copy, reply))
            planted[copy] = (key, way)
    return docs, planted


def test_scale_finds_exactly_the_planted_duplicates_quickly():
    docs, planted = planted_package(600, seed=20)
    assert len(planted) >= 40
    started = time.perf_counter()
    found = find_duplicates(docs)
    elapsed = time.perf_counter() - started
    assert elapsed < 10, f"{elapsed:.1f} s"  # a generous bound: it takes about a second on one core

    pairs = {frozenset((duplicate, of.original)) for duplicate, of in found.items()}
    assert len(found) == len(planted)
    assert pairs == {frozenset((copy, source)) for copy, (source, _) in planted.items()}
    for copy, (source, way) in planted.items():
        if way in ("bytes", "text"):
            assert found[copy] == DuplicateOf(source, "exact", 1.0)
        elif way == "quoted":
            assert found[source].original == copy and found[source].kind == "near"


# --- e-mail threads ---------------------------------------------------------------------------


def test_threads_ignore_reply_and_forward_prefixes_case_and_spacing():
    subjects = {
        "1": "Planning informatieavond",
        "2": "RE: Planning informatieavond",
        "3": "Antw: RE: planning  Informatieavond",
        "4": "FW: RE: Planning informatieavond",
        "5": "Doorst: Planning informatieavond",
        "6": "WG: AW: Planning informatieavond",
        "7": "Fwd: [EXTERN] Re[2]: Planning informatieavond",
        "8": "Planning bouwweg",
        "9": "RE: Planning bouwweg",
        "10": "",
    }
    docs = [doc(key, email("Sanne Bakker", "Karin de Boer", "4 maart 2024", subject, "Zie hieronder."))
            for key, subject in subjects.items()]
    minutes = "Notulen van het bestuurlijk overleg\n\nOnderwerp: Planning informatieavond\n" + prose(18, 5)
    docs.append(doc("11", minutes))  # not an e-mail
    threads = email_threads(docs)
    assert threads == {**{key: "T1" for key in "1234567"}, "8": "T8", "9": "T8", "10": "T10"}


def test_subject_value_on_the_line_after_its_label():
    text = "Van:\nSanne Bakker\nVerzonden:\n4 maart 2024\nOnderwerp:\nRE: Planning bouwweg\n\nAkkoord."
    other = email("Karin de Boer", "Sanne Bakker", "3 maart 2024", "Planning bouwweg", "Wat vind jij?")
    assert email_threads([doc("a", other), doc("b", text)]) == {"a": "Ta", "b": "Ta"}


# --- families ---------------------------------------------------------------------------------


def test_family_from_the_attachments_header():
    mail = ("Van: Sanne Bakker\nVerzonden: maandag 4 maart 2024 10:12\nAan: Karin de Boer\n"
            "Onderwerp: Stukken PHO\nBijlagen: Conceptnota dijkversterking.docx; Planning Q2.xlsx;\n"
            "  Verslag 12-02.pdf (245 kB)\n\nHoi Karin, bijgaand de stukken. Groet, Sanne")
    docs = [
        doc("10", mail, path="mails/0010 Stukken PHO.pdf"),
        doc("11", prose(19, 10), path="mails/bijlagen/Conceptnota dijkversterking.pdf"),
        doc("12", "", path="mails/bijlagen/Planning Q2.xlsx.pdf"),
        doc("13", prose(20, 5), path="mails/bijlagen/Verslag 12-02.pdf"),
        doc("14", prose(21, 5), path="nota/Conceptnota.pdf"),  # a different name
        doc("15", email("Karin de Boer", "Sanne Bakker", "5 maart 2024", "RE: Stukken PHO", "Dank!"),
            path="mails/0015 RE Stukken PHO.pdf"),  # an e-mail without attachments
    ]
    assert families(docs) == {"10": "10", "11": "10", "12": "10", "13": "10"}


def test_family_from_the_file_name_convention():
    mail = email("Sanne Bakker", "Karin de Boer", "4 maart 2024", "Stukken", "Zie bijlagen.")
    docs = [
        doc("1", mail, path="export/mail-0042.pdf"),
        doc("2", prose(22, 5), path="export/mail-0042_bijlage1.pdf"),
        doc("3", prose(23, 5), path="export/mail-0042 - Bijlage 2.pdf"),
        doc("4", prose(24, 5), path="export/mail-0042-attachment-3.pdf"),
        doc("5", mail, path="export/mail-00421.pdf"),
        doc("6", prose(25, 5), path="export/mail-00421.bijlage.pdf"),
        doc("7", prose(26, 5), path="export/mail-0043_bijlage1.pdf"),  # no mail-0043 in the package
        doc("8", prose(27, 5), path="export/nota-0042.pdf"),
        doc("9", prose(28, 5), path="export/nota-0042_bijlage1.pdf"),  # the head is no e-mail
    ]
    assert families(docs) == {"1": "1", "2": "1", "3": "1", "4": "1", "5": "5", "6": "5"}


def test_an_attached_mail_joins_the_family_of_the_mail_it_is_attached_to():
    forwarded = email("Pieter van Dijk", "Sanne Bakker", "1 maart 2024", "Bouwweg", "Zie bijlage.")
    forwarded = forwarded.replace("Onderwerp: Bouwweg\n", "Onderwerp: Bouwweg\nBijlagen: Tekening bouwweg.pdf\n")
    outer = email("Sanne Bakker", "Karin de Boer", "4 maart 2024", "FW: Bouwweg", "Ter info.")
    outer = outer.replace("Onderwerp: FW: Bouwweg\n", "Onderwerp: FW: Bouwweg\nBijlagen: Bouwweg.msg\n")
    docs = [doc("1", outer, path="a/Doorsturen.pdf"), doc("2", forwarded, path="a/Bouwweg.pdf"),
            doc("3", prose(29, 5), path="a/Tekening bouwweg.pdf")]
    assert families(docs) == {"1": "1", "2": "1", "3": "1"}


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("Van: Sanne Bakker\nVerzonden: maandag 4 maart 2024 10:12\nAan: Karin\nOnderwerp: x\n\nTekst", (2024, 3, 4)),
    ("From: Sanne Bakker\nSent: Monday, March 4, 2024 10:12 AM\nTo: Karin\nSubject: x", (2024, 3, 4)),
    ("From: Sanne\nDate: Mon, 4 Mar 2024 10:12:00 +0100\nSubject: x", (2024, 3, 4)),
    ("Van: Sanne\nDatum: 03-03-2024\nOnderwerp: x", (2024, 3, 3)),
    ("Gemeente Waterland-Oost\nPostbus 12\n\nDatum 12 februari 2023\nOnderwerp zienswijze", (2023, 2, 12)),
    ("Verslag bestuurlijk overleg\n\nOp 3 mrt. 2024 spraken wij over de bouwweg.", (2024, 3, 3)),
    ("Besluitenlijst 2024-03-03 (concept)", (2024, 3, 3)),
    ("Notitie\nd.d. 7/11/2023", (2023, 11, 7)),
    ("Afgedrukt 01-01-2025\nVan: Sanne\nVerzonden: dinsdag 5 maart 2024 08:47\nAan: Karin", (2024, 3, 5)),
    ("Kenmerk 31-02-2024-7\nHet overleg van 4 april 2024 gaat niet door.", (2024, 4, 4)),
])
def test_document_date(text, expected):
    assert document_date(text) == datetime.date(*expected)


def test_a_quoted_header_further_down_does_not_win():
    text = email("Pieter", "Sanne", "dinsdag 5 maart 2024 08:47", "RE: x",
                 "Akkoord.\n\nVan: Sanne\nVerzonden: maandag 4 maart 2024 10:12\nOnderwerp: x\n\nVoorstel.")
    assert document_date(text) == datetime.date(2024, 3, 5)


@pytest.mark.parametrize("text", [
    "Notulen van het overleg over de bouwweg. Aanwezig: Sanne, Karin en Pieter.",
    "Het monument dateert van 3 maart 1850 en wordt in 2199 opnieuw bekeken.",
    "Telefoon 06-12345678, kenmerk 2024-123456, versie 1.2.3",
    "",
    "Inleiding\n" + "x" * 1600 + "\nDatum van het besluit: 4 maart 2024 staat pas hier.",
])
def test_no_date(text):
    assert document_date(text) is None


# --- is_email ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    email("Sanne Bakker", "Karin de Boer", "4 maart 2024", "Stukken", "Tekst"),
    "Bakker, Sanne\n\nFrom: Sanne Bakker <s.bakker@waterland-oost.nl>\nSent: 4 March 2024\nTo: Karin\n\nHi",
    "Van:\nAan:\nOnderwerp:\nSanne Bakker\nKarin de Boer\nStukken",
    "  Aan: Karin de Boer\n  Onderwerp: Stukken\n\nHoi Karin",
])
def test_is_email(text):
    assert is_email(text)


@pytest.mark.parametrize("text", [
    "",
    prose(30, 10),
    "Gemeente Waterland-Oost\nOnderwerp: zienswijze dijkversterking\n\nGeachte heer Hoekstra, van: de gemeente.",
    "Verslag\n" + "regel\n" * 50 + "Van: Sanne\nAan: Karin\nOnderwerp: x\n",
    "In deze mail van: Sanne Bakker, aan: Karin de Boer",
])
def test_is_not_email(text):
    assert not is_email(text)
