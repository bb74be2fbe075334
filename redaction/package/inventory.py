"""The inventory list (inventarislijst) of a release package and its summary report.

One :class:`InventoryRow` per document of the package holds the facts the processing produced (status,
pages, redactions per ground and per entity type, duplicate, family, thread). From those facts this
module derives what the publication platforms of central government expect: the Beoordeling, the
Beoordelingsgrond and a Dutch Toelichting, in the columns of :data:`COLUMNS`.

Three deliverables are written beside the release PDFs, each atomically (a temporary file in the same
folder, then ``os.replace``), so a reader never finds a half-written inventory:

- :func:`write_csv`: UTF-8 with BOM, comma separated, cells that a spreadsheet would run as a formula
  neutralised;
- :func:`write_xlsx`: the same list as a workbook, plus a sheet with totals;
- :func:`write_report`: one self-contained HTML page in Dutch (no scripts, no external resources) with
  totals, bar charts of redactions per ground and per entity type, and the files that were not processed.
"""

from __future__ import annotations

import csv
import datetime
import html
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ..atomic import write_atomic
from .dutch import DEFAULT_REASON

BEOORDELING = ("Openbaar", "Deels openbaar", "Niet openbaar", "Reeds openbaar", "Duplicaat")
COLUMNS = ("ID", "Document", "File type", "Datum", "Beoordeling", "Beoordelingsgrond", "Toelichting",
           "Family ID", "Email Thread ID", "Gerelateerd ID", "Publieke link", "Zaaknummer", "Opgeschort")

STATUSES = ("released", "duplicate", "failed", "unsupported", "refused", "withheld")
NOT_PROCESSED = frozenset({"failed", "unsupported", "refused"})
"""Statuses of files the package run could not turn into a release document; the report lists their reasons."""

OPENBAAR, DEELS_OPENBAAR, NIET_OPENBAAR, REEDS_OPENBAAR, DUPLICAAT = BEOORDELING

# Dutch singular and plural per entity type. Both the Presidio names and the shorter names of this
# project's own recognizers (EMAIL, PHONE, BSN, ...) occur in stored findings, so both are listed.
ENTITY_LABELS: dict[str, tuple[str, str]] = {
    "PERSON": ("naam", "namen"),
    "EMAIL_ADDRESS": ("e-mailadres", "e-mailadressen"),
    "EMAIL": ("e-mailadres", "e-mailadressen"),
    "PHONE_NUMBER": ("telefoonnummer", "telefoonnummers"),
    "PHONE": ("telefoonnummer", "telefoonnummers"),
    "NL_BSN": ("BSN", "BSN's"),
    "BSN": ("BSN", "BSN's"),
    "IBAN_CODE": ("IBAN", "IBAN's"),
    "IBAN": ("IBAN", "IBAN's"),
    "NL_ADDRESS": ("adres", "adressen"),
    "ADDRESS": ("adres", "adressen"),
    "NL_POSTCODE": ("postcode", "postcodes"),
    "POSTCODE_CITY": ("postcode en plaats", "postcodes en plaatsen"),
    "DATE_OF_BIRTH": ("geboortedatum", "geboortedatums"),
    "NL_LICENSE_PLATE": ("kenteken", "kentekens"),
    "LICENSE_PLATE": ("kenteken", "kentekens"),
    "TERM": ("zoekterm", "zoektermen"),
    "MANUAL": ("handmatige lakking", "handmatige lakkingen"),
}


