"""A Dinas's registry rows checked one by one: identifiers, kecamatan, scale against PP 7/2021 and
cooperative types, first on plain values, then as rows of the suppliers template."""

import pytest

from streams.importers import kecamatan
from streams.importers import supplier_checks as checks
from streams.importers.supplier_checks import Problem
from tests.unit.streams.importers.test_templates import SUPPLIER_HEADERS, csv_bytes, rows_of, valid, xlsx_bytes


def code(result) -> str | None:
    return result.code if isinstance(result, Problem) else None


@pytest.mark.parametrize("value, expected", [("9120001234567", "9120001234567"), (" 9120 001234567 ", "9120001234567"),
                                             ("9120001234567.0", "9120001234567"), (9120001234567, "9120001234567")])
def test_a_nib_is_thirteen_digits_as_written_or_as_a_number_cell(value, expected):
    assert checks.nib(value) == expected


@pytest.mark.parametrize("value", ["912000123456", "91200012345678", "NIB-9120001234", "9120-0012-34567x"])
def test_anything_else_is_no_nib_and_says_how_many_digits_it_has(value):
    problem = checks.nib(value)
    assert problem.code == "invalid_nib" and "13 angka" in problem.said


@pytest.mark.parametrize("value, expected", [("01.234.567.8-901.000", "0012345678901000"),
                                             ("012345678901000", "0012345678901000"),
                                             ("3201234567890123", "3201234567890123")])
def test_an_npwp_of_15_or_16_digits_with_dots_and_dashes_is_stored_as_16_digits(value, expected):
    assert checks.npwp(value) == expected


@pytest.mark.parametrize("value", ["01.234.567.8-901", "12345678901234567", "npwp 0123"])
def test_an_npwp_of_another_length_is_refused(value):
    assert code(checks.npwp(value)) == "invalid_npwp"


def test_an_identifier_column_may_not_contradict_the_supplier_id_it_already_is():
    assert checks.id_agrees("npwp:01.234.567.8-901.000", {"npwp": "0012345678901000"}) is None
    assert checks.id_agrees("9120001234567", {"nib": "9120001234567", "lkpp": "55"}) is None
    assert code(checks.id_agrees("9120001234567", {"nib": "9120009999999"})) == "identifier_conflict"
    assert code(checks.id_agrees("sikap:2801192", {"lkpp": "2801193"})) == "identifier_conflict"
    assert checks.id_agrees("S-0001", {"nib": "9120001234567"}) is None


@pytest.mark.parametrize("region, written, stored", [
    ("3216", "cikarang  utara", "Cikarang Utara"), ("3216", "Karang Bahagia", "Karangbahagia"),
    ("3216", "Muaragembong", "Muara Gembong"), ("3275", "BANTARGEBANG", "Bantar Gebang"),
    ("3275", "Pondok-Gede", "Pondok Gede"), ("3674", "Serpong Utara.", "Serpong Utara"), ("3674", "setu", "Setu"),
])
def test_a_kecamatan_is_matched_ignoring_case_spacing_and_punctuation_and_stored_as_the_list_spells_it(
        region, written, stored):
    assert checks.district(region, written) == stored


def test_a_kecamatan_of_another_region_is_unknown_and_the_sentence_lists_the_regions_own():
    problem = checks.district("3674", "Cikarang Utara")
    assert problem.code == "unknown_district"
    assert "Kota Tangerang Selatan" in problem.said and "Pondok Aren" in problem.said


def test_a_region_without_a_list_takes_the_kecamatan_as_written():
    assert checks.district("6171", "Pontianak  Kota") == "Pontianak  Kota"
    assert checks.district(None, "Cikarang Utara") == "Cikarang Utara"


def test_the_shipped_lists_have_every_kecamatan_of_the_three_regions():
    assert {r: len(kecamatan.names(r)) for r in ("3216", "3275", "3674")} == {"3216": 23, "3275": 12, "3674": 7}


@pytest.mark.parametrize("scale, capital, sales", [("kecil", None, 4_000_000_000), ("mikro", 900_000_000, None),
                                                   ("mikro", 3_000_000_000, 1_500_000_000), ("besar", None, None),
                                                   ("besar", None, 50_000_000_001)])
