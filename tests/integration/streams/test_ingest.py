"""POST /api/v1/events on both backends: one receipt per record, in order; a key sends only what is
its own; what is accepted is journaled (and only that); retries are duplicates or, under an
Idempotency-Key, the first answer again; oversized and malformed requests are refused in one line."""

from datetime import datetime, timezone

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.books.access import create_key
from ledger.db import make_engine
from ledger.models.access import JournalEntry
from streams.settings import Settings
from streams.web.app import create_api
from streams.web.ingest import MAX_BODY, MAX_RECORDS, NDJSON
from tests import factories

pytestmark = pytest.mark.integration

BUYER, OTHER = "opd-3216-dinkes", "opd-3216-dishub"
URL = "/api/v1/events"


def make_key(url: str, **kind) -> str:
    engine = make_engine(url)
    try:
        with Session(engine) as s:
            _, token = create_key(s, actor="user:admin", now=datetime.now(timezone.utc), **kind)
            s.commit()
        return token
    finally:
        engine.dispose()


def journal(url: str) -> dict[str, tuple[str, str | None, str, str | None]]:
    """event id -> (topic, key, source, principal) of every journaled event."""
    engine = make_engine(url)
    try:
        with Session(engine) as s:
            rows = s.execute(select(JournalEntry.event_id, JournalEntry.topic, JournalEntry.key,
                                    JournalEntry.source, JournalEntry.principal)).all()
        return {event_id: tuple(rest) for event_id, *rest in rows}
    finally:
        engine.dispose()


@pytest.fixture
def client(ledger_url, tmp_path):
    with TestClient(create_api(Settings(database_url=ledger_url, data_dir=tmp_path))) as c:
        yield c


@pytest.fixture
def buyer_key(ledger_url) -> dict:
    return {"Authorization": f"Bearer {make_key(ledger_url, buyer_id=BUYER)}"}


def post(client, headers: dict, docs: list, **extra):
    return client.post(URL, content=orjson.dumps(docs), headers=headers | {"Content-Type": "application/json"},
                       **extra)


def statuses(body: dict) -> list[tuple]:
    return [(r["index"], r["event_id"], r["status"], r.get("reason")) for r in body["receipts"]]


def test_without_credentials_the_answer_is_401_and_nothing_is_journaled(client, ledger_url):
    r = post(client, {}, [factories.purchase("pur-00000001", buyer=BUYER)])
    assert r.status_code == 401 and r.headers["WWW-Authenticate"] == "Bearer"
    assert journal(ledger_url) == {}


def test_a_key_without_the_ingest_scope_is_refused_with_403(client, ledger_url):
    reader = {"Authorization": f"Bearer {make_key(ledger_url, buyer_id=BUYER, scopes='read')}"}
    assert post(client, reader, [factories.purchase("pur-00000001", buyer=BUYER)]).status_code == 403
    assert journal(ledger_url) == {}


def test_a_buyer_key_journals_its_own_purchases_and_gets_forbidden_for_another_buyers(client, buyer_key, ledger_url):
    r = post(client, buyer_key, [factories.purchase("pur-00000001", buyer=BUYER),
                                 factories.purchase("pur-00000002", buyer=OTHER),
                                 factories.purchase("pur-00000003", 5_000, buyer=BUYER)])
    assert r.status_code == 200, r.text
    body = r.json()
    assert statuses(body) == [(0, "pur-00000001", "accepted", None), (1, "pur-00000002", "rejected", "forbidden"),
                              (2, "pur-00000003", "accepted", None)]
    assert (body["total"], body["accepted"], body["duplicate"], body["rejected"]) == (3, 2, 0, 1)
    assert OTHER in body["receipts"][1]["message"]
    kept = journal(ledger_url)
    assert set(kept) == {"pur-00000001", "pur-00000003"}
    topic, key, source, principal = kept["pur-00000001"]
    assert (topic, key, source) == ("kuota.purchases.v1", BUYER, "http") and principal.startswith("key:")


def test_the_same_request_again_is_all_duplicate_and_changed_content_is_a_conflicting_duplicate(client, buyer_key):
    docs = [factories.purchase(f"pur-0000000{i}", buyer=BUYER) for i in range(3)]
    assert post(client, buyer_key, docs).json()["accepted"] == 3
    again = post(client, buyer_key, docs).json()
    assert [r["status"] for r in again["receipts"]] == ["duplicate"] * 3 and again["duplicate"] == 3
    changed = post(client, buyer_key, [factories.purchase("pur-00000001", 999, buyer=BUYER)]).json()
    assert statuses(changed) == [(0, "pur-00000001", "rejected", "conflicting_duplicate")]


def test_records_the_decoder_refuses_get_its_reasons_and_the_rest_of_the_request_goes_on(client, buyer_key, ledger_url):
    no_type = {k: v for k, v in factories.purchase("pur-00000009", buyer=BUYER).items() if k != "type"}
    r = post(client, buyer_key, [1, "text", no_type, factories.purchase("pur-00000010", 12.5, buyer=BUYER),
                                 {"type": "program.defined", "event_id": "prg-00000001"},
                                 factories.purchase("pur-00000011", buyer=BUYER)])
    got = statuses(r.json())
    assert [g[3] for g in got[:2]] == ["schema_violation"] * 2 and got[0][1] is None
    assert got[2][1:] == ("pur-00000009", "rejected", "schema_violation")
    assert got[3][1:] == ("pur-00000010", "rejected", "schema_violation")
    assert got[4][1:] == ("prg-00000001", "rejected", "unknown_type")
    assert got[5][1:] == ("pur-00000011", "accepted", None)
    assert "amount" in r.json()["receipts"][3]["message"]
    assert set(journal(ledger_url)) == {"pur-00000011"}


