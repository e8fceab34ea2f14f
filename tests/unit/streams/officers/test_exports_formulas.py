"""A name that a spreadsheet would run as a formula (`=HYPERLINK(...)`, `+1`, `@SUM(A1)`, a tab or
CR first) is shown as the text it is in CSV and XLSX downloads; amounts, negative ones included,
stay numbers and ordinary text is written unchanged (OWASP, CSV injection)."""

import csv
import io

import pytest
from openpyxl import load_workbook

from streams.officers.tables import Report, as_csv, columns
from streams.officers.xlsx import workbook

HOSTILE = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def report(names: list[str], amounts: list[int], about: dict | None = None) -> Report:
    rows = [{"buyer_id": f"opd-3216-{i}", "name": name, "actual": amount, "share_bp": -125}
            for i, (name, amount) in enumerate(zip(names, amounts))]
    return Report("Belanja", columns("buyer_id|id", "name", "actual|rupiah", "share_bp|bp"), rows,
                  about=about or {})


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))[1:]


def data_sheet(rep: Report):
    return load_workbook(io.BytesIO(workbook(rep)))["Data"]


@pytest.mark.parametrize("name", HOSTILE)
def test_a_csv_cell_that_would_start_a_formula_starts_with_a_quote(name):
    (row,) = csv_rows(as_csv(report([name], [1_250_000])))
    assert row[1] == "'" + name


def test_in_csv_a_negative_amount_and_ordinary_text_are_written_as_they_are():
    rows = csv_rows(as_csv(report(["Dinas Kesehatan", "PT A=B"], [-150_000, 1_250_000])))
    assert rows[0] == ["opd-3216-0", "Dinas Kesehatan", "-150000", "-1.25"]
    assert rows[1][1:3] == ["PT A=B", "1250000"]


@pytest.mark.parametrize("name", HOSTILE)
def test_an_xlsx_cell_that_would_start_a_formula_is_a_text_cell_showing_the_name(name):
    cell = data_sheet(report([name], [1_250_000])).cell(row=2, column=2)
    assert cell.data_type == "s" and cell.value == name.replace("\r", "\n")  # XML reads a CR as a line end
    assert cell.quotePrefix  # Excel keeps it text when the cell is edited, as for a typed leading '


def test_in_xlsx_a_negative_amount_stays_a_number_and_ordinary_text_is_plain():
    sheet = data_sheet(report(["Dinas Kesehatan"], [-150_000]))
    name, amount, share = (sheet.cell(row=2, column=c) for c in (2, 3, 4))
    assert (amount.data_type, amount.value) == ("n", -150_000)
    assert (share.data_type, share.value) == ("n", -0.0125)
    assert (name.data_type, name.value, name.quotePrefix) == ("s", "Dinas Kesehatan", False)


def test_no_cell_of_an_xlsx_holds_a_formula_even_from_the_filters_in_its_header_sheet():
    rep = report(HOSTILE, [1] * len(HOSTILE), about={"buyer": "=1+1"})
    book = load_workbook(io.BytesIO(workbook(rep)))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert ("buyer", "=1+1") in [(a.value, b.value) for a, b in book.worksheets[0].iter_rows(max_col=2)]
