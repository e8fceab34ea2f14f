"""One buyer's sender never touches another buyer's purchase through its source record: a version
of B's contract sent for A (void, or any amount) is rejected as `source_of_another_buyer`, B's
books stay as they were and the audit is clean. On SQLite and PostgreSQL."""

import itertools
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.books.audit import audit
from ledger.books.intake import Record
from ledger.books.recorder import Recorder
from ledger.db import make_engine
from ledger.models import Rejection
from ledger.reports.scope import Scope
from ledger.reports.spend import spend
from tests import factories

PURCHASES = "kuota.purchases.v1"
A, B = "opd-3216-a", "opd-3216-b"


def contract(event_id: str, buyer: str, version: int, amount: int = 493_866_605, state: str = "completed"):
    return factories.purchase(event_id, amount, buyer=buyer, region="3216", supplier="3216000000001",
                              at="2025-03-05T10:00:00+07:00", channel="tender", state=state,
                              source=("spse", "9568097/npwp:0012208112701000", version))


def test_a_version_of_another_buyers_contract_is_refused_and_changes_nothing(ledger_url):
    recorder = Recorder(make_engine(ledger_url, writer=True), epoch="test", retry_delay=0.01, max_delay=0.01)
    offsets = itertools.count()

    def send(*events):
        return recorder.book_purchases([Record(PURCHASES, 0, next(offsets), json.dumps(e).encode()) for e in events])

    def books_of(buyer):
        with Session(recorder.engine) as session:
            return [(x.period, x.total) for x in spend(Scope(session), "year", buyer=buyer)]

    send(contract("spse:b-v0", B, 0))
    before = books_of(B)
    send(contract("spse:a-v99", A, 99, state="void"), contract("spse:a-v100", A, 100, amount=1))
    assert books_of(B) == before == [("2025", 493_866_605)] and books_of(A) == []
    send(contract("spse:b-v1", B, 1, amount=395_154_305))  # B's own addendum still amends it
    assert books_of(B) == [("2025", 395_154_305)]
    with Session(recorder.engine) as session:
        reasons = sorted(session.scalars(select(Rejection.reason)))
        assert reasons == ["source_of_another_buyer", "source_of_another_buyer"]
        report = audit(session)
        assert report.ok, report.problems
    recorder.engine.dispose()