def test_a_buyer_key_reverses_only_purchases_kuota_knows_to_be_its_own(client, buyer_key, ledger_url):
    other_key = {"Authorization": f"Bearer {make_key(ledger_url, buyer_id=OTHER)}"}
    assert post(client, other_key, [factories.purchase("oth-00000001", buyer=OTHER)]).json()["accepted"] == 1
    r = post(client, buyer_key, [factories.reversal("rev-00000001", "pur-00000001"),  # before its purchase
                                 factories.purchase("pur-00000001", buyer=BUYER),
                                 factories.reversal("rev-00000002", "pur-00000001", 100),
                                 factories.reversal("rev-00000003", "oth-00000001"),
                                 factories.reversal("rev-00000004", "never-sent-1")])
    assert [g[2:] for g in statuses(r.json())] == [("rejected", "forbidden"), ("accepted", None),
                                                   ("accepted", None), ("rejected", "forbidden"),
                                                   ("rejected", "forbidden")]
    # A later request reverses a purchase accepted before; the key is the purchase's buyer.
    later = post(client, buyer_key, [factories.reversal("rev-00000005", "pur-00000001", 50)]).json()
    assert later["accepted"] == 1
    kept = journal(ledger_url)
    assert kept["rev-00000002"][1] == kept["rev-00000005"][1] == BUYER
    assert not {"rev-00000001", "rev-00000003", "rev-00000004"} & set(kept)


def test_the_registry_key_sends_supplier_events_only_and_a_buyer_key_none(client, buyer_key, ledger_url):
    registry = {"Authorization": f"Bearer {make_key(ledger_url, registry=True)}"}
    r = post(client, registry, [factories.purchase("pur-00000001", buyer=BUYER),
                                factories.registration("reg-00000001", "3216000000001")]).json()
    assert [g[2:] for g in statuses(r)] == [("rejected", "forbidden"), ("accepted", None)]
    assert journal(ledger_url)["reg-00000001"][:2] == ("kuota.suppliers.v1", "3216000000001")
    mine = post(client, buyer_key, [factories.registration("reg-00000002", "3216000000002")]).json()
    assert statuses(mine) == [(0, "reg-00000002", "rejected", "forbidden")]
    assert set(journal(ledger_url)) == {"reg-00000001"}


def test_an_idempotency_key_gives_a_retry_the_first_answer_and_refuses_another_body(client, buyer_key, ledger_url):
    docs = [factories.purchase("pur-00000001", buyer=BUYER), factories.purchase("pur-00000002", buyer=OTHER)]
    first = post(client, buyer_key | {"Idempotency-Key": "batch-2024-03-05"}, docs)
    retry = post(client, buyer_key | {"Idempotency-Key": "batch-2024-03-05"}, docs)
    assert first.status_code == retry.status_code == 200
    assert retry.content == first.content and retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json()["accepted"] == 1  # the first answer, not "duplicate"
    other = post(client, buyer_key | {"Idempotency-Key": "batch-2024-03-05"}, docs[:1])
    assert other.status_code == 422 and "another body" in other.json()["detail"]
    assert post(client, buyer_key | {"Idempotency-Key": "x" * 201}, docs).status_code == 422
    assert set(journal(ledger_url)) == {"pur-00000001"}


def test_ndjson_lines_are_records_and_blank_lines_are_not(client, buyer_key, ledger_url):
    lines = [orjson.dumps(factories.purchase(f"pur-0000000{i}", buyer=BUYER)) for i in range(2)]
    body = lines[0] + b"\r\n\n" + lines[1] + b"\n{not json\n"
    r = client.post(URL, content=body, headers=buyer_key | {"Content-Type": NDJSON})
    assert [g[2:] for g in statuses(r.json())] == [("accepted", None), ("accepted", None),
                                                   ("rejected", "invalid_json")]
    assert set(journal(ledger_url)) == {"pur-00000000", "pur-00000001"}


def test_a_body_that_is_not_a_json_array_is_refused_with_one_line(client, buyer_key):
    for body in (b'[{"type": ', b'{"type": "purchase.recorded"}', b""):
        r = client.post(URL, content=body, headers=buyer_key | {"Content-Type": "application/json"})
        assert r.status_code == 400 and "\n" not in r.json()["detail"] and "array" in r.json()["detail"]


def test_requests_over_5_mib_or_10000_records_are_refused_with_413(client, buyer_key, ledger_url):
    big = b"[" + b" " * MAX_BODY + b"]"
    r = client.post(URL, content=big, headers=buyer_key | {"Content-Type": "application/json"})
    assert r.status_code == 413 and "5 MiB" in r.json()["detail"]
    chunked = (b"[" + b" " * 1_000_000 if i == 0 else b" " * 1_000_000 for i in range(6))  # no Content-Length
    streamed = client.post(URL, content=chunked, headers=buyer_key | {"Content-Type": "application/json"})
    assert streamed.status_code == 413
    many = post(client, buyer_key, [factories.purchase("pur-00000001", buyer=BUYER)] + [1] * MAX_RECORDS)
    assert many.status_code == 413 and "10,000" in many.json()["detail"]
    lines = b"\n".join([b"{}"] * (MAX_RECORDS + 1))
    assert client.post(URL, content=lines, headers=buyer_key | {"Content-Type": NDJSON}).status_code == 413
    assert journal(ledger_url) == {}


def test_openapi_documents_the_request_the_refusals_and_the_receipt(client):
    op = client.get("/openapi.json").json()["paths"][URL]["post"]
    assert {"application/json", NDJSON} <= set(op["requestBody"]["content"])
    assert {"200", "400", "401", "403", "413", "422", "429"} <= set(op["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in op["parameters"])