# XML 1.0 (XLSX) cannot hold C0 control characters, and in HTML they are parse errors; upload names
# can carry them, so they are dropped from every text we write outside the CSV.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def ground_sort_key(code: str) -> tuple:
    """Natural order of ground codes: ``5.1.1e`` < ``5.1.2e`` < ``5.1.2i`` < ``5.2`` < ``10.2.e``."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.lower())
                 for part in re.findall(r"\d+|\D+", code))


def entity_phrase(entity: str, count: int) -> str:
    """``count`` and the Dutch name of ``entity`` in the right number: ``"1 naam"``, ``"10 namen"``.

    An entity type without a Dutch label keeps its raw name (``"3 KVK_NUMBER"``).
    """
    singular, plural = ENTITY_LABELS.get(entity, (entity, entity))
    return f"{count} {singular if count == 1 else plural}"


def entity_title(entity: str) -> str:
    """The Dutch heading for an entity type in the report: ``"Namen"``, ``"E-mailadressen"``."""
    plural = ENTITY_LABELS.get(entity, (entity, entity))[1]
    return plural[:1].upper() + plural[1:]


@dataclass
class InventoryRow:
    """The facts about one document of a release package, from which its inventory line is derived.

    ``id`` is the inventory number (``"0001"``), ``document`` the path inside the package. ``status``
    is one of :data:`STATUSES`; an unknown status raises ``ValueError``. ``counts_per_ground`` and
    ``counts_per_entity`` count redacted passages (entries of 0 are ignored); ``duplicate_of`` is the
    inventory ID of the original; ``note`` adds to the Toelichting (the reason a file was not
    processed, or a warning).
    """

    id: str
    document: str
    file_type: str
    date: datetime.date | None = None
    status: str = "released"
    pages: int = 0
    counts_per_ground: dict[str, int] = field(default_factory=dict)
    counts_per_entity: dict[str, int] = field(default_factory=dict)
    duplicate_of: str | None = None
    family_id: str | None = None
    thread_id: str | None = None
    case_number: str | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown inventory status {self.status!r}; use one of {', '.join(STATUSES)}.")

    @property
    def redactions(self) -> int:
        """The number of redacted passages: the sum per ground, or per entity type when no ground is counted."""
        per_ground = sum(n for n in self.counts_per_ground.values() if n > 0)
        return per_ground or sum(n for n in self.counts_per_entity.values() if n > 0)

    @property
    def beoordeling(self) -> str:
        """``Deels openbaar`` when released with any redaction, ``Openbaar`` when released without one,
        ``Duplicaat`` for a duplicate, ``Niet openbaar`` for anything not released."""
        if self.status == "released":
            return DEELS_OPENBAAR if self.redactions else OPENBAAR
        if self.status == "duplicate":
            return DUPLICAAT
        return NIET_OPENBAAR

    @property
    def grounds(self) -> list[str]:
        """The ground codes with at least one redaction, in natural order; empty for Openbaar and Duplicaat."""
        if self.beoordeling in (OPENBAAR, DUPLICAAT):
            return []
        return sorted((code for code, n in self.counts_per_ground.items() if n > 0), key=ground_sort_key)

    @property
    def toelichting(self) -> str:
        """A Dutch sentence built from the facts, followed by the note when there is one."""
        note = _sentence(self.note) if self.note and self.note.strip() else ""
        if self.status in NOT_PROCESSED:
            # The note is the reason here, so it is part of the sentence and not repeated after it.
            reason = note or DEFAULT_REASON[self.status]
            return f"Niet verwerkt: {_lower_first(reason.rstrip('.!?'))}."
        if self.status == "duplicate":
            text = f"Duplicaat van {self.duplicate_of}." if self.duplicate_of else "Duplicaat."
        elif self.status == "withheld":
            text = "Geheel niet openbaar."
        elif self.redactions:
            total = self.redactions
            text = f"{total} {'passage' if total == 1 else 'passages'} gelakt"
            kinds = _entity_summary(self.counts_per_entity)
            text += f" ({kinds})." if kinds else "."
        else:
            text = "Geen passages gelakt."
        return f"{text} {note}" if note else text

    def cells(self) -> list:
        """The values in :data:`COLUMNS` order.

        Datum is a ``datetime.date`` (each writer renders it: ISO text in CSV, a date cell in XLSX);
        every other value is text, ``""`` when unknown. Publieke link and Opgeschort are left empty:
        the link exists only after publication, and suspension is a decision outside this run.
        """
        date = self.date.date() if isinstance(self.date, datetime.datetime) else self.date
        return [
            self.id,
            self.document,
            self.file_type,
            date if date is not None else "",
            self.beoordeling,
            "; ".join(self.grounds),
            self.toelichting,
            self.family_id or "",
            self.thread_id or "",
            self.duplicate_of or "",
            "",
            self.case_number or "",
            "",
        ]


def _sentence(text: str) -> str:
    """``text`` on one line, ending in a full stop."""
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?")) else text + "."


def _lower_first(text: str) -> str:
    # "Het bestand ..." reads on after "Niet verwerkt:" as "het bestand ...", but "PDF ..." stays.
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _entity_summary(counts: Mapping[str, int]) -> str:
    """``"10 namen, 2 e-mailadressen"``: most frequent first."""
    ordered = sorted(((entity, n) for entity, n in counts.items() if n > 0),
                     key=lambda item: (-item[1], entity_title(item[0]).casefold()))
    return ", ".join(entity_phrase(entity, n) for entity, n in ordered)


def _ground_summary(counts: Mapping[str, int], grounds: Iterable[str]) -> str:
    return ", ".join(f"{code}: {counts[code]}" for code in grounds)


def _without_control_chars(value):
    return _CONTROL_CHARS.sub("", value) if isinstance(value, str) else value


def _neutralise_formula(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


# --- writing atomically -------------------------------------------------------------------------------


def _write_atomically(path, write: Callable[[IO[bytes]], None]) -> None:
    """Call ``write`` with a binary file that takes ``path``'s name only once complete (``write_atomic``)."""
    def to_file(tmp: Path) -> None:
        with open(tmp, "wb") as fh:
            write(fh)

    write_atomic(Path(path), to_file)


