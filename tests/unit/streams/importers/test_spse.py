"""SPSE contracts become one purchase per contract, the highest addendum in force."""

import orjson
import pytest

from schemas.decode import Invalid, decode
from streams.importers.base import Context, NotImported
from streams.importers.spse import FORMAT as SPSE
from tests.unit.streams.importers.lkpp_records import (ADDENDUM, HALF, NO_SUPPLIER, NONTENDER, NPWP15, PENUNJUKAN,
                                                       TENDER, TENDER_NPWP16)


def one(record: dict, **ctx) -> dict:
    [event] = SPSE.map(record, Context(**ctx))
    decoded = decode("purchases", orjson.dumps(event))
    assert not isinstance(decoded, Invalid), decoded
    return event


def test_a_nontender_contract_is_a_completed_purchase_of_its_work_unit():
    event = one(NONTENDER)
    assert event["buyer"] == {"id": "D197-4.01.0.00.0.00.01.0000", "kind": "agency",
                              "name": "SEKRETARIAT DAERAH PROVINSI KALBAR", "region": "6100"}
    assert (event["amount"], event["declared_umk_amount"]) == (199_439_382, 199_439_382)  # .23 dropped
    assert event["occurred_at"] == "2023-11-28T12:00:00+07:00"  # the contract's day, at noon WIB
    assert (event["channel"], event["state"], event["supplier_id"]) == ("pengadaan_langsung", "completed",
                                                                       "npwp:0603243239707000")
    assert event["source"] == {"system": "spse", "key": "10937097/npwp:0603243239707000", "version": 0}
    assert event["reference"] == "000.1.8/ 607 /SPK/RO-UM/PPKOM/2023"


def test_half_a_rupiah_is_rounded_up_per_record():
    assert one(HALF)["amount"] == 5_936_891


def test_an_addendum_is_a_later_version_of_the_same_contract():
    first, amended = one(TENDER), one(ADDENDUM)
    assert first["source"]["key"] == amended["source"]["key"] == "9568097/npwp:0012208112701000"
    assert (first["source"]["version"], amended["source"]["version"]) == (0, 1)
    assert first["event_id"] != amended["event_id"]
    assert amended["channel"] == "tender" and amended["amount"] == 16_921_026_850


@pytest.mark.parametrize("number", ["027/SPK-9568097/ADD-01/DISHUB.D/2024", "SP.02.a", "000.3.3/584/KESBANGPOL-A"])
def test_an_addendum_under_a_contract_number_of_its_own_still_amends_the_contract(number):
    # spse-tender-kontrak-kalbar-2023.json files addenda as `.../ADD-01/...` or under a new letter number
    first, amended = one(TENDER), one(ADDENDUM | {"no_kontrak": number, "nilai_kontrak": "16921026851"})
    assert first["source"]["key"] == amended["source"]["key"]
    assert amended["source"]["version"] == 1 and amended["reference"] == number


def test_one_package_awarded_to_two_suppliers_is_two_purchases():
    other = one(TENDER | {"npwp_penyedia": "0722913894701000", "npwp_16_penyedia": None})
    assert other["source"]["key"] != one(TENDER)["source"]["key"]


def test_an_exact_copy_of_a_row_gets_the_same_event_id():
    assert one(dict(PENUNJUKAN))["event_id"] == one(dict(PENUNJUKAN))["event_id"]


def test_a_nontender_method_other_than_pengadaan_langsung_is_channel_other():
    assert one(PENUNJUKAN)["channel"] == "other"


def test_a_15_digit_npwp_and_its_16_digit_form_name_one_supplier():
    assert one(NPWP15)["supplier_id"] == one(TENDER_NPWP16)["supplier_id"] == "npwp:0029427218701000"


def test_a_contract_without_a_supplier_still_counts_in_the_totals_under_an_unknown_supplier():
    event = one(NO_SUPPLIER)
    assert (event["supplier_id"], event["amount"], event["state"]) == ("unknown:spse", 14_970_000, "completed")


def test_without_a_tax_id_the_lkpp_supplier_code_names_the_supplier():
    assert one(TENDER | {"npwp_penyedia": None, "npwp_16_penyedia": None})["supplier_id"] == "lkpp:363062"


@pytest.mark.parametrize("status", ["Kontrak Dihentikan", "Kontrak Dibatalkan", "Putus Kontrak", "Pemutusan Kontrak"])
def test_a_stopped_or_cancelled_contract_is_void(status):
    assert one(NONTENDER | {"status_kontrak": status})["state"] == "void"


@pytest.mark.parametrize("change, reason, says", [
    ({"status_kontrak": "Kontrak Draft"}, "unknown_status", "Kontrak Draft"),
    ({"kd_klpd": "D999"}, "unknown_klpd", "D999"),
    ({"nilai_kontrak": None}, "missing_field", "nilai_kontrak"),
    ({"nilai_kontrak": "sekitar 5 juta"}, "bad_value", "nilai_kontrak"),
    ({"nilai_kontrak": 0}, "zero_amount", "nilai_kontrak"),
    ({"tgl_kontrak": "28/11/2023"}, "bad_value", "tgl_kontrak"),
    ({"no_kontrak": " "}, "missing_field", "no_kontrak"),
    ({"kd_satker_str": None}, "missing_field", "kd_satker_str"),
])
def test_a_record_that_cannot_be_a_purchase_says_why(change, reason, says):
    result = SPSE.map(NONTENDER | change, Context())
    assert isinstance(result, NotImported)
    assert result.reason == reason and says in result.detail


def test_the_region_given_on_the_command_line_places_an_unknown_klpd():
    assert one(NONTENDER | {"kd_klpd": "D999"}, region="6171")["buyer"]["region"] == "6171"


def test_both_field_sets_are_detected():
    assert SPSE.detects(NONTENDER) and SPSE.detects(TENDER)
    assert not SPSE.detects({"kd_rup": 1, "nomor_kontrak": None, "kd_satker_str": "x"})
