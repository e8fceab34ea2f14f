"""The intake journal on both backends: what it accepts, what it sends again, how it counts."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import Session

from ledger.books.journal import Item, journal_counts, mark_sent, mark_sent_events, settle, take, unsent
from ledger.db import make_engine
from ledger.models import Receipt

pytestmark = pytest.mark.integration
NOW = datetime(2026, 3, 1, tzinfo=timezone.utc)


def item(event_id: str, fingerprint: str = "f1") -> Item:
    return Item(event_id, fingerprint, "kuota.purchases.v1", "B1", f'{{"event_id":"{event_id}"}}'.encode())


def receipt(session: Session, event_id: str, outcome: str, offset: int) -> None:
    session.add(Receipt(epoch="e", topic="kuota.purchases.v1", partition=0, offset=offset, outcome=outcome,
                        event_id=event_id, received_at=NOW))


@pytest.fixture
def session(ledger_url):
    engine = make_engine(ledger_url, writer=True)
    with Session(engine) as s:
        yield s
    engine.dispose()


def test_take_accepts_new_events_and_names_duplicates_and_conflicts(session):
    assert take(session, [item("a"), item("b")], source="emit", principal="cli", now=NOW) == ["accepted"] * 2
    session.commit()
    outcomes = take(session, [item("a"), item("b", "other"), item("c"), item("c"), item("c", "x")],
                    source="http", principal="key:k1", now=NOW)
    session.commit()
    assert outcomes == ["duplicate", "conflict", "accepted", "duplicate", "conflict"]
    assert journal_counts(session).journaled == 3


def test_nothing_is_kept_until_the_caller_commits(session):
    take(session, [item("a")], source="emit", principal="cli", now=NOW)
    session.rollback()
    assert journal_counts(session).journaled == 0


def test_unsent_gives_what_is_unsent_or_sent_under_another_epoch_and_unbooked(session):
    take(session, [item(e) for e in "abcd"], source="emit", principal="cli", now=NOW)
    session.commit()
    first = unsent(session, "epoch-1")
    assert [u.value for u in first] == [item(e).value for e in "abcd"] and first[0].key == "B1"
    mark_sent(session, [u.id for u in first[:3]], "epoch-1", NOW)
    receipt(session, "a", "applied", 1)
    session.commit()
    assert [u.value for u in unsent(session, "epoch-1")] == [item("d").value]
    # A new broker: b and c went to the old one and were never booked; a was.
    assert [u.value for u in unsent(session, "epoch-2", limit=2)] == [item("b").value, item("c").value]


def test_unsent_leaves_a_command_line_senders_fresh_events_to_it(session):
    take(session, [item("a")], source="emit", principal="cli", now=NOW)
    take(session, [item("b")], source="http", principal="key:k1", now=NOW)
    take(session, [item("c")], source="import", principal="cli", now=NOW - timedelta(minutes=1))
    session.commit()
    assert [u.value for u in unsent(session, "e1", settled_before=NOW - timedelta(seconds=15))] == [
        item("b").value, item("c").value]
    mark_sent_events(session, ["a"], "e0", NOW)
    session.commit()  # sent under an older broker: the relay's again, however fresh
    assert len(unsent(session, "e1", settled_before=NOW - timedelta(seconds=15))) == 3


def test_counts_split_journaled_into_booked_rejected_and_in_flight(session):
    take(session, [item(e) for e in "abcd"], source="import", principal="cli", now=NOW)
    receipt(session, "a", "applied", 1)
    receipt(session, "a", "duplicate", 2)
    receipt(session, "b", "duplicate", 3)
    receipt(session, "c", "rejected", 4)
    session.commit()
    counts = journal_counts(session)
    assert (counts.journaled, counts.booked, counts.rejected, counts.in_flight) == (4, 2, 1, 1)
    assert counts.consistent


def test_settle_marks_what_an_earlier_broker_booked_and_leaves_the_rest_to_send_again(session):
    take(session, [item(e) for e in "abc"], source="http", principal="key:k1", now=NOW)
    session.commit()
    mark_sent(session, [u.id for u in unsent(session, "epoch-1")], "epoch-1", NOW)
    receipt(session, "a", "applied", 1)
    receipt(session, "b", "rejected", 2)
    session.commit()
    assert settle(session, "epoch-2") == 2  # a and b are done, whatever their outcome
    session.commit()
    assert [u.value for u in unsent(session, "epoch-2")] == [item("c").value]
    assert settle(session, "epoch-2") == 0
