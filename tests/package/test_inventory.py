"""The inventory list (CSV, XLSX) and the package report, read back the way their users read them."""

from __future__ import annotations

import csv
import datetime
import os
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from redaction.errors import OutputError
from redaction.package.inventory import (
    BEOORDELING,
    COLUMNS,
    InventoryRow,
    write_csv,
    write_report,
    write_xlsx,
)

HOSTILE_NAME = 'brieven/Verslag, "concept"\nversie 2.pdf'
SCRIPT_NAME = "uploads/<script>alert(1)</script>.pdf"


def released(**overrides) -> InventoryRow:
    facts = {"id": "0001", "document": "besluit/nota.pdf", "file_type": "PDF", "date": datetime.date(2024, 3, 1),
             "pages": 4, "counts_per_ground": {"5.1.2e": 12, "5.1.1e": 1},
             "counts_per_entity": {"PERSON": 10, "EMAIL_ADDRESS": 2, "NL_BSN": 1}, "case_number": "WOO-2024-17"}
    facts.update(overrides)
    return InventoryRow(**facts)


@pytest.fixture
def package() -> list[InventoryRow]:
    """A small package with one row of every kind the report distinguishes."""
    return [
        released(),
        InventoryRow("0002", "bijlagen/agenda.txt", "TXT", pages=1),
        InventoryRow("0003", HOSTILE_NAME, "PDF", pages=2, counts_per_ground={"5.1.2e": 3},
                     counts_per_entity={"PHONE_NUMBER": 3}, family_id="F-1", thread_id="T-9"),
        InventoryRow("0004", "besluit/nota (kopie).pdf", "PDF", status="duplicate", pages=4, duplicate_of="0001",
                     counts_per_ground={"5.1.2e": 12}, counts_per_entity={"PERSON": 12}),
        InventoryRow("0005", SCRIPT_NAME, "PDF", status="failed", note="Het PDF-bestand is versleuteld."),
        InventoryRow("0006", "foto.heic", "HEIC", status="unsupported", note="HEIC wordt niet ondersteund"),
        InventoryRow("0007", "=HYPERLINK(\"x\").pdf", "PDF", pages=1),
    ]


# --- the row ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status, counts, expected", [
    ("released", {"5.1.2e": 2}, "Deels openbaar"),
    ("released", {}, "Openbaar"),
    ("released", {"5.1.2e": 0}, "Openbaar"),
    ("duplicate", {"5.1.2e": 2}, "Duplicaat"),
    ("failed", {}, "Niet openbaar"),
    ("unsupported", {}, "Niet openbaar"),
    ("refused", {}, "Niet openbaar"),
    ("withheld", {"5.1.2i": 1}, "Niet openbaar"),
])
def test_beoordeling_follows_status_and_redactions(status, counts, expected):
    row = InventoryRow("0001", "a.pdf", "PDF", status=status, counts_per_ground=counts)
    assert row.beoordeling == expected
    assert row.beoordeling in BEOORDELING


def test_released_with_entity_counts_only_is_deels_openbaar():
    assert InventoryRow("1", "a.pdf", "PDF", counts_per_entity={"MANUAL": 1}).beoordeling == "Deels openbaar"


@pytest.mark.parametrize("status, expected", [
    ("released", ["5.1.1e", "5.1.2e", "5.1.2i", "5.2", "10.2.e"]),
    ("withheld", ["5.1.1e", "5.1.2e", "5.1.2i", "5.2", "10.2.e"]),
    ("duplicate", []),
    ("failed", []),
])
def test_grounds_are_in_natural_order(status, expected):
    counts = {"10.2.e": 1, "5.2": 1, "5.1.2i": 1, "5.1.2e": 4, "5.1.1e": 1, "5.1.2a": 0}
    row = InventoryRow("1", "a.pdf", "PDF", status=status, counts_per_ground=counts if status != "failed" else {})
    assert row.grounds == expected


