"""Find person names in a whole document's text: lexicons + structure + consistency.

The detector works in four passes over the tokens of one document:

1. *structure*: e-mail header fields, signature blocks, form/contact/author labels, chat senders,
   attendee and table lines, paraph columns; in these places a name-shaped sequence is accepted even
   when the name lists do not know it;
2. *running text*: initials + surname, title + name, mevrouw/de heer + surname, known first name
   (+ surname), Outlook forms (``Vries, Sanne de``), names after cue words ("Volgens", "besproken met")
   or before a job title in brackets;
3. *public officials*: a role word in front of a name ("minister", "het lid", "Motie ... c.s.",
   "wethouder"), after it, or in the role cell of a table row marks the name as one to keep;
4. *consistency*: every name found once is looked up again in the whole document, also in its short
   forms (first name, surname with its tussenvoegsel, initial + surname).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from redaction.names.lexicon import Lexicon, get_lexicon
from redaction.names.tokens import Tok, line_spans, tokenize

_STREET_SUFFIXES = ("straat", "weg", "laan", "plein", "kade", "gracht", "singel", "dreef", "steeg", "markt",
                    "park", "hof", "dijk", "pad", "plantsoen", "boulevard", "wal", "haven", "veld")
_PREP_IFX = {"in", "op", "aan", "bij", "uit", "voor", "onder", "over", "tot"}
_ARTICLES = {"de", "den", "der", "het", "'t", "t", "la", "le"}
# "naam melder", "naam van de bewoner": the name of someone in a role, as forms label it
_PLACE_PREPOSITIONS = frozenset({"in", "naar", "uit", "te", "bij", "rond", "richting", "via", "tussen", "vanuit",
                                 "nabij", "omgeving", "gemeente", "provincie", "regio", "station"})
_THING_ROLES = frozenset({"organisatie", "bedrijf", "onderneming", "instelling", "instantie", "school", "project",
                          "bestand", "document", "regeling", "product", "dienst", "afdeling", "team", "locatie"})
_NAME_LABEL = re.compile(r"naam(?: (?:van|v/d|de|het))*(?: [a-zà-ÿ-]+){1,2}")

# Dutch abbreviations of "X en Y" (ministries and boards: IenW, JenV, BenW, OCenW): never a surname, although
# they start with a capital and are not all capitals ("de minister van IenW").
_EN_ABBREVIATION = re.compile(r"[A-Z]{1,3}en[A-Z]{1,3}")
_ORG_SUFFIXES = ("bureau", "dienst", "bedrijf", "raad", "bank", "centrum", "instituut", "fonds", "kantoor",
                 "vereniging", "stichting", "inspectie", "autoriteit", "agentschap", "groep", "verband", "partners",
                 "ministerie", "gemeente", "provincie", "rechtbank", "commissie", "platform", "overleg", "loket",
                 "nota", "brief", "besluit", "rapport", "verslag", "dossier", "regeling", "wet", "beleid", "zaken")
_TIMESTAMP_LINE = re.compile(
    r"^\s*\[?\d{1,4}[-/.]\d{1,2}[-/.]\d{2,4},?\s+\d{1,2}[:.]\d{2}(?::\d{2})?\]?\s*$")
_CHAT_PREFIX = re.compile(
    r"^\s*\[?\d{1,4}[-/.]\d{1,2}[-/.]\d{2,4},?\s+\d{1,2}[:.]\d{2}(?::\d{2})?\]?\s*(?:-\s*)?"
    r"|^\s*\[?\d{1,2}:\d{2}(?::\d{2})?\]?\s*(?:-\s*)?")
# particle sequences that are strong evidence of a surname on their own ("van der Sluis", "v/d Sluis")
_STRONG_PARTICLES = {("van", "der"), ("van", "den"), ("van", "de"), ("van", "het"), ("van", "'t"), ("in", "'t"),
                     ("op", "'t"), ("van", "ter"), ("van", "ten"), ("ter",),
                     ("ten",), ("v/d",), ("v/d.",), ("v.d.",), ("vd",), ("van", "der", "de"), ("de", "la"),
                     ("von", "der"), ("von", "dem"), ("van", "le"), ("dos",), ("della",), ("degli",)}
# Arabic/Berber particles before a surname ("El Ahmadi", "Ait Haddou", "Ben Salah")
_ARABIC_PARTICLES = {"el", "al", "ait", "aït", "ben", "bin", "ibn", "abu", "abou", "bou", "ou"}
# family words: "mijn zoon Ilias", "haar broer Dawit"
_KIN = {"zoon", "dochter", "man", "vrouw", "partner", "broer", "zus", "zuster", "moeder", "vader", "neef",
        "nicht", "oom", "tante", "opa", "oma", "kleinzoon", "kleindochter", "echtgenoot", "echtgenote",
        "vriend", "vriendin", "schoonzoon", "schoondochter", "stiefzoon", "stiefdochter", "pleegzoon",
        "pleegdochter", "zwager", "schoonzus", "buurman", "buurvrouw", "kind", "baby"}
# words right before a capitalised word that make it a thing, not a person ("de Kroon", "langs de Vecht")
_DETERMINERS = {"de", "het", "een", "der", "den", "des", "die", "dat", "deze", "dit", "zijn", "haar", "hun", "onze",
                "ons", "uw", "mijn", "je", "jouw", "elke", "ieder", "iedere", "elk", "geen", "welke", "welk", "langs",
                "per", "via", "naar", "te", "ter", "ten", "in", "op", "uit", "vanuit", "rond", "nabij", "richting",
                "methode", "systeem", "model", "merk", "type", "project", "programma", "regeling", "fonds"}
_POSSESSIVE = {"mijn", "m'n", "zijn", "z'n", "haar", "onze", "ons", "uw", "hun", "jouw", "je", "d'r"}
# words after which a capital letter is an item label, not an initial ("bijlage A", "scenario B")
_LABEL_WORDS = {"bijlage", "fase", "variant", "optie", "scenario", "categorie", "type", "klasse", "groep",
                "artikel", "lid", "onderdeel", "sub", "model", "stap", "punt", "blok", "niveau", "vak", "zone",
                "kavel", "gebouw", "vleugel", "route", "lijst", "tabel", "figuur", "paragraaf", "hoofdstuk",
                "deel", "box", "schaal", "pakket", "plan", "vorm", "kolom", "rij", "regel", "versie", "spoor",
                "sector", "kamer", "zaal", "ingang", "terminal", "perron", "plan", "conform", "ex", "en", "of"}
# endings of Dutch nouns and inflected adjectives that names rarely have ("Voorzieningen", "Financiële")
_DUTCH_WORD_ENDINGS = ("ingen", "ing", "heid", "heden", "iteit", "atie", "aties", "isme", "schap", "ische", "lijke",
                       "iële", "ele", "ale", "ieve", "ende", "sche", "erij", "age", "ment", "tuur", "zaken")
_ROYAL = {"koning", "koningin", "prins", "prinses", "sint", "st", "hertog", "paus", "keizer", "keizerin"}
_POST_TITLES = {"msc", "ma", "ba", "bsc", "mba", "phd", "llm"}
_PRE_TITLES: set[str] = set()  # filled from the lexicon on first use
# verbs in _STRONG_VERBS that also follow a thing: "Post is verstuurd", "Licht geeft ..."
_THING_VERBS = {"heeft", "had", "is", "was", "neemt", "geeft", "gaf", "stelt", "stelde", "sluit", "opent", "heet",
                "licht", "lichtte"}
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_SENTENCE_END = set(".!?:;•–—-*\"“”(")
_STRONG_VERBS = {"zei", "zegt", "licht", "lichtte", "vraagt", "vroeg", "opent", "sluit", "meldt", "meldde",
                 "merkt", "antwoordt", "antwoordde", "reageert", "reageerde", "bevestigt", "bevestigde",
                 "benadrukt", "benadrukte", "neemt", "heeft", "had", "is", "was", "schreef", "schrijft",
                 "gaf", "geeft", "stelt", "stelde", "belde", "belt", "mailde", "appte", "verwelkomt", "heet"}


@dataclass
class NameMatch:
    start: int
    end: int
    text: str
    score: float
    reason: str
    keep_reason: str | None = None
    context: str = "body"


@dataclass
class _Cand:
    s: int                    # first token index
    e: int                    # end token index (exclusive)
    score: float
    reason: str
    context: str
    given: list[str] = field(default_factory=list)   # given names as written (not initials)
    initials: str = ""
    sur: list[str] = field(default_factory=list)     # tussenvoegsels + surname words as written
    keep_reason: str | None = None
    official_hint: str | None = None   # role found next to this very occurrence
    civil_hint: bool = False           # a job title of a civil servant next to it

    @property
    def sur_key(self) -> str:
        return " ".join(w.lower() for w in self.sur)

    @property
    def full_key(self) -> str:
        return " ".join([w.lower() for w in self.given] + [self.sur_key]).strip()


@dataclass
class _Parse:
    s: int
    e: int
    given: list[int]
    inits: list[int]
    ifx: list[int]
    sur: int | None


class _Doc:
    def __init__(self, text: str, lex: Lexicon):
        self._bad: dict[tuple[str, str], bool] = {}
        self.text = text
        self.lex = lex
        self.toks: list[Tok] = tokenize(text)
        self.starts = [t.start for t in self.toks]
        self.lines = line_spans(text)
        self.line_starts = [s for s, _ in self.lines]
        self.line_toks: dict[int, list[int]] = {}
        for i, t in enumerate(self.toks):
            self.line_toks.setdefault(t.line, []).append(i)
        # words the document itself writes in lower case (not inside e-mail addresses or URLs)
        plain = re.sub(r"\S*[@/]\S*|www\.\S+|\S+\.(?:nl|com|org|eu|net)\b", " ", text)
        self.doc_lower = {w.lower() for w in re.findall(r"(?<![\w.'-])[a-zà-ÿ][^\W\d_]+", plain)}
        ctx = lex.context
        self.greetings = {g.lower() for g in ctx.get("greetings", [])}
        self.closings = {c.lower() for c in ctx.get("closings", [])}
        self.sig_skip = [c.lower() for c in ctx.get("signature_skip", [])]
        self.header_labels = {c.lower() for c in ctx.get("header_labels", [])}
        self.form_labels = {c.lower() for c in ctx.get("form_labels", [])}
        self.cues = [tuple(c.lower().split()) for c in ctx.get("person_cues_before", [])]
        self.verbs = {v.lower().split()[0] for v in ctx.get("person_verbs", [])}
        self.roles = _role_forms(lex.officials)
        self.roles_by_first: dict[str, list[tuple[tuple[str, ...], str, bool]]] = {}
        for r in self.roles:
            self.roles_by_first.setdefault(r[0][0], []).append(r)
        self.cues_by_last: dict[str, list[tuple[str, ...]]] = {}
        for c in self.cues:
            self.cues_by_last.setdefault(c[-1], []).append(c)
        self.hon_first = {h[0] for h in lex.honorifics} | {h[0].rstrip(".") for h in lex.honorifics}
        self.cands: list[_Cand] = []
        self.cand_ends: set[int] = set()
        self._starts: set[int] = set()
        self._starts_n = -1

    # ---------------------------------------------------------------- word classes
    def is_ifx(self, t: Tok) -> bool:
        if t.kind == "A":
            return True
        if t.kind != "W" or "\n" in t.text:
            return False
        if t.low in self.lex.interfixes:
            return True
        return self.is_compound_ifx(t)

    def is_compound_ifx(self, t: Tok) -> bool:
        """``Visser-de`` in ``Visser-de Jong``: a surname joined by a hyphen to the next surname's particle."""
        if "-" not in t.norm or not t.cap:
            return False
        head, _, tail = t.norm.rpartition("-")
        return tail in ("de", "den", "der", "van", "ten", "ter", "te", "in", "op", "el", "al") and \
            head[:1].isupper() and not self.is_bad_word(head)

    def is_bad_word(self, w: str) -> bool:
        low = w.lower()
        lex = self.lex
        return low in lex.not_names or low in lex.org_words or low in lex.job_titles or low in lex.places

    def is_bad(self, t: Tok) -> bool:
        """Never part of a name (beyond tussenvoegsels)."""
        key = (t.kind, t.norm)
        bad = self._bad.get(key)
        if bad is None:
            bad = self._bad[key] = self._is_bad(t)
        return bad

    def _is_bad(self, t: Tok) -> bool:
        if t.kind == "W" and self.d_shape(t):
            return t.low[2:] in self.lex.common_words
        if t.kind != "W" or not t.cap or t.allcaps or _EN_ABBREVIATION.fullmatch(t.norm):
            return True
        low = t.low
        lex = self.lex
        if low in lex.not_names or low in lex.org_words or low in lex.job_titles or low in lex.titles:
            return True
        low = low.rsplit("-", 1)[-1]  # "Haverkamp-Dijk": the suffix test looks at the last part
        if low.endswith(_ORG_SUFFIXES):
            for suf in _ORG_SUFFIXES:
                if low.endswith(suf) and len(low) > len(suf) + 2 and low not in lex.surnames:
                    return True
        if low.endswith(_STREET_SUFFIXES):
            for suf in _STREET_SUFFIXES:
                if low.endswith(suf) and len(low) > len(suf) + 3 and low not in lex.surnames:
                    return True
        return False

    def _org_suffix(self, low: str) -> bool:
        return any(low.endswith(suf) and len(low) > len(suf) + 2 for suf in _ORG_SUFFIXES)

    def ambiguous(self, low: str) -> bool:
        return low in self.lex.common_words or low in self.doc_lower

    def is_word(self, low: str) -> bool:
        """Could this capitalised word just be an ordinary Dutch word? ``ambiguous`` plus the Dutch vocabulary.

        Only asked where nothing else marks a name position (a sentence-initial or lone capitalised word,
        a table cell, two unknown capitalised words, a roster column); after a first name, initials, a
        title or in a header or signature a surname that is also a noun (Bakker, Visser, Post) is a name."""
        return low in self.lex.dutch_words or self.ambiguous(low)

    def _after_lower(self, i: int) -> bool:
        """The token before i is a lower-case word on the same line (running text, not a heading)."""
        if i == 0 or self.toks[i].nl_before:
            return False
        p = self.toks[i - 1]
        return p.kind == "W" and p.norm[:1].islower() and p.low not in ("van", "de", "het", "der", "den")

    def sent_initial(self, i: int) -> bool:
        if i == 0:
            return True
        t = self.toks[i]
        if t.nl_before:
            return True
        p = self.toks[i - 1]
        return p.kind == "P" and p.text in _SENTENCE_END or p.kind == "N"

    def line_of(self, i: int) -> int:
        return self.toks[i].line

    def line_text(self, ln: int) -> str:
        if 0 <= ln < len(self.lines):
            s, e = self.lines[ln]
            return self.text[s:e]
        return ""

    def tok_at(self, offset: int) -> int:
        return bisect.bisect_left(self.starts, offset)

    # ---------------------------------------------------------------- grammar
    def parse(self, i: int, allow_nl: bool = False, surname_only: bool = False,
              role_ctx: bool = False) -> _Parse | None:
        """Parse ``[given|initials]* [tussenvoegsel]* surname`` starting at token i."""
        toks, n = self.toks, len(self.toks)
        if i >= n:
            return None
        j = i
        given: list[int] = []
        inits: list[int] = []

        if allow_nl:
            ls, le = self.lines[toks[i].line] if toks[i].line < len(self.lines) else (0, 0)
            allow_nl = le - ls >= 40

        def brk(k: int) -> bool:
            t = toks[k]
            return t.block_before or (t.nl_before and (not allow_nl or t.kind == "I"))

        if not surname_only:
            while j < n and len(given) + len(inits) < 4:
                if j > i and brk(j):
                    break
                t = toks[j]
                if t.kind == "I" or self.bare_initial(j):
                    inits.append(j)
                    j += 1
                    continue
                if t.kind == "W" and not self.is_ifx(t) and not self.is_bad(t):
                    if inits and given:
                        break
                    given.append(j)
                    j += 1
                    continue
                break
        k = j
        ifx: list[int] = []
        while k < n and len(ifx) < 3 and self.is_ifx(toks[k]) and not (k > i and brk(k)):
            ifx.append(k)
            k += 1
        if ifx and k < n and not brk(k) and toks[k].kind == "W" and not self.is_bad(toks[k]) \
                and not self.is_ifx(toks[k]):
            is_place = toks[k].low in self.lex.places
            place_after_van = (len(ifx) == 1 and toks[ifx[0]].norm == "van" and (given or inits) and is_place
                               and (toks[k].low not in self.lex.surnames or role_ctx or len(given) >= 2))
            # "in", "op", "uit" ... are tussenvoegsels only with an article: "in 't Veld", "op de Beek"
            prep_alone = toks[ifx[0]].low in _PREP_IFX and (len(ifx) == 1 or toks[ifx[1]].low not in _ARTICLES)
            if not place_after_van and not prep_alone:  # "wethouder Yilmaz van Arnhem": not part of the name
                return _Parse(i, k + 1, given, inits, ifx, k)
        if given:
            sur = given.pop()
            if inits and inits[-1] > sur:
                return None
            return _Parse(i, sur + 1, given, inits, [], sur)
        return None

    def bare_initial(self, j: int) -> bool:
        """A capital letter without a full stop used as an initial: ``A de Jong``, ``A Visser``."""
        toks, n = self.toks, len(self.toks)
        t = toks[j]
        if t.kind != "W" or len(t.norm) != 1 or not t.norm.isupper() or t.norm in ("U", "I", "O"):
            return False
        if j + 1 >= n or toks[j + 1].nl_before:
            return False
        nxt = toks[j + 1]
        if not (self.is_ifx(nxt) or (nxt.kind == "W" and nxt.cap and not nxt.allcaps)):
            return False
        if j > 0 and not toks[j].nl_before and toks[j - 1].kind == "W" and toks[j - 1].low in _LABEL_WORDS:
            return False
        return True

    def words(self, idxs: list[int]) -> list[str]:
        return [self.toks[k].norm for k in idxs]

    def make(self, p: _Parse, score: float, reason: str, context: str) -> _Cand:
        toks = self.toks
        sur = [toks[k].norm for k in p.ifx] + ([toks[p.sur].norm] if p.sur is not None else [])
        return _Cand(p.s, p.e, score, reason, context, given=self.words(p.given),
                     initials="".join(toks[k].norm for k in p.inits), sur=sur)

    def judge(self, p: _Parse, ctx: str | None) -> tuple[float, str] | None:
        """Decide whether a parse is a person name. ctx: title/hon/struct/line/cue or None."""
        lex = self.lex
        toks = self.toks
        sur = toks[p.sur] if p.sur is not None else None
        if sur is None:
            return None
        slow = sur.low
        sur_known = slow in lex.surnames or sur.norm.split("-")[0].lower() in lex.surnames
        sur_amb = self.ambiguous(slow)
        place = slow in lex.places and not sur_known
        full_text = " ".join(t.norm for t in toks[p.s:p.e]).lower()
        if (full_text in lex.places or full_text.replace(" ", "-") in lex.places) and \
                not (ctx in ("title", "hon") and sur_known):
            return None
        multi = bool(p.given or p.inits or p.ifx)
        if p.e < len(toks) and ctx not in ("hon", "struct") and toks[p.e].kind == "W" and toks[p.e].cap \
                and not toks[p.e].nl_before and (toks[p.e].low in lex.org_words or self._org_suffix(toks[p.e].low)):
            return None  # "Wilhelmina Ziekenhuis", "P.W. Janssen Ziekenhuis"
        if ctx in ("title", "hon", "struct"):
            if not multi and ctx == "struct" and (sur_amb or place) and not (slow in lex.first_names):
                return None
            return 0.85, ctx
        if p.inits and (sur_known or not sur_amb or p.ifx) and not place:
            bare = all(toks[k].kind == "W" for k in p.inits)
            if not bare or sur_known or (p.ifx and not sur_amb and slow not in lex.places):
                return 0.85, "voorletters + achternaam"
            return None
        if p.given:
            first = toks[p.given[0]]
            flow = first.low
            f_known = flow in lex.first_names or all(x.lower() in lex.first_names for x in first.norm.split("-")) \
                or self.hyphen_first(first)
            f_amb = self.ambiguous(flow) or flow in lex.places
            if f_known and not f_amb and (sur_known or not sur_amb or p.ifx) and not place:
                return 0.85, "voornaam + achternaam"
            # Many surnames are also village names (Wijnaldum, Terborg): after a known first name in running
            # text it is a surname, unless a word of place stands before the pair ("naar Anna Paulowna").
            if f_known and not f_amb and place and not sur_amb and len(p.given) == 1 and not p.inits \
                    and not self.sent_initial(p.s) and not (p.s and toks[p.s - 1].low in _PLACE_PREPOSITIONS):
                return 0.6, "voornaam + achternaam (ook een plaatsnaam)"
            if not f_known and (sur_known or p.ifx) and (not sur_amb or p.ifx) and not f_amb and len(flow) > 2 \
                    and not self.sent_initial(p.s) and flow not in lex.places and not self.is_word(flow):
                return 0.6, "naam (achternaam bekend)"
            if not f_known and not sur_known and not self.is_word(flow) and not self.is_word(slow) and not place \
                    and len(p.given) == 1 \
                    and len(flow) > 2 and len(slow) > 3 and flow not in lex.places and self._after_lower(p.s) \
                    and not flow.endswith(("se", "sche", "ische", "lijke", "ale", "ele")):
                return 0.5, "twee onbekende naamwoorden midden in een zin"
            if f_known and f_amb and (sur_known or p.ifx) and (not sur_amb or p.ifx) and not place \
                    and (not self.sent_initial(p.s) or sur_known):
                return 0.7, "voornaam + achternaam"
            if not f_known and sur_known and not sur_amb and not f_amb and (ctx in ("line", "cue")):
                return 0.6, "naam (achternaam bekend)"
            if ctx in ("cue", "kin") and not f_amb and (not sur_amb or p.ifx or f_known) and not place:
                return 0.6, "naam na signaalwoord"
            if len(p.given) == 1 and not p.ifx and not f_known and flow in lex.surnames and sur_known \
                    and not (f_amb and sur_amb) and slow not in lex.places and flow not in lex.places \
                    and len(flow) > 2 and not first.allcaps and not self.number_after(p.e) \
                    and flow not in _ROYAL:
                return 0.6, "dubbele achternaam"  # "Bruins Slot", "Groot Wassink"
            return None
        if p.ifx and not p.given and not p.inits:
            return self.judge_particles(p, ctx)  # "De Vries" alone is not enough; "van der Sluis" is
        # single word
        if slow in lex.first_names and not sur_amb and slow not in lex.places:
            return 0.7, "voornaam"
        if ctx in ("cue", "kin") and not sur_amb and not place and len(slow) > 2:
            return 0.6, "naam na signaalwoord"
        if ctx == "kin" and slow in lex.first_names and not place:
            return 0.6, "naam na familieaanduiding"  # "mijn zoon Ilias"
        if "-" in sur.norm and self.hyphen_first(sur) and not self.after_royal_word(p.s):
            return 0.6, "voornaam met koppelteken"
        if self.d_apostrophe(sur) and (p.s == 0 or toks[p.s - 1].low not in _DETERMINERS):
            return 0.6, "achternaam met d'"
        if self.lone_surname(p):
            return 0.55, "bekende achternaam midden in een zin"
        if ctx == "line" and self.line_surname(p):
            return 0.55, "bekende achternaam alleen op een regel"
        return None

    @staticmethod
    def d_shape(t: Tok) -> bool:
        w = t.norm
        return len(w) >= 5 and w[:2].lower() in ("d'", "d’") and w[2:3].isupper() and "-" not in w

    def d_apostrophe(self, t: Tok) -> bool:
        """``d'Sluis``, ``D'Hooghe``: d' + a capitalised known surname."""
        if not self.d_shape(t):
            return False
        rest = t.low[2:]
        return rest in self.lex.surnames and rest not in self.lex.common_words

    def lone_surname(self, p: _Parse) -> bool:
        """A known surname alone in running text: "daarna belde Wiegmans", "volgens de notitie van Zuidgeest".

        Only between lower-case words on one line (not a heading or table cell), not after an article or
        determiner ("de Kroon", "langs de Vecht") and not a Dutch word, a place or a first name."""
        toks, lex = self.toks, self.lex
        t = toks[p.sur]
        low = t.low
        if len(low) < 4 or low not in lex.surnames or low in lex.first_names or low in lex.places \
                or self.is_word(low) or "-" in low:
            return False
        if p.s == 0 or t.nl_before:
            return False
        prev = toks[p.s - 1]
        if prev.kind != "W" or not prev.norm[:1].islower() or prev.low in _DETERMINERS or prev.low in lex.interfixes:
            return False
        nxt = toks[p.e] if p.e < len(toks) else None
        if nxt is None or nxt.nl_before:
            return True
        if nxt.kind == "W" and (nxt.cap or nxt.text[:1].isdigit()):
            return False
        return nxt.kind in ("W", "P") and nxt.text not in ("-", "/", "&")

    def line_surname(self, p: _Parse) -> bool:
        """A known surname that is its line's only token: a signature or a table cell ("Wiegmans").

        Not a Dutch word (the table header "Post"), a place, an organisation word or a first name, and not
        one word of a sentence wrapped over lines (the line before ends in a word, the next starts in
        lower case)."""
        toks, lex = self.toks, self.lex
        if not lex.dutch_words:
            return False  # without the vocabulary a lone word cannot be told from a table header
        t = toks[p.sur]
        low = t.low
        if p.e - p.s != 1 or t.kind != "W" or not t.cap or t.allcaps or len(low) < 4 or "-" in low:
            return False
        if self.line_toks.get(t.line) != [p.sur] or "\n" in t.text:
            return False
        if low not in lex.surnames or low in lex.first_names or low in lex.places or low in lex.org_words \
                or self.is_bad(t) or self.is_word(low):
            return False
        before = self.line_text(t.line - 1).rstrip()
        after = self.line_text(t.line + 1).lstrip()
        if before[-1:].isalpha() and after[:1].islower():
            return False
        return True

    def number_after(self, e: int) -> bool:
        """A house number follows on the same line (a street name, not a person)."""
        return e < len(self.toks) and self.toks[e].kind == "N" and not self.toks[e].nl_before

    def hyphen_first(self, t: Tok) -> bool:
        """``Jan-Onbekendenaam``, ``Onbekendenaam-Willem``: one part a known first name, every part a name word."""
        parts = t.norm.split("-")
        if len(parts) < 2 or not all(len(x) > 1 and x[:1].isupper() and not x.isupper() for x in parts):
            return False
        lex = self.lex
        if t.low in lex.places or any(self.is_bad_word(x) for x in parts):
            return False
        known = [x for x in parts if x.lower() in lex.first_names and not self.ambiguous(x.lower())]
        if not known:
            return False
        return all(x.lower() in lex.first_names or x.lower() in lex.surnames or not self.ambiguous(x.lower())
                   for x in parts)

    def after_royal_word(self, i: int) -> bool:
        """A royal or saint's name: "Koning Willem-Alexander", "Sint-Jan"."""
        return i > 0 and self.toks[i - 1].kind == "W" and self.toks[i - 1].low in _ROYAL

    def judge_particles(self, p: _Parse, ctx: str | None) -> tuple[float, str] | None:
        """Tussenvoegsels + surname without a first name: ``van der Sluis``, ``v/d Sluis``, ``El Ahmadi``,
        ``Visser-de Jong``. A single ``de``/``van`` is not enough ("van Justitie", "de Tweede Kamer")."""
        toks, lex = self.toks, self.lex
        sur = toks[p.sur]
        slow = sur.low
        if sur.allcaps or len(slow) < 3:
            return None
        lows = tuple(toks[k].low for k in p.ifx)
        head = toks[p.ifx[0]]
        sur_known = slow in lex.surnames
        first_known = slow in lex.first_names
        common = slow in lex.common_words or slow in self.doc_lower
        nxt = toks[p.e] if p.e < len(toks) else None
        if self.number_after(p.e):
            return None  # "Van der Helstlaan 12", "Van der Duyn 4": an address
        for k in range(len(p.ifx)):
            if " ".join(toks[m].low for m in range(p.ifx[k], p.e)) in lex.places:
                return None  # "In Den Bosch"
        if nxt is not None and not nxt.nl_before and nxt.kind == "W" and nxt.cap and \
                (nxt.low in lex.org_words or self._org_suffix(nxt.low) or nxt.low in lex.places):
            return None
        if slow in lex.places and not sur_known:
            return None
        if self.is_compound_ifx(head):
            base = head.norm.rpartition("-")[0].lower()
            if (base in lex.surnames or not self.ambiguous(base)) and (sur_known or not common):
                return 0.7, "dubbele achternaam met tussenvoegsel"
            return None
        if lows in _STRONG_PARTICLES or (len(lows) > 1 and lows[0] == "van" and lows[1] in _ARTICLES):
            if common and not sur_known:
                return None
            if not head.cap and lows[0] == "van" and lows[1:2] in (("de",), ("den",), ("het",)):
                return None  # "de eenheid van de Kroon": lower-case "van de" is a preposition + article
            if slow in lex.places and not (head.cap or self.sent_initial(p.s)) and \
                    not ("der" in lows or lows[0] in ("v/d", "v/d.", "v.d.", "vd")):
                return None  # "de brug van den Bosch": a place after a preposition ("van der" + place is not)
            if lows in {("ter",), ("ten",)} and (common or not sur_known):
                return None
            return 0.7, "tussenvoegsels + achternaam"
        if len(lows) == 1 and lows[0] in _ARABIC_PARTICLES and head.cap:
            if (sur_known or first_known) and not (slow in lex.common_words):
                return 0.7, "partikel + achternaam"
            if not common and slow not in lex.places and not self.sent_initial(p.s) and len(slow) > 3:
                return 0.6, "partikel + achternaam"
        return None

    def add(self, p: _Parse | None, ctx: str | None, context: str, reason: str | None = None) -> _Cand | None:
        if p is None:
            return None
        j = self.judge(p, ctx)
        if j is None:
            return None
        c = self.make(p, j[0], reason or j[1], context)
        self.cands.append(c)
        self.cand_ends.add(c.e)
        return c

    # ---------------------------------------------------------------- outlook form
    def parse_outlook(self, i: int) -> tuple[int, list[int], list[int], list[int], list[int], int | None] | None:
        """``Vries, Sanne de`` / ``Koster, S. (Sander)`` / ``Groot de, I.H.R. (Inge)`` at token i.

        Returns (end, surname idxs, trailing ifx idxs, initials idxs, given idxs, paren-first idx)."""
        toks, n = self.toks, len(self.toks)
        j = i
        surs: list[int] = []
        while j < n and len(surs) < 2 and toks[j].kind == "W" and not self.is_bad(toks[j]) \
                and not self.is_ifx(toks[j]) and (j == i or not toks[j].nl_before):
            surs.append(j)
            j += 1
        if not surs:
            return None
        lead_ifx: list[int] = []
        while j < n and self.is_ifx(toks[j]) and not toks[j].nl_before and len(lead_ifx) < 3:
            lead_ifx.append(j)
            j += 1
        if j >= n or toks[j].text != "," or toks[j].nl_before:
            return None
        j += 1
        inits: list[int] = []
        given: list[int] = []
        while j < n and not toks[j].nl_before and len(inits) + len(given) < 4:
            t = toks[j]
            if t.kind == "I":
                inits.append(j)
            elif t.kind == "W" and not self.is_bad(t) and not self.is_ifx(t):
                given.append(j)
            else:
                break
            j += 1
        if not inits and not given:
            return None
        paren = None
        if j + 2 < n and toks[j].text == "(" and toks[j + 1].kind == "W" and not self.is_bad(toks[j + 1]):
            # "(Kwabena)", "(Thi Hoa)": the first name(s) used, in brackets
            k = j + 1
            while k < n and k < j + 4 and toks[k].kind == "W" and not self.is_bad(toks[k]) and not toks[k].nl_before:
                k += 1
            if k < n and toks[k].text == ")":
                paren = j + 1
                j = k + 1
        tail: list[int] = []
        while j < n and self.is_ifx(toks[j]) and not toks[j].nl_before and len(tail) < 3 \
                and (toks[j].kind == "A" or toks[j].norm[:1].islower()):
            tail.append(j)
            j += 1
        return j, surs, lead_ifx + tail, inits, given, paren

    def add_outlook(self, i: int, header: bool) -> _Cand | None:
        r = self.parse_outlook(i)
        if r is None:
            return None
        end, surs, ifx, inits, given, paren = r
        toks = self.toks
        lex = self.lex
        ok = False
        if inits and paren is not None:
            ok = True
        elif header:
            ok = True
        else:
            nxt = toks[end] if end < len(toks) else None
            bound = nxt is None or nxt.nl_before or nxt.text in (";", "<", "[")
            s_known = toks[surs[-1]].low in lex.surnames
            f_known = bool(given) and toks[given[0]].low in lex.first_names
            ok = bound and (s_known or f_known) and (f_known or inits)
        if not ok:
            return None
        if given and inits and not header:
            return None
        if not header and len(surs) == 2 and len(given) >= 2 and toks[surs[0]].low in lex.first_names:
            return None  # "Farshad Hosseini, Marit Schreurs": a list of names, not "Surname, Given"
        first = [toks[paren].norm] if paren is not None else self.words(given)
        sur = [toks[k].norm for k in ifx] + [toks[k].norm for k in surs]
        c = _Cand(i, end, 0.85, "Outlook-naamvorm", "header", given=first,
                  initials="".join(toks[k].norm for k in inits), sur=sur)
        self.cands.append(c)
        return c

    # ---------------------------------------------------------------- structural passes
    def scan_range(self, s: int, e: int, context: str, reason: str, single_ok: bool = True) -> None:
        """Names inside token range [s, e) in a structural place (header value, form value, list)."""
        i = s
        while i < e:
            t = self.toks[i]
            if t.kind in ("W", "I", "A"):
                c = self.add_outlook(i, header=True) if t.kind == "W" else None
                if c is not None and c.e <= e:
                    i = c.e
                    continue
                if c is not None:
                    self.cands.remove(c)
                start = i
                # a title in front belongs to the span
                while start < e and self.toks[start].kind == "W" and self.toks[start].low in self.lex.titles:
                    start += 1
                    if start < e and self.toks[start].text == ".":
                        start += 1
                p = self.parse(start, allow_nl=False, surname_only=False)
                if p is None and start < e and self.is_ifx(self.toks[start]):
                    p = self.parse(start, surname_only=True)
                if p is not None and p.e <= e:
                    single = not (p.given or p.inits or p.ifx)
                    if single and not single_ok:
                        i = p.e
                        continue
                    c = self.add(p, "struct", context, reason)
                    if c is not None and start > i and self.toks[i].low in _PRE_TITLES:
                        c.s = i
                    i = p.e
                    continue
            i += 1

    def pass_headers(self) -> None:
        """E-mail header fields: ``Van:`` / ``Aan:`` / ``CC:`` on their own line or before the value."""
        toks = self.toks
        n = len(toks)
        for i, t in enumerate(toks):
            if t.kind != "W" or t.low not in self.header_labels:
                continue
            if not (t.nl_before or t.block_before or i == 0):
                continue
            if i + 1 >= n or toks[i + 1].text != ":":
                continue
            # value: the rest of this line, or the next line if the label stands alone
            j = i + 2
            if j < n and toks[j].nl_before:
                ln = toks[j].line
            else:
                ln = t.line
            idxs = [k for k in self.line_toks.get(ln, []) if k >= j]
            if not idxs:
                continue
            # a following line of the same field (long recipient lists wrap)
            self.scan_header_value(idxs)

    def scan_header_value(self, idxs: list[int]) -> None:
        toks = self.toks
        # split on ';' and drop e-mail addresses
        segs: list[list[int]] = [[]]
        in_angle = False
        for k in idxs:
            t = toks[k]
            if t.text == "<" or t.text == "[":
                in_angle = True
                continue
            if t.text == ">" or t.text == "]":
                in_angle = False
                continue
            if in_angle:
                continue
            if t.text == ";":
                segs.append([])
                continue
            segs[-1].append(k)
        for seg in segs:
            if not seg:
                continue
            if toks[seg[0]].kind == "W" and toks[seg[0]].low in self.lex.org_words:
                continue  # "Van: Bureau Bestuursondersteuning": an organisation, not a person
            seg_text = self.text[toks[seg[0]].start:toks[seg[-1]].end]
            if "@" in seg_text or any(toks[k].kind == "N" for k in seg):
                # a bare address or a date/time: look only at what precedes an address
                continue
            self.scan_range(seg[0], seg[-1] + 1, "header", "e-mailkop")

    def pass_email_names(self) -> None:
        """``Inge de Groot <i.degroot@...>`` and ``schreef Inge de Groot``: the name before an address."""
        toks = self.toks
        for m in re.finditer(r"<\s*[\w.+'-]+@[\w-]+(?:\.[\w-]+)+\s*>", self.text):
            k = self.tok_at(m.start())
            # walk back over name-shaped tokens on the same line
            j = k - 1
            ln = toks[k].line if k < len(toks) else -1
            while j >= 0 and toks[j].line == ln and (toks[j].kind in ("W", "I", "A") or toks[j].text in "(),"):
                if toks[j].kind == "W" and toks[j].low in ("schreef", "wrote", "van", "from", "aan", "to", "cc"):
                    break
                j -= 1
            s = j + 1
            if s < k:
                self.scan_range(s, k, "header", "naam bij e-mailadres")

    def pass_signatures(self) -> None:
        n_lines = len(self.lines)
        for ln in range(n_lines):
            raw = self.line_text(ln).strip().lower().rstrip(",.!:;").strip()
            if not raw or raw not in self.closings:
                continue
            # next name-shaped line (skipping "namens ..." lines and blank lines)
            look = ln + 1
            steps = 0
            while look < n_lines and steps < 4:
                lt = self.line_text(look).strip()
                steps += 1
                if not lt or any(lt.lower().startswith(sk) for sk in self.sig_skip):
                    look += 1
                    continue
                idxs = self.line_toks.get(look, [])
                if idxs and self.line_is_name_shaped(idxs):
                    self.scan_range(idxs[0], idxs[-1] + 1, "signature", "ondertekening")
                break

    def line_is_name_shaped(self, idxs: list[int], max_words: int = 6) -> bool:
        toks = self.toks
        words = 0
        for k in idxs:
            t = toks[k]
            if t.kind == "W":
                if self.is_ifx(t):
                    continue
                if self.is_bad(t):
                    return False
                words += 1
            elif t.kind in ("I", "A"):
                continue
            elif t.kind == "P" and t.text in "().,-'’":
                continue
            elif t.kind == "W" and t.low in self.lex.titles:
                continue
            else:
                return False
        return 0 < words <= max_words

    def pass_chat(self) -> None:
        toks = self.toks
        for ln in range(len(self.lines)):
            lt = self.line_text(ln)
            if _TIMESTAMP_LINE.match(lt):
                nxt = ln + 1
                idxs = self.line_toks.get(nxt, [])
                if idxs and self.line_is_name_shaped(idxs):
                    self.scan_range(idxs[0], idxs[-1] + 1, "chat", "afzender chatbericht")
                continue
            m = _CHAT_PREFIX.match(lt)
            if not m or m.end() == 0:
                continue
            rest = lt[m.end():]
            colon = rest.find(":")
            if colon <= 0 or colon > 60:
                continue
            s_off = self.lines[ln][0] + m.end()
            e_off = s_off + colon
            idxs = [k for k in self.line_toks.get(ln, []) if s_off <= toks[k].start < e_off]
            if idxs and self.line_is_name_shaped(idxs):
                self.scan_range(idxs[0], idxs[-1] + 1, "chat", "afzender chatbericht")

    def pass_labels(self) -> None:
        """``Naam`` / ``Contactpersoon`` / ``Auteurs:`` / ``Aanwezig:`` followed by a value."""
        toks = self.toks
        for ln in range(len(self.lines)):
            lt = self.line_text(ln).strip()
            if not lt:
                continue
            low = lt.lower()
            label = None
            value_ln = None
            value_from = None
            if self.is_form_label(low.rstrip(":").strip()):
                label = low.rstrip(":").strip()
                value_ln = ln + 1
            elif ":" in lt:
                head = low.split(":", 1)[0].strip()
                if self.is_form_label(head):
                    label = head
                    value_ln = ln
                    value_from = self.lines[ln][0] + self.line_text(ln).index(":") + 1
            if label is None:
                continue
            idxs = self.line_toks.get(value_ln, [])
            if value_from is not None:
                idxs = [k for k in idxs if toks[k].start >= value_from]
            if not idxs:
                continue
            # a list "A, B en C" or a single value; brackets hold organisations/roles
            self.scan_list(idxs, "form", f"waarde bij '{label}'")

    def is_form_label(self, head: str) -> bool:
        """A label whose value is a name: a listed one, or "naam" with a role ("naam melder", "naam van
        de bewoner") -- forms invent their own roles."""
        if head in self.form_labels:
            return True
        if not _NAME_LABEL.fullmatch(head):
            return False
        role = head.rsplit(" ", 1)[-1]
        return role not in _THING_ROLES and role not in self.lex.org_words

    def scan_list(self, idxs: list[int], context: str, reason: str) -> None:
        toks = self.toks
        segs: list[list[int]] = [[]]
        depth = 0
        for k in idxs:
            t = toks[k]
            if t.text == "(":
                depth += 1
                continue
            if t.text == ")":
                depth = max(0, depth - 1)
                continue
            if depth:
                continue
            if t.text in (",", ";") or (t.kind == "W" and t.low in ("en", "and")):
                segs.append([])
                continue
            segs[-1].append(k)
        # an Outlook form "Vries, Sanne de" must not be split at its comma
        if len(segs) == 2 and self.parse_outlook(idxs[0]) is not None:
            segs = [idxs]
        segs = [seg for seg in segs if seg]
        if not segs or not all(self.line_is_name_shaped(seg) for seg in segs):
            return
        for seg in segs:
            self.scan_range(seg[0], seg[-1] + 1, context, reason)

    def pass_table_lines(self) -> None:
        """A whole line (a table cell) that is a name: stronger than the same words in running text."""
        for ln, idxs in self.line_toks.items():
            if not idxs or len(idxs) > 8:
                continue
            if not self.line_is_name_shaped(idxs, max_words=4):
                continue
            start = idxs[0]
            while start <= idxs[-1] and self.toks[start].kind == "W" and self.toks[start].low in self.lex.titles:
                start += 1
                if self.toks[start].text == ".":
                    start += 1
            p = self.parse(start)
            if p is None or p.e != idxs[-1] + 1 and not self._only_punct(p.e, idxs[-1] + 1):
                continue
            c = self.add(p, "line", "table")
            if c is not None and start > idxs[0] and self.toks[idxs[0]].low in _PRE_TITLES:
                c.s = idxs[0]

    def pass_table_columns(self) -> None:
        """Cells of a column of names: a line of two or three unknown capitalised words next to table
        lines already found to be names ("Gulalai Ahmadzai" in a rooster beside "Sami Haddad")."""
        toks, lex = self.toks, self.lex
        name_lines = {toks[c.s].line for c in self.cands if c.context == "table"
                      and self.line_toks.get(toks[c.s].line, [None])[0] == c.s}
        if len(name_lines) < 2:
            return
        covered = self.covered_tokens()
        for ln, idxs in self.line_toks.items():
            if ln in name_lines or not idxs or len(idxs) > 5 or any(k in covered for k in idxs):
                continue
            if sum(1 for o in name_lines if abs(ln - o) <= 8) < 2:
                continue
            prev_line = self.line_text(ln - 1).rstrip().lower()
            if prev_line.endswith((" en", " van", " voor", ",", " of", "-")):
                continue  # the second line of a wrapped heading or unit name
            words = [toks[k] for k in idxs if not self.is_ifx(toks[k])]
            if not 2 <= len(words) <= 3 or any(t.kind != "W" or self.is_bad(t) or len(t.norm) < 2 for t in words):
                continue
            if any(self.is_word(t.low) or t.low in lex.places or t.low.endswith(_DUTCH_WORD_ENDINGS)
                   for t in words):
                continue
            if self.is_ifx(toks[idxs[0]]) or self.is_ifx(toks[idxs[-1]]):
                continue
            p = self.parse(idxs[0])
            if p is None or p.e != idxs[-1] + 1:
                continue
            self.add(p, "struct", "table", "naam in een kolom met namen")

    def _only_punct(self, s: int, e: int) -> bool:
        return all(self.toks[k].kind == "P" for k in range(s, e))

    def pass_paraphs(self) -> None:
        """Short paraphs (``JvD``, ``MdB``) in a column headed ``Paraaf``."""
        toks = self.toks
        for ln in range(len(self.lines)):
            if self.line_text(ln).strip().lower().rstrip(":") not in ("paraaf", "parafen", "paraaf/datum"):
                continue
            for look in range(ln + 1, min(ln + 40, len(self.lines))):
                for k in self.line_toks.get(look, []):
                    t = toks[k]
                    if t.kind == "W" and re.fullmatch(r"[A-Z][a-z]{0,3}[A-Z]{1,3}|[A-Z]{2,4}", t.norm) \
                            and t.low not in self.lex.org_words and t.low not in self.lex.not_names:
                        self.cands.append(_Cand(k, k + 1, 0.6, "paraaf", "paraaf", sur=[t.norm]))

    def drop_inside_places(self) -> None:
        """Forget candidates that lie inside a place name of several words ("Anna Paulowna", "Sint Maarten")."""
        toks, n, places = self.toks, len(self.toks), self.lex.places
        spans = []
        for k in range(n):
            if toks[k].kind != "W" or not toks[k].cap:
                continue
            for size in (4, 3, 2):
                e = k + size
                if e > n or any(t.nl_before or t.kind not in ("W", "A") for t in toks[k + 1:e]):
                    continue
                if " ".join(t.low for t in toks[k:e]) in places:
                    spans.append((k, e))
                    break
        if spans:
            self.cands = [c for c in self.cands if c.keep_reason or not any(s <= c.s and c.e <= e for s, e in spans)]

    def pass_bracketed_given(self) -> None:
        """``J. (Joost) van Rijswijk``: initials, the given name in brackets, then the surname."""
        toks, n = self.toks, len(self.toks)
        for k in range(n - 4):
            t = toks[k]
            if t.kind != "I" or toks[k + 1].text != "(" or toks[k + 3].text != ")":
                continue
            given = toks[k + 2]
            if given.kind != "W" or not given.cap or given.nl_before or self.is_bad(given):
                continue
            if toks[k + 4].nl_before:
                continue
            p = self.parse(k + 4, surname_only=True)  # with tussenvoegsels
            if p is None:
                last = toks[k + 4]
                if last.kind != "W" or not last.cap or self.is_bad(last) or self.is_ifx(last):
                    continue
                p = _Parse(k + 4, k + 5, [], [], [], k + 4)
            if p.sur is None:
                continue
            full = _Parse(k, p.e, [k + 2], [k], p.ifx, p.sur)
            c = self.make(full, 0.85, "voorletters, voornaam tussen haakjes en achternaam", "body")
            self.cands.append(c)
            self.cand_ends.add(c.e)

    # ---------------------------------------------------------------- running text
    def pass_text(self) -> None:
        toks = self.toks
        n = len(toks)
        lex = self.lex
        i = 0
        while i < n:
            t = toks[i]
            # honorific: mevrouw / de heer / dhr. + [initials] + surname
            hon = self.match_honorific(i)
            if hon is not None:
                j = hon
                p = self.parse(j, allow_nl=True)
                if p is None:
                    p = self.parse(j, allow_nl=True, surname_only=True)
                if p is not None:
                    c = self.add(p, "hon", "body", "na aanspreekvorm")
                    if c is not None:
                        i = p.e
                        continue
                i = hon
                continue
            # title: mr. / dr. / prof. dr. + name; the title is part of the span
            if t.kind == "W" and t.low in _PRE_TITLES and i + 1 < n and \
                    (toks[i + 1].text == "." or t.norm[:1].islower() or
                     (toks[i + 1].kind == "W" and toks[i + 1].cap and not toks[i + 1].nl_before
                      and toks[i + 1].start == t.end + 1 and t.low in ("dr", "mr", "drs", "prof", "ir"))):
                j = self.skip_titles(i)
                c = None
                if j < n and (toks[j].kind == "I" or (toks[j].kind in ("W", "A") and
                                                      (toks[j].cap or self.is_ifx(toks[j])))):
                    p = self.parse(j, allow_nl=True)
                    if p is None and self.is_ifx(toks[j]):
                        p = self.parse(j, allow_nl=True, surname_only=True)
                    if p is not None:
                        c = self.add(p, "title", "body", "na titel")
                    if c is None and not t.allcaps and not toks[j].nl_before and (
                            toks[j].kind == "I" or toks[j].kind == "W" and toks[j].allcaps and len(toks[j].norm) <= 4
                            and toks[j].low not in lex.org_words and toks[j].low not in lex.not_names):
                        # "Dr. ABC", "Prof. Dr. Th." without a surname after it
                        c = _Cand(j, j + 1, 0.7, "na titel", "body", initials=toks[j].norm)
                        self.cands.append(c)
                if c is not None:
                    c.s = i
                    i = c.e
                    continue
                i = j
                continue
            if t.kind in ("W", "A") and not t.cap and self.is_ifx(t) and i + 1 < n and self.is_ifx(toks[i + 1]) \
                    or t.kind == "W" and t.low in ("v/d", "v/d.", "v.d.", "vd", "ter", "ten"):
                # "naar van der Sluis", "met v/d Sluis": particles in lower case without a first name
                p = self.parse(i, surname_only=True)
                if p is not None and self.add(p, self.cue_before(i), "body") is not None:
                    i = p.e
                    continue
            if t.kind == "W" and not t.cap and self.d_apostrophe(t):
                p = _Parse(i, i + 1, [], [], [], i)
                if self.add(p, self.cue_before(i), "body") is not None:
                    i += 1
                    continue
            if t.kind == "W" and t.cap and not self.is_ifx(t):
                c = self.add_outlook(i, header=False)
                if c is not None:
                    i = c.e
                    continue
            if t.kind in ("I", "W") and t.cap:
                allow_nl = not t.nl_before or t.kind == "I"
                p = self.parse(i, allow_nl=allow_nl)
                if p is not None:
                    ctx = self.cue_before(i) or self.cue_after(p)
                    c = self.add(p, ctx, "body")
                    if c is None and not (p.given or p.inits or p.ifx):
                        c = self.single_in_context(p)
                    if c is None and len(p.given) == 1 and not p.inits and not p.ifx and p.sur is not None:
                        c = self.first_name_alone(p, ctx)
                    if c is not None:
                        i = p.e
                        continue
                    # the first word may not belong to the name ("Volgens Douwe Zijlstra")
            i += 1

    def first_name_alone(self, p: _Parse, ctx: str | None) -> _Cand | None:
        """``Piet Olanzapine``: a known first name before a capitalised common word that is no surname."""
        toks, lex = self.toks, self.lex
        f, w = toks[p.given[0]], toks[p.sur]
        if w.low in lex.surnames or w.low in lex.first_names or not (w.low in lex.common_words) \
                or w.low in lex.places or self._org_suffix(w.low) or w.low in lex.org_words:
            return None
        pair = f"{f.low} {w.low}"
        if pair in lex.places or pair.replace(" ", "-") in lex.places:
            return None
        q = _Parse(p.s, p.s + 1, [], [], [], p.s)
        return self.add(q, ctx, "body")

    def skip_titles(self, i: int) -> int:
        """The token after a run of titles starting at i (``Prof. Dr.``, ``dr. ir.``, ``Prof.Dr.``)."""
        toks, n = self.toks, len(self.toks)
        j = i
        while j < n and toks[j].kind == "W" and toks[j].low in _PRE_TITLES and (j == i or not toks[j].nl_before):
            j += 1
            if j < n and toks[j].text == "." and toks[j].start == toks[j - 1].end:
                j += 1
        return j

    def single_in_context(self, p: _Parse) -> _Cand | None:
        """A single capitalised word as a first name: greeting, person verb after it."""
        toks = self.toks
        t = toks[p.sur]
        low = t.low
        lex = self.lex
        if t.kind != "W" or self.is_bad(t) or low in lex.places and low not in lex.first_names:
            return None
        prev = toks[p.s - 1] if p.s > 0 else None
        nxt = toks[p.e] if p.e < len(toks) else None
        known = low in lex.first_names
        greeting = prev is not None and prev.kind == "W" and prev.low in self.greetings and \
            (nxt is None or nxt.text in ",!" or nxt.nl_before)
        if greeting and (known or not self.ambiguous(low)):  # "Beste Visser," is a name position
            c = self.make(p, 0.8, "aanhef", "greeting")
            self.cands.append(c)
            return c
        if prev is not None and prev.kind == "W" and prev.low in _DETERMINERS and not toks[p.s].nl_before:
            return None
        # "Visser zei": a surname that is also a Dutch word only before a verb of saying, not before
        # "is"/"heeft"/"geeft" ("Post is verstuurd", "Boer heeft ...")
        word_ok = not self.is_word(low) or (nxt is not None and nxt.low not in _THING_VERBS)
        if nxt is not None and nxt.kind == "W" and nxt.low in _STRONG_VERBS and not nxt.nl_before \
                and (known or not self.ambiguous(low) and word_ok) and (known or low in lex.surnames):
            c = self.make(p, 0.7, "voornaam + werkwoord", "body")
            self.cands.append(c)
            return c
        return None

    def match_honorific(self, i: int) -> int | None:
        toks = self.toks
        if toks[i].kind != "W" or toks[i].low not in self.hon_first:
            return None
        for form in self.lex.honorifics:
            k = i
            ok = True
            for w in form:
                if k >= len(toks):
                    ok = False
                    break
                t = toks[k]
                if w.endswith("."):
                    if t.kind == "W" and t.low == w[:-1] and k + 1 < len(toks) and toks[k + 1].text == ".":
                        k += 2
                        continue
                    ok = False
                    break
                if t.kind == "W" and t.low == w:
                    k += 1
                    continue
                ok = False
                break
            if ok and k < len(toks) and (toks[k].cap or toks[k].kind in ("I", "A") or self.is_ifx(toks[k])):
                nxt = toks[k]
                if nxt.kind == "W" and nxt.low in self.lex.not_names and not self.is_ifx(nxt):
                    continue
                return k
        return None

    def cue_before(self, i: int) -> str | None:
        toks = self.toks
        if i >= 2 and (toks[i - 1].low == "en" or toks[i - 1].text == ",") and (i - 1) in self.cand_ends \
                and not toks[i].nl_before:
            return "cue"  # "met Remco de Groot en Yopie Tanamal"
        if i == 0 or toks[i - 1].kind != "W":
            return None
        if i >= 2 and toks[i - 1].low in _KIN and toks[i - 2].kind == "W" and toks[i - 2].low in _POSSESSIVE \
                and not toks[i].nl_before:
            return "kin"
        for cue in self.cues_by_last.get(toks[i - 1].low, ()):
            L = len(cue)
            if i - L < 0:
                continue
            if all(toks[i - L + m].kind == "W" and toks[i - L + m].low == cue[m] for m in range(L)):
                return "cue"
        return None

    def cue_after(self, p: _Parse) -> str | None:
        toks = self.toks
        e = p.e
        if e + 2 < len(toks) and toks[e].text == "(" and toks[e + 1].kind == "W":
            inner = self.text[toks[e + 1].start:self.text.find(")", toks[e + 1].start)].lower().strip()
            if inner in self.lex.job_titles or inner.split(" ")[-1] in self.lex.job_titles:
                return "cue"
        if e + 1 < len(toks) and toks[e].text == "," and toks[e + 1].kind == "W" and \
                toks[e + 1].low in ("die", "bereikbaar", "beleidsmedewerker", "adviseur", "jurist"):
            return "cue"
        return None

    # ---------------------------------------------------------------- public officials
    def pass_officials(self) -> tuple[dict[str, str], dict[str, str]]:
        """Names marked as public officials: returns (full_key -> role, surname_key -> role)."""
        toks = self.toks
        n = len(toks)
        full: dict[str, str] = {}
        sur: dict[str, str] = {}
        for named in self.lex.officials.get("named") or []:
            if isinstance(named, dict) and named.get("name"):
                key = " ".join(named["name"].lower().split())
                full[key] = named.get("role", "publieke functionaris")
        i = 0
        while i < n:
            hit = self.match_role(i)
            if hit is None:
                i += 1
                continue
            j, role = hit
            apposition = j < n and toks[j].text == ","  # "De gemeentesecretaris, Osei Bonsu, is ..."
            if apposition:
                j += 1
            first = True
            while True:
                if not first and j < n and toks[j].block_before:
                    break
                first = False
                t0 = j
                if j < n and toks[j].kind == "W" and toks[j].low in self.lex.titles:
                    j += 1
                    if j < n and toks[j].text == ".":
                        j += 1
                p = self.parse(j, allow_nl=True, role_ctx=True)
                if p is None:
                    p = self.parse(j, allow_nl=True, surname_only=True, role_ctx=True)
                if p is None or not self.official_name_ok(p):
                    break
                if apposition and not (p.e < n and toks[p.e].text in (",", ")") and (p.given or p.inits)):
                    break
                c = self.make(p, 0.85, f"publieke functionaris: {role}", "body")
                if t0 < p.s:
                    c.s = t0
                c.keep_reason = f"publieke functionaris: {role}"
                c.official_hint = role
                self.cands.append(c)
                if c.given or c.initials:
                    full[c.full_key] = role
                sur[c.sur_key] = role
                j = p.e
                # "X c.s." / "de leden X en Y" / "X, Y en Z"
                if j + 1 < n and (toks[j].low in ("en", "&") or toks[j].text == ","):
                    j += 1
                    continue
                break
            i = max(i + 1, j)
        # role after a name: "Tijs Hagenaars (burgemeester)", "X, wethouder van Y"; table rows
        for c in list(self.cands):
            if c.keep_reason:
                continue
            role = self.role_after(c)
            if role:
                c.official_hint = role
                if c.given or c.initials:
                    full[c.full_key] = role
                sur.setdefault(c.sur_key, role)
        return full, sur

    def official_name_ok(self, p: _Parse) -> bool:
        """Not a place or a unit after a role: "wethouders van Maastricht", "directeur-generaal Wonen"."""
        toks, lex = self.toks, self.lex
        w = toks[p.sur]
        if p.given or p.inits:
            return True
        if p.ifx:
            return not (w.low in lex.places and toks[p.ifx[0]].norm == "van")
        return not (w.low in lex.common_words and w.low not in lex.surnames)

    def pass_role_signatures(self) -> None:
        """A bewindspersoon signs: "De staatssecretaris van VWS," + the name on the next line(s)."""
        for ln in range(len(self.lines)):
            raw = self.line_text(ln).strip()
            if not raw.endswith(",") or len(raw) > 90:
                continue
            low = raw.lower()
            if not low.startswith(("de ", "het ")) or any(w in low for w in ("namens", "voor deze", "i.o.",
                                                                              "in opdracht", "wegens")):
                continue
            words = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", low)[1:]
            role = None
            for form, r, _ in self.roles:
                if tuple(words[:len(form)]) == form and form not in (("het", "lid"), ("de", "leden"), ("motie",)):
                    role = r
                    break
            if role is None:
                continue
            look = ln + 1
            while look < len(self.lines) and look <= ln + 3 and not self.line_text(look).strip():
                look += 1
            idxs = self.line_toks.get(look, [])
            if not idxs or not self.line_is_name_shaped(idxs):
                continue
            lt = self.line_text(look).strip().lower()
            if any(lt.startswith(sk) for sk in ("namens", "voor deze", "i.o.", "in opdracht")):
                continue
            before = len(self.cands)
            self.scan_range(idxs[0], idxs[-1] + 1, "signature", "ondertekening")
            for c in self.cands[before:]:
                c.official_hint = role

    def match_role(self, i: int) -> tuple[int, str] | None:
        toks = self.toks
        best = None
        if toks[i].kind != "W":
            return None
        for words, role, before in self.roles_by_first.get(toks[i].low, ()):
            if not before:
                continue
            L = len(words)
            if i + L > len(toks):
                continue
            if all(toks[i + m].kind == "W" and toks[i + m].low == words[m] for m in range(L)):
                if best is None or L > best[0]:
                    best = (L, role)
        if best is None:
            return None
        j = i + best[0]
        if j < len(toks) and toks[j].nl_before and (toks[i].nl_before or i == 0):
            return None  # a role cell of one table row followed by the next row's name
        if j + 1 < len(toks) and toks[j].text == "," and not toks[j + 1].nl_before and toks[j + 1].cap \
                and toks[j + 1].kind in ("W", "I") and (i == 0 or toks[i - 1].low in ("de", "het") or
                                                       self.sent_initial(i)):
            return j, best[1]  # apposition: "De gemeentesecretaris, Osei Bonsu, ..."
        if j < len(toks) and (toks[j].cap or self.is_ifx(toks[j])) and toks[j].kind in ("W", "A", "I"):
            nxt = toks[j]
            if nxt.kind == "W" and not self.is_ifx(nxt) and self.is_bad(nxt):
                return None
            return j, best[1]
        return None

    def role_of_text(self, s: str) -> str | None:
        low = " ".join(re.sub(r"[^\w\s'-]", " ", s.lower()).split())
        if not low:
            return None
        for words, role, _ in self.roles:
            form = " ".join(words)
            if low == form or low.startswith(form + " ") and len(low.split()) <= len(words) + 4:
                if form in ("het lid", "de leden", "motie", "gewijzigde motie", "amendement"):
                    continue
                return role
        return None

    def _cand_starts(self) -> set[int]:
        if self._starts_n != len(self.cands):
            self._starts = {o.s for o in self.cands}
            self._starts_n = len(self.cands)
        return self._starts

    def role_after(self, c: _Cand) -> str | None:
        toks = self.toks
        e = c.e
        n = len(toks)
        if e < n and toks[e].text == "(" and not toks[e].nl_before:
            close = self.text.find(")", toks[e].end)
            if close > 0:
                inner = self.text[toks[e].end:close]
                r = self.role_of_text(inner)
                if r:
                    return r
                if inner.strip().lower() in self.lex.job_titles:
                    c.civil_hint = True
        if e + 1 < n and toks[e].text == "," and not toks[e + 1].nl_before:
            ln_end = self.lines[toks[e].line][1]
            seg = self.text[toks[e].end:ln_end].split(",")[0]
            r = self.role_of_text(seg)
            if r:
                return r
        # table row: the name fills its line; a following cell (line) holds the role
        ln = toks[c.s].line
        if self.line_toks.get(ln, [None])[0] == c.s and self.line_toks[ln][-1] == c.e - 1:
            for look in range(ln + 1, min(ln + 4, len(self.lines))):
                lt = self.line_text(look).strip()
                if not lt:
                    break
                if self.line_toks.get(look, [-1])[0] in self._cand_starts():
                    break  # the next row's name (c itself starts on an earlier line)
                r = self.role_of_text(lt)
                if r:
                    return r
                if lt.lower() in self.lex.job_titles:
                    c.civil_hint = True
                    break
        return None

    # ---------------------------------------------------------------- consistency
    def pass_consistency(self) -> None:
        toks = self.toks
        lex = self.lex
        firsts: dict[str, _Cand] = {}
        surs: dict[tuple[str, ...], _Cand] = {}
        for c in self.cands:
            if c.keep_reason:
                continue
            for g in c.given[:1]:
                if len(g) > 1 and g.lower() not in lex.not_names:
                    firsts.setdefault(g.lower(), c)
            if c.sur and (c.given or c.initials or c.reason in ("na aanspreekvorm",)):
                surs.setdefault(tuple(w.lower() for w in c.sur), c)
            if c.sur and c.context in ("header",) and c.sur:
                surs.setdefault(tuple(w.lower() for w in c.sur), c)
        covered = self.covered_tokens()
        n = len(toks)
        surs_by_first: dict[str, list[tuple[str, ...]]] = {}
        for key in surs:
            surs_by_first.setdefault(key[0], []).append(key)
        for keys in surs_by_first.values():
            keys.sort(key=len, reverse=True)
        for i, t in enumerate(toks):
            if i in covered or t.kind not in ("W", "A"):
                continue
            # surname with its tussenvoegsels
            for key in surs_by_first.get(t.low, ()):
                L = len(key)
                if i + L > n:
                    continue
                if all(toks[i + m].low == key[m] for m in range(L)) and toks[i + L - 1].cap and \
                        not any((i + m) in covered for m in range(L)):
                    last = toks[i + L - 1]
                    # the document itself made this a name: only its own lower-case use makes it a word
                    if L == 1 and self.ambiguous(last.low) and self.sent_initial(i):
                        continue
                    if L > 1 and not (toks[i].cap or not self.sent_initial(i)):
                        continue
                    if L > 1 and not toks[i].cap and i > 0 and toks[i - 1].kind == "W" and toks[i - 1].cap \
                            and not toks[i - 1].low in lex.not_names:
                        continue
                    if L == 1 and i + 1 < n and toks[i + 1].kind == "W" and toks[i + 1].cap and \
                            not toks[i + 1].nl_before and toks[i + 1].low in lex.org_words:
                        continue
                    c = _Cand(i, i + L, 0.7, "eerder gevonden achternaam", "body",
                              sur=[toks[i + m].norm for m in range(L)])
                    self.cands.append(c)
                    covered.update(range(i, i + L))
                    break
            if i in covered or t.kind != "W" or not t.cap:
                continue
            src = firsts.get(t.low)
            if src is not None:
                if self.ambiguous(t.low) and self.sent_initial(i):
                    continue
                if i + 1 < n and toks[i + 1].kind == "W" and toks[i + 1].cap and toks[i + 1].low in lex.org_words \
                        and not toks[i + 1].nl_before:
                    continue
                self.cands.append(_Cand(i, i + 1, 0.7, "eerder gevonden voornaam", "body", given=[t.norm]))
                covered.add(i)

    def covered_tokens(self) -> set[int]:
        out: set[int] = set()
        for c in self.cands:
            out.update(range(c.s, c.e))
        return out


