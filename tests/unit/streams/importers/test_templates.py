"""Spreadsheet templates: what `write_template` writes, and rows of CSV or XLSX read into events,
each bad row refused with its row number and what to fix."""

import csv
import io
import json
from datetime import datetime

import pytest
from openpyxl import Workbook, load_workbook

from schemas.decode import Invalid, decode
from streams.errors import UsageError
from streams.importers.base import Context, NotImported
from streams.importers.formats import by_name
from streams.importers.templates import write_template

PURCHASE_HEADERS = ["id_peristiwa", "id_pembeli", "nama_pembeli", "jenis_pembeli", "kode_wilayah", "id_penyedia",
                    "nilai", "tanggal", "saluran", "nomor_referensi", "status", "versi"]
SUPPLIER_HEADERS = ["id_penyedia", "nama_penyedia", "kode_wilayah", "kecamatan", "sektor", "skala", "jenis_koperasi",
                    "modal_usaha", "hasil_penjualan_tahunan", "berlaku_mulai", "berlaku_sampai", "nib", "npwp", "lkpp"]
BUDGET_HEADERS = ["id_instansi", "tahun_anggaran", "pagu_pengadaan", "kode_wilayah", "tanggal_penetapan"]
TOPIC = {"purchases": "purchases", "suppliers": "suppliers", "budgets": "targets"}


def rows_of(kind: str, raw: bytes, region: str | None = None) -> list[list[dict] | NotImported]:
    fmt, ctx = by_name(f"template-{kind}"), Context(region=region, file="rows.csv")  # one file, as an import reads it
    return [fmt.map(record, ctx) for record in fmt.records(io.BytesIO(raw))]


