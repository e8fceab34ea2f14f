"""e-Katalog v6 packages: the status is the state, its rank the version."""

import orjson
import pytest

from schemas.decode import Invalid, decode
from streams.importers.base import Context, NotImported
from streams.importers.ekatalog import FORMAT as EKATALOG
from tests.unit.streams.importers.lkpp_records import EKATALOG as ORDER


def one(record: dict) -> dict:
    [event] = EKATALOG.map(record, Context())
    assert not isinstance(decode("purchases", orjson.dumps(event)), Invalid)
    return event


def test_an_order_in_process_is_a_pending_purchase_of_its_work_unit():
    event = one(ORDER)
    assert event["buyer"]["id"] == "D107-5.03.5.04.0.00.29.0000" and event["buyer"]["region"] == "3204"
    assert (event["state"], event["amount"], event["channel"]) == ("pending", 28_578_060, "e_katalog")
    assert event["supplier_id"] == "sikap:4186014"
    assert event["occurred_at"] == "2025-08-27T12:00:00+07:00"


def test_the_completed_order_is_a_later_version_of_the_pending_one():
    pending, done = one(ORDER), one(ORDER | {"status_pkt": "COMPLETED"})
    assert done["state"] == "completed" and done["source"]["key"] == pending["source"]["key"]
    assert done["source"]["version"] > pending["source"]["version"]
    assert done["event_id"] != pending["event_id"]


@pytest.mark.parametrize("status, state", [("ON_PROCESS", "pending"), ("ON_ADDENDUM", "pending"),
                                           ("PAYMENT_OUTSIDE_SYSTEM", "completed"), ("COMPLETED", "completed"),
                                           ("CANCELLED", "void"), ("CANCELED", "void"), ("REJECTED", "void")])
def test_every_status_has_its_state(status, state):
    assert one(ORDER | {"status_pkt": status})["state"] == state


def test_a_cancellation_outranks_every_other_status():
    cancelled = one(ORDER | {"status_pkt": "CANCELLED"})["source"]["version"]
    assert all(cancelled > one(ORDER | {"status_pkt": s})["source"]["version"]
               for s in ("ON_PROCESS", "ON_ADDENDUM", "PAYMENT_OUTSIDE_SYSTEM", "COMPLETED"))


def test_shipping_is_part_of_total_harga_and_not_added_again():
    assert one(ORDER | {"ongkir": 138_750, "total_harga": 11_888_750})["amount"] == 11_888_750


def test_without_a_sikap_code_the_v6_supplier_code_names_the_supplier():
    assert one(ORDER | {"kd_penyedia_sikap": None})["supplier_id"] == "lkpp:01JHKT4BFAVEMPVFWSNK1BQ4F6"


def test_an_unknown_status_is_not_guessed():
    result = EKATALOG.map(ORDER | {"status_pkt": "WAITING_SOMETHING"}, Context())
    assert isinstance(result, NotImported) and result.reason == "unknown_status"
