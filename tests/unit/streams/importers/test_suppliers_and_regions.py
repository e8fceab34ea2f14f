"""Supplier details register a supplier only with a stated size class; KLPD codes are BPS regions."""

from datetime import date

import orjson
import pytest

from schemas.decode import Invalid, decode
from streams.importers.base import Context, NotImported
from streams.importers.ids import merchant_id, npwp_id
from streams.importers.klpd import KLPD, region_of
from streams.importers.supplier_detail import FORMAT as DETAIL
from tests.unit.streams.importers.lkpp_records import PENYEDIA


def test_a_supplier_whose_class_lkpp_has_not_defined_is_not_registered():
    result = DETAIL.map(PENYEDIA, Context(region="3507"))
    assert isinstance(result, NotImported) and result.reason == "no_size_class"
    assert "Belum Terdefinisi" in result.detail


def test_a_stated_class_registers_the_supplier_once_under_its_tax_id_with_its_sikap_code_as_identifier():
    ctx = Context(region="3507", seen={"today": date(2025, 9, 1)})
    [event] = DETAIL.map(PENYEDIA | {"penyedia_ukm": "Usaha Kecil"}, ctx)
    assert event["supplier"]["id"] == "npwp:0938769908624000"
    assert event["supplier"]["identifiers"] == {"npwp": "0938769908624000", "lkpp": "2801192"}
    assert (event["supplier"]["scale"], event["valid_from"]) == ("kecil", "2025-09-01")
    assert not isinstance(decode("suppliers", orjson.dumps(event)), Invalid)


def test_a_supplier_without_a_tax_id_is_registered_under_its_sikap_code_and_a_nib_is_kept():
    record = PENYEDIA | {"penyedia_ukm": "Usaha Mikro", "npwp_penyedia": None, "nib_penyedia": "9120 001234567"}
    [event] = DETAIL.map(record, Context(region="3507", seen={"today": date(2025, 9, 1)}))
    assert event["supplier"]["id"] == "sikap:2801192"
    assert event["supplier"]["identifiers"] == {"lkpp": "2801192", "nib": "9120001234567"}
    assert not isinstance(decode("suppliers", orjson.dumps(event)), Invalid)


def test_a_stated_class_without_a_region_is_not_guessed_either():
    result = DETAIL.map(PENYEDIA | {"penyedia_ukm": "Usaha Mikro"}, Context())
    assert isinstance(result, NotImported) and result.reason == "no_region"


@pytest.mark.parametrize("value", ["UKM", "Non UKM", None, ""])
def test_a_word_that_does_not_name_one_class_is_no_class(value):
    assert DETAIL.map(PENYEDIA | {"penyedia_ukm": value}, Context(region="3507")).reason == "no_size_class"


@pytest.mark.parametrize("kd_klpd, region", [("D197", "6100"), ("D107", "3204"), ("D199", "6171")])
def test_every_klpd_of_the_samples_has_its_bps_code(kd_klpd, region):
    assert region_of(kd_klpd, Context()) == region
    assert KLPD[kd_klpd][1] == region


def test_tax_ids_are_digits_only_and_sixteen_long():
    assert npwp_id("60.324.323.9-707.000") == "npwp:0603243239707000"
    assert npwp_id(None, "", "0603243239707000") == "npwp:0603243239707000"
    assert npwp_id("12.345", None) is None


def test_a_long_merchant_name_still_fits_an_identifier():
    assert len(merchant_id("Toko " + "Sangat Panjang " * 10)) <= 64
