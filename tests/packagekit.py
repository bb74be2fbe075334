"""A generator of realistic Woo release packages for end-to-end tests and benchmarks.

``make_package(folder, n, seed)`` writes ``n`` fictitious Dutch government documents (e-mails and e-mail
threads, nota's and beleidsnotities, letters to and from citizens, meeting minutes, chat exports, a few files
that are not PDFs) into ``folder`` and returns the plan: for every document its kind, the name strings of
people that must be redacted (as they are written in the text), the names of public officials that must
stay visible, and which documents are duplicates (exact, near, or quoted whole in a later reply) or
attachments of an e-mail.

Everything is invented here (names, addresses, numbers; BSNs and IBANs pass their checksums on purpose) and
the output depends only on ``seed``: the same seed gives the same bytes. Only PyMuPDF's standard Helvetica
is used, so all text is Latin-1 (names such as "Ayşe" are written without the characters outside it).

Ground truth conventions:

* ``PlannedDocument.persons`` holds exactly the strings that were written as (part of) a person reference,
  without titles (drs., mr.) or honorifics (mevrouw, de heer): full names, initials + surname, surnames after
  an honorific (``Van der Heijden``), first names alone, Outlook forms (``Heijden, F. (Femke) van der``).
  A name is never broken over a line end, so each string occurs literally in the text of one line.
* ``PlannedDocument.officials`` holds the written names of public officials acting in office (minister,
  staatssecretaris, Kamerleden, burgemeester, wethouder); their role word stays outside the string.
* ``PlannedDocument.pii`` holds the other personal data written in the text (e-mail addresses, phone
  numbers, BSNs, IBANs, private street addresses, postcode + city, dates of birth, licence plates).
* No token of any person's name equals a token of another person's name, an ordinary Dutch word, or a
  word of the document templates.
"""

from __future__ import annotations

import copy
import datetime as _dt
import random
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf

__all__ = ["Person", "PlannedDocument", "PlannedPackage", "make_package"]


# ----------------------------------------------------------------------------------------------- the plan


@dataclass
class Person:
    name: str            # full name, e.g. "Femke van der Heijden" (the written forms are in ``aliases``)
    role: str            # "civil_servant" | "citizen" | "official"
    email: str | None
    phone: str | None
    aliases: list[str] = field(default_factory=list)  # every form of the name written somewhere in the package


@dataclass
class PlannedDocument:
    path: str                        # path inside the package, e.g. "01 e-mails/mail-0042.pdf"
    kind: str                        # "email" | "note" | "letter" | "minutes" | "chat" | "unsupported"
    persons: list[str]               # name strings (to redact) that appear in it, as written
    officials: list[str]             # names of public officials that appear and must stay visible
    duplicate_of: str | None = None  # path of the original for planned exact/near duplicates (see duplicate_kind)
    duplicate_kind: str | None = None  # "exact" | "near" | "quoted"
    family_of: str | None = None     # for attachments: path of the e-mail they belong to
    pages: int = 0
    title: str = ""                  # the title in the PDF metadata (never personal data)
    date: str = ""                   # ISO date of the document as written in it
    case_number: str | None = None   # zaaknummer / kenmerk written in it, if any
    pii: list[str] = field(default_factory=list)  # other personal data strings written in it


@dataclass
class PlannedPackage:
    documents: list[PlannedDocument]
    people: list[Person]

    def get(self, path: str) -> PlannedDocument:
        for doc in self.documents:
            if doc.path == path:
                return doc
        raise KeyError(path)

    def originals(self) -> list[PlannedDocument]:
        """The PDFs that are neither duplicates nor unsupported."""
        return [d for d in self.documents if d.duplicate_kind is None and d.kind != "unsupported"]

    def owner(self, written: str) -> Person | None:
        """The person a written name form belongs to."""
        for person in self.people:
            if written in person.aliases:
                return person
        return None


# ------------------------------------------------------------------------------------------------ markers

# Names and other personal data are marked in the generated text; the renderer records what it writes and
# never breaks a marked string over a line end (NB stands for its spaces until the line is drawn).
NB = "\x1f"
_P0, _P1, _O0, _O1, _X0, _X1 = "\x02", "\x03", "\x04", "\x05", "\x06", "\x07"
_MARKED = re.compile(r"([\x02\x04\x06])(.*?)[\x03\x05\x07]", re.DOTALL)
_KIND_OF_MARK = {_P0: "persons", _O0: "officials", _X0: "pii"}


def _P(s: str) -> str:
    return _P0 + s.replace(" ", NB) + _P1


def _O(s: str) -> str:
    return _O0 + s.replace(" ", NB) + _O1


def _X(s: str) -> str:
    return _X0 + s.replace(" ", NB) + _X1


# ----------------------------------------------------------------------------------------------- the cast

# First names and surnames by origin. Every token is checked to be neither a frequent Dutch word nor a word
# of the templates below (see _check_vocabulary), and each token is used by one person only.
_FIRST = {
    "nl": ("Femke Lotte Annelies Willemijn Jolien Renske Tessa Maaike Marieke Esther Janneke Liesbeth Carolien "
           "Ilse Mariska Petra Wendy Judith Noortje Lisanne Tjitske Mieke Hilde Gerdien",
           "Joost Wouter Thijs Jeroen Stijn Koen Rutger Hidde Freek Thomas Lars Maurits Sietse Hylke Wessel "
           "Jorrit Ewout Reinout Jochem Floris Gerrit"),
    "tr": ("Elif Hatice Derya Emine Sevgi Tugba Fadime Sibel", "Emre Murat Tolga Orhan Erkan Cihan Yusuf Kemal"),
    "ma": ("Khadija Samira Imane Soukaina Fadoua Ikram Hanane Meryem Latifa",
           "Youssef Hamid Karim Soufiane Bilal Abdelkader Nordin Redouan Driss Anass"),
    "sr": ("Sharmila Anjali Sarita Kavita Shanti Nirmala Rosita Gracia",
           "Radjesh Dewkoemar Ravi Kishan Anand Errol Marciano Ricardo Sudesh Dinesh"),
    "pl": ("Katarzyna Joanna Agata Beata Ewelina Justyna Karolina", "Tomasz Krzysztof Marek Jacek Dariusz Bartosz"),
    "ot": ("Akosua Semhar Hodan Rania Thuy Shurenska Esi", "Kwame Kofi Yonas Abdirahman Minh Jairzinho Dusan Goran"),
}
# "tv|Core" (tussenvoegsel|surname); a plain word is a surname without tussenvoegsel; "_" stands for a space
# inside a surname (El_Idrissi).
_SURNAMES = {
    "nl": ("van_der|Heijden van_den|Bogaard van|Rossem ter|Horst van|Oosterhout de|Kruijf van_der|Zanden "
           "van|Dongen van_der|Meulen van|Vliet van|Egmond van|Nistelrooij te|Riele Hendriksen Verbeek "
           "Brouwers Vermeer Bosman Postema Wiersema Dijkman Boerma Schuurman Lammertink Haverkamp Nijhuis "
           "Veenstra Timmermans Goossens Claassen Kamphuis Hylkema Zwanenburg Roelofs Verhoeven Mulders "
           "Oudshoorn Brinkman Groenewegen Kolthof Tuinstra Huijbregts Rietveld Wolters Steenbergen Koopmans "
           "Hulsbosch Overdijk Beukema Hartman"),
    "tr": "Kaya Demirci Aksoy Korkmaz Polat Erdem Bulut Karaca Yavuz Aydogan Kocabas Tekin Ucar Durmaz Sezer",
    "ma": ("El_Idrissi El_Khattabi Bouzid Azzouzi Haddouchi Zaoui Ben_Daoud Tahiri Amzil El_Hamdaoui Bouhali "
           "Ait_Hssain Lamrabet Cherkaoui Ouazzani Belhaj"),
    "sr": ("Soekhoe Jagesar Mahabier Bhagwandin Kalloe Ramsaran Sabajo Wijngaarde Doelwijt Lie-A-Ling "
           "Ramautar Biharie Sewdien Kartosen Amatdjais"),
    "pl": "Nowak Wójcik Mazur Pawlak Lewandowska Kowalczyk Wróbel Sadowski Baran Szulc Kaczmarek Majewski",
    "ot": ("Mensah Boateng Asante Tesfay Nguyen Haddad Al-Khatib Martina Latumahina Sahertian Tahapary "
           "Pattiasina Petrovic Osei Warsame"),
}
_TITLES = ("drs.", "mr.", "ir.", "dr.")

# (office, gender, first name, tussenvoegsel, surname, where)
_OFFICIALS = (
    ("minister", "v", "Hanna", "van", "Wijnhoven", "BZK"),
    ("staatssecretaris", "m", "Jelte", "", "Brandsma", "BZK"),
    ("kamerlid", "m", "Coen", "van", "Holtrop", ""),
    ("kamerlid", "v", "Nermin", "", "Kandemir", ""),
    ("kamerlid", "m", "Hicham", "", "Amrouch", ""),
    ("burgemeester", "v", "Marjan", "", "Sterrenburg", "Zwolle"),
    ("wethouder", "m", "Pepijn", "", "Ravenhorst", "Zwolle"),
)

# name, short name, mail domain, postbus, postcode + city, directorates, functions, general mailbox, phone
_ORGS = (
    ("Ministerie van Binnenlandse Zaken en Koninkrijksrelaties", "BZK", "minbzk.nl", "Postbus 20011",
     "2500 EA Den Haag", ("DG Openbaar Bestuur", "directie Informatiehuishouding", "directie Communicatie",
                          "directie Wetgeving en Juridische Zaken"),
     ("beleidsmedewerker", "senior beleidsmedewerker", "juridisch adviseur", "Woo-coördinator",
      "communicatieadviseur", "teamleider"), "woo@minbzk.nl", "070 426 6426"),
    ("Ministerie van Volksgezondheid, Welzijn en Sport", "VWS", "minvws.nl", "Postbus 20350",
     "2500 EJ Den Haag", ("DG Langdurige Zorg", "directie Jeugd", "directie Communicatie"),
     ("beleidsmedewerker", "coördinerend beleidsmedewerker", "projectleider", "beleidsadviseur"),
     "info@minvws.nl", "070 340 7911"),
    ("Ministerie van Sociale Zaken en Werkgelegenheid", "SZW", "minszw.nl", "Postbus 90801",
     "2509 LV Den Haag", ("directie Armoedebeleid", "directie Arbeidsmarkt", "directie Uitvoering"),
     ("beleidsmedewerker", "senior beleidsmedewerker", "programmamanager", "juridisch adviseur"),
     "post@minszw.nl", "070 333 4444"),
    ("Ministerie van Infrastructuur en Waterstaat", "IenW", "minienw.nl", "Postbus 20901",
     "2500 EX Den Haag", ("DG Mobiliteit", "directie Klimaat en Energie"),
     ("beleidsmedewerker", "projectleider", "senior adviseur", "teamleider"), "info@minienw.nl",
     "070 456 0000"),
    ("Gemeente Zwolle", "Zwolle", "zwolle.nl", "Postbus 10007", "8000 GA Zwolle",
     ("afdeling Burgerzaken", "afdeling Werk en Inkomen", "team Vergunningen"),
     ("medewerker Burgerzaken", "klantmanager", "beleidsadviseur", "teamleider", "behandelaar bezwaar"),
     "info@zwolle.nl", "14 038"),
    ("Landelijk Bureau Tegemoetkomingen", "LBT", "lbt.nl", "Postbus 4410", "6401 CX Heerlen",
     ("afdeling Behandeling", "afdeling Bezwaar en Beroep"),
     ("behandelaar", "behandelaar bezwaar", "senior medewerker", "kwaliteitsmedewerker"), "info@lbt.nl",
     "045 700 1200"),
)
_MINISTRY_ABBR = {"BZK": "BZK", "VWS": "VWS", "SZW": "SZW", "IenW": "IenW"}

