"""The ingest endpoint's pure half: how a body becomes records, and which key may send which event
to which topic under which key."""

import orjson
import pytest
from fastapi import HTTPException

from ledger.rules.access import key_principal
from schemas.decode import decode
from schemas.topics import PURCHASES, SUPPLIERS
from streams.web.ingest import MAX_RECORDS, Upload, decode_one, route_of, records
from tests import factories

BUYER, OTHER = "opd-3216-dinkes", "opd-3216-dishub"
BUYER_KEY = key_principal("k1", ["ingest"], BUYER, False)
REGISTRY_KEY = key_principal("k2", ["ingest"], None, True)


def event(doc: dict):
    raw = orjson.dumps(doc)
    return decode_one(raw, orjson.loads(raw))


def test_an_arrays_elements_decode_as_the_worker_decodes_the_bytes_on_the_topic():
    docs = [factories.purchase("pur-00000001", buyer=BUYER), factories.registration("reg-00000001")]
    got = records(Upload(orjson.dumps(docs), ndjson=False))
    assert [doc for _, doc in got] == docs
    assert decode_one(*got[0]) == decode("purchases", orjson.dumps(docs[0]))
    assert decode_one(*got[1]) == decode("suppliers", orjson.dumps(docs[1]))


def test_ndjson_records_are_its_non_blank_lines_and_a_line_that_is_not_json_is_the_decoders_to_refuse():
    line = orjson.dumps(factories.purchase("pur-00000001", buyer=BUYER))
    got = records(Upload(line + b"\r\n\n  \n{oops\n", ndjson=True))
    assert [raw for raw, _ in got] == [line, b"{oops"]
    assert decode_one(*got[1]).reason == "invalid_json"


def test_a_type_outside_purchases_and_suppliers_is_unknown_type():
    assert event({"type": "program.defined", "event_id": "prg-00000001"}).reason == "unknown_type"
    assert event({**factories.purchase(), "type": "purchase.deleted"}).reason == "unknown_type"


@pytest.mark.parametrize("body, status", [(b"{}", 400), (b"[1,", 400), (b"[" + b"1," * MAX_RECORDS + b"1]", 413)])
def test_a_body_that_is_not_an_array_or_holds_too_many_records_is_refused_whole(body, status):
    with pytest.raises(HTTPException) as refused:
        records(Upload(body, ndjson=False))
    assert refused.value.status_code == status


def test_a_buyer_key_sends_its_own_purchases_keyed_by_its_buyer_and_nothing_of_another_buyer():
    assert route_of(BUYER_KEY, event(factories.purchase(buyer=BUYER)), {}, {}) == (PURCHASES, BUYER)
    assert route_of(BUYER_KEY, event(factories.purchase(buyer=OTHER)), {}, {}) is None
    assert route_of(BUYER_KEY, event(factories.registration()), {}, {}) is None


def test_a_reversal_goes_under_its_purchases_buyer_only_when_that_buyer_is_the_keys():
    reversal = event(factories.reversal("rev-00000001", "pur-00000001"))
    earlier: dict[str, str] = {}
    assert route_of(BUYER_KEY, reversal, {}, earlier) is None  # unknown purchase
    route_of(BUYER_KEY, event(factories.purchase("pur-00000001", buyer=BUYER)), {}, earlier)
    assert route_of(BUYER_KEY, reversal, {}, earlier) == (PURCHASES, BUYER)
    assert route_of(BUYER_KEY, reversal, {"pur-00000001": OTHER}, earlier) is None  # the ledger says whose


def test_the_registry_key_sends_supplier_events_keyed_as_the_contract_says_and_no_purchase():
    assert route_of(REGISTRY_KEY, event(factories.registration(supplier="3216000000007")), {}, {}) == (
        SUPPLIERS, "3216000000007")
    assert route_of(REGISTRY_KEY, event(factories.purchase(buyer=BUYER)), {}, {}) is None
