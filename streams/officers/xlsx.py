"""Reports as Excel workbooks: a header sheet (what, for which program and period, as of when)
and a data sheet with rupiah as whole numbers formatted `Rp 1.250.000`."""

import io
from datetime import datetime, timezone

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from streams.officers.tables import Report, formula_like
from streams.officers.words import title, word

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RUPIAH = '"Rp" #,##0;-"Rp" #,##0'  # Excel shows the separator of the reader's locale (Rp 1.250.000 in id-ID)
PERCENT = "0.00%"


def workbook(report: Report, lang: str = "id") -> bytes:
    wb = Workbook()
    about = wb.active
    about.title = title("sheet_about", lang)
    _append(about, [title("report", lang), _text(report.title)])
    for key, value in report.about.items():
        _append(about, [_text(key), _text(value)])
    about.append([title("generated", lang), datetime.now(timezone.utc).isoformat(timespec="seconds")])
    about.append([title("rows", lang), len(report.rows)])
    about["A1"].font = about["B1"].font = Font(bold=True)
    about.column_dimensions["A"].width, about.column_dimensions["B"].width = 22, 80

    data = wb.create_sheet("Data")
    data.append([c.heading(lang) for c in report.columns])
    for cell in data[1]:
        cell.font = Font(bold=True)
    for row in report.rows:
        _append(data, [_cell(row.get(c.key), c.kind, lang) for c in report.columns])
    if report.totals:
        sums = [sum(r.get(c.key) or 0 for r in report.rows) if c.key in report.totals else None
                for c in report.columns]
        data.append([title("sum", lang)] + sums[1:])
        for cell in data[data.max_row]:
            cell.font = Font(bold=True)
    for i, column in enumerate(report.columns, start=1):
        letter = get_column_letter(i)
        data.column_dimensions[letter].width = max(12, min(48, len(column.heading(lang)) + 4))
        fmt = RUPIAH if column.kind == "rupiah" else PERCENT if column.kind == "bp" else None
        if fmt:
            for (cell,) in data.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = fmt
    data.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _append(sheet, values: list) -> None:
    """A row whose text stays text: openpyxl stores a string starting with `=` as a formula, which
    Excel would run (`=HYPERLINK(...)` from a buyer's name). A string cell (`data_type` "s") holds
    no formula; `quotePrefix` is what Excel sets for a typed leading `'`, so the text shows without
    an apostrophe and editing the cell keeps it text. Numbers are untouched."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if formula_like(cell.value):
            cell.data_type = "s"
            cell.quotePrefix = True


def _cell(value, kind: str, lang: str):
    if (said := word(kind, value, lang)) is not None:  # a code people read as a word
        return said
    if value is None:
        return None
    if kind == "bp":
        # The one place a share becomes a fraction: Excel's percent format needs it; the exact
        # basis points stay in JSON and CSV.
        return value / 10_000
    if isinstance(value, (dict, list, tuple)):
        return str(value)
    if isinstance(value, datetime):  # spreadsheets keep no time zone: UTC text, unambiguous
        return value.isoformat()
    return _text(value)


def _text(value):
    # Control characters cannot be stored in a worksheet; a filter or name sent with them is shown
    # without them rather than failing the whole download.
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value