def csv_bytes(headers: list[str], *rows: list, delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows([headers, *rows])
    return out.getvalue().encode()


def xlsx_bytes(headers: list[str], *rows: list) -> bytes:
    book = Workbook()
    book.active.append(headers)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def valid(event: dict, kind: str) -> bool:
    return not isinstance(decode(TOPIC[kind], json.dumps(event).encode()), Invalid)


PURCHASE = ["", "3216-dinkes", "Dinas Kesehatan", "instansi", "3216", "9120001234567", "Rp 1.250.000", "31/03/2024",
            "pengadaan_langsung", "SPK-1/2024", "", ""]


@pytest.mark.parametrize("kind, headers", [("purchases", PURCHASE_HEADERS), ("suppliers", SUPPLIER_HEADERS),
                                           ("budgets", BUDGET_HEADERS)])
def test_a_template_has_indonesian_headers_an_explained_column_each_and_an_example_that_decodes(kind, headers):
    out = io.BytesIO()
    write_template(kind, out)
    book = load_workbook(io.BytesIO(out.getvalue()))
    data, explained = book.worksheets
    rows = [list(r) for r in data.iter_rows(values_only=True)]
    assert rows[0] == headers and len(rows) == 2
    explanations = {r[0]: r for r in explained.iter_rows(min_row=6, values_only=True)}
    assert list(explanations) == headers
    assert all(r[2] and r[3] and r[2] != r[3] for r in explanations.values())  # Indonesian, then English
    fmt = by_name(f"template-{kind}")
    [example] = list(fmt.records(io.BytesIO(out.getvalue())))
    [event] = fmt.events(example, Context())
    assert valid(event, kind)
    refused = fmt.map(example, Context())
    assert refused.reason == "example_row" and "baris 2" in refused.detail


def test_an_unknown_template_is_one_clear_line():
    with pytest.raises(UsageError, match="purchases, suppliers, budgets"):
        write_template("orders", io.BytesIO())


@pytest.mark.parametrize("amount, date, expected_amount, expected_time", [
    ("Rp 1.250.000", "31/03/2024", 1250000, "2024-03-31T12:00:00+07:00"),
    ("1250000", "2024-03-31", 1250000, "2024-03-31T12:00:00+07:00"),
    ("Rp1.250.000,50", "2024-03-31T10:15:00+08:00", 1250001, "2024-03-31T10:15:00+08:00"),
    ("1250000,49", "5/4/2024", 1250000, "2024-04-05T12:00:00+07:00"),
])
def test_amounts_and_dates_in_the_forms_people_write_them(amount, date, expected_amount, expected_time):
    row = PURCHASE[:6] + [amount, date] + PURCHASE[8:]
    [[event]] = rows_of("purchases", csv_bytes(PURCHASE_HEADERS, row, delimiter=";"))
    assert (event["amount"], event["occurred_at"]) == (expected_amount, expected_time)
    assert event["buyer"] == {"id": "3216-dinkes", "kind": "agency", "name": "Dinas Kesehatan", "region": "3216"}
    assert valid(event, "purchases")


def test_a_csv_saved_with_a_byte_order_mark_and_a_line_break_inside_a_quoted_cell():
    named = PURCHASE[:2] + ["Dinas Kesehatan\nBidang Farmasi"] + PURCHASE[3:]
    raw = b"\xef\xbb\xbf" + csv_bytes(PURCHASE_HEADERS, named, PURCHASE)
    [[first], [second]] = rows_of("purchases", raw)
    assert first["buyer"]["name"] == "Dinas Kesehatan\nBidang Farmasi" and second["buyer"]["name"] == "Dinas Kesehatan"


def test_the_same_purchase_from_csv_and_from_a_workbook_is_the_same_event():
    xlsx = PURCHASE[:6] + [1250000, datetime(2024, 3, 31)] + PURCHASE[8:]
    [[from_csv]] = rows_of("purchases", csv_bytes(PURCHASE_HEADERS, PURCHASE))
    [[from_xlsx]] = rows_of("purchases", xlsx_bytes(PURCHASE_HEADERS, xlsx))
    assert from_csv == from_xlsx
    assert from_csv["source"] == {"system": "template", "key": "3216-dinkes/SPK-1/2024/2024-03-31", "version": 0}


def test_a_higher_version_of_a_row_corrects_the_purchase_and_a_given_event_id_is_kept():
    corrected = PURCHASE[:6] + ["Rp 1.300.000"] + PURCHASE[7:11] + ["1"]
    given = ["opd-3216-0001"] + PURCHASE[1:9] + ["", "dalam proses", ""]
    first, second, third = rows_of("purchases", csv_bytes(PURCHASE_HEADERS, PURCHASE, corrected, given))
    assert first[0]["source"]["key"] == second[0]["source"]["key"]
    assert (first[0]["source"]["version"], second[0]["source"]["version"]) == (0, 1)
    assert first[0]["event_id"] != second[0]["event_id"]
    assert third[0]["event_id"] == "opd-3216-0001" and third[0]["state"] == "pending"
    assert "source" not in third[0]


@pytest.mark.parametrize("column, value, reason, said", [
    ("id_pembeli", "", "missing_field", "kolom id_pembeli: kosong"),
    ("nilai", "1,250,000", "invalid_amount", "tulis 1250000 atau Rp 1.250.000"),
    ("nilai", "0", "invalid_amount", "di luar 1.."),
    ("tanggal", "31/02/2024", "invalid_date", "tulis 31/03/2024 atau 2024-03-31"),
    ("tanggal", "2024-03-31 10:00 WIB", "invalid_date", "bukan tanggal"),
    ("saluran", "online", "invalid_value", "toko_daring"),
    ("jenis_pembeli", "pemda", "invalid_value", "instansi"),
    ("kode_wilayah", "32", "invalid_value", "bukan kode BPS 4 angka"),
    ("id_penyedia", "91200012345", "invalid_value", "NIB harus 13 angka"),
    ("nomor_referensi", "", "missing_field", "isi nomor_referensi atau id_peristiwa"),
    ("status", "lunas", "invalid_value", "dalam_proses"),
])
def test_each_bad_row_says_its_row_number_and_what_to_fix(column, value, reason, said):
    bad = list(PURCHASE)
    bad[PURCHASE_HEADERS.index(column)] = value
    good, refused, also_good = rows_of("purchases", csv_bytes(PURCHASE_HEADERS, PURCHASE, bad, PURCHASE))
    assert isinstance(refused, NotImported) and refused.reason == reason
    assert refused.detail.startswith("baris 3: ") and said in refused.detail
    assert isinstance(good, list) and isinstance(also_good, list)


def test_a_row_with_several_mistakes_names_them_all_and_empty_rows_are_no_records():
    bad = PURCHASE[:4] + ["", "", "abc", "kemarin"] + PURCHASE[8:]
    raw = csv_bytes(PURCHASE_HEADERS, [""] * 12, bad)
    [refused] = rows_of("purchases", raw)
    assert refused.reason == "missing_field" and refused.detail.startswith("baris 3: ")
    for column in ("kode_wilayah", "id_penyedia", "nilai", "tanggal"):
        assert f"kolom {column}" in refused.detail


def test_region_from_the_command_line_fills_an_empty_region_column():
    row = PURCHASE[:4] + [""] + PURCHASE[5:]
    [[event]] = rows_of("purchases", csv_bytes(PURCHASE_HEADERS, row), region="3275")
    assert event["buyer"]["region"] == "3275"


SUPPLIER = ["npwp:01.234.567.8-901.000", "Koperasi Sejahtera", "3216", "", "", "", "serba usaha", "Rp 800.000.000",
            "", "01/01/2024", ""]


def test_a_supplier_without_scale_is_classed_by_the_contract_from_capital_and_sales():
    raw = xlsx_bytes(SUPPLIER_HEADERS, SUPPLIER)
    [[event]] = rows_of("suppliers", raw)
    assert event["supplier"]["id"] == "npwp:0012345678901000"
    assert event["supplier"]["cooperative"] == "serba_usaha" and event["supplier"]["capital"] == 800_000_000
    assert "scale" not in event["supplier"] and event["valid_from"] == "2024-01-01"
    assert valid(event, "suppliers")


def test_a_supplier_with_neither_scale_nor_capital_nor_sales_is_refused():
    row = SUPPLIER[:7] + ["", "", "01/01/2024", ""]
    [refused] = rows_of("suppliers", csv_bytes(SUPPLIER_HEADERS, row))
    assert refused.reason == "missing_field" and "isi skala, atau modal_usaha" in refused.detail


def test_a_supplier_id_is_its_key_with_valid_from_and_a_corrected_row_in_a_later_file_replaces_it():
    kecil = ["9120001234567", "CV Maju", "3216", "", "", "kecil", "", "", "", "01/01/2024", "31/12/2024"]
    renamed = kecil[:1] + ["CV Maju Jaya"] + kecil[2:]
    [first], [again], [corrected] = (rows_of("suppliers", csv_bytes(SUPPLIER_HEADERS, row))
                                     for row in (kecil, kecil, renamed))
    assert first == again and first[0]["event_id"] != corrected[0]["event_id"]
    assert first[0]["valid_to"] == "2024-12-31"


def test_the_same_supplier_and_valid_from_twice_in_one_file_refuses_the_second_row_even_as_a_copy():
    kecil = ["9120001234567", "CV Maju", "3216", "", "", "kecil", "", "", "", "01/01/2024", ""]
    renamed, later = kecil[:1] + ["CV Maju Jaya"] + kecil[2:], kecil[:9] + ["01/07/2024", ""]
    first, copy, corrected, grown = rows_of("suppliers", csv_bytes(SUPPLIER_HEADERS, kecil, kecil, renamed, later))
    assert isinstance(first, list) and isinstance(grown, list)
    for number, refused in ((3, copy), (4, corrected)):
        assert refused.reason == "duplicate_row"
        assert refused.detail.startswith(f"baris {number}: ") and "sudah ada di baris 2" in refused.detail


def test_budgets_by_agency_and_year_from_the_first_of_january_unless_dated():
    undated = ["3216-dinkes", "2024", "Rp 12.500.000.000", "3216", ""]
    revised = ["3216-dinkes", "2024", "13000000000", "3216", "15/09/2024"]
    [[first], [second]] = rows_of("budgets", csv_bytes(BUDGET_HEADERS, undated, revised))
    assert (first["budget"], first["occurred_at"]) == (12_500_000_000, "2024-01-01T12:00:00+07:00")
    assert (second["budget"], second["occurred_at"]) == (13_000_000_000, "2024-09-15T12:00:00+07:00")
    assert first["event_id"] != second["event_id"] and valid(first, "budgets") and valid(second, "budgets")
    [refused] = rows_of("budgets", csv_bytes(BUDGET_HEADERS, ["3216-dinkes", "dua ribu", "1", "", ""]))
    assert refused.reason == "invalid_value" and "tahun_anggaran" in refused.detail


def test_a_template_is_told_by_its_headers():
    purchases, suppliers = by_name("template-purchases"), by_name("template-suppliers")
    [record] = list(purchases.records(io.BytesIO(csv_bytes(PURCHASE_HEADERS, PURCHASE))))
    assert purchases.detects(record) and not suppliers.detects(record)
    assert not purchases.detects({"kd_nontender": 1, "no_kontrak": "x"})
    assert list(purchases.records(io.BytesIO(b'[{"id_pembeli": "x"}]'))) == []  # JSON is never read as a sheet
