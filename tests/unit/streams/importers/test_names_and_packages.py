"""What each LKPP format carries besides the purchase: the supplier's name where the source names
it (SPSE, Toko Daring), and the SIRUP package an order realises where the source links it
(e-Katalog v6 `kd_rup`; SPSE contracts and Toko Daring name no RUP package)."""

import json
from pathlib import Path

import orjson
import pytest

from schemas.decode import Invalid, decode
from streams.importers.base import Context, NotImported
from streams.importers.ekatalog import FORMAT as EKATALOG
from streams.importers.spse import FORMAT as SPSE
from streams.importers.tokodaring import FORMAT as DARING
from tests.unit.streams.importers.lkpp_records import (DARING_2025, EKATALOG as ORDER, LINE_ONE, NO_SUPPLIER,
                                                       NONTENDER, ORDER_DONE, TENDER)

REALDATA = Path(__file__).parents[3] / "fixtures" / "realdata"


def one(fmt, record: dict) -> dict:
    [event] = fmt.map(record, Context())
    decoded = decode("purchases", orjson.dumps(event))
    assert not isinstance(decoded, Invalid), decoded
    return event


def test_an_spse_contract_carries_its_suppliers_name_beside_the_tax_id():
    event = one(SPSE, NONTENDER)
    assert (event["supplier_id"], event["supplier_name"]) == ("npwp:0603243239707000", "CV.HANSAMU")
    assert one(SPSE, TENDER)["supplier_name"] == "abdi jasa tama"  # as the source writes it


def test_a_name_is_spaces_collapsed_and_cut_to_the_contracts_200_characters():
    assert one(SPSE, NONTENDER | {"nama_penyedia": "  CV.  HANSAMU \n"})["supplier_name"] == "CV. HANSAMU"
    assert len(one(SPSE, NONTENDER | {"nama_penyedia": "N" * 300})["supplier_name"]) == 200


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_a_contract_naming_no_supplier_carries_no_name(blank):
    assert "supplier_name" not in one(SPSE, NO_SUPPLIER | {"nama_penyedia": blank})


def test_a_toko_daring_order_carries_the_merchants_name_as_written_beside_its_folded_id():
    done = one(DARING, ORDER_DONE)
    assert (done["supplier_id"], done["supplier_name"]) == ("merchant:arthika-arthika-stationery",
                                                            "PD. Arthika - Arthika Stationery")
    assert one(DARING, LINE_ONE)["supplier_name"] == "CV. Rindi Abadi"
    assert "supplier_name" not in one(DARING, DARING_2025)  # merchant_name null: unknown:tokodaring, no name


def test_the_2025_field_set_names_the_merchant_by_merchant_name():
    record = DARING_2025 | {"merchant_name": "Toko Maju Jaya"}
    assert one(DARING, record)["supplier_name"] == "Toko Maju Jaya"


def test_an_ekatalog_order_names_the_sirup_package_it_realises():
    event = one(EKATALOG, ORDER)
    assert event["plan_package"] == "60608395"
    assert one(EKATALOG, ORDER | {"kd_rup": 60608395})["plan_package"] == "60608395"  # as SIRUP's package_id


@pytest.mark.parametrize("code", [None, "", "608 395", "x" * 41, True])
def test_an_order_whose_kd_rup_is_no_package_code_is_imported_without_one(code):
    event = one(EKATALOG, ORDER | {"kd_rup": code})
    assert "plan_package" not in event and event["amount"] == 28_578_060


def test_ekatalog_v6_orders_name_no_supplier():
    assert "supplier_name" not in one(EKATALOG, ORDER)


@pytest.mark.parametrize("name", ["spse-nontender-kontrak-kalbar-2023.json", "spse-tender-kontrak-kalbar-2024.json",
                                  "tokodaring-pontianak-2022.json", "ecat-v6-paket-kabbandung-2025.json"])
def test_on_the_real_files_every_name_and_package_the_record_gives_is_carried(name):
    fmt = EKATALOG if name.startswith("ecat") else DARING if name.startswith("toko") else SPSE
    named = linked = 0
    for record in json.loads((REALDATA / name).read_bytes()):
        out = fmt.map(record, Context(region="6100" if fmt is not EKATALOG else None))
        if isinstance(out, NotImported):
            continue
        [event] = out
        given = record.get("nama_penyedia", record.get("merchant_name", record.get("nama_merchant")))
        assert event.get("supplier_name") == (" ".join(given.split())[:200] if given and given.strip() else None)
        assert event.get("plan_package") == (str(record["kd_rup"]) if fmt is EKATALOG else None)
        named += "supplier_name" in event
        linked += "plan_package" in event
    assert (named > 0) == (fmt is not EKATALOG) and (linked > 0) == (fmt is EKATALOG)
