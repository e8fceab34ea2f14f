"""Toko Daring: repeated API rows are versions of one order, imported rows are its lines, a
failed order is void, and the work unit is joined through the satker directory."""

import orjson

from schemas.decode import Invalid, decode
from streams.importers.base import Context
from streams.importers.satker import FORMAT as MASTER
from streams.importers.tokodaring import FORMAT as DARING
from tests.unit.streams.importers.lkpp_records import (DARING_2025, FAILED, LINE_ONE, LINE_TWO, ORDER_DONE,
                                                       ORDER_FIRST, ORDER_SECOND, SATKER)


def one(record: dict, ctx: Context | None = None) -> dict:
    [event] = DARING.map(record, ctx or Context())
    assert not isinstance(decode("purchases", orjson.dumps(event)), Invalid)
    return event


def test_repeated_api_rows_of_an_order_are_versions_and_the_confirmed_one_is_latest():
    first, second, done = one(ORDER_FIRST), one(ORDER_SECOND), one(ORDER_DONE)
    assert first["source"]["key"] == second["source"]["key"] == done["source"]["key"] == "1123140"
    assert first["source"]["version"] < second["source"]["version"] < done["source"]["version"]
    assert [e["state"] for e in (first, second, done)] == ["pending", "pending", "completed"]
    assert done["occurred_at"] == "2022-11-17T16:57:22+07:00"
    assert done["supplier_id"] == "merchant:arthika-arthika-stationery"


def test_a_failed_order_is_void_and_outranks_a_completed_copy():
    failed = one(FAILED)
    assert failed["state"] == "void"
    completed = one(FAILED | {"status_konfirmasi_ppmse": "selesai"})
    assert failed["source"]["version"] > completed["source"]["version"]


def test_verified_is_a_later_version_than_unverified():
    unverified = one(ORDER_FIRST | {"status_verif": "unverified"})
    assert one(ORDER_FIRST)["source"]["version"] > unverified["source"]["version"]


def test_imported_rows_are_lines_of_one_order_each_booked_completed():
    one_line, other = one(LINE_ONE), one(LINE_TWO)
    assert one_line["source"]["key"] != other["source"]["key"]
    assert one_line["source"]["key"].startswith("PO-122514-220707-2/")
    assert (one_line["state"], one_line["amount"] + other["amount"]) == ("completed", 585_000)
    assert one_line["reference"] == other["reference"] == "PO-122514-220707-2"
    assert one_line["lines"] == [{"description": "Pengadaan Belanja Alat/Bahan untuk Kegiatan", "category": "Perkakas",
                                  "quantity": 1, "unit_price": 180_000}]


def test_an_exact_copy_of_a_line_is_the_same_event():
    assert one(dict(LINE_ONE))["event_id"] == one(dict(LINE_ONE))["event_id"]


def test_a_merchant_is_the_same_with_or_without_its_legal_form():
    assert one(LINE_ONE | {"nama_merchant": "CV GRIYASINDO"})["supplier_id"] == \
        one(LINE_ONE | {"nama_merchant": "GRIYASINDO"})["supplier_id"] == "merchant:griyasindo"


def test_the_2025_field_set_without_a_merchant_is_an_unknown_supplier():
    event = one(DARING_2025)
    assert (event["state"], event["supplier_id"], event["amount"]) == ("void", "unknown:tokodaring", 75_000_000)
    assert event["buyer"]["region"] == "3204"


def test_an_order_is_sent_under_its_units_sirup_code_whatever_the_directory_knows():
    # The ledger joins it to the unit's kd_satker_str (`ledger.books.directory`): an order is the same
    # event before and after the directory, so importing it again is never a conflicting copy.
    before = one(ORDER_FIRST | {"kd_klpd": "D197", "kd_satker": "64173"}, Context())
    ctx = Context()
    [description] = MASTER.map(SATKER, ctx)
    after = one(ORDER_FIRST | {"kd_klpd": "D197", "kd_satker": "64173"}, ctx)
    assert before == after and after["buyer"]["id"] == "D197-satker-64173"
    assert (description["buyer_id"], description["also_known_as"]) == ("D197-1.02.0.00.0.00.01.0002",
                                                                      ["D197-satker-64173"])


def test_a_directory_row_describes_the_unit_for_the_ledger():
    [event] = MASTER.map(SATKER, Context())
    decoded = decode("targets", orjson.dumps(event))
    assert not isinstance(decoded, Invalid), decoded
    assert (decoded.type, decoded.kind, decoded.region, decoded.name) == ("buyer.described", "agency", "6100",
                                                                         SATKER["nama_satker"])
    assert MASTER.map(SATKER, Context())[0]["event_id"] == event["event_id"]  # the same row, the same event


def test_a_work_unit_not_in_the_directory_keeps_its_numeric_code():
    assert one(FAILED)["buyer"]["id"] == "D199-satker-173405"