# --- CSV ----------------------------------------------------------------------------------------------


def write_csv(rows: list[InventoryRow], path) -> None:
    """Write the inventory as CSV: UTF-8 with a BOM (so Excel detects the encoding), comma separated,
    RFC 4180 quoting, the header row :data:`COLUMNS`, dates as ISO text (``2024-03-01``).

    A cell that starts with ``= + - @``, a tab or a carriage return gets a leading apostrophe, so a
    spreadsheet shows it as text instead of running it as a formula.
    """
    def write(fh: IO[bytes]) -> None:
        text = io.TextIOWrapper(fh, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([_neutralise_formula(value.isoformat() if isinstance(value, datetime.date) else value)
                             for value in row.cells()])
        text.flush()
        text.detach()  # ``fh`` is closed by _write_atomically

    _write_atomically(path, write)


# --- XLSX ---------------------------------------------------------------------------------------------

_MIN_WIDTH, _MAX_WIDTH = 8, 60
_WRAPPED_COLUMNS = frozenset({"Document", "Toelichting"})


def write_xlsx(rows: list[InventoryRow], path, title: str = "Inventarislijst") -> None:
    """Write the inventory as a workbook.

    Sheet ``Inventarislijst``: the header :data:`COLUMNS` in bold, frozen, with an auto filter; one row
    per document; Datum as a date cell shown ``dd-mm-yyyy``. Sheet ``Samenvatting``: ``title``, then the
    number of documents per Beoordeling (all of :data:`BEOORDELING`, with a total), then per ground the
    number of documents and of redacted passages. Text is always stored as text, never as a formula.
    The document properties name the tool (``woo-redact``), never a person.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Inventarislijst"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = bold
    widths = [len(name) + 2 for name in COLUMNS]
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row.cells(), start=1):
            column = COLUMNS[c - 1]
            cell = sheet.cell(row=r, column=c)
            if isinstance(value, datetime.date):
                cell.value = value
                cell.number_format = "DD-MM-YYYY"
                widths[c - 1] = max(widths[c - 1], 12)
                continue
            if value == "":
                continue
            cell.value = _without_control_chars(value)
            # openpyxl stores any text starting with "=" as a formula; an upload name must stay text.
            cell.data_type = "s"
            if column in _WRAPPED_COLUMNS:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            longest_line = max(len(line) for line in str(cell.value).splitlines() or [""])
            widths[c - 1] = max(widths[c - 1], longest_line + 2)
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = max(_MIN_WIDTH, min(width, _MAX_WIDTH))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(rows) + 1}"

    summary = workbook.create_sheet("Samenvatting")
    summary.append([_without_control_chars(title)])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([])
    summary.append(["Beoordeling", "Documenten"])
    per_beoordeling = Counter(row.beoordeling for row in rows)
    for name in BEOORDELING:
        summary.append([name, per_beoordeling[name]])
    summary.append(["Totaal", len(rows)])
    summary.append([])
    summary.append(["Beoordelingsgrond", "Documenten", "Gelakte passages"])
    documents_per_ground, passages_per_ground = _ground_totals(rows)
    for code in sorted(passages_per_ground, key=ground_sort_key):
        summary.append([code, documents_per_ground[code], passages_per_ground[code]])
    for row in summary.iter_rows():
        if row[0].value in ("Beoordeling", "Beoordelingsgrond", "Totaal"):
            for cell in row:
                cell.font = bold
    summary.column_dimensions["A"].width = 24
    summary.column_dimensions["B"].width = 14
    summary.column_dimensions["C"].width = 18

    workbook.properties.creator = "woo-redact"
    workbook.properties.lastModifiedBy = "woo-redact"
    workbook.properties.title = _without_control_chars(title)
    _write_atomically(path, workbook.save)


def _ground_totals(rows: Iterable[InventoryRow]) -> tuple[Counter, Counter]:
    """Per ground code: the number of documents that use it and the redacted passages over the package.

    Only a row's :attr:`InventoryRow.grounds` count, so the counts of a duplicate, which is not
    redacted, are not counted twice.
    """
    documents, passages = Counter(), Counter()
    for row in rows:
        for code in row.grounds:
            documents[code] += 1
            passages[code] += row.counts_per_ground[code]
    return documents, passages


def _entity_totals(rows: Iterable[InventoryRow]) -> Counter:
    """Redacted passages per entity type over the package, duplicates left out."""
    totals = Counter()
    for row in rows:
        if row.status != "duplicate":
            totals.update({entity: n for entity, n in row.counts_per_entity.items() if n > 0})
    return totals


# --- HTML report --------------------------------------------------------------------------------------

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1a1a1a;
       max-width: 72rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .25rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ccc; padding-bottom: .2rem; }
.meta { color: #555; margin: 0; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { border: 1px solid #ccc; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
table.documents { width: 100%; font-size: .9rem; }
table.documents td.document { word-break: break-all; }
svg text { font-size: 12px; fill: #1a1a1a; }
svg .bar { fill: #154273; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } tr { break-inside: avoid; } }
"""

_BAR_HEIGHT, _BAR_GAP, _LABEL_WIDTH, _BAR_SPACE, _VALUE_SPACE = 18, 6, 190, 420, 60
_MAX_LABEL = 30


def _text(value) -> str:
    """Any value as HTML text: control characters dropped, ``< > & " '`` escaped."""
    return html.escape(_CONTROL_CHARS.sub("", str(value)), quote=True)


def _bar_chart(chart_id: str, caption: str, bars: list[tuple[str, int]]) -> str:
    """A horizontal bar chart as inline SVG: one ``<rect class="bar">`` per (label, value)."""
    if not bars:
        return '<p class="empty">Geen lakkingen.</p>'
    largest = max(value for _, value in bars) or 1
    step = _BAR_HEIGHT + _BAR_GAP
    width, height = _LABEL_WIDTH + _BAR_SPACE + _VALUE_SPACE, step * len(bars) + _BAR_GAP
    svg = (f'<svg id="{chart_id}" role="img" aria-label="{_text(caption)}" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}">')
    parts = [svg, f"<title>{_text(caption)}</title>"]
    for i, (label, value) in enumerate(bars):
        y = _BAR_GAP + i * step
        shown = label if len(label) <= _MAX_LABEL else label[: _MAX_LABEL - 1] + "…"
        bar = max(1, round(_BAR_SPACE * value / largest))
        middle = y + _BAR_HEIGHT / 2
        parts.append(f'<text x="{_LABEL_WIDTH - 8}" y="{middle}" text-anchor="end" dominant-baseline="middle">'
                     f"{_text(shown)}</text>")
        parts.append(f'<rect class="bar" x="{_LABEL_WIDTH}" y="{y}" width="{bar}" height="{_BAR_HEIGHT}">'
                     f"<title>{_text(label)}: {value}</title></rect>")
        parts.append(f'<text x="{_LABEL_WIDTH + bar + 6}" y="{middle}" dominant-baseline="middle">{value}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _totals(rows: list[InventoryRow], extra: Mapping | None) -> list[tuple[str, object]]:
    per_beoordeling = Counter(row.beoordeling for row in rows)
    totals: list[tuple[str, object]] = [
        ("Documenten", len(rows)),
        ("Pagina's", sum(row.pages for row in rows)),
    ]
    totals += [(name, per_beoordeling[name]) for name in BEOORDELING]
    totals += [
        ("Duplicaten", sum(row.status == "duplicate" for row in rows)),
        ("Niet verwerkt", sum(row.status in NOT_PROCESSED for row in rows)),
        ("Gelakte passages", sum(row.redactions for row in rows if row.status != "duplicate")),
    ]
    totals += list((extra or {}).items())
    return totals


def render_report(rows: list[InventoryRow], title: str, case_number: str | None = None,
                  generated_at: datetime.datetime | None = None, extra: Mapping | None = None) -> str:
    """The report of :func:`write_report` as a string."""
    generated_at = generated_at or datetime.datetime.now().astimezone()
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="nl">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_text(title)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{_text(title)}</h1>",
    ]
    if case_number:
        out.append(f'<p class="meta">Zaaknummer: {_text(case_number)}</p>')
    out.append(f'<p class="meta">Gegenereerd op <time datetime="{_text(generated_at.isoformat())}">'
               f'{generated_at.strftime("%d-%m-%Y %H:%M")}</time></p>')

    out += ["<h2>Totalen</h2>", '<table class="totals">']
    for label, value in _totals(rows, extra):
        out.append(f'<tr><th scope="row">{_text(label)}</th><td class="number">{_text(value)}</td></tr>')
    out.append("</table>")

    _, passages_per_ground = _ground_totals(rows)
    ground_bars = [(code, passages_per_ground[code]) for code in sorted(passages_per_ground, key=ground_sort_key)]
    entity_bars = sorted(((entity_title(entity), n) for entity, n in _entity_totals(rows).items()),
                         key=lambda bar: (-bar[1], bar[0].casefold()))
    out += ["<h2>Lakkingen per grond</h2>",
            _bar_chart("chart-grounds", "Gelakte passages per grond", ground_bars),
            "<h2>Lakkingen per soort gegeven</h2>",
            _bar_chart("chart-entities", "Gelakte passages per soort gegeven", entity_bars)]

    out += ["<h2>Documenten</h2>", '<table class="documents">']
    out.append("<thead><tr><th>ID</th><th>Document</th><th>Beoordeling</th><th class=\"number\">Pagina's</th>"
               "<th>Lakkingen per grond</th><th>Lakkingen per soort</th><th>Toelichting</th></tr></thead>")
    out.append("<tbody>")
    for row in rows:
        counted = row.status != "duplicate"
        out.append(
            "<tr>"
            f"<td>{_text(row.id)}</td>"
            f'<td class="document">{_text(row.document)}</td>'
            f"<td>{_text(row.beoordeling)}</td>"
            f'<td class="number">{_text(row.pages)}</td>'
            f"<td>{_text(_ground_summary(row.counts_per_ground, row.grounds))}</td>"
            f"<td>{_text(_entity_summary(row.counts_per_entity) if counted else '')}</td>"
            f"<td>{_text(row.toelichting)}</td>"
            "</tr>")
    out += ["</tbody>", "</table>"]

    out.append("<h2>Niet verwerkte bestanden</h2>")
    not_processed = [row for row in rows if row.status in NOT_PROCESSED]
    if not_processed:
        out.append('<ul class="not-processed">')
        for row in not_processed:
            out.append(f"<li><strong>{_text(row.document)}</strong> ({_text(row.id)}): {_text(row.toelichting)}</li>")
        out.append("</ul>")
    else:
        out.append("<p>Alle bestanden zijn verwerkt.</p>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def write_report(rows: list[InventoryRow], path, title: str, case_number: str | None = None,
                 generated_at: datetime.datetime | None = None, extra: dict | None = None) -> None:
    """Write the summary report of a release package as one self-contained HTML page in Dutch.

    The page has no scripts and loads nothing (inline style, charts as inline SVG), so it can be
    archived and opened offline. It shows ``title``, ``case_number`` and ``generated_at`` (default: now);
    totals (documents, pages, documents per Beoordeling, duplicates, files not processed, redacted
    passages, and each ``extra`` label with its value); a bar chart of redacted passages per ground and
    one per entity type; a table per document; and the files not processed with their reasons. All text
    taken from ``rows`` and ``extra`` is HTML-escaped.
    """
    page = render_report(rows, title, case_number=case_number, generated_at=generated_at, extra=extra)
    _write_atomically(path, lambda fh: fh.write(page.encode("utf-8")))