def test_openbaar_has_no_grounds():
    assert InventoryRow("1", "a.pdf", "PDF", counts_per_ground={"5.1.2e": 0}).grounds == []


def test_unknown_status_is_refused():
    with pytest.raises(ValueError, match="unknown inventory status"):
        InventoryRow("1", "a.pdf", "PDF", status="done")


def test_cells_follow_columns():
    cells = released(family_id="F-1", thread_id="T-1", duplicate_of=None).cells()
    assert len(cells) == len(COLUMNS)
    by_column = dict(zip(COLUMNS, cells, strict=True))
    assert by_column["ID"] == "0001"
    assert by_column["Document"] == "besluit/nota.pdf"
    assert by_column["File type"] == "PDF"
    assert by_column["Datum"] == datetime.date(2024, 3, 1)
    assert by_column["Beoordeling"] == "Deels openbaar"
    assert by_column["Beoordelingsgrond"] == "5.1.1e; 5.1.2e"
    assert by_column["Toelichting"] == "13 passages gelakt (10 namen, 2 e-mailadressen, 1 BSN)."
    assert by_column["Family ID"] == "F-1"
    assert by_column["Email Thread ID"] == "T-1"
    assert by_column["Gerelateerd ID"] == ""
    assert by_column["Zaaknummer"] == "WOO-2024-17"


@pytest.mark.parametrize("row, expected", [
    (InventoryRow("1", "a.pdf", "PDF", counts_per_ground={"5.1.2e": 1}, counts_per_entity={"PERSON": 1}),
     "1 passage gelakt (1 naam)."),
    (InventoryRow("1", "a.pdf", "PDF", counts_per_ground={"5.1.2e": 2},
                  counts_per_entity={"KVK_NUMBER": 1, "NL_LICENSE_PLATE": 1}),
     "2 passages gelakt (1 kenteken, 1 KVK_NUMBER)."),
    (InventoryRow("1", "a.pdf", "PDF"), "Geen passages gelakt."),
    (InventoryRow("1", "a.pdf", "PDF", note="OCR gebruikt op pagina 3"),
     "Geen passages gelakt. OCR gebruikt op pagina 3."),
    (InventoryRow("4", "a.pdf", "PDF", status="duplicate", duplicate_of="0003"), "Duplicaat van 0003."),
    (InventoryRow("5", "a.pdf", "PDF", status="failed", note="Het bestand is beschadigd."),
     "Niet verwerkt: het bestand is beschadigd."),
    (InventoryRow("5", "a.pdf", "PDF", status="failed"), "Niet verwerkt: de verwerking is mislukt."),
    (InventoryRow("6", "a.heic", "HEIC", status="unsupported", note="HEIC wordt\nniet ondersteund"),
     "Niet verwerkt: HEIC wordt niet ondersteund."),
    (InventoryRow("7", "a.pdf", "PDF", status="withheld", counts_per_ground={"5.1.2i": 1}), "Geheel niet openbaar."),
])
def test_toelichting_is_a_dutch_sentence_from_the_facts(row, expected):
    assert row.cells()[COLUMNS.index("Toelichting")] == expected


# --- CSV ----------------------------------------------------------------------------------------------