def _role_forms(officials: dict) -> list[tuple[tuple[str, ...], str, bool]]:
    out = []
    for entry in officials.get("roles") or []:
        role = entry.get("role", "publieke functionaris")
        before = entry.get("before_name", True)
        for form in entry.get("forms") or []:
            words = tuple(re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", str(form).lower()))
            if words:
                out.append((words, role, before))
    return out


def detect_names(text: str, lexicon: Lexicon | None = None) -> list[NameMatch]:
    """Every person name in ``text`` (a whole document), officials included with ``keep_reason``."""
    lex = lexicon or get_lexicon()
    if not _PRE_TITLES:
        _PRE_TITLES.update(lex.titles - _POST_TITLES)
    doc = _Doc(text, lex)
    if not doc.toks:
        return []
    doc.pass_headers()
    doc.pass_email_names()
    doc.pass_signatures()
    doc.pass_chat()
    doc.pass_labels()
    doc.pass_paraphs()
    doc.pass_table_lines()
    doc.pass_table_columns()
    doc.pass_role_signatures()
    doc.pass_bracketed_given()
    doc.pass_text()
    full_off, sur_off = doc.pass_officials()
    doc.pass_consistency()
    doc.drop_inside_places()
    # decide keep per candidate
    civil = {c.full_key for c in doc.cands if c.civil_hint}
    for c in doc.cands:
        if c.keep_reason:
            continue
        role = c.official_hint or full_off.get(c.full_key)
        if role is None and c.sur_key in sur_off and not c.civil_hint:
            if not (c.given or c.initials) or c.full_key not in civil:
                role = sur_off[c.sur_key]
        if role:
            c.keep_reason = f"publieke functionaris: {role}"
    return _resolve(doc)


def _resolve(doc: _Doc) -> list[NameMatch]:
    toks = doc.toks
    # a name right after a role word is taken as the role context parsed it ("wethouder Yilmaz van Arnhem")
    cands = sorted(doc.cands, key=lambda c: (c.s, not c.reason.startswith("publieke functionaris"),
                                             -(c.e - c.s), -c.score))
    out: list[NameMatch] = []
    last_end = -1
    for c in cands:
        if c.s < last_end:
            # overlapping: keep the earlier (longer) one, but a keep decision wins for the same span
            prev = out[-1]
            if c.keep_reason and not prev.keep_reason and toks[c.s].start == prev.start:
                prev.keep_reason = c.keep_reason
            continue
        s = toks[c.s].start
        e = toks[c.e - 1].end
        out.append(NameMatch(s, e, doc.text[s:e], c.score, c.reason, c.keep_reason, c.context))
        last_end = c.e
    return out
