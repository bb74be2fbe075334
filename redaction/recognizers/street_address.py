"""Recognizer for street addresses (street and house number) of private persons.

Also holds :func:`address_owner`, which decides from the lines around an address whether it
is a private person's or an organisation's; ``postcode_city`` uses it as well.
"""

from __future__ import annotations

from functools import lru_cache
from typing import List, Optional

import regex
import yaml
from presidio_analyzer import Pattern, RecognizerResult

from ._dutch import DutchPatternRecognizer, Verdict
from ..rules import rules_dir


# Street name endings. Left out on purpose: -dam, -veld, -berg, -wijk, -meer (place names:
# "Amsterdam 3"), -ring and -markt stay in only with a capital and a plausible number.
_SUFFIXES = (
    "straat|straatje|laan|laantje|weg|wegje|plein|pleintje|gracht|kade|singel|dijk|dreef|hof|park|"
    "pad|steeg|markt|baan|plantsoen|wal|haven|boulevard|kwartier|hoven|gaarde|akker|veste|burg|poort|"
    "oord|zijde|hout|brink|erf|hage|horst|dries|kamp|passage|promenade|allee|dal|rade|tuin|tuinen|"
    "weide|wei|wetering|vaart|vliet|sloot|stoep|ring"
)
_PARTICLE = r"(?:van|de|der|den|het|'t|ten|ter|te|op|aan|in|bij|la|le|du|von|v\.d\.)"
_CAPITAL_WORD = r"(?:[A-Z][\w'’.-]*|'s-[A-Z][\w-]*)"
STREET = (
    rf"(?:(?:{_CAPITAL_WORD}|{_PARTICLE})[ ]){{0,3}}[A-Z][\w'’-]*?(?:{_SUFFIXES})"
    rf"|(?:Laan|Plein|Weg|Kade|Dreef|Singel|Hof|Park|Straatweg|Dijk)[ ](?:{_PARTICLE}[ ]){{1,2}}{_CAPITAL_WORD}(?:[ ]{_CAPITAL_WORD})?"
)
HOUSE_NUMBER = (
    r"[1-9]\d{0,4}(?:"
    r"[ ]?(?:bis|hs|huis|zw|rd|bg|sous|boven|beneden)\b"
    r"|-(?:[IVX]{1,4}|\d{1,4}|[A-Za-z]{1,2}|hoog|laag|rood|zwart)\b"
    r"|[ ](?:I{1,3}|IV|V)\b"
    r"|[ ]?[A-Za-z](?![\w'’])"
    r")?"
)
_NOT_A_HOUSE_NUMBER_AFTER = regex.compile(
    r"^\s*(?:uur|u\b|%|procent|jaar|maanden|weken|dagen|km|m2|m²|m\b|cm|kg|euro|mln|miljoen|miljard|personen|"
    r"januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
    r"jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec)\b|^[.,]\d|^[:/]\d",
    regex.IGNORECASE,
)
_POSTCODE_LINE = regex.compile(r"(?<!\d)[1-9]\d{3}[ \u00a0]?[A-Z]{2}(?![\w])")
_STREET_LINE = regex.compile(rf"(?:{STREET})[ ]{HOUSE_NUMBER}")
_POSTBUS = regex.compile(r"\b(?:Postbus|Antwoordnummer)\s+\d+", regex.IGNORECASE)
_PERSON_LINE = regex.compile(
    r"^\s*(?:(?:de\s+)?heer|mevrouw|mevr\.?|mw\.?|dhr\.?|(?:de\s+)?familie|fam\.|t\.a\.v\.\s+(?:de\s+heer|mevrouw|mw\.?|dhr\.?))\s+\S",
    regex.IGNORECASE,
)
# "J.P. de Vries" alone on a line: the name of the addressee
_INITIALS_NAME_LINE = regex.compile(
    r"^\s*(?:[A-Z]\.[ ]?){1,5}[ ]?(?:(?:van|de|der|den|ter|ten|te|'t|in\s+'t)\s+)*[A-Z][\w'’-]+(?:[ -][A-Z][\w'’-]+)?\s*$"
)


