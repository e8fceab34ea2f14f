"""A purchase journaled before its source carried a supplier name or a package, sent again with them
(a file imported again once kuota reads them), on both backends: the journal calls it described,
keeps the copy it holds, and a command line sender sends it on; over HTTP it is a duplicate. Any
other change under the same event id is still a conflict."""

from datetime import datetime, timezone

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.books.journal import Item, journal_counts, take
from ledger.db import make_engine
from ledger.models.access import JournalEntry
from ledger.rules.fingerprint import fingerprint
from streams.settings import Settings
from streams.web.app import create_api
from tests import factories
from tests.integration.streams.test_ingest import BUYER, URL, make_key

pytestmark = pytest.mark.integration
NOW = datetime(2026, 3, 1, tzinfo=timezone.utc)
CONTRACT = factories.purchase("spse:00000000000000000000000000000001", 5_000_000, buyer=BUYER,
                              supplier="npwp:0603243239707000", channel="pengadaan_langsung",
                              source=("spse", "10937097/npwp:0603243239707000", 0), declared_umk_amount=5_000_000)
NAMED = CONTRACT | {"supplier_name": "CV.HANSAMU", "plan_package": "60608395"}


def item(doc: dict) -> Item:
    raw = orjson.dumps(doc)
    return Item(doc["event_id"], fingerprint(factories.model(doc)), "kuota.purchases.v1", BUYER, raw)


@pytest.fixture
def session(ledger_url):
    engine = make_engine(ledger_url, writer=True)
    with Session(engine) as s:
        yield s
    engine.dispose()


def test_a_copy_with_a_name_and_a_package_is_described_and_the_journal_keeps_its_first_copy(session):
    assert take(session, [item(CONTRACT)], source="import", principal="cli", now=NOW) == ["accepted"]
    session.commit()
    outcomes = take(session, [item(NAMED), item(NAMED), item(NAMED | {"amount": 1})], source="import",
                    principal="cli", now=NOW)
    session.commit()
    assert outcomes == ["described", "described", "conflict"]
    assert journal_counts(session).journaled == 1
    assert session.scalar(select(JournalEntry.value)) == orjson.dumps(CONTRACT).decode()


def test_a_copy_of_another_topic_or_without_descriptions_is_a_conflict_as_before(session):
    take(session, [item(CONTRACT)], source="import", principal="cli", now=NOW)
    session.commit()
    other = Item(CONTRACT["event_id"], "f2", "kuota.suppliers.v1", None, orjson.dumps(NAMED))
    assert take(session, [other, item(CONTRACT | {"reference": "SPK-2"})], source="import", principal="cli",
                now=NOW) == ["conflict", "conflict"]


def test_over_http_the_described_copy_is_a_duplicate(ledger_url, tmp_path):
    with TestClient(create_api(Settings(database_url=ledger_url, data_dir=tmp_path))) as client:
        key = {"Authorization": f"Bearer {make_key(ledger_url, buyer_id=BUYER)}",
               "Content-Type": "application/json"}
        first = client.post(URL, content=orjson.dumps([CONTRACT]), headers=key).json()
        again = client.post(URL, content=orjson.dumps([NAMED, NAMED | {"amount": 1}]), headers=key).json()
    assert first["accepted"] == 1
    assert [(r["status"], r.get("reason")) for r in again["receipts"]] == [("duplicate", None),
                                                                            ("rejected", "conflicting_duplicate")]