def test_a_stated_scale_that_pp7_agrees_with_or_cannot_check_passes(scale, capital, sales):
    assert checks.scale_agrees(scale, capital, sales) is None


def test_a_stated_scale_pp7_disagrees_with_names_both_classes_and_the_amount_sales_first():
    problem = checks.scale_agrees("mikro", 900_000_000, 4_000_000_000)
    assert problem.code == "scale_mismatch"
    assert "skala mikro" in problem.said and "berarti kecil" in problem.said and "Rp 4.000.000.000" in problem.said
    by_capital = checks.scale_agrees("kecil", 12_000_000_000, None)
    assert "modal_usaha Rp 12.000.000.000 berarti besar" in by_capital.said


@pytest.mark.parametrize("written, stored", [("Simpan Pinjam", "simpan_pinjam"), ("serba usaha", "serba_usaha"),
                                             ("Koperasi Serba Usaha", "serba_usaha"), ("KSU", "serba_usaha"),
                                             ("KSP", "simpan_pinjam"), ("Multi-Pihak", "multi_pihak"),
                                             ("produsen", "produsen"), ("Koperasi Syariah", "syariah")])
def test_a_cooperative_type_as_people_write_it(written, stored):
    assert checks.cooperative(written) == stored


def test_a_cooperative_type_outside_the_contract_is_refused_with_the_codes():
    problem = checks.cooperative("arisan")
    assert problem.code == "invalid_cooperative" and "simpan_pinjam" in problem.said


# --- as rows of the suppliers template ------------------------------------------------------------

GOOD = ["npwp:01.234.567.8-901.000", "Koperasi Sejahtera", "3216", "cikarang utara", "makanan", "mikro",
        "Simpan Pinjam", "Rp 800.000.000", "Rp 1.500.000.000", "01/01/2024", "", "9120001234567",
        "01.234.567.8-901.000", "2801192"]


def with_cell(header: str, value) -> list:
    row = list(GOOD)
    row[SUPPLIER_HEADERS.index(header)] = value
    return row


def test_a_good_row_carries_its_identifiers_and_the_lists_spelling():
    [[event]] = rows_of("suppliers", xlsx_bytes(SUPPLIER_HEADERS, GOOD))
    body = event["supplier"]
    assert body["identifiers"] == {"nib": "9120001234567", "npwp": "0012345678901000", "lkpp": "2801192"}
    assert (body["district"], body["cooperative"], body["scale"]) == ("Cikarang Utara", "simpan_pinjam", "mikro")
    assert valid(event, "suppliers")


def test_a_row_without_identifier_columns_has_no_identifiers():
    row = with_cell("nib", "")[:11]
    [[event]] = rows_of("suppliers", csv_bytes(SUPPLIER_HEADERS[:11], row))
    assert "identifiers" not in event["supplier"] and valid(event, "suppliers")


@pytest.mark.parametrize("header, value, reason, said", [
    ("nib", "91200012345", "invalid_nib", "kolom nib: '91200012345' bukan NIB"),
    ("npwp", "01.234.567", "invalid_npwp", "kolom npwp:"),
    ("npwp", "02.234.567.8-901.000", "identifier_conflict", "kolom id_penyedia:"),
    ("kecamatan", "Cikarang Tengah", "unknown_district", "bukan kecamatan di 3216 (Kabupaten Bekasi)"),
    ("skala", "menengah", "scale_mismatch", "skala menengah tidak sesuai PP 7/2021"),
    ("jenis_koperasi", "arisan", "invalid_cooperative", "kolom jenis_koperasi: 'arisan' bukan jenis koperasi"),
])
def test_each_bad_registry_row_is_refused_with_its_row_number_and_what_to_fix(header, value, reason, said):
    other = with_cell("id_penyedia", "9120001234568")[:11]  # the good rows are two suppliers
    good, refused, also_good = rows_of("suppliers", csv_bytes(SUPPLIER_HEADERS, GOOD, with_cell(header, value), other))
    assert isinstance(good, list) and isinstance(also_good, list)
    assert refused.reason == reason and refused.detail.startswith("baris 3: ") and said in refused.detail