@lru_cache(maxsize=1)
def _context() -> dict:
    data = yaml.safe_load((rules_dir() / "street_address_context.yaml").read_text(encoding="utf-8"))

    def words(items, flags=0, prefix=r"(?<![\w])", suffix=r"(?![\w])") -> "regex.Pattern":
        alternatives = sorted((regex.escape(str(w)).replace(r"\ ", r"\s+") for w in items), key=len, reverse=True)
        return regex.compile(prefix + "(?:" + "|".join(alternatives) + ")" + suffix, flags)

    return {
        "organisation": words(data["organisation_words"]),
        "organisation_ending": words(data["organisation_word_endings"], prefix=r"[A-Z][a-z]+", suffix=r"\b"),
        "person_label": words(data["person_labels"], regex.IGNORECASE, prefix=r"^\s*", suffix=r"\s*:?\s*$"),
        "person_phrase": words(data["person_phrases"], regex.IGNORECASE, suffix=r""),
    }


def _is_organisation_line(line: str) -> bool:
    context = _context()
    return bool(context["organisation"].search(line) or context["organisation_ending"].search(line) or _POSTBUS.search(line))


def _is_address_line(line: str) -> bool:
    stripped = line.strip()
    if not stripped:
        return False
    rest = _POSTCODE_LINE.sub("", _STREET_LINE.sub("", stripped))
    # what remains after removing street+number and postcode is at most a place name
    return rest != stripped and len(rest.split()) <= 4 and not regex.search(r"[.:;!?]$", rest)


def address_owner(text: str, start: int, end: int) -> tuple[str, str]:
    """Whose address the text at ``start:end`` is: ``("person"|"organisation"|"unknown", reason)``.

    Looks at the text before it on the same line ("Postbus 3866, ...", "Mijn adres is ..."),
    then up to four lines above (skipping other address lines: an address block is read from
    the bottom up until a name, a form label or an organisation line), then two lines below
    (an organisation's block often continues with Postbus, Contactpersoon or a web address).
    """
    context = _context()
    line_start = text.rfind("\n", 0, start) + 1
    same_line = text[line_start:start]
    if _POSTBUS.search(same_line) or context["organisation"].search(same_line):
        return "organisation", "adres van een organisatie (zelfde regel)"
    if context["person_phrase"].search(same_line):
        return "person", "adres van een persoon (" + context["person_phrase"].findall(same_line)[-1].strip() + ")"

    above = text[max(0, line_start - 600) : max(0, line_start - 1)].split("\n")[-4:] if line_start else []
    for line in reversed(above):
        if "\f" in line:
            break
        if context["person_label"].search(line):
            return "person", f"adres onder het label '{line.strip()}'"
        if _PERSON_LINE.search(line) or _INITIALS_NAME_LINE.search(line):
            return "person", "adres onder de naam van een persoon"
        if _is_organisation_line(line):
            return "organisation", "adres in het briefhoofd of de ondertekening van een organisatie"
        if not _is_address_line(line):
            break

    line_end = text.find("\n", end)
    below = text[line_end + 1 : line_end + 300].split("\n")[:2] if line_end >= 0 else []
    rest_of_line = text[end : line_end if line_end >= 0 else len(text)]
    for line in [rest_of_line, *below]:
        if "\f" in line:
            break
        if regex.search(r"\b(?:Postbus|Contactpersoon|www\.|Antwoordnummer)\b", line):
            return "organisation", "adres in het briefhoofd van een organisatie"
    return "unknown", ""



def address_verdict(owner: str, reason: str, as_found: str, as_personal: str, as_unknown: str) -> Verdict:
    """The verdict on an address part by its owner (see ``address_owner``): an organisation's is kept
    visible, a person's and an unknown owner's are redacted. The three labels name the part."""
    if owner == "organisation":
        return Verdict(0.8, f"{as_found}, maar {reason}", keep_reason=reason)
    if owner == "person":
        return Verdict(0.9, f"{as_personal}, {reason}")
    return Verdict(0.6, f"{as_unknown} (eigenaar onbekend, behandeld als persoonlijk)")