def read_csv(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def test_csv_has_bom_header_and_survives_awkward_names(tmp_path, package):
    path = tmp_path / "inventarislijst.csv"
    write_csv(package, path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    table = read_csv(path)
    assert table[0] == list(COLUMNS)
    assert len(table) == len(package) + 1
    first = dict(zip(COLUMNS, table[1], strict=True))
    assert first["Datum"] == "2024-03-01"
    assert first["Beoordelingsgrond"] == "5.1.1e; 5.1.2e"
    assert dict(zip(COLUMNS, table[3], strict=True))["Document"] == HOSTILE_NAME
    assert dict(zip(COLUMNS, table[4], strict=True))["Gerelateerd ID"] == "0001"


def test_csv_neutralises_formulas(tmp_path):
    rows = [InventoryRow(str(i), name, "PDF") for i, name in
            enumerate(["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx", "gewoon-bestand.pdf"])]
    path = tmp_path / "inventarislijst.csv"
    write_csv(rows, path)
    documents = [line[1] for line in read_csv(path)[1:]]
    assert documents == ["'=1+1", "'+cmd", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx", "gewoon-bestand.pdf"]


def test_csv_replaces_atomically_and_leaves_no_temporary_file(tmp_path, package):
    path = tmp_path / "inventarislijst.csv"
    path.write_text("oud")
    write_csv(package, path)
    assert read_csv(path)[0] == list(COLUMNS)
    assert os.listdir(tmp_path) == ["inventarislijst.csv"]


def test_failed_write_keeps_the_old_file(tmp_path, package):
    path = tmp_path / "inventarislijst.csv"
    path.write_text("oud")

    class Broken(InventoryRow):
        def cells(self):
            raise OSError(28, "No space left on device")

    with pytest.raises(OutputError, match="choose another output folder"):
        write_csv([*package, Broken("9", "x.pdf", "PDF")], path)
    assert path.read_text() == "oud"
    assert os.listdir(tmp_path) == ["inventarislijst.csv"]


def test_an_unwritable_place_is_an_output_error(tmp_path, package):
    (tmp_path / "een-bestand").write_text("geen map")
    with pytest.raises(OutputError):
        write_csv(package, tmp_path / "een-bestand" / "inventarislijst.csv")
    write_csv(package, tmp_path / "nieuwe-map" / "inventarislijst.csv")  # a missing folder is made
    assert (tmp_path / "nieuwe-map" / "inventarislijst.csv").exists()


# --- XLSX ---------------------------------------------------------------------------------------------


def test_xlsx_inventory_sheet(tmp_path, package):
    path = tmp_path / "inventarislijst.xlsx"
    write_xlsx(package, path, title="Woo-besluit WOO-2024-17")
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Inventarislijst", "Samenvatting"]
    sheet = workbook["Inventarislijst"]
    assert [cell.value for cell in sheet[1]] == list(COLUMNS)
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:M{len(package) + 1}"
    assert sheet.max_row == len(package) + 1

    date_cell = sheet.cell(row=2, column=COLUMNS.index("Datum") + 1)
    assert date_cell.is_date
    assert date_cell.value.date() == datetime.date(2024, 3, 1)
    assert date_cell.number_format.lower() == "dd-mm-yyyy"
    assert sheet.cell(row=2, column=1).value == "0001"  # the leading zeros stay
    assert sheet.cell(row=4, column=2).value == HOSTILE_NAME

    formula_name = sheet.cell(row=8, column=2)
    assert formula_name.value == '=HYPERLINK("x").pdf'
    assert formula_name.data_type == "s"
    widths = {letter: dim.width for letter, dim in sheet.column_dimensions.items()}
    assert all(8 <= width <= 60 for width in widths.values())


def test_xlsx_summary_and_properties(tmp_path, package):
    path = tmp_path / "inventarislijst.xlsx"
    write_xlsx(package, path, title="Woo-besluit WOO-2024-17")
    workbook = load_workbook(path)
    values = [list(row) for row in workbook["Samenvatting"].iter_rows(values_only=True)]
    assert values[0][0] == "Woo-besluit WOO-2024-17"
    pairs = {row[0]: tuple(row[1:]) for row in values if row and row[0] is not None}
    assert pairs["Openbaar"][0] == 2
    assert pairs["Deels openbaar"][0] == 2
    assert pairs["Niet openbaar"][0] == 2
    assert pairs["Reeds openbaar"][0] == 0
    assert pairs["Duplicaat"][0] == 1
    assert pairs["Totaal"][0] == len(package)
    # The duplicate's 12 passages are not counted again.
    assert pairs["5.1.2e"][:2] == (2, 15)
    assert pairs["5.1.1e"][:2] == (1, 1)
    grounds = [row[0] for row in values[values.index(["Beoordelingsgrond", "Documenten", "Gelakte passages"]) + 1:]]
    assert grounds == ["5.1.1e", "5.1.2e"]

    props = workbook.properties
    assert props.creator == "woo-redact"
    assert props.lastModifiedBy in (None, "woo-redact")
    assert props.title == "Woo-besluit WOO-2024-17"


def test_xlsx_drops_characters_xml_cannot_hold(tmp_path):
    path = tmp_path / "inventarislijst.xlsx"
    write_xlsx([InventoryRow("1", "brief\x07.pdf", "PDF")], path)
    assert load_workbook(path)["Inventarislijst"]["B2"].value == "brief.pdf"


# --- HTML report --------------------------------------------------------------------------------------


class ReportReader(HTMLParser):
    """Collects what the tests check: the totals table, the bars per chart, the tags and the text."""

    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.totals: dict[str, str] = {}
        self.bars: dict[str, int] = {}
        self.text: list[str] = []
        self._svg: str | None = None
        self._in_totals = False
        self._cell: str | None = None
        self._label = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "svg":
            self._svg = attrs.get("id")
            self.bars[self._svg] = 0
        elif tag == "rect" and "bar" in (attrs.get("class") or "").split():
            self.bars[self._svg] += 1
        elif tag == "table":
            self._in_totals = "totals" in (attrs.get("class") or "")
        elif tag in ("th", "td") and self._in_totals:
            self._cell = tag

    def handle_endtag(self, tag):
        if tag == "svg":
            self._svg = None
        elif tag == "table":
            self._in_totals = False
        elif tag in ("th", "td"):
            self._cell = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell == "th":
            self._label = data
        elif self._cell == "td":
            self.totals[self._label] = data


@pytest.fixture
def report(tmp_path, package) -> tuple[str, ReportReader]:
    path = tmp_path / "rapport.html"
    write_report(package, path, title="Woo-besluit over <vergunningen>", case_number="WOO-2024-17",
                 generated_at=datetime.datetime(2024, 5, 6, 14, 30), extra={"Ongewijzigde duplicaten": 12})
    page = path.read_text(encoding="utf-8")
    reader = ReportReader()
    reader.feed(page)
    return page, reader


def test_report_totals(report):
    _, reader = report
    assert reader.totals == {
        "Documenten": "7", "Pagina's": "12", "Openbaar": "2", "Deels openbaar": "2", "Niet openbaar": "2",
        "Reeds openbaar": "0", "Duplicaat": "1", "Duplicaten": "1", "Niet verwerkt": "2",
        "Gelakte passages": "16", "Ongewijzigde duplicaten": "12",
    }


def test_report_header(report):
    page, reader = report
    text = "".join(reader.text)
    assert "Woo-besluit over &lt;vergunningen&gt;" in page
    assert "Zaaknummer: WOO-2024-17" in text
    assert "06-05-2024 14:30" in text
    assert '<html lang="nl">' in page


def test_report_has_one_bar_per_ground_and_per_entity_type(report):
    _, reader = report
    assert reader.bars == {"chart-grounds": 2, "chart-entities": 4}  # 5.1.1e, 5.1.2e; names, e-mail, BSN, phone


def test_report_escapes_names_and_is_self_contained(report):
    page, reader = report
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page.lower()
    assert "script" not in reader.tags
    assert "http://" not in page and "https://" not in page
    assert not {"link", "img", "iframe", "object", "embed"} & set(reader.tags)


def test_report_lists_files_not_processed_with_reasons(report):
    _, reader = report
    text = "".join(reader.text)
    assert "Niet verwerkt: het PDF-bestand is versleuteld." in text
    assert "Niet verwerkt: HEIC wordt niet ondersteund." in text
    assert "Telefoonnummers" in text and "Namen" in text


def test_report_of_an_empty_package(tmp_path):
    path = tmp_path / "rapport.html"
    write_report([], path, title="Leeg")
    page = path.read_text(encoding="utf-8")
    assert "Geen lakkingen." in page
    assert "Alle bestanden zijn verwerkt." in page
