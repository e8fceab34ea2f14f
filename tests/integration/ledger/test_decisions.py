"""What the ledger decided about events a sender handed it (`ledger.reports.decisions`), read from
the receipts the real recorder writes, on SQLite and PostgreSQL: held before the mark is already
recorded, applied since is new, a later version of a source record or target is a correction, a
rejection keeps its reason, and an event with no receipt is not decided at all."""

import pytest
from sqlalchemy.orm import Session

from ledger.reports.decisions import CORRECTION, NEW, RECORDED, REJECTED, Decision, decisions, receipts_mark
from schemas.topics import TARGETS
from tests import factories
from tests.integration.ledger.test_evaluation import Books

pytestmark = pytest.mark.integration

BUDGET_1, BUDGET_2 = "budget:opd-3216-a:2024:0001", "budget:opd-3216-a:2024:0002"


def contract(key: str, version: int = 0, amount: int = 1_000_000) -> dict:
    return factories.purchase(f"spse-{key}-v{version}", amount, buyer="opd-3216-a", supplier="S-1",
                              at="2024-03-05T12:00:00+07:00", channel="tender", source=("spse", key, version))


def budget(event_id: str, amount: int) -> dict:
    return factories.target_event(factories.budget("opd-3216-a", 2024, amount), event_id)


def test_receipts_before_and_since_the_mark_say_recorded_new_correction_or_rejected(ledger_url):
    books = Books(ledger_url)
    books.purchases(contract("A"))
    books.recorder.register_targets(books.send(TARGETS, budget(BUDGET_1, 100_000)))
    with Session(books.engine) as s:
        mark = receipts_mark(s)
    assert mark > 0

    books.purchases(contract("A"), contract("B"), contract("A", version=1, amount=900_000))
    books.purchases(contract("B", amount=5))  # the same event id with other content
    books.recorder.register_targets(books.send(TARGETS, budget(BUDGET_2, 120_000)))

    ids = ["spse-A-v0", "spse-B-v0", "spse-A-v1", BUDGET_1, BUDGET_2, "never-sent"]
    with Session(books.engine) as s:
        found = decisions(s, ids, mark)
    assert found == {
        "spse-A-v0": Decision(RECORDED),  # booked before the mark; its re-send since is a duplicate
        "spse-B-v0": Decision(NEW),  # applied first: the conflicting copy after it changes nothing
        "spse-A-v1": Decision(CORRECTION),  # version 1 of a contract booked before it
        BUDGET_1: Decision(RECORDED),
        BUDGET_2: Decision(CORRECTION),  # the same agency's budget for the same year, declared again
    }


def test_a_rejection_is_the_answer_until_the_event_is_sent_again(ledger_url):
    books = Books(ledger_url)
    result = books.purchases(factories.reversal("rev-00000001", "spse-nothing-v0"))  # reverses nothing booked
    [reason] = result.rejected
    with Session(books.engine) as s:
        mark = receipts_mark(s)
        assert decisions(s, ["rev-00000001"], mark) == {"rev-00000001": Decision(REJECTED, reason)}
        assert decisions(s, ["rev-00000001"], mark, sent_again={"rev-00000001"}) == {}
    books.purchases(factories.reversal("rev-00000001", "spse-nothing-v0"))
    with Session(books.engine) as s:
        assert decisions(s, ["rev-00000001"], mark, sent_again={"rev-00000001"}) == {
            "rev-00000001": Decision(REJECTED, reason)}