class NlStreetAddressRecognizer(DutchPatternRecognizer):
    """Recognizes a street name with house number (Dutch address) of a private person.

    A private person's home address is personal data (AVG art. 4) and is redacted under
    art. 5.1 lid 2 sub e Woo. An organisation's address (letterhead, e-mail signature,
    meeting location, anything next to a Postbus) stays visible: it is returned with
    ``recognition_metadata["keep_reason"]``.

    Format: street name (one to four words, usually ending in -straat, -weg, -laan, -plein,
    -gracht, -kade, ... or ``Laan van ...``) followed by a house number with an optional
    addition: ``Kerkstraat 12``, ``Van der Helststraat 9-III``, ``Laan van Meerdervoort 12A``,
    ``Dorpsweg 3 bis``, ``Molenweg 8 hs``. Only the street and number are returned; the
    postcode and place belong to ``POSTCODE_CITY``. Any other name followed by a number is
    taken only directly under a person's name or an address label.
    Fictitious example: ``Voorbeeldstraat 12A``.
    """

    PATTERNS = [
        Pattern("straatnaam + huisnummer", rf"(?<![\w'’-])(?:{STREET})[ \u00a0]{HOUSE_NUMBER}(?![\w'’-]|[.,]\d)", 0.6),
        Pattern(
            "naam + huisnummer onder een naam of adreslabel",
            rf"(?<=^|\n)(?:{_CAPITAL_WORD}|{_PARTICLE})(?:[ ](?:{_CAPITAL_WORD}|{_PARTICLE})){{0,3}}[ ]{HOUSE_NUMBER}(?![\w'’-]|[.,]\d)",
            0.3,
        ),
    ]

    CONTEXT = ["adres", "woonadres", "woonachtig", "wonende", "woont", "straat"]

    # Labels that a match may start with when a form puts label and value on one line.
    _LEADING_LABEL = regex.compile(
        r"^(?:Adres|Woonadres|Huisadres|Bezoekadres|Postadres|Correspondentieadres|Vestigingsadres|Locatie|Straat|Nieuw adres)[ ]+"
    )

    # Words that a number follows in running text and in page furniture; never a street.
    _NOT_A_STREET = regex.compile(
        r"^(?:Pagina|Blad|Bladzijde|Bijlage|Artikel|Art|Kamerstuk|Hoofdstuk|Paragraaf|Tabel|Figuur|Stap|Zaal|"
        r"Versie|Punt|Agendapunt|Nr|Nummer|Week|Fase|Lid|Motie|Amendement|Bus|Lijn|Route|Periode|Ronde|Kwartaal)\b",
        regex.IGNORECASE,
    )

    ENTITY = "ADDRESS"

    def order(self, matches: List[RecognizerResult]) -> List[RecognizerResult]:
        return sorted(matches, key=lambda r: (-r.score, r.start))  # the surest pattern wins an overlap

    def judge(self, text: str, result: RecognizerResult, accepted: List[RecognizerResult]) -> Optional[Verdict]:
        """Street + number (a leading form label cut off), judged by whose address it is."""
        label = self._LEADING_LABEL.match(text[result.start : result.end])
        if label:
            result.start += label.end()
        if any(result.start < r.end and r.start < result.end for r in accepted):
            return None
        number = regex.search(r"(\d+)\D*$", text[result.start : result.end])
        if number and regex.fullmatch(r"(?:19|20)\d\d", number.group(1)):
            return None  # a year after a capitalised word ("Woningmarkt 2024")
        if _NOT_A_HOUSE_NUMBER_AFTER.search(text[result.end : result.end + 15]):
            return None
        owner, reason = address_owner(text, result.start, result.end)
        generic = result.score < 0.5
        if generic and (owner != "person" or self._NOT_A_STREET.match(text[result.start : result.end])):
            return None
        if generic and not reason.startswith(("adres onder", "adres van een persoon")):
            return None
        return address_verdict(owner, reason, "adres", "straat en huisnummer", "straat en huisnummer")