_STREETS = ("Lindelaan", "Beukenlaan", "Schoolstraat", "Molenweg", "Dorpsstraat", "Kerkpad", "Julianastraat",
            "Oranjelaan", "Zuiderkade", "Meidoornstraat", "Vlietweg", "Esdoornhof", "Bremstraat", "Akkerweg",
            "Populierenlaan", "Veldzicht", "Wilgenhof", "Noorderhaven", "Sleedoornweg", "Spoorsingel")
_CITIES = ("Almere", "Deventer", "Amersfoort", "Tilburg", "Leeuwarden", "Haarlem", "Nijmegen", "Enschede",
           "Gouda", "Lelystad", "Assen", "Emmen", "Schiedam", "Purmerend", "Hoorn", "Zeist", "Roermond",
           "Vlaardingen")
_VISIT_CITIES = ("Groningen", "Eindhoven", "Rotterdam", "Utrecht", "Arnhem", "Middelburg", "Maastricht", "Breda")
_BANKS = ("ABNA", "INGB", "RABO", "SNSB", "TRIO", "ASNB", "KNAB", "BUNQ")
_PRIVATE_MAIL = ("mail.nl", "post.nl", "webmail.nl", "inbox.nl")

_TOPICS = ("Afhandeling van Woo-verzoeken", "Opvang van ontheemden uit Oekraïne",
           "Energietoeslag voor huishoudens met een laag inkomen", "Huisvesting van statushouders",
           "Uitvoering van de Omgevingswet", "Digitale inlogmiddelen voor burgers",
           "Herstel van de kinderopvangtoeslag", "Wachtlijsten in de jeugdzorg",
           "Informatiehuishouding van het Rijk", "Verduurzaming van maatschappelijk vastgoed",
           "Wijkaanpak in kwetsbare buurten", "Inburgering en taalonderwijs", "Schuldhulpverlening aan jongeren",
           "Digitale weerbaarheid van gemeenten", "Laadpalen in woonwijken", "Netcongestie in de regio")
_LETTER_SUBJECTS = ("uw aanvraag bijzondere bijstand", "uw bezwaar tegen de WOZ-beschikking",
                    "uw klacht over de behandeling van uw verzoek", "uw aanvraag energietoeslag",
                    "uw aanvraag parkeervergunning", "uw aanvraag tegemoetkoming",
                    "de terugvordering van uw tegemoetkoming")
_MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december")
_WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


class _Human:
    """A person of the cast with everything needed to write about them."""

    def __init__(self, role: str, gender: str, first: str, tv: str, core: str, *, initials: str = "",
                 title: str = "", org: tuple | None = None, unit: str = "", function: str = "",
                 office: str = "", where: str = ""):
        self.role, self.gender, self.first, self.tv, self.core = role, gender, first, tv, core
        self.initials = initials or (first[:1] + ".")
        self.title, self.org, self.unit, self.function = title, org, unit, function
        self.office, self.where = office, where
        self.email: str | None = None
        self.phone: str | None = None
        self.street = self.postcode_city = self.bsn = self.iban = self.dob = self.plate = None
        self.aliases: list[str] = []

    # --- plain forms
    @property
    def full(self) -> str:
        return " ".join(x for x in (self.first, self.tv, self.core) if x)

    @property
    def surname(self) -> str:
        return " ".join(x for x in (self.tv, self.core) if x)

    @property
    def formal(self) -> str:  # the surname as written without first name or initials: "Van der Heijden"
        s = self.surname
        return s[0].upper() + s[1:]

    # --- marked forms
    def P(self, form: str = "full") -> str:
        text = {
            "full": self.full,
            "first": self.first,
            "initials": f"{self.initials} {self.surname}",
            "initials_first": f"{self.initials} ({self.first}) {self.surname}",
            "formal": self.formal,
            "outlook": f"{self.core}, {self.initials} ({self.first})" + (f" {self.tv}" if self.tv else ""),
            "outlook_first": f"{self.core}, {self.first}" + (f" {self.tv}" if self.tv else ""),
        }[form]
        return (_O if self.role == "official" else _P)(text)

    def titled(self) -> str:
        return (self.title + " " if self.title else "") + self.P("initials")

    def hon(self, cap: bool = False) -> str:
        word = "mevrouw" if self.gender == "v" else "de heer"
        if cap:
            word = word[0].upper() + word[1:]
        return f"{word} {self.P('formal')}"

    def ref(self, rng: random.Random) -> str:
        """Some way to mention this person in running text."""
        return rng.choice((self.P("full"), self.P("full"), self.titled(), self.hon(), self.P("initials")))

    def mail_addr(self) -> str:
        return _X(self.email) if self.email else ""

    def tel(self) -> str:
        return _X(self.phone) if self.phone else ""


def _fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def _split_surname(entry: str) -> tuple[str, str]:
    if "|" in entry:
        tv, core = entry.split("|")
        return tv.replace("_", " "), core.replace("_", " ")
    return "", entry.replace("_", " ")


def _tokens(s: str) -> list[str]:
    return [t.lower() for t in re.findall(r"[^\W\d_]+", s)]


_TV_TOKENS = {"van", "der", "den", "de", "ter", "te", "ten", "el", "ben", "ait", "al", "a", "t", "in", "het"}


def _phone_mobile(rng: random.Random) -> str:
    d = "".join(str(rng.randrange(10)) for _ in range(8))
    return rng.choice((f"06 {d[:4]} {d[4:]}", f"06-{d}", f"+31 6 {d[:4]} {d[4:]}", f"06 {d[:2]} {d[2:5]} {d[5:]}",
                       f"+31 (0)6 {d[:4]} {d[4:]}"))


def _phone_fixed(rng: random.Random) -> str:
    d = "".join(str(rng.randrange(10)) for _ in range(7))
    return rng.choice((f"070 {d[:3]} {d[3:]}", f"070-{d}", f"+31 70 {d[:3]} {d[3:]}"))


def _bsn(rng: random.Random) -> str:
    while True:
        digits = [rng.randrange(1, 7)] + [rng.randrange(10) for _ in range(7)]
        check = sum(d * w for d, w in zip(digits, range(9, 1, -1))) % 11
        if check < 10:
            s = "".join(map(str, digits + [check]))
            return rng.choice((s, s, f"{s[:4]}.{s[4:6]}.{s[6:]}", f"{s[:3]} {s[3:6]} {s[6:]}"))


def _not_bsn(rng: random.Random) -> str:
    """A 9-digit number that fails the 11-proef (a zaaknummer)."""
    while True:
        digits = [rng.randrange(1, 10)] + [rng.randrange(10) for _ in range(8)]
        if (sum(d * w for d, w in zip(digits[:8], range(9, 1, -1))) - digits[8]) % 11:
            return "".join(map(str, digits))


