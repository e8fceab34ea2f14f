"""What POST /api/v1/events accepts, a running worker books: a buyer key's 1,000 purchases in one
request all reach the ledger, and the one it sent for another buyer never does."""

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from ledger.models import Entry, Receipt
from streams.settings import Settings
from streams.web.app import create_api
from tests import factories
from tests.conftest import running_worker
from tests.integration.helpers import sqlite_ledger, wait_until_booked
from tests.integration.streams.test_ingest import BUYER, OTHER, URL, make_key

pytestmark = pytest.mark.integration


def booked_ids(url: str) -> tuple[set[str], set[str]]:
    """(event ids of entries, event ids of any receipt)."""
    engine = create_engine(url)
    try:
        with Session(engine) as s:
            return set(s.scalars(select(Entry.event_id))), set(s.scalars(select(Receipt.event_id)))
    finally:
        engine.dispose()


def test_a_buyer_keys_thousand_purchases_are_all_booked_and_another_buyers_never(kuota_env, tmp_path):
    url = sqlite_ledger(tmp_path)
    headers = {"Authorization": f"Bearer {make_key(url, buyer_id=BUYER)}", "Content-Type": "application/json"}
    docs = [factories.purchase(f"pur-{i:08d}", 10_000 + i, buyer=BUYER) for i in range(1000)]
    docs.insert(500, factories.purchase("oth-00000001", buyer=OTHER))
    with TestClient(create_api(Settings(database_url=url, data_dir=tmp_path))) as client:
        answer = client.post(URL, content=orjson.dumps(docs), headers=headers).json()
        assert (answer["accepted"], answer["rejected"]) == (1000, 1)
        assert answer["receipts"][500]["reason"] == "forbidden"
        with running_worker(kuota_env(url), tmp_path / "worker.log"):
            wait_until_booked(url, 1000, "the accepted purchases booked")
            again = client.post(URL, content=orjson.dumps(docs), headers=headers).json()
            assert (again["duplicate"], again["rejected"]) == (1000, 1)
    entries, receipts = booked_ids(url)
    assert entries == {f"pur-{i:08d}" for i in range(1000)}
    assert "oth-00000001" not in receipts
