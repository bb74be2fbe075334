"""Dutch wording, for the inventory list and the report, of what the engine says in English.

The inventory list is published with the documents, in Dutch. The engine explains in English (for the
command line, its report and the API) why a file was not processed, or what it did to a page. This module
gives the Dutch sentence for each explanation it knows. An explanation it does not know becomes the plain
Dutch sentence for the file's status, so that no English sentence, and no server path from an error
message, reaches the inventory.
"""

from __future__ import annotations

import re

# The Dutch sentence for a status when no better reason is known.
DEFAULT_REASON = {
    "failed": "de verwerking is mislukt",
    "unsupported": "dit bestandstype wordt niet ondersteund",
    "refused": "het bestand is geweigerd",
}

# (pattern of the English reason, Dutch reason): the first that matches wins, so the specific come first.
# Groups of the pattern fill the {0}, {1} of the Dutch sentence.
_REASONS = [(re.compile(pattern, re.IGNORECASE), dutch) for pattern, dutch in (
    # file types (redaction.package.unpack)
    (r"files of type \.(\S+) are not supported", "bestanden van het type .{0} worden niet ondersteund"),
    (r"files of unknown type are not supported", "bestanden van onbekend type worden niet ondersteund"),
    (r"kind of Word file is not supported", "deze soort Word-bestand wordt niet ondersteund; sla het op als .docx of PDF"),
    (r"kind of Excel file is not supported", "deze soort Excel-bestand wordt niet ondersteund; sla het op als .xlsx of PDF"),
    (r"kind of PowerPoint file is not supported",
     "deze soort PowerPoint-bestand wordt niet ondersteund; sla het op als .pptx of PDF"),
    (r"kind of OpenDocument file is not supported",
     "deze soort OpenDocument-bestand wordt niet ondersteund; sla het op als .odt, .ods, .odp of PDF"),
    (r"this Office file is not supported",
     "dit Office-bestand wordt niet ondersteund; sla het op als .docx, .xlsx, .pptx of PDF"),
    (r"mailboxes and e-mail templates are not supported",
     "mailboxen en e-mailsjablonen worden niet ondersteund; exporteer elke e-mail als .eml of .msg"),
    (r"image type is not supported", "dit afbeeldingstype wordt niet ondersteund; zet het om naar PNG, JPEG, TIFF of PDF"),
    (r"system file", "systeembestand (macOS/Windows), geen document"),
    (r"\.txt file holds binary data", "het .txt-bestand bevat binaire gegevens (misschien UTF-16-tekst); sla het op als "
                                      "UTF-8-tekst"),
    (r"\.txt file is neither UTF-8 nor Windows-1252",
     "het .txt-bestand is geen UTF-8- of Windows-1252-tekst; sla het op als UTF-8-tekst"),
    # a whole package refused (a job's error; the name is the one the officer uploaded)
    (r"^(.+?) is a damaged (?:or split )?ZIP file", "{0} is een beschadigd ZIP-bestand; maak het ZIP-bestand opnieuw"),
    (r"^(.+?) is an? (?:Word document|Excel workbook|PowerPoint file|OpenDocument file|Office document), not a ZIP",
     "{0} is een los document, geen ZIP-bestand met documenten; zet het in een ZIP-bestand"),
    (r"^(?!the )(.+?) holds no files", "{0} bevat geen bestanden; er is niets openbaar te maken"),
    (r"holds (\d+) files; the limit is (\d+)", "het ZIP-bestand bevat {0} bestanden; de limiet is {1}"),
    (r"holds more than (\d+) files", "het pakket bevat meer dan {0} bestanden (een zipbom?); splits het in kleinere "
                                      "pakketten"),
    (r"unpacks to (?:more than )?(.+?)(?:;| in total)", "uitgepakt is het pakket {0} of meer: te groot (een "
                                                         "zipbom?); splits het in kleinere pakketten"),
    # refusals while unpacking
    (r"the file is larger than (.+?)\.?$", "het bestand is groter dan {0}"),
    (r"compression ratio (\d+):1", "de compressieverhouding ({0}:1) wijst op een zipbom"),
    (r"the file is empty", "het bestand is leeg"),
    (r"ZIP file nested more than (\d+) deep", "ZIP-bestand dieper dan {0} niveaus genest; niet uitgepakt"),
    (r"encrypted ZIP member", "versleuteld bestand in het ZIP-bestand"),
    (r"ZIP member compressed with ([^;.]+)",
     "bestand in het ZIP-bestand gecomprimeerd met {0}; pak het ZIP-bestand opnieuw in met gewone compressie"),
    (r"folder entry in the ZIP file holds data", "een map in het ZIP-bestand bevat gegevens"),
    (r"ZIP member is damaged", "het bestand in het ZIP-bestand is beschadigd"),
    (r"ZIP file holds no files", "het ZIP-bestand bevat geen bestanden"),
    (r"ZIP file is damaged", "het ZIP-bestand is beschadigd"),
    (r"folder cannot be read", "de map kan niet worden gelezen"),
    (r"symbolic link outside the package", "koppeling naar een bestand buiten het pakket"),
    (r"broken symbolic link", "kapotte koppeling"),
    (r"symbolic link to a folder", "koppeling naar een map, niet gevolgd"),
    (r"special file", "speciaal bestand, geen document"),
    # errors of reading, converting and releasing (redaction.document, redaction.convert, redaction.pipeline)
    (r"cannot be converted to PDF \(it is password-protected\)",
     "het bestand kan niet naar PDF worden omgezet: het is met een wachtwoord beveiligd"),
    (r"cannot be converted to PDF", "het bestand kan niet naar PDF worden omgezet"),
    (r"password is wrong", "het wachtwoord is onjuist"),
    (r"encrypted|password-protected", "het bestand is met een wachtwoord beveiligd"),
    (r"no readable pages|has no pages", "het PDF-bestand heeft geen leesbare pagina's"),
    (r"image has no frames", "de afbeelding bevat geen beeld"),
    (r"e-mail file is empty", "het e-mailbestand is leeg"),
    (r"e-mail file has no From", "het e-mailbestand mist zijn kopregels (van, aan, onderwerp, datum)"),
    (r"e-mail cannot be read", "het e-mailbestand kan niet worden gelezen"),
    (r"verification failed", "de openbare versie kon niet worden geverifieerd; beoordeel dit document met de hand"),
    (r"not a PDF, image", "geen PDF, afbeelding, Office-bestand, e-mail of tekstbestand"),
    (r"damaged|cannot be opened|cannot be rewritten|cannot be read", "het bestand is beschadigd"),
    (r"LibreOffice|Tesseract|extract-msg|needs the Python package",
     "de software om dit bestand te lezen ontbreekt op de server"),
    (r"worker stopped (\d+) times", "de verwerking liep {0} keer vast op dit document (een bestand waarop de "
                                     "PDF-software vastloopt, of te weinig geheugen)"),
    (r"not analysed", "het document is niet geanalyseerd"),
    (r"interrupted", "de analyse is onderbroken; probeer het opnieuw"),
)]

