"""What `kuota emit` tells the user about each line the journal sender decided on."""

from ledger.books.journal import Item
from streams.kafka.emit import EmitSummary
from streams.kafka.relay import CONFLICTING, DUPLICATE, KEPT, SENT, TOO_LARGE, Outcome
from streams.settings import Settings


def item(event_id: str, size: int = 10) -> Item:
    return Item(event_id, "f", "kuota.purchases.v1", "B1", b"x" * size)


def test_the_emit_summary_counts_each_outcome_where_the_user_looks_for_it():
    summary = EmitSummary()
    summary.count([Outcome(1, item("a"), SENT), Outcome(2, item("b"), SENT), Outcome(3, item("c"), DUPLICATE),
                   Outcome(4, item("d"), KEPT), Outcome(5, item("e"), CONFLICTING),
                   Outcome(6, item("f", 3_000_000), TOO_LARGE)], Settings(topic_prefix="t."))
    assert summary.sent == {"t.kuota.purchases.v1": 2} and summary.duplicate == 1 and summary.kept == 1
    assert summary.invalid[0][0] == 5 and "conflicting_duplicate" in summary.invalid[0][1]
    assert summary.failed[0][0] == 6 and "3,000,000 bytes" in summary.failed[0][1]