def _iban(rng: random.Random) -> str:
    bank = rng.choice(_BANKS)
    account = "".join(str(rng.randrange(10)) for _ in range(10))
    numeric = "".join(str(int(c, 36)) for c in bank + account + "NL00")
    check = 98 - int(numeric) % 97
    iban = f"NL{check:02d}{bank}{account}"
    return rng.choice((iban, " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))))


def _plate(rng: random.Random) -> str:
    letters = "BDFGHJKLNPRSTVXZ"
    L = lambda k: "".join(rng.choice(letters) for _ in range(k))
    D = lambda k: "".join(str(rng.randrange(10)) for _ in range(k))
    return rng.choice((f"{D(2)}-{L(3)}-{D(1)}", f"{L(1)}-{D(3)}-{L(2)}", f"{L(2)}-{D(3)}-{L(1)}",
                       f"{D(1)}-{L(3)}-{D(2)}"))


def _postcode(rng: random.Random) -> str:
    while True:
        letters = rng.choice("ABCEGHJKLMNPRTVWXZ") + rng.choice("ABCEGHJKLMNPRTVWXZ")
        if letters not in ("SA", "SD", "SS"):
            return f"{rng.randrange(1000, 10000)} {letters}"


def _make_cast(rng: random.Random) -> tuple[list[_Human], list[_Human], list[_Human]]:
    """About 60 people: civil servants, citizens, public officials; no name token shared."""
    used: set[str] = set()
    for office, gender, first, tv, core, where in _OFFICIALS:
        used.update(_tokens(first) + _tokens(core))
    firsts = {o: ([(n, "v") for n in f.split()] + [(n, "m") for n in m.split()]) for o, (f, m) in _FIRST.items()}
    surnames = {o: [_split_surname(e) for e in s.split()] for o, s in _SURNAMES.items()}
    for pool in list(firsts.values()) + list(surnames.values()):
        rng.shuffle(pool)
    origins = ["nl"] * 9 + ["tr"] * 2 + ["ma"] * 2 + ["sr"] * 2 + ["pl"] * 2 + ["ot"] * 2

    def take(pool: list, tokens_of) -> tuple:
        for i, item in enumerate(pool):
            toks = [t for t in tokens_of(item) if t not in _TV_TOKENS]
            if not any(t in used for t in toks):
                used.update(toks)
                return pool.pop(i)
        raise RuntimeError("name pool exhausted")

    def new_person(role: str) -> _Human:
        origin = rng.choice(origins)
        first, gender = take(firsts[origin], lambda x: _tokens(x[0]))
        s_origin = origin if rng.random() < 0.75 else rng.choice(origins)
        tv, core = take(surnames[s_origin], lambda x: _tokens(x[1]))
        if gender == "v" and rng.random() < 0.15:  # double surname: partner's name first
            tv2, core2 = take(surnames[rng.choice(origins)], lambda x: _tokens(x[1]))
            if not tv2:
                core = f"{core2}-{core}" if not tv else f"{core}-{core2}"
        extra = "".join(rng.choice("ACEHJLMPRW") + "." for _ in range(rng.choice((0, 0, 1, 1, 2))))
        return _Human(role, gender, first, tv, core, initials=first[0] + "." + extra)

    civil, citizens = [], []
    for i in range(36):
        h = new_person("civil_servant")
        org = _ORGS[i % len(_ORGS)]
        h.org, h.unit, h.function = org, rng.choice(org[5]), rng.choice(org[6])
        h.title = rng.choice(_TITLES) if rng.random() < 0.25 else ""
        local = rng.choice((f"{h.first}.{h.tv}{h.core}", f"{h.first}.{h.tv}{h.core}", f"{h.initials}{h.tv}{h.core}"))
        h.email = _fold(local).lower().replace(" ", "").replace("'", "").replace("..", ".") + "@" + org[2]
        h.phone = _phone_mobile(rng) if rng.random() < 0.7 else _phone_fixed(rng)
        civil.append(h)
    for _ in range(18):
        h = new_person("citizen")
        h.street = f"{rng.choice(_STREETS)} {rng.randrange(1, 180)}{rng.choice(['', '', '', 'A', 'B', '-2'])}"
        h.postcode_city = f"{_postcode(rng)} {rng.choice(_CITIES)}"
        h.bsn, h.iban = _bsn(rng), _iban(rng)
        born = _dt.date(1946, 1, 1) + _dt.timedelta(days=rng.randrange(0, 365 * 58))
        h.dob = rng.choice((born.strftime("%d-%m-%Y"), f"{born.day} {_MONTHS[born.month - 1]} {born.year}"))
        h.phone = _phone_mobile(rng) if rng.random() < 0.75 else None
        if rng.random() < 0.6:
            h.email = (_fold(f"{h.first}.{h.core}").lower().replace(" ", "") + str(rng.randrange(10, 99)) * (
                rng.random() < 0.4) + "@" + rng.choice(_PRIVATE_MAIL))
        h.plate = _plate(rng) if rng.random() < 0.5 else None
        citizens.append(h)
    officials = [_Human("official", g, f, tv, core, office=office, where=where,
                        initials=f[0] + "." + rng.choice(("", "M.", "J.", "C.")))
                 for office, g, f, tv, core, where in _OFFICIALS]
    return civil, citizens, officials


# ------------------------------------------------------------------------------------------- text banks

_POLICY = (
    "Het voorstel is ambtelijk afgestemd met de ministeries van Financiën en van Justitie en Veiligheid.",
    "Uit de eerste cijfers blijkt dat het aantal aanvragen in het afgelopen kwartaal met ongeveer {pct} procent "
    "is gestegen.",
    "De uitvoeringsorganisaties hebben aangegeven dat zij meer tijd nodig hebben om de nieuwe werkwijze in te "
    "voeren.",
    "Wij verwachten dat de kosten in {year} binnen het beschikbare budget van EUR {amount} blijven.",
    "Het is nog niet duidelijk of de gemeenten de extra taken met de huidige middelen kunnen uitvoeren.",
    "Op {date} is hierover gesproken in het bestuurlijk overleg met de VNG en het IPO.",
    "De planning gaat uit van inwerkingtreding per 1 januari {year1}.",
    "Een aantal gemeenten heeft zorgen geuit over de haalbaarheid van de termijnen.",
    "De juridische analyse laat zien dat een wetswijziging niet nodig is; een aanpassing van de regeling "
    "volstaat.",
    "Het risico bestaat dat de doelgroep de regeling onvoldoende kent, waardoor het bereik achterblijft.",
    "De evaluatie wordt uitgevoerd door een extern onderzoeksbureau en is naar verwachting in het najaar gereed.",
    "Over de communicatie richting burgers wordt nog overlegd met de directie Communicatie.",
    "De Autoriteit Persoonsgegevens is gevraagd om advies over de voorgenomen gegevensuitwisseling.",
    "Het dossier raakt aan de lopende verkenning naar {topic2}.",
    "In de bijgevoegde tabel is per regio weergegeven hoeveel meldingen er zijn ontvangen.",
    "Wij stellen voor om de werkgroep nog twee keer bijeen te laten komen voordat het advies wordt afgerond.",
    "De financiële dekking is opgenomen in de eerste suppletoire begroting van {year}.",
    "Er is geen aanleiding om af te wijken van de eerder gekozen lijn.",
    "De Raad van State wordt om advies gevraagd over het ontwerpbesluit.",
    "De signalen uit de praktijk bevestigen het beeld uit de laatste monitor.",
    "Gemeenten vragen om duidelijkheid over de structurele financiering na {year1}.",
    "Met de koepels is afgesproken dat zij hun leden nader informeren over de planning.",
    "De ICT-aanpassingen bij de uitvoering zijn complexer dan eerder werd aangenomen.",
    "Voor de korte termijn is een tijdelijke voorziening getroffen die tot de zomer van {year1} loopt.",
    "De uitvoeringstoets komt naar verwachting na de zomer beschikbaar.",
    "Het aantal klachten is in het afgelopen halfjaar licht afgenomen.",
    "Bij de uitwerking is rekening gehouden met de adviezen van de Raad voor het Openbaar Bestuur.",
    "Een structurele oplossing vraagt om afspraken tussen Rijk, provincies en gemeenten.",
    "De verwachting is dat de doorlooptijden in de tweede helft van {year} verder oplopen.",
    "Het beschikbare budget wordt verdeeld op basis van het aantal inwoners per gemeente.",
    "De monitor laat grote regionale verschillen zien, vooral in het noorden en oosten van het land.",
    "Bij een vertraging van meer dan drie maanden moet de Kamer opnieuw worden geïnformeerd.",
    "Daarnaast wordt bezien of de bestaande regelgeving op onderdelen moet worden aangepast.",
    "De betrokken partijen hebben hun zienswijze gegeven; deze zijn in de bijlage samengevat.",
    "Er is een risico op hogere uitvoeringskosten als de aanbesteding opnieuw moet worden gedaan.",
    "Het Interprovinciaal Overleg steunt de lijn, maar vraagt om meer tijd voor de invoering.",
)
_PERSON_LINES = (
    "Het concept is op {date} besproken met {p} en {p2}.",
    "{P} ({func}) heeft aangegeven dat de uitvoering in deze vorm haalbaar is.",
    "Volgens {p} is de planning realistisch, mits de ICT-aanpassingen op tijd klaar zijn.",
    "De notitie die {p} hierover heeft opgesteld, is als bijlage toegevoegd.",
    "{P} neemt het dossier over van {p2}, die per 1 {month} een andere functie heeft.",
    "In een gesprek op {date} met {p} van {org} is dit punt nader toegelicht.",
    "Namens {org} was {p} bij het overleg aanwezig.",
    "Voor vragen over de uitvoering kunt u terecht bij {p} ({phone}).",
    "De cijfers zijn aangeleverd door {p}; {p2} heeft ze gecontroleerd.",
)
_MAIL_LINES = (
    "Zie bijgaand de aangepaste versie van de nota.",
    "Kun je hier vóór vrijdag naar kijken?",
    "Dank voor je snelle reactie.",
    "Ik heb de opmerkingen van Juridische Zaken verwerkt.",
    "Graag hoor ik of je akkoord bent met de voorgestelde lijn.",
    "Heb je de reactie van de VNG al ontvangen? Die hadden we eigenlijk gisteren verwacht.",
    "Ik stel voor dat we dit volgende week in het teamoverleg bespreken.",
    "De stukken moeten uiterlijk donderdag in de lijn.",
    "Ter info: het overleg van dinsdag is verplaatst naar woensdagmiddag.",
    "Prima, van mijn kant geen verdere opmerkingen.",
    "Wil je de Q&A nog bijwerken met de laatste cijfers?",
    "Ik ben het eens met de lijn, maar zou de tweede alinea wat voorzichtiger formuleren.",
    "Kunnen we hier morgen even kort over bellen?",
    "Ik heb nog geen reactie van de uitvoering; ik rappelleer ze vandaag.",
    "Zou je de tekst over de financiering nog willen nalopen?",
    "Het DG-overleg heeft de nota aangehouden tot er meer duidelijkheid is over de dekking.",
    "Ik ben morgen de hele dag op de werkbezoeklocatie, dus bereikbaar via de mobiel.",
    "De Kamervragen moeten binnen drie weken beantwoord zijn; het conceptantwoord volgt later deze week.",
    "Ik heb het woordvoeringsstuk aangepast op basis van jullie opmerkingen.",
    "Wat mij betreft kan dit zo door naar de SG.",
    "Let op: de cijfers in paragraaf 3 zijn nog niet definitief.",
    "Kun je nagaan of het rapport al openbaar is? Dan kunnen we ernaar verwijzen.",
)
_PERSON_MAIL_LINES = (
    "Bel anders even met {first} op {phone}, die zit er vandaag bovenop.",
    "{First} heeft de cijfers gisteren nog nagelopen.",
    "Wil je {first} ook even meenemen in de cc?",
    "Ik heb het ook met {p} afgestemd; die kan zich er in vinden.",
)
_OFFICIAL_LINES = {
    "minister": ("Minister {o} heeft toegezegd de Kamer voor de zomer te informeren.",
                 "De minister, {hon}, heeft op {date} tijdens een werkbezoek aan {visit} met betrokkenen gesproken.",
                 "Het voorstel wordt op {date} voorgelegd aan minister {o}."),
    "staatssecretaris": ("Staatssecretaris {o} wil het onderwerp bespreken in het eerstvolgende "
                         "bewindspersonenoverleg.",
                         "De staatssecretaris, {hon}, heeft de Kamer een brief over de voortgang toegezegd.",
                         "In het commissiedebat van {date} heeft staatssecretaris {o} een toezegging gedaan."),
    "kamerlid": ("De motie {o} c.s. (Kamerstuk {ks}) verzoekt de regering de gevolgen voor kleine gemeenten "
                 "in beeld te brengen.",
                 "Motie {O} c.s. wordt volgende week in stemming gebracht.",
                 "In antwoord op vragen van het lid {o} (Kamerstuk {ks}) is toegezegd dat de evaluatie in {year1} "
                 "wordt afgerond.",
                 "Het Kamerlid {o} heeft in het commissiedebat van {date} aandacht gevraagd voor de "
                 "positie van mantelzorgers."),
    "burgemeester": ("Burgemeester {o} van {where} heeft gevraagd om een bestuurlijk overleg.",
                     "Tijdens het werkbezoek sprak de minister ook met burgemeester {o} van {where}."),
    "wethouder": ("Wethouder {o} van {where} heeft aangeboden om als pilotgemeente mee te doen.",
                  "Namens de gemeente {where} sloot wethouder {o} aan bij het overleg."),
}
_CHAT_LINES = (
    "Ben er over tien minuten.", "Zit nog in de trein, ben er om kwart over.", "Top, dank!",
    "Heb je de nota al doorgestuurd?", "Zie mail, graag vóór 12 uur reactie.", "Debat loopt uit, reken op 22.00 uur.",
    "Woordvoering is akkoord met de lijn.", "Kun je me even bellen als je klaar bent?",
    "Is de motie al gedeeld met de fractievoorzitters?", "Ok, ik pak het op.",
    "Ik hoor net dat de VNG een reactie gaat publiceren.", "Staat het overleg nog om drie uur?",
    "Ik zet het stuk morgen in de lijn, tenzij jullie nog bezwaren hebben.", "Prima zo.",
    "Q&A is bijgewerkt, staat in de map.", "Zit in overleg, bel je over een half uur terug.",
    "Kamervragen zijn binnen, deadline is donderdag.", "Wie gaat er morgen mee naar het werkbezoek?",
)
_PERSON_CHAT_LINES = (
    "Kun je {first} even appen? Nummer is {phone}.", "{First} neemt het over vanaf morgen.",
    "Heeft {first} de cijfers al gestuurd?", "Ik heb {p} net gesproken, die is akkoord.",
)
_LETTER_LINES = (
    "Wij hebben uw aanvraag beoordeeld aan de hand van de voorwaarden in de regeling.",
    "Bent u het niet eens met dit besluit? Dan kunt u binnen zes weken na de datum van deze brief bezwaar maken.",
    "In uw bezwaarschrift vermeldt u in ieder geval uw naam, uw adres, de datum en het zaaknummer.",
    "Wij hebben de gegevens die u heeft aangeleverd vergeleken met de gegevens in onze administratie.",
    "Heeft u vragen over deze brief? Neem dan contact met ons op via het algemene nummer {orgphone}.",
    "Het besluit is genomen op grond van de Algemene wet bestuursrecht en de geldende beleidsregels.",
    "Wij vragen u om binnen vier weken de ontbrekende stukken aan te leveren.",
    "U hoeft op dit moment niets te doen.",
    "Wij hebben meer tijd nodig om uw aanvraag goed te beoordelen; wij verdagen de beslistermijn met zes weken.",
    "Uw aanvraag voldoet aan de voorwaarden. U ontvangt het bedrag in één keer.",
    "Uit de stukken blijkt dat uw inkomen in het betreffende jaar hoger was dan de grens in de regeling.",
    "Wij hebben uw bezwaar ontvankelijk verklaard en inhoudelijk beoordeeld.",
    "Tijdens de hoorzitting heeft u uw bezwaar mondeling toegelicht.",
    "Wij passen het besluit aan en verlagen het bedrag van de terugvordering.",
    "Wij verzoeken u wijzigingen in uw situatie binnen vier weken aan ons door te geven.",
    "Meer informatie over de regeling vindt u op onze website.",
    "Als u het bedrag niet in één keer kunt betalen, kunt u een betalingsregeling aanvragen.",
)
_CITIZEN_LINES = (
    "Ik wacht al sinds {date} op een beslissing op mijn aanvraag.",
    "Mijn dossiernummer is {case}.",
    "Kunt u mij laten weten wanneer ik een reactie kan verwachten?",
    "Ik heb al drie keer gebeld, maar niemand kon mij vertellen wat de stand van zaken is.",
    "Ik ben het niet eens met de hoogte van het bedrag dat ik moet terugbetalen.",
    "Bijgaand stuur ik een kopie van mijn loonstrook en het huurcontract.",
    "Ik vind het jammer dat ik zo lang moet wachten, omdat ik het geld hard nodig heb.",
    "In uw brief staat een ander bedrag dan in de beschikking die ik eerder ontving.",
    "Ik verzoek u het besluit te herzien en mij uit te nodigen voor een gesprek.",
    "Sinds de verhuizing ontvang ik geen post meer van uw organisatie.",
    "Mijn buren hebben hetzelfde probleem, dus ik denk dat er iets misgaat bij de verwerking.",
    "Wilt u mij de stukken uit mijn dossier toesturen?",
    "Ik heb de gevraagde gegevens al eerder per post opgestuurd.",
    "Graag ontvang ik binnen twee weken een schriftelijke reactie.",
)
_MINUTES_POINTS = ("Opening en mededelingen", "Verslag vorig overleg en actielijst", "Stand van zaken {topic}",
                   "Planning en mijlpalen", "Communicatie en woordvoering", "Financiën", "Risico's",
                   "Rondvraag en sluiting")
_MINUTES_OPEN = "{first} opent de vergadering en heet iedereen welkom."
_MINUTES_LINES = (
    "Het verslag van het overleg van {date} wordt ongewijzigd vastgesteld.",
    "{first} licht de stand van zaken toe.",
    "{first} vraagt of de gemeenten al zijn geïnformeerd. Dat is nog niet het geval.",
    "Afgesproken wordt dat {first} voor de volgende bijeenkomst een voorstel rondstuurt.",
    "{first} merkt op dat de planning krap is, maar wel haalbaar.",
    "Volgens {p} is er bij de uitvoering voldoende draagvlak.",
)
_ACTIONS = ("stuurt een voorstel voor de planning rond", "stemt de Q&A af met Communicatie",
            "vraagt de cijfers op bij de uitvoering", "past de nota aan", "plant een vervolgoverleg in",
            "informeert de koepels")
_NEAR_SWAPS = (("graag", "liefst"), ("volgende week", "deze week"), ("voorstel", "plan"), ("uiterlijk", "ten laatste"),
               ("aangepaste", "herziene"), ("zorgen", "bedenkingen"), ("ongeveer", "circa"), ("nader", "verder"),
               ("planning", "tijdlijn"), ("signalen", "berichten"), ("gesproken", "overlegd"),
               ("verwachten", "voorzien"), ("duidelijk", "helder"))
_DISCLAIMER = ("Dit e-mailbericht is uitsluitend bestemd voor de geadresseerde(n). Heeft u dit bericht per "
               "vergissing ontvangen, meld dit dan aan de afzender en verwijder het bericht. Aan dit bericht "
               "kunnen geen rechten worden ontleend.")


def _template_words() -> set[str]:
    words: set[str] = set()
    banks = [_POLICY, _PERSON_LINES, _MAIL_LINES, _PERSON_MAIL_LINES, _CHAT_LINES, _PERSON_CHAT_LINES,
             _LETTER_LINES, _CITIZEN_LINES, _MINUTES_POINTS, _MINUTES_LINES, [_MINUTES_OPEN], _ACTIONS, _TOPICS,
             _LETTER_SUBJECTS, _STREETS, _CITIES, _VISIT_CITIES, [_DISCLAIMER],
             [w for o in _ORGS for w in (o[0], *o[5], *o[6])]]
    banks += [lines for lines in _OFFICIAL_LINES.values()]
    for bank in banks:
        for line in bank:
            words.update(_tokens(re.sub(r"\{\w+\}", " ", line)))
    return words


# ----------------------------------------------------------------------------------------------- dates


def _org_ref(org: tuple | None) -> str:
    """An organisation as named in running text: "het ministerie van BZK", "de gemeente Zwolle"."""
    if org is None:
        return "de gemeente"
    if org[1] in _MINISTRY_ABBR:
        return f"het ministerie van {org[1]}"
    return org[0].replace("Gemeente", "de gemeente") if org[0].startswith("Gemeente") else f"het {org[0]}"


def _nl_date(d: _dt.date) -> str:
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def _nl_datetime(d: _dt.datetime) -> str:
    return f"{_WEEKDAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]} {d.year} {d.hour}:{d.minute:02d}"


def _amount(rng: random.Random, lo: int = 50, hi: int = 5000) -> str:
    v = rng.randrange(lo * 100, hi * 100)
    euros = f"{v // 100:,}".replace(",", ".")
    return f"{euros},{v % 100:02d}"


# ------------------------------------------------------------------------------------------------ blocks


@dataclass
class _Block:
    kind: str              # "p" | "kv" | "gap" | "hang"
    text: str = ""
    style: str = "body"    # "body" | "bold" | "title" | "head" | "small" | "mono"
    label: str = ""
    indent: float = 0.0
    optional: bool = False  # may be dropped (from the end) to keep a document at most four pages


class _Content:
    def __init__(self) -> None:
        self.blocks: list[_Block] = []
        self.header = ""        # printed at the top of every page
        self.footer = "page"    # "page" ("Pagina i van n") | "number" | ""

    def p(self, text: str, style: str = "body", indent: float = 0.0, optional: bool = False) -> None:
        self.blocks.append(_Block("p", text, style, indent=indent, optional=optional))

    def kv(self, label: str, value: str, style: str = "body") -> None:
        self.blocks.append(_Block("kv", value, style, label=label))

    def gap(self, lines: float = 1.0, optional: bool = False) -> None:
        self.blocks.append(_Block("gap", indent=lines, optional=optional))

    def hang(self, text: str, indent: float = 14.0, style: str = "body", optional: bool = False) -> None:
        self.blocks.append(_Block("hang", text, style, indent=indent, optional=optional))


# -------------------------------------------------------------------------------------------- rendering

_FONT_FOR = {"body": "helv", "bold": "hebo", "title": "hebo", "head": "hebo", "small": "helv", "mono": "cour"}
_SIZE_DELTA = {"body": 0.0, "bold": 0.0, "title": 4.0, "head": 1.0, "small": -1.5, "mono": -0.5}
_ADVANCE: dict[str, dict[str, float]] = {}
_FONTS: dict[str, pymupdf.Font] = {}


def _text_width(text: str, font: str, size: float) -> float:
    table = _ADVANCE.setdefault(font, {})
    total = 0.0
    for ch in text:
        adv = table.get(ch)
        if adv is None:
            f = _FONTS.get(font) or _FONTS.setdefault(font, pymupdf.Font(font))
            adv = table[ch] = f.glyph_advance(ord(" " if ch == NB else ch))
        total += adv
    return total * size


def _wrap(text: str, font: str, size: float, width: float, first_width: float | None = None) -> list[str]:
    lines: list[str] = []
    current = ""
    limit = first_width if first_width is not None else width
    space = _text_width(" ", font, size)
    cur_w = 0.0
    for word in text.split(" "):
        w = _text_width(word, font, size)
        if current and cur_w + space + w > limit:
            lines.append(current)
            current, cur_w, limit = word, w, width
        else:
            current, cur_w = (current + " " + word, cur_w + space + w) if current else (word, w)
    lines.append(current)
    return lines


@dataclass
class _Style:
    size: float = 10.0
    left: float = 72.0
    right: float = 72.0
    top: float = 72.0
    bottom: float = 64.0
    label_width: float = 130.0


_PAGE_W, _PAGE_H = 595.28, 841.89


def _strip_marks(text: str, found: dict[str, list[str]]) -> str:
    def sub(m: re.Match) -> str:
        value = m.group(2).replace(NB, " ")
        bucket = found[_KIND_OF_MARK[m.group(1)]]
        if value not in bucket:
            bucket.append(value)
        return m.group(2)
    return _MARKED.sub(sub, text)


def _layout(content: _Content, style: _Style, found: dict[str, list[str]]) -> list[list[tuple]]:
    """Place every line: a list of pages, each a list of (x, y, text, font, size)."""
    pages: list[list[tuple]] = [[]]
    width = _PAGE_W - style.left - style.right
    bottom = _PAGE_H - style.bottom
    y = style.top
    base_lh = style.size * 1.3

    def place(x: float, text: str, font: str, size: float, lh: float) -> None:
        nonlocal y
        if y + lh > bottom and pages[-1]:
            pages.append([])
            y = style.top
        y += lh
        text = text.replace(NB, " ")
        text.encode("latin-1")  # the standard fonts draw Latin-1 only; anything else would become a dot
        pages[-1].append((x, y - lh * 0.25, text, font, size))

    for b in content.blocks:
        if b.kind == "gap":
            if pages[-1]:
                y += base_lh * b.indent
            continue
        font, size = _FONT_FOR[b.style], style.size + _SIZE_DELTA[b.style]
        lh = size * 1.3
        text = _strip_marks(b.text, found)
        if b.kind == "p":
            for line in _wrap(text, font, size, width - b.indent):
                place(style.left + b.indent, line, font, size, lh)
        elif b.kind == "hang":
            lines = _wrap(text, font, size, width - b.indent, first_width=width)
            place(style.left, lines[0], font, size, lh)
            for line in lines[1:]:
                place(style.left + b.indent, line, font, size, lh)
        elif b.kind == "kv":
            label = _strip_marks(b.label, found)
            lines = _wrap(text, font, size, width - style.label_width)
            place(style.left, label, font, size, lh)
            x_value = style.left + style.label_width
            pages[-1].append((x_value, pages[-1][-1][1], lines[0].replace(NB, " "), font, size))
            for line in lines[1:]:
                place(x_value, line, font, size, lh)
    return pages


def _render(content: _Content, style: _Style, meta: dict, max_pages: int = 4) -> tuple[bytes, int, dict]:
    """The PDF bytes, its page count and the marked strings found in what was drawn."""
    while True:
        found: dict[str, list[str]] = {"persons": [], "officials": [], "pii": []}
        header = _strip_marks(content.header, found).replace(NB, " ") if content.header else ""
        pages = _layout(content, style, found)
        if len(pages) <= max_pages or not any(b.optional for b in content.blocks):
            break
        last = max(i for i, b in enumerate(content.blocks) if b.optional)
        del content.blocks[last]
    doc = pymupdf.open()
    n = len(pages)
    for i, lines in enumerate(pages):
        page = doc.new_page(width=_PAGE_W, height=_PAGE_H)
        shape = page.new_shape()
        if header:
            shape.insert_text((style.left, style.top - 30), header, fontname="hebo", fontsize=style.size - 1)
        for x, y, text, font, size in lines:
            if text:
                shape.insert_text((x, y), text, fontname=font, fontsize=size)
        foot = {"page": f"Pagina {i + 1} van {n}", "number": str(i + 1)}.get(content.footer, "")
        if foot:
            shape.insert_text((_PAGE_W - style.right - _text_width(foot, "helv", 8), _PAGE_H - 30), foot,
                              fontname="helv", fontsize=8)
        shape.commit()
    stamp = meta["date"].strftime("D:%Y%m%d%H%M%S+01'00'")
    doc.set_metadata({"title": meta["title"], "author": meta.get("author", ""), "subject": "", "keywords": "",
                      "creator": "woo-redact packagekit", "producer": "PyMuPDF", "creationDate": stamp,
                      "modDate": stamp})
    data = doc.tobytes(garbage=1, deflate=True, no_new_id=True)
    doc.close()
    return data, n, found


# ------------------------------------------------------------------------------------------- documents


@dataclass
class _Draft:
    kind: str
    content: _Content
    title: str
    date: _dt.datetime
    author: str                     # an organisation, never a person
    case_number: str | None = None
    style: _Style = field(default_factory=_Style)


class _Writer:
    """Writes the content of documents; all randomness comes from one seeded generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.civil, self.citizens, self.officials = _make_cast(rng)
        self.teams = {org[1]: [h for h in self.civil if h.org is org] for org in _ORGS}
        self.ministries = [o for o in _ORGS if o[1] in _MINISTRY_ABBR]
        self._decks: dict[int, list] = {}

    # --- helpers
    def new_document(self) -> None:
        """Sentences are drawn without repetition within one document."""
        self._decks = {}

    def draw(self, bank, k: int = 1) -> list:
        out = []
        for _ in range(k):
            deck = self._decks.get(id(bank))
            if not deck:
                deck = self._decks[id(bank)] = list(bank)
                self.rng.shuffle(deck)
            out.append(deck.pop())
        return out

    def one(self, bank):
        return self.draw(bank)[0]

    def pick(self, seq, k=1, skew=True):
        """k distinct items; earlier items are favoured so that the same people recur."""
        pool = list(seq)
        out = []
        for _ in range(min(k, len(pool))):
            weights = [1.0 / (i + 1.5) if skew else 1.0 for i in range(len(pool))]
            out.append(pool.pop(self.rng.choices(range(len(pool)), weights)[0]))
        return out

    def date(self) -> _dt.datetime:
        day = _dt.date(2023, 1, 2) + _dt.timedelta(days=self.rng.randrange(0, 900))
        while day.weekday() > 4:
            day += _dt.timedelta(days=1)
        return _dt.datetime(day.year, day.month, day.day, self.rng.randrange(8, 18), self.rng.randrange(60))

    def fill(self, template: str, when: _dt.datetime, people: list[_Human] = (), official: _Human | None = None,
             **extra) -> str:
        rng = self.rng
        p = people[0] if people else None
        p2 = people[1] if len(people) > 1 else None
        values = dict(
            pct=rng.randrange(4, 40), year=when.year, year1=when.year + 1, amount=_amount(rng, 100000, 9000000),
            date=_nl_date((when - _dt.timedelta(days=rng.randrange(3, 60))).date()),
            topic2=rng.choice(_TOPICS).lower(), month=rng.choice(_MONTHS), visit=rng.choice(_VISIT_CITIES),
            ks=f"36 {rng.randrange(100, 700)}, nr. {rng.randrange(2, 140)}", orgphone=extra.get("orgphone", ""),
            case=extra.get("case", ""), topic=extra.get("topic", ""),
        )
        if p is not None:
            values.update(p=p.ref(rng), P=p.P(rng.choice(("full", "initials"))) if p.role != "official" else "",
                          first=p.P("first"), First=p.P("first"), func=p.function or "medewerker",
                          org=_org_ref(p.org), phone=p.tel() or "het algemene nummer")
        if p2 is not None:
            values.update(p2=p2.ref(rng))
        if official is not None:
            values.update(o=official.P("formal"), O=official.P("formal"), hon=official.hon(),
                          where=official.where)
        return template.format(**values)

    def policy_paragraph(self, when, people, official=None, sentences=(2, 4), topic="") -> str:
        rng = self.rng
        out = []
        for _ in range(rng.randint(*sentences)):
            r = rng.random()
            if people and r < 0.3:
                out.append(self.fill(self.one(_PERSON_LINES), when, self.pick(people, 2, skew=False)))
            elif official is not None and r < 0.4:
                out.append(self.fill(self.one(_OFFICIAL_LINES[official.office]), when, official=official))
            else:
                out.append(self.fill(self.one(_POLICY), when, topic=topic))
        return " ".join(out)

    def maybe_official(self, p: float = 0.45) -> _Human | None:
        return self.rng.choice(self.officials) if self.rng.random() < p else None

    # --- e-mail
    def message(self, when, sender, to, cc, subject, people, attachments=(), official=None, size="short") -> dict:
        """One e-mail: its header lines and body paragraphs, fixed once so that a quote repeats it exactly."""
        rng = self.rng
        body = self.mail_body(when, sender, to, people, official, size, bool(attachments))
        head = ["Van: " + self.addr(sender, True), "Verzonden: " + _nl_datetime(when),
                "Aan: " + "; ".join(self.addr(h, rng.random() < 0.4) for h in to)]
        if cc:
            head.append("CC: " + "; ".join(self.addr(h, False) for h in cc))
        head.append("Onderwerp: " + subject)
        if attachments:
            head.append("Bijlagen: " + "; ".join(attachments))
        return dict(sender=sender, to=to, cc=cc, when=when, subject=subject, head=head, body=body)

    def mail_body(self, when, sender, to, people, official, size, has_attachment) -> list[str]:
        rng = self.rng
        addressee = to[0] if to else None
        paras = []
        if addressee is None or addressee.role == "org":
            paras.append(rng.choice(("Geachte heer, mevrouw,", "Beste collega's,", "Allen,")))
        elif sender.role == "citizen" or addressee.role == "citizen":
            paras.append(f"Geachte {addressee.hon()},")
        else:
            greeting = rng.choice(("Beste {f},", "Hoi {f},", "Dag {f},", "Beste {f},"))
            paras.append(greeting.format(f=addressee.P("first")))
        if sender.role == "citizen":
            lines = rng.sample(_CITIZEN_LINES, len(_CITIZEN_LINES))
            case = _not_bsn(rng)
            for _ in range({"short": 1, "medium": 2, "long": 4}[size]):
                chunk, lines = lines[:2], lines[2:]
                paras.append(" ".join(self.fill(t, when, case=case) for t in chunk))
            if sender.phone and rng.random() < 0.7:
                paras.append(f"U kunt mij bereiken op {sender.tel()}.")
            paras.append(rng.choice(("Met vriendelijke groet,", "Hoogachtend,")))
            paras.append(sender.P("full"))
            if rng.random() < 0.6:
                paras.append(f"{_X(sender.street)}, {_X(sender.postcode_city)}")
            return paras
        if has_attachment:
            paras.append("Bijgaand stuur ik het stuk waar we het over hadden. " + self.one(_MAIL_LINES))
        n = {"short": 2, "medium": 5, "long": 9}[size]
        for i in range(n):
            r = rng.random()
            mates = [h for h in people if h is not sender and h not in to]
            if mates and r < 0.35:
                line = self.fill(self.one(_PERSON_MAIL_LINES), when, self.pick(mates, 1, skew=False))
                paras.append(self.one(_MAIL_LINES) + " " + line)
            elif r < 0.6 or i == 0:
                paras.append(" ".join(self.draw(_MAIL_LINES, rng.randint(1, 3))))
            else:
                paras.append(self.policy_paragraph(when, mates, official, (2, 5)))
        if official is not None and not any(_O0 in p for p in paras):
            paras.append(self.fill(self.one(_OFFICIAL_LINES[official.office]), when, official=official))
        paras.append(rng.choice(("Groet,", "Met vriendelijke groet,", "Hartelijke groet,", "Groeten,")))
        if addressee is not None and addressee.role == "citizen" or rng.random() < 0.5:
            paras.append("\n".join([sender.P("full"), sender.function, f"{sender.unit}", sender.org[0],
                                    f"T {sender.tel()}" if sender.phone else "", f"E {sender.mail_addr()}"]))
        else:
            paras.append(sender.P("first"))
        return paras

    def addr(self, h, with_mail: bool) -> str:
        if h.role == "org":
            return f"{h.name} <{h.email}>"
        name = h.P(self.rng.choice(("outlook", "outlook", "outlook_first", "full"))) if h.role == "civil_servant" \
            else h.P("full")
        return f"{name} <{h.mail_addr()}>" if with_mail and h.email else name

    def message_blocks(self, c: _Content, msg: dict) -> None:
        for line in msg["head"]:
            c.p(line)
        c.gap()
        for para in msg["body"]:
            for line in para.split("\n"):
                if line:
                    c.p(line)
            c.gap(0.6)

    def org_mailbox(self, org) -> _Human:
        h = _Human("org", "", "", "", "")
        h.name = {"BZK": "Woo-loket BZK", "Zwolle": "Klantcontactcentrum"}.get(org[1], f"Postbus {org[1]}")
        h.email = org[7]
        return h

    def email_parties(self, org, internal: bool = False):
        """sender, to, cc, people of the team involved."""
        rng = self.rng
        team = self.teams[org[1]]
        r = 1.0 if internal else rng.random()
        if r < 0.2:   # citizen writes to the organisation
            citizen = self.pick(self.citizens)[0]
            to = [self.pick(team)[0]] if rng.random() < 0.6 else [self.org_mailbox(org)]
            return citizen, to, [], team
        if r < 0.32:  # the organisation writes to a citizen
            citizen = self.pick(self.citizens)[0]
            citizen.email = citizen.email or f"{_fold(citizen.first).lower()}{rng.randrange(10, 99)}@mail.nl"
            return self.pick(team)[0], [citizen], [], team
        members = self.pick(team, rng.randint(2, 4))
        if rng.random() < 0.25:  # someone of another organisation joins
            other = rng.choice([o for o in _ORGS if o is not org])
            members.append(self.pick(self.teams[other[1]])[0])
        sender, to, cc = members[0], members[1:2], members[2:]
        return sender, to, cc, team

    def office_hours(self, t: _dt.datetime) -> _dt.datetime:
        if not 7 <= t.hour <= 21:
            t = t.replace(hour=self.rng.randrange(8, 18))
        return t

    def email(self, org, topic, when, size, attachments=(), quoting: tuple | None = None) -> tuple[_Draft, dict]:
        """An e-mail (with the earlier messages of its thread). ``quoting``: (message, content) of an e-mail
        filed on its own that this reply quotes whole."""
        self.new_document()
        rng = self.rng
        official = self.maybe_official(0.35)
        c = _Content()
        c.footer = "number"
        thread: list[dict] = []
        if quoting is not None:
            earlier = quoting[0]
            sender = earlier["to"][0] if earlier["to"][0].role != "org" else self.pick(self.teams[org[1]])[0]
            to, cc = [earlier["sender"]], earlier["cc"][:1]
            subject = "RE: " + earlier["subject"].removeprefix("RE: ")
            msg = self.message(when, sender, to, cc, subject, self.teams[org[1]], attachments, official, size)
        else:
            sender, to, cc, team = self.email_parties(org, internal=bool(attachments))
            depth = 0
            if to[0].role != "org" and rng.random() < 0.55:
                depth = {"short": 1, "medium": 2, "long": 3}[size]
            subject = ("RE: " if depth else "") + topic
            msg = self.message(when, sender, to, cc, subject, team, attachments, official, size)
            t, a, b = when, to[0], sender
            for k in range(depth):
                t = self.office_hours(t - _dt.timedelta(hours=rng.randrange(1, 50), minutes=rng.randrange(60)))
                subj = topic if k == depth - 1 else "RE: " + topic
                thread.append(self.message(t, a, [b], cc, subj, team, size="short" if k else size))
                a, b = b, a
        mailbox_owner = sender if sender.role == "civil_servant" else (to[0] if to and to[0].role == "civil_servant"
                                                                        else None)
        if mailbox_owner is not None and rng.random() < 0.5:
            c.header = mailbox_owner.P("full")
        self.message_blocks(c, msg)
        if quoting is not None:  # the whole earlier e-mail, disclaimer included
            c.p("-----Oorspronkelijk bericht-----")
            c.blocks += copy.deepcopy(quoting[1].blocks)
            return _Draft("email", c, msg["subject"], when, org[0]), msg
        for earlier in thread:
            if rng.random() < 0.7:
                c.p("-----Oorspronkelijk bericht-----")
                self.message_blocks(c, earlier)
            else:
                s = earlier["sender"]
                who = s.P("full") + (f" <{s.mail_addr()}>" if s.email else "")
                c.p(f"Op {earlier['when']:%d-%m-%Y} om {earlier['when']:%H:%M} schreef {who}:")
                for para in earlier["body"]:
                    for line in para.split("\n"):
                        if line:
                            c.p(line, indent=12)
                    c.gap(0.6)
        c.p(_DISCLAIMER, style="small")
        return _Draft("email", c, msg["subject"], when, org[0]), msg

    # --- nota / notitie
    def note(self, org, topic, when, size) -> _Draft:
        self.new_document()
        rng = self.rng
        team = self.teams[org[1]]
        author = self.pick(team)[0]
        people = [h for h in self.pick(team, 4) if h is not author]
        if rng.random() < 0.3:
            people.append(self.pick(self.civil)[0])
        official = self.maybe_official(0.6)
        c = _Content()
        c.header = org[0]
        kenmerk = f"{when.year}-{rng.randrange(10**9, 10**10):010d}"
        kind = rng.choice(("Nota aan de minister", "Beslisnota", "Beleidsnotitie", "Notitie"))
        c.p(author.unit, style="bold")
        c.p(f"{org[3]}, {org[4]}", style="small")
        c.gap()
        c.p(kind, style="title")
        c.gap()
        abbr = _MINISTRY_ABBR.get(org[1], "BZK")
        if kind in ("Nota aan de minister", "Beslisnota"):
            c.kv("Aan", rng.choice((f"de minister van {abbr}", f"de staatssecretaris van {abbr}")))
        c.kv("Van", author.unit)
        c.kv("Contactpersoon", author.titled())
        if rng.random() < 0.8:
            c.kv("Telefoon", author.tel())
        c.kv("E-mail", author.mail_addr())
        c.kv("Datum", _nl_date(when.date()))
        c.kv("Kenmerk", kenmerk)
        if rng.random() < 0.5:
            c.kv("Kopie aan", rng.choice(("SG, pSG, DG", "DGOO, DCOM", "plv. DG")))
        c.kv("Onderwerp", topic)
        c.gap()
        sections = ["Aanleiding", "Geadviseerd besluit", "Kernpunten", "Toelichting"]
        n_par = {"short": 2, "medium": 3, "long": 5}[size]
        if size != "short":
            sections += ["Financiële gevolgen", "Communicatie"]
        if size == "long":
            sections += ["Uitvoering", "Vervolg"]
        for i, section in enumerate(sections):
            optional = i >= 2
            c.p(section, style="head", optional=optional)
            if section == "Geadviseerd besluit":
                c.p(rng.choice(("Wij adviseren u akkoord te gaan met het voorgestelde standpunt.",
                                "Wij adviseren u kennis te nemen van deze nota en in te stemmen met de "
                                "bijgevoegde brief aan de Kamer.")))
            elif section == "Kernpunten":
                for _ in range(rng.randint(2, 4)):
                    c.hang("- " + self.policy_paragraph(when, people, official, (1, 2), topic), indent=10,
                           optional=True)
            else:
                for _ in range(rng.randint(max(1, n_par - 1), n_par)):
                    c.p(self.policy_paragraph(when, people, official, (3, 6), topic), optional=optional)
                    c.gap(0.6, optional=optional)
            c.gap(0.6, optional=optional)
        if official is not None and official.office in ("minister", "staatssecretaris") and rng.random() < 0.4:
            c.p(f"Akkoord, de {official.office} van {official.where},")
            c.p(official.P("initials"))
        return _Draft("note", c, f"{kind}: {topic}", when, org[0], kenmerk)

    # --- letters
    def letter(self, org, when, size, citizen=None) -> _Draft:
        self.new_document()
        rng = self.rng
        citizen = citizen or self.pick(self.citizens)[0]
        if rng.random() < 0.25:
            return self.citizen_letter(org, when, citizen, size)
        handler = self.pick(self.teams[org[1]])[0]
        subject = rng.choice(_LETTER_SUBJECTS)
        case = rng.choice((_not_bsn(rng), f"Z-{when.year}-{rng.randrange(1000, 99999):06d}"))
        c = _Content()
        c.footer = "page"
        c.p(org[0], style="title")
        c.p(f"{org[3]}, {org[4]}", style="small")
        c.gap(2)
        c.p(("Mevrouw " if citizen.gender == "v" else "De heer ") + citizen.P("initials"))
        c.p(_X(citizen.street))
        c.p(_X(citizen.postcode_city))
        c.gap(2)
        c.kv("Datum", _nl_date(when.date()))
        c.kv("Zaaknummer", case)
        c.kv("Behandeld door", handler.P(rng.choice(("initials", "full"))))
        c.kv("Telefoon", handler.tel() if handler.phone and rng.random() < 0.5 else org[8])
        c.kv("Onderwerp", subject[0].upper() + subject[1:])
        c.gap()
        c.p(f"Geachte {citizen.hon()},")
        c.gap(0.6)
        received = _nl_date((when - _dt.timedelta(days=rng.randrange(10, 90))).date())
        c.p(f"Deze brief gaat over {subject}. Op {received} hebben wij uw stukken ontvangen. " + _LETTER_LINES[0])
        c.gap(0.6)
        data = []
        if rng.random() < 0.55:
            data.append(("Burgerservicenummer", _X(citizen.bsn)))
        if rng.random() < 0.5:
            data.append(("Geboortedatum", _X(citizen.dob)))
        if rng.random() < 0.5:
            data.append(("Rekeningnummer (IBAN)", _X(citizen.iban)))
        if data:
            c.p("Uw gegevens", style="bold")
            c.kv("Naam", citizen.P("full"))
            c.kv("Adres", f"{_X(citizen.street)}, {_X(citizen.postcode_city)}")
            for label, value in data:
                c.kv(label, value)
            c.gap()
        if rng.random() < 0.5:
            c.p(f"Wij kennen u een bedrag toe van EUR {_amount(rng)}. Dit bedrag maken wij binnen tien werkdagen over "
                f"op rekeningnummer {_X(citizen.iban)} ten name van {citizen.P('initials')}.")
            c.gap(0.6)
        if rng.random() < 0.35:
            c.p(f"Uw burgerservicenummer {_X(citizen.bsn)} is gebruikt om uw gegevens in de Basisregistratie "
                "Personen te controleren.")
            c.gap(0.6)
        if "parkeervergunning" in subject and citizen.plate:
            c.p(f"De vergunning geldt voor het voertuig met kenteken {_X(citizen.plate)}.")
            c.gap(0.6)
        lines = rng.sample(_LETTER_LINES[1:], len(_LETTER_LINES) - 1)
        for _ in range({"short": 3, "medium": 6, "long": 11}[size]):
            chunk, lines = lines[:2], lines[2:]
            if not chunk:
                chunk = [self.policy_paragraph(when, [], None, (2, 3))]
            c.p(" ".join(self.fill(t, when, orgphone=org[8]) for t in chunk), optional=True)
            c.gap(0.6, optional=True)
        c.p("Met vriendelijke groet,")
        c.gap(0.6)
        c.p(rng.choice((handler.P("full"), handler.titled())))
        c.p(handler.function)
        return _Draft("letter", c, f"Brief: {subject}", when, org[0], case)

    def citizen_letter(self, org, when, citizen, size) -> _Draft:
        rng = self.rng
        c = _Content()
        c.footer = ""
        c.p(citizen.P("full"))
        c.p(_X(citizen.street))
        c.p(_X(citizen.postcode_city))
        if citizen.phone:
            c.p("Tel. " + citizen.tel())
        if citizen.email:
            c.p(_X(citizen.email))
        c.gap(2)
        c.p(org[0])
        c.p(rng.choice(org[5]))
        c.p(org[3])
        c.p(org[4])
        c.gap(2)
        c.p(f"{citizen.postcode_city.split(' ', 2)[2]}, {_nl_date(when.date())}")
        c.gap()
        subject = rng.choice(("Bezwaarschrift", "Klacht", "Verzoek om informatie"))
        case = _not_bsn(rng)
        c.p(f"Betreft: {subject.lower()}, uw kenmerk {case}", style="bold")
        c.gap()
        c.p("Geachte heer, mevrouw,")
        c.gap(0.6)
        lines = rng.sample(_CITIZEN_LINES, len(_CITIZEN_LINES))
        for _ in range({"short": 2, "medium": 4, "long": 7}[size]):
            chunk, lines = lines[:2], lines[2:]
            if chunk:
                c.p(" ".join(self.fill(t, when, case=case) for t in chunk), optional=True)
                c.gap(0.6, optional=True)
        if rng.random() < 0.5:
            c.p(f"Mijn burgerservicenummer is {_X(citizen.bsn)}.")
            c.gap(0.6)
        c.p("Hoogachtend,")
        c.gap(1.5)
        c.p(citizen.P("initials"))
        return _Draft("letter", c, subject, when, "", case)

    # --- meeting minutes
    def minutes(self, org, topic, when, size) -> _Draft:
        self.new_document()
        rng = self.rng
        team = self.teams[org[1]]
        present = self.pick(team, rng.randint(3, 6))
        others = [o for o in _ORGS if o is not org]
        guests = [self.pick(self.teams[o[1]])[0] for o in rng.sample(others, rng.randint(0, 2))]
        present += [g for g in guests if g not in present]
        chair, scribe = present[0], present[1]
        absent = [h for h in self.pick(team, 2) if h not in present][:1]
        official = self.maybe_official(0.5)
        c = _Content()
        c.header = f"Verslag - {org[0]}"
        c.p("Verslag", style="title")
        c.p(f"Overleg {topic.lower()}", style="head")
        c.gap()
        start = when.replace(hour=rng.choice((9, 10, 13, 14)), minute=rng.choice((0, 30)))
        c.kv("Datum", f"{_WEEKDAYS[start.weekday()]} {_nl_date(start.date())}, {start:%H.%M} - "
                      f"{start.hour + rng.randint(1, 2)}.{start.minute:02d} uur")
        c.kv("Locatie", rng.choice(("Online (MS Teams)", "Turfmarkt, zaal 4.12", "Stadhuis, kamer 2.03",
                                    "Hoftoren, vergaderzaal 11")))
        c.kv("Voorzitter", chair.P(rng.choice(("full", "initials"))))
        c.kv("Verslag", scribe.P("full"))
        c.gap(0.6)
        c.p("Aanwezig", style="bold")
        for h in present:
            c.hang(f"- {rng.choice((h.P('full'), h.titled()))} ({h.org[1]}, {h.function})", indent=10)
        if official is not None and official.office in ("burgemeester", "wethouder"):
            c.hang(f"- {official.office} {official.P('formal')} (gemeente {official.where})", indent=10)
        if absent:
            c.p("Afwezig", style="bold")
            c.hang(f"- {absent[0].P('full')} (met kennisgeving)", indent=10)
        c.gap()
        points = list(_MINUTES_POINTS)
        if size == "short":
            points = points[:3] + points[-1:]
        for i, point in enumerate(points, 1):
            optional = 3 < i < len(points)
            c.p(f"{i}. {point.format(topic=topic.lower())}", style="bold", optional=optional)
            if i == 1:
                c.p(self.fill(_MINUTES_OPEN, when, [chair]) + " " + self.fill(_POLICY[0], when))
            elif i == len(points):
                c.p(f"Er zijn geen punten voor de rondvraag. {chair.P('first')} sluit de vergadering.")
            else:
                for _ in range({"short": 1, "medium": 2, "long": 3}[size]):
                    speakers = self.pick(present, 2, skew=False)
                    text = " ".join(self.fill(self.one(_MINUTES_LINES), when, speakers) for _ in range(2))
                    text += " " + self.policy_paragraph(when, present, official, (1, 2), topic)
                    c.p(text, optional=optional)
                    c.gap(0.4, optional=optional)
            c.gap(0.6, optional=optional)
        c.p("Actiepunten", style="bold")
        for k in range(rng.randint(2, 4)):
            h = rng.choice(present)
            due = _nl_date((when + _dt.timedelta(days=rng.randrange(7, 40))).date())
            c.hang(f"{k + 1}. {h.P('first')} {self.one(_ACTIONS)} (voor {due})", indent=14)
        return _Draft("minutes", c, f"Verslag overleg {topic.lower()}", when, org[0])

    # --- chat export
    def chat(self, org, topic, when, size) -> _Draft:
        self.new_document()
        rng = self.rng
        team = self.teams[org[1]]
        members = self.pick(team, rng.randint(2, 4))
        owner = members[0]
        c = _Content()
        c.footer = "number"
        teams = rng.random() < 0.5
        c.p("Export chatberichten" if not teams else "Export Teams-chat", style="title")
        c.gap(0.6)
        c.kv("Gesprek", rng.choice((f"Woo-team {org[1]}", topic, f"Crisisteam {org[1]}", "Kernteam")))
        c.kv("Geëxporteerd door", owner.P("full"))
        if owner.phone and not teams:
            c.kv("Telefoonnummer", owner.tel())
        c.kv("Deelnemers", ", ".join(h.P("full") for h in members))
        c.gap()
        unsaved = rng.choice(self.citizens + members[1:]) if rng.random() < 0.3 else None
        short_names = rng.random() < 0.5
        t = when.replace(hour=rng.randrange(7, 11))
        stamp_format = "[%H:%M]" if teams or rng.random() < 0.5 else "[%d-%m-%Y %H:%M]"
        n = {"short": rng.randint(10, 25), "medium": rng.randint(30, 55), "long": rng.randint(70, 110)}[size]
        day = None
        for i in range(n):
            t += _dt.timedelta(minutes=rng.randrange(1, 50))
            if t.hour >= 20:
                t = (t + _dt.timedelta(days=1 if t.weekday() < 4 else 7 - t.weekday())).replace(
                    hour=rng.randrange(7, 10), minute=rng.randrange(60))
            if t.date() != day:
                day = t.date()
                c.p(f"-- {_WEEKDAYS[day.weekday()]} {_nl_date(day)} --", style="small", optional=i > 0)
            who = rng.choice(members)
            if unsaved is not None and unsaved.phone and rng.random() < 0.15:
                name = unsaved.tel()
            else:
                name = who.P("first") if short_names else who.P("full")
            r = rng.random()
            others = [h for h in team if h is not who]
            if r < 0.2:
                text = self.fill(self.one(_PERSON_CHAT_LINES), when, self.pick(others, 1, skew=False))
            elif r < 0.27:
                official = rng.choice(self.officials)
                text = self.fill(self.one(_OFFICIAL_LINES[official.office]), when, official=official)
            else:
                text = self.one(_CHAT_LINES)
            stamp = t.strftime(stamp_format)
            c.hang(f"{stamp} {name}: {text}", indent=36, style="body", optional=i > 4)
        return _Draft("chat", c, f"Chatberichten {topic.lower()}", when, org[0])


# ------------------------------------------------------------------------------------------ near copies


def _near_variant(rng: random.Random, draft: _Draft) -> _Draft:
    """The same document with a few words changed, or re-rendered with another font size or margins."""
    new = copy.deepcopy(draft)
    how = rng.choice(("words", "render", "both"))
    if how in ("words", "both"):
        candidates = [(i, a, b) for i, blk in enumerate(new.content.blocks) for a, b in _NEAR_SWAPS
                      if blk.kind in ("p", "hang") and re.search(rf"\b{a}\b", blk.text)]
        rng.shuffle(candidates)
        done = 0
        for i, a, b in candidates:
            blk = new.content.blocks[i]
            if re.search(rf"\b{a}\b", blk.text):
                blk.text = re.sub(rf"\b{a}\b", b, blk.text, count=1)
                done += 1
            if done >= rng.randint(1, 3):
                break
        if not done:
            body = [blk for blk in new.content.blocks if blk.kind == "p" and blk.style == "body"]
            body[len(body) // 2].text += " (aangepast)"
    if how in ("render", "both"):
        s = new.style
        if rng.random() < 0.5:
            s.size += rng.choice((-0.5, 0.5)) if s.size < 11 else -0.5
        else:
            delta = rng.choice((-10, -6, 6, 10))
            s.left, s.right = s.left + delta, s.right + delta
    return new


# ------------------------------------------------------------------------------------------- the package


def _counts(n: int) -> dict[str, int]:
    uns = min(5, max(1, n // 40)) if n >= 10 else 0
    exact = round(n * 0.25)
    near = round(n * 0.10)
    quoted = max(1, round(n * 0.03)) if n >= 10 else 0
    attach = max(1, round(n * 0.07)) if n >= 10 else 0
    base = n - uns - exact - near - quoted - attach
    while base < max(1, quoted) and (exact or near or attach):
        exact, near, attach = max(0, exact - 1), max(0, near - 1), max(0, attach - 1)
        base = n - uns - exact - near - quoted - attach
    return dict(unsupported=uns, exact=exact, near=near, quoted=quoted, attachments=attach, base=base)


_FOLDERS = {"email": ("01 e-mails", "mail"), "note": ("02 notities", "nota"), "letter": ("03 brieven", "brief"),
            "minutes": ("04 verslagen", "verslag"), "chat": ("05 chatberichten", "chat")}
_SOURCES = ("10 bron Communicatie", "11 bron Directie Wetgeving", "12 bron Secretariaat DG", "13 bron Juridische Zaken")


def make_package(folder: Path, n: int = 300, seed: int = 7, as_zip: Path | None = None) -> PlannedPackage:
    """Write n documents (varied Dutch Woo documents) into folder (or into a ZIP at as_zip as well); deterministic
    for a seed."""
    folder = Path(folder)
    rng = random.Random(seed)
    w = _Writer(rng)
    counts = _counts(n)
    files: dict[str, bytes] = {}
    plan: list[PlannedDocument] = []
    drafts: dict[str, _Draft] = {}
    counters = {k: 0 for k in _FOLDERS}

    def new_path(kind: str) -> str:
        counters[kind] += 1
        sub, stem = _FOLDERS[kind]
        return f"{sub}/{stem}-{counters[kind]:04d}.pdf"

    def size_class() -> str:
        r = rng.random()
        return "short" if r < 0.45 else "medium" if r < 0.92 else "long"

    def emit(path: str, draft: _Draft, **plan_kw) -> PlannedDocument:
        data, pages, found = _render(draft.content, draft.style, {"title": draft.title, "date": draft.date,
                                                                  "author": draft.author})
        files[path] = data
        drafts[path] = draft
        doc = PlannedDocument(path, draft.kind, found["persons"], found["officials"], pages=pages, title=draft.title,
                              date=draft.date.date().isoformat(), case_number=draft.case_number, pii=found["pii"],
                              **plan_kw)
        plan.append(doc)
        return doc

    def style_for(kind: str) -> _Style:
        s = _Style(size=rng.choice((10.0, 10.0, 10.5, 11.0)) if kind != "chat" else rng.choice((9.5, 10.0)),
                   left=rng.choice((64.0, 72.0, 72.0, 80.0)), right=rng.choice((64.0, 72.0)))
        return s

    # plan the originals: kinds, which e-mails get attachments, which are replies to a mail filed separately
    kinds = rng.choices(["email", "note", "letter", "minutes", "chat"], [36, 20, 20, 12, 12], k=counts["base"])
    if counts["base"] >= 5:  # every kind at least once, also in small packages
        kinds[:5] = ["email", "note", "letter", "minutes", "chat"]
        rng.shuffle(kinds)
    n_quoted = min(counts["quoted"], kinds.count("email")) if counts["base"] > 1 else 0
    if counts["quoted"] and not n_quoted:
        kinds[0], n_quoted = "email", 1
    email_slots = [i for i, k in enumerate(kinds) if k == "email"]
    quoted_slots = set(rng.sample(email_slots, n_quoted))
    attach_slots: dict[int, int] = {}
    candidates = [i for i in email_slots if i not in quoted_slots] or email_slots
    for _ in range(counts["attachments"]):
        i = rng.choice(candidates)
        attach_slots[i] = attach_slots.get(i, 0) + 1
    if not email_slots:
        counts["base"] += counts["attachments"]
        kinds += rng.choices(["note", "letter"], k=counts["attachments"])

    for i, kind in enumerate(kinds):
        org = rng.choice(_ORGS[:4]) if kind in ("note", "minutes") else rng.choice(_ORGS)
        if kind == "letter":
            org = rng.choice(_ORGS[4:] + _ORGS[:3])
        topic = rng.choice(_TOPICS)
        when = w.date()
        size = size_class()
        if kind == "email":
            path = new_path("email")
            stem = path.rsplit("/", 1)[1][:-4]
            names = [f"{stem}_bijlage{k + 1}.pdf" for k in range(attach_slots.get(i, 0))]
            if i in quoted_slots:  # an earlier e-mail, filed on its own, and the reply that quotes it whole
                earlier_when = w.office_hours(when - _dt.timedelta(days=rng.randrange(0, 4), hours=rng.randrange(1, 8)))
                earlier_draft, earlier_msg = w.email(org, topic, earlier_when, "short")
                earlier_draft.style = style_for("email")
                draft, _ = w.email(org, topic, when, "short", names, quoting=(earlier_msg, earlier_draft.content))
                draft.style = earlier_draft.style  # the same width: the quoted lines wrap the same way
                reply = emit(path, draft)
                emit(new_path("email"), earlier_draft, duplicate_of=reply.path, duplicate_kind="quoted")
            else:
                draft, _ = w.email(org, topic, when, size, names)
                draft.style = style_for("email")
                emit(path, draft)
            for k, name in enumerate(names):
                folder_name = path.rsplit("/", 1)[0]
                if rng.random() < 0.5:
                    att = w.note(org if org in w.ministries else rng.choice(w.ministries), topic, when, "short")
                else:
                    att = w.letter(org, when, "short")
                att.style = style_for(att.kind)
                emit(f"{folder_name}/{name}", att, family_of=path)
        else:
            draft = w.letter(org, when, size) if kind == "letter" else getattr(w, kind)(org, topic, when, size)
            draft.style = style_for(kind)
            emit(new_path(kind), draft)

    originals = [d for d in plan if d.duplicate_kind is None]
    weights = [3.0 if d.kind == "email" else 1.0 for d in originals]
    taken = set(files)

    def copy_path(original: str, near: bool) -> str:
        base = original.rsplit("/", 1)[1]
        stem = base[:-4]
        for attempt in range(100):
            src = rng.choice(_SOURCES)
            name = base if attempt == 0 and rng.random() < 0.6 else (
                f"{stem} (versie {rng.randint(2, 4)}).pdf" if near else f"kopie {rng.randint(1, 9)} {base}")
            path = f"{src}/{name}"
            if path not in taken:
                taken.add(path)
                return path
        raise RuntimeError("no free path")

    for _ in range(counts["exact"]):
        orig = rng.choices(originals, weights)[0]
        path = copy_path(orig.path, near=False)
        files[path] = files[orig.path]
        plan.append(PlannedDocument(path, orig.kind, list(orig.persons), list(orig.officials), orig.path, "exact",
                                    None, orig.pages, orig.title, orig.date, orig.case_number, list(orig.pii)))
    for _ in range(counts["near"]):
        orig = rng.choices(originals, weights)[0]
        path = copy_path(orig.path, near=True)
        variant = _near_variant(rng, drafts[orig.path])
        emit(path, variant, duplicate_of=orig.path, duplicate_kind="near")

    for k in range(counts["unsupported"]):
        # kinds no converter takes (Office files, e-mails and scans are converted, see redaction.convert)
        ext, magic = [(".dwg", b"AC1032"), (".gif", b"GIF89a"), (".mbox", b"From MAILER-DAEMON "),
                      (".pst", b"!BDN"), (".dwg", b"AC1027")][k % 5]
        path = f"06 overig/{'foto' if ext == '.gif' else 'bestand'}-{k + 1:04d}{ext}"
        files[path] = magic + rng.randbytes(rng.randrange(2000, 12000))
        plan.append(PlannedDocument(path, "unsupported", [], [], pages=0, title=""))

    folder.mkdir(parents=True, exist_ok=True)
    for path, data in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    if as_zip is not None:
        as_zip = Path(as_zip)
        as_zip.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(as_zip, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(files):
                info = zipfile.ZipInfo(path, date_time=(2024, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, files[path])

    people = []
    aliases: dict[str, list[str]] = {}
    for doc in plan:
        for s in doc.persons + doc.officials:
            aliases.setdefault(s, [])
    for h in w.civil + w.citizens + w.officials:
        forms = [s for s in aliases if _belongs(s, h)]
        h.aliases = forms
        people.append(Person(h.full, h.role, h.email, h.phone, forms))
    plan.sort(key=lambda d: d.path)
    return PlannedPackage(plan, people)


def _belongs(written: str, h: _Human) -> bool:
    """Whether a written name form names this person (every cast member has unique name tokens)."""
    toks = [t for t in _tokens(written) if t not in _TV_TOKENS]
    own = {t for t in _tokens(h.first + " " + h.core) if t not in _TV_TOKENS}
    return bool(toks) and any(t in own for t in toks)


def _check_vocabulary() -> list[str]:
    """Name tokens that also occur as words of the templates (must be empty)."""
    words = _template_words()
    clashes = []
    for f, m in _FIRST.values():
        clashes += [t for name in (f + " " + m).split() for t in _tokens(name) if t in words]
    for s in _SURNAMES.values():
        for entry in s.split():
            clashes += [t for t in _tokens(_split_surname(entry)[1]) if t in words and t not in _TV_TOKENS]
    for _, _, first, _, core, _ in _OFFICIALS:
        clashes += [t for t in _tokens(first + " " + core) if t in words]
    return clashes
