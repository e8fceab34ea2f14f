"""kuota's spreadsheet templates: `write_template` writes them, the `template-*` formats read them.

A template is an XLSX workbook: the data sheet (Indonesian headers in row 1, one example row)
and a sheet explaining each column in Bahasa Indonesia and English (`template_columns`). People
fill it in and import it, as XLSX or saved as CSV with the same headers (comma or semicolon).
Rows become `purchase.recorded`, `supplier.registered` or `budget.declared`; each bad row is not
imported with its row number and what to fix (every problem of the row, the first as its reason
code: `missing_field`, `invalid_amount`, `invalid_date`, `invalid_value`, and for suppliers the
registry checks of `supplier_checks`: `invalid_nib`, `invalid_npwp`, `identifier_conflict`,
`unknown_district`, `scale_mismatch`, `invalid_cooperative`). Empty rows are not records. The
example row left in place is not imported (`example_row`). A second row of the same supplier and
valid_from in one file is not imported (`duplicate_row`), even when it is an exact copy.

Ids, from each row's natural key: purchases, `id_peristiwa` when given, else buyer + reference
+ date (+ `versi` when above 0), carrying `source=("template", <buyer/reference/date>, versi)`
so a higher version corrects the purchase; suppliers, supplier id + valid_from; budgets, agency
+ year. For the last two, whose latest event per key is in force, the id also carries a digest
of the row, so a corrected row replaces the earlier one and the same row again is a duplicate.
"""

import codecs
import csv
import io
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from streams.errors import UsageError
from streams.importers.base import Context, NotImported
from streams.importers.template_columns import COLUMNS, KINDS, SHEETS, TITLES, Column
from streams.importers.template_rows import EVENTS, Row, header_key
from streams.officers.xlsx import RUPIAH

_MONEY = {"amount", "capital", "annual_sales", "budget"}
_DAYS = {"date", "valid_from", "valid_to"}
_ZIP = b"PK\x03\x04"  # an XLSX file is a zip archive


def write_template(kind: str, out) -> None:
    """The XLSX template of `kind` (purchases, suppliers, budgets) to `out`: a path or a binary stream."""
    if kind not in KINDS:
        raise UsageError(f"templat {kind!r} tidak dikenal; pilih {', '.join(KINDS)} / unknown template {kind!r}")
    columns = COLUMNS[kind]
    wb = Workbook()
    data = wb.active
    data.title = SHEETS[kind]
    data.append([c.header for c in columns])
    data.append([_example_cell(c) for c in columns])
    for i, column in enumerate(columns, start=1):
        head = data.cell(row=1, column=i)
        head.font = Font(bold=True, color=None if column.required else "555555")
        data.column_dimensions[get_column_letter(i)].width = max(14, len(column.header) + 4)
        if column.key in _MONEY:
            data.cell(row=2, column=i).number_format = RUPIAH
        elif column.key in _DAYS:
            data.cell(row=2, column=i).number_format = "DD/MM/YYYY"
    data.freeze_panes = "A2"
    _explain(wb.create_sheet("penjelasan"), kind, columns)
    buffer = io.BytesIO()
    wb.save(buffer)
    if isinstance(out, (str, Path)):
        Path(out).write_bytes(buffer.getvalue())
    else:
        out.write(buffer.getvalue())


def _example_cell(column: Column):
    value = column.example
    if column.key in _MONEY and isinstance(value, str):
        return int("".join(ch for ch in value if ch.isdigit()))  # a number cell, shown as Rp 1.250.000
    if column.key in _DAYS and isinstance(value, str):
        return datetime.strptime(value, "%d/%m/%Y")
    return value


def _explain(sheet, kind: str, columns: tuple[Column, ...]) -> None:
    sheet.append([TITLES[kind]])
    sheet["A1"].font = Font(bold=True)
    sheet.append(["Isi lembar pertama mulai baris 2; hapus atau ganti baris contoh. Simpan sebagai XLSX atau CSV UTF-8, "
                  "lalu: kuota import FILE --format template-" + kind])
    sheet.append(["Fill in the first sheet from row 2; delete or replace the example row. Save as XLSX or CSV UTF-8, "
                  "then: kuota import FILE --format template-" + kind])
    sheet.append([])
    sheet.append(["kolom / column", "wajib / required", "penjelasan", "explanation", "contoh / example"])
    for cell in sheet[5]:
        cell.font = Font(bold=True)
    for c in columns:
        sheet.append([c.header, "ya / yes" if c.required else "tidak / no", c.id, c.en,
                      "" if c.example is None else str(c.example)])
    for letter, width in zip("ABCDE", (24, 16, 60, 60, 24)):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=6, min_col=3, max_col=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