# What the engine says it did to a page of a released document.
_WARNINGS = [(re.compile(pattern, re.IGNORECASE), dutch) for pattern, dutch in (
    (r"page (\d+) was turned into an image",
     "pagina {0} is als afbeelding opgenomen: de tekst kon niet anders worden verwijderd"),
    (r"page (\d+) was read by OCR with low confidence \((\d+)%\)",
     "pagina {0} is met lage betrouwbaarheid ({1}%) door tekstherkenning gelezen: controleer de lakken"),
    (r"page (\d+) has no text layer and OCR found no text",
     "pagina {0} heeft geen tekstlaag en tekstherkenning vond er geen tekst op: controleer die met de hand"),
    (r"attachment", "de bijlagen van de e-mail staan als eigen documenten in het pakket"),
)]


def _first(rules, text: str) -> str | None:
    for pattern, dutch in rules:
        match = pattern.search(text)
        if match:
            return dutch.format(*match.groups())
    return None


def reason(text: str | None, status: str) -> str:
    """The Dutch reason why a file with ``status`` (failed, unsupported, refused) was not processed."""
    found = _first(_REASONS, text) if text else None
    return found or DEFAULT_REASON.get(status, DEFAULT_REASON["failed"])


def warning(text: str) -> str | None:
    """The Dutch form of an engine warning about a released document, or ``None`` for one not known here."""
    return _first(_WARNINGS, text)
