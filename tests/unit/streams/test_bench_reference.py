"""The reference consumer of `kuota bench --compare` decodes and attributes as kuota does."""

from datetime import date

import orjson

from streams.tools.bench_reference import Registration, attribute, prepare, register, supplier_class
from schemas.decode import decode
from tests import factories

SUPPLIER = "3216000000001"


def _registry(*registrations: dict) -> dict:
    registry: dict = {}
    for reg in registrations:
        register(registry, orjson.dumps(reg))
    return registry


def _purchase(**fields) -> bytes:
    return orjson.dumps(factories.purchase(supplier=SUPPLIER, **fields))


def test_the_class_in_force_on_the_purchase_date_decides():
    registry = _registry(factories.registration("reg-00000001", SUPPLIER, "mikro", valid_from="2024-01-01"),
                         factories.registration("reg-00000002", SUPPLIER, "kecil", valid_from="2024-06-01"))
    assert supplier_class(registry, SUPPLIER, date(2024, 5, 31)) == "mikro"
    assert supplier_class(registry, SUPPLIER, date(2024, 6, 1)) == "kecil"


def test_before_any_registration_a_supplier_is_unregistered_and_after_valid_to_lapsed():
    registry = {SUPPLIER: [Registration(date(2024, 3, 1), date(2024, 3, 31), "mikro")]}
    assert supplier_class(registry, SUPPLIER, date(2024, 2, 29)) == "unregistered"
    assert supplier_class(registry, SUPPLIER, date(2024, 4, 1)) == "lapsed"
    assert supplier_class(registry, "someone-else", date(2024, 3, 15)) == "unregistered"


def test_a_later_registration_for_the_same_day_corrects_the_earlier_one():
    registry = _registry(factories.registration("reg-00000001", SUPPLIER, "mikro"),
                         factories.registration("reg-00000002", SUPPLIER, "besar"))
    assert supplier_class(registry, SUPPLIER, date(2024, 2, 1)) == "besar"


def test_the_month_is_cut_in_the_buyers_time_zone():
    registry = _registry(factories.registration("reg-00000001", SUPPLIER, "mikro"))
    moment = "2024-01-31T15:30:00+00:00"  # 22:30 on 31 January in WIB (Bekasi), 00:30 on 1 February in WIT (Papua)
    in_bekasi = attribute(decode("purchases", _purchase(at=moment)), registry)
    in_papua = attribute(decode("purchases", _purchase(at=moment, region="9471")), registry)
    assert (in_bekasi["period"], in_bekasi["booked_on"], in_bekasi["scale"]) == ("2024-01", date(2024, 1, 31), "mikro")
    assert (in_papua["period"], in_papua["booked_on"]) == ("2024-02", date(2024, 2, 1))


def test_invalid_records_are_counted_as_rejected_and_reversals_as_not_handled():
    records = [_purchase(event_id="evt-00000001"), b"{not json", orjson.dumps(factories.purchase(amount=-5)),
               orjson.dumps(factories.reversal()), None]
    rows, outcome = prepare(records, _registry())
    assert [r["event_id"] for r in rows] == ["evt-00000001"]
    assert rows[0]["scale"] == "unregistered" and rows[0]["amount"] == 1_000_000
    assert outcome == {"rejected": 3, "not handled": 1}