class TemplateFormat:
    """Rows of one template, from XLSX (the first sheet, streamed) or CSV."""

    def __init__(self, kind: str):
        self.kind = kind
        self.name = f"template-{kind}"
        self.title = TITLES[kind]
        self._required = {c.header for c in COLUMNS[kind] if c.required}
        self._example = None

    def detects(self, first: dict) -> bool:
        return isinstance(first, dict) and self._required <= {header_key(k) for k in first if isinstance(k, str)}

    def records(self, stream: BinaryIO) -> Iterator[dict]:
        rows = _xlsx_rows(stream) if _magic(stream) == _ZIP else _csv_rows(stream)
        header = None
        for number, cells in rows:
            if header is None:
                header = [header_key(c) if isinstance(c, str) else None for c in cells]
                continue
            values = [_plain(v) for v in cells]
            if all(v in (None, "") for v in values):
                continue  # an empty line is no record
            record = {h: v for h, v in zip(header, values) if h}
            record["_row"] = number
            yield record

    def map(self, record: dict, ctx: Context) -> list[dict] | NotImported:
        events = self.events(record, ctx)
        if self._example is None:
            example = {c.header: _plain(_example_cell(c)) for c in COLUMNS[self.kind]}
            self._example = self.events({**example, "_row": 2}, Context())
        if isinstance(events, list) and events == self._example:
            return NotImported("example_row", f"baris {record.get('_row')}: baris contoh dari templat; hapus atau "
                               "ganti / the template's example row; delete or replace it")
        if isinstance(events, list) and self.kind == "suppliers":
            return _first_of_its_key(events, record.get("_row"), ctx)
        return events

    def events(self, record: dict, ctx: Context) -> list[dict] | NotImported:
        """The row's event, or every problem of the row (the first one's code as the reason)."""
        row = Row(record, COLUMNS[self.kind], ctx.region)
        event = EVENTS[self.kind](row)
        if row.problems:
            return NotImported(row.problems[0][0], f"baris {row.number}: " + "; ".join(p[1] for p in row.problems))
        return [event]


FORMATS = [TemplateFormat(kind) for kind in KINDS]


def _first_of_its_key(events: list[dict], number, ctx: Context) -> list[dict] | NotImported:
    """A supplier's profile from one date is one row of a file: a second row of the same supplier
    and valid_from is refused, so a registry's repeated rows (data ganda) are seen, not merged."""
    supplier, day = events[0]["supplier"]["id"], events[0]["valid_from"]
    rows = ctx.seen.setdefault("template-suppliers", {})
    first = rows.setdefault((ctx.file, supplier, day), number)
    if first == number:
        return events
    return NotImported("duplicate_row", f"baris {number}: penyedia {supplier} berlaku_mulai {day} sudah ada di baris "
                                        f"{first}; satu baris per penyedia dan tanggal: gabungkan keduanya, atau beri "
                                        f"profil yang berubah berlaku_mulai sendiri / supplier {supplier} from {day} "
                                        f"is already in row {first}; keep one row per supplier and date")


def _magic(stream: BinaryIO, size: int = 4) -> bytes:
    if hasattr(stream, "peek"):
        return stream.peek(size)[:size]
    start = stream.tell()
    head = stream.read(size)
    stream.seek(start)
    return head


def _xlsx_rows(stream: BinaryIO) -> Iterator[tuple[int, tuple]]:
    book = load_workbook(stream, read_only=True, data_only=True)
    try:
        for number, cells in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
            yield number, cells
    finally:
        book.close()


def _csv_rows(stream: BinaryIO) -> Iterator[tuple[int, list]]:
    if _magic(stream, 64).lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{"):
        return  # JSON, not a sheet: reading it as lines could hold a whole one-line file in memory
    lines = _lines(stream)
    first = next(lines, "")
    # Spreadsheets set to Bahasa Indonesia save CSV with semicolons: the comma is their decimal mark.
    delimiter = ";" if first.count(";") > first.count(",") else ","
    for number, cells in enumerate(csv.reader(_chain(first, lines), delimiter=delimiter), start=1):
        yield number, cells


def _lines(stream: BinaryIO) -> Iterator[str]:
    """UTF-8 lines (a byte-order mark dropped) with their line ends, which keep a line break
    inside a quoted cell; read in chunks through the stream's own `read`."""
    decoder, pending = codecs.getincrementaldecoder("utf-8-sig")(), ""
    while chunk := stream.read(1 << 16):
        *lines, pending = (pending + decoder.decode(chunk)).split("\n")
        yield from (line + "\n" for line in lines)
    if pending := pending + decoder.decode(b"", final=True):
        yield pending


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def _plain(value):
    """A cell as JSON-ready data: text stripped, a date cell as ISO text, a number exact."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, float):
        return Decimal(repr(value))  # the number as shown, never a float near an amount
    return value
