"""Purchase states and source versions through the real recorder: only the completed version in
force counts, whatever the order of arrival; reversals follow their purchase; a late registration
moves only what counts; re-sends are duplicates; and the audit's recount (and the readers' SQL
form of the rule) agrees after every step, on SQLite and PostgreSQL."""

import itertools
import random
import time
from collections import Counter
from datetime import datetime, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.books.audit import audit
from ledger.books.evaluation import position_buckets
from ledger.books.versions import entry_states
from ledger.models import Entry, Position
from ledger.reports.buyers import buyer_detail
from ledger.reports.scope import Scope
from ledger.reports.spend import entry_buckets, spend
from tests import factories
from tests.factories import RULE_40
from tests.integration.helpers import sqlite_ledger
from tests.integration.ledger.test_evaluation import Books

pytestmark = pytest.mark.integration

BUYER, SUPPLIER, KEY = "opd-3216-a", "S-1", "PKG-1/K-1"  # an agency of 3216 covered by RULE_40


def version(n: int, state: str = "completed", amount: int = 1_000_000, *, key: str = KEY, event_id: str = "",
            **fields) -> dict:
    """Version `n` of the source record `key` (an SPSE contract), as its importer would send it."""
    return factories.purchase(event_id or f"spse-{key.replace('/', '-')}-v{n}-{state}", amount, buyer=BUYER,
                              supplier=SUPPLIER, at="2024-03-05T12:00:00+07:00", channel="tender", state=state,
                              source=("spse", key, n), **fields)


def reversal(n: int, reverses: str, amount: int | None = None) -> dict:
    return factories.reversal(f"rev-{n:08d}", reverses, amount)


def own(n: int, state: str = "completed", amount: int = 1_000_000) -> dict:
    """A purchase without a source: its own one version."""
    return factories.purchase(f"evt-{n:08d}", amount, buyer=BUYER, supplier=SUPPLIER, at="2024-03-05T12:00:00+07:00",
                              channel="tender", **({} if state == "completed" else {"state": state}))


class Ledger(Books):
    def outcome(self, *docs) -> tuple[int, int, dict]:
        result = self.purchases(*docs)
        return result.applied, result.duplicate, dict(result.rejected)

    def counted(self) -> int:
        """Net rupiah in the positions (what counts)."""
        with Session(self.engine) as s:
            return sum(p.amount for p in s.scalars(select(Position)))

    def spend(self, as_of: datetime | None = None) -> tuple[int, int, int]:
        """(total, eligible, pending) of the buyer in 2024, as `kuota report --period year` shows it."""
        with Session(self.engine) as s:
            lines = [x for x in spend(Scope(s, as_of), "year") if (x.buyer_id, x.period) == (BUYER, "2024")]
        return (lines[0].total, lines[0].eligible, lines[0].pending) if lines else (0, 0, 0)

    def entries(self, as_of: datetime | None = None) -> dict[str, tuple]:
        """{event id: (state, why it does not count, counts for the 40% rule?)} on the buyer's page."""
        with Session(self.engine) as s:
            detail = buyer_detail(Scope(s, as_of), BUYER)
        return {e.event_id: (e.state, e.not_counted, e.counts["pp7-40-3216"]) for e in detail.entries}

    def entries_booked(self) -> list[Entry]:
        with Session(self.engine) as s:
            return list(s.scalars(select(Entry)))

    def pending_by_entry(self) -> int:
        """Pending rupiah by the rule in Python, entry by entry (the spend report reads it in SQL)."""
        with Session(self.engine) as s:
            every = list(s.scalars(select(Entry)))
            states = entry_states(s, every)
        return sum(e.amount for e in every if states[e.event_id][1] == "pending")

    def assert_audit_clean(self) -> None:
        with Session(self.engine) as s:
            report = audit(s)
            assert report.ok, report.problems
            # the readers' SQL form of the rule agrees with the books' and the audit's
            live = Counter({(b.buyer_id, b.month, b.channel, b.cls): b.amount for b in position_buckets(s)})
            recount = Counter({(b.buyer_id, b.month, b.channel, b.cls): b.amount for b in entry_buckets(s)})
            assert +live == +recount


def make_books(url: str) -> Ledger:
    books = Ledger(url)
    books.targets(RULE_40)  # the 40% rule: micro, small and cooperatives count
    books.suppliers(factories.registration("reg-00000001", SUPPLIER, "kecil"))
    return books


@pytest.fixture
def books(tmp_path):
    books = make_books(sqlite_ledger(tmp_path))
    yield books
    books.engine.dispose()


def moment() -> datetime:
    """A moment strictly between two bookings."""
    time.sleep(0.01)
    now = datetime.now(timezone.utc)
    time.sleep(0.01)
    return now


# --- states --------------------------------------------------------------------------------------


def test_a_pending_purchase_is_shown_beside_the_totals_and_counts_once_when_completed(books):
    assert books.outcome(version(0, "pending")) == (1, 0, {})
    assert (books.counted(), books.spend()) == (0, (0, 0, 1_000_000))
    books.assert_audit_clean()
    assert books.outcome(version(1, "completed")) == (1, 0, {})
    assert (books.counted(), books.spend()) == (1_000_000, (1_000_000, 1_000_000, 0))
    books.assert_audit_clean()
    assert books.outcome(version(0, "pending"), version(1, "completed")) == (0, 2, {})
    assert books.counted() == 1_000_000


def test_a_completed_purchase_stops_counting_when_its_void_version_arrives(books):
    books.purchases(version(0, "completed", 2_000_000))
    assert books.spend() == (2_000_000, 2_000_000, 0)
    assert books.outcome(version(1, "void")) == (1, 0, {})
    assert (books.counted(), books.spend()) == (0, (0, 0, 0))  # void is not pending either
    books.assert_audit_clean()
    assert books.outcome(version(1, "void")) == (0, 1, {})


def test_a_lower_version_after_a_higher_one_is_booked_and_changes_nothing(books):
    books.purchases(version(2, "completed", 3_000_000))
    before = books.spend()
    assert books.outcome(version(1, "completed", 1_000_000), version(0, "pending", 5_000_000)) == (2, 0, {})
    assert (books.counted(), books.spend()) == (3_000_000, before)
    books.assert_audit_clean()


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_the_order_of_arrival_does_not_matter(books, order):
    versions = [version(0, "pending", 1_000_000), version(1, "completed", 4_000_000),
                version(2, "completed", 2_000_000)]
    for i in order:
        books.purchases(versions[i])
    assert books.spend() == (2_000_000, 2_000_000, 0)
    books.assert_audit_clean()


def test_versions_of_one_purchase_within_one_batch_count_once(books):
    assert books.outcome(version(0, "pending"), version(2, "completed", 3_000_000), version(1, "void")) \
        == (3, 0, {})
    assert books.spend() == (3_000_000, 3_000_000, 0)
    books.assert_audit_clean()


def test_of_two_equal_versions_the_later_arrival_is_in_force(books):
    books.purchases(version(1, "completed", event_id="spse-first-arrival"))
    books.purchases(version(1, "void", event_id="spse-later-arrival"))
    assert books.spend() == (0, 0, 0)
    books.assert_audit_clean()


# --- reversals follow their purchase -------------------------------------------------------------


def test_a_reversal_of_a_pending_purchase_counts_only_once_it_is_completed(books):
    pending = version(0, "pending")
    books.purchases(pending)
    assert books.outcome(reversal(1, pending["event_id"], 300_000)) == (1, 0, {})
    assert (books.counted(), books.spend()) == (0, (0, 0, 700_000))  # what would count once completed
    books.assert_audit_clean()
    books.purchases(version(1, "completed"))
    assert (books.counted(), books.spend()) == (700_000, (700_000, 700_000, 0))
    books.assert_audit_clean()
    assert books.outcome(pending, reversal(1, pending["event_id"], 300_000), version(1, "completed")) == (0, 3, {})
    assert books.counted() == 700_000


def test_a_reversal_stops_counting_with_its_purchase(books):
    completed = version(0, "completed")
    books.purchases(completed, reversal(1, completed["event_id"], 400_000))
    assert books.counted() == 600_000
    books.purchases(version(1, "void"))
    assert (books.counted(), books.spend()) == (0, (0, 0, 0))
    books.assert_audit_clean()


def test_what_remains_to_reverse_is_of_the_version_in_force_less_every_reversal(books):
    first = version(0, "completed", 1_000_000)
    books.purchases(first, reversal(1, first["event_id"]))  # all of it taken back
    books.purchases(version(1, "completed", 1_500_000))  # an addendum raises the contract
    assert books.counted() == 500_000
    assert books.outcome(reversal(2, version(1)["event_id"], 500_001)) == (0, 0, {"over_reversal": 1})
    assert books.outcome(reversal(3, first["event_id"], 500_000)) == (1, 0, {})  # any version names the purchase
    assert books.counted() == 0
    books.assert_audit_clean()


def test_a_purchase_without_a_source_that_is_pending_never_counts_nor_do_its_reversals(books):
    assert books.outcome(own(1, "pending"), reversal(1, "evt-00000001", 250_000), own(2, "void", 5_000)) \
        == (3, 0, {})
    assert (books.counted(), books.spend()) == (0, (0, 0, 750_000))
    books.assert_audit_clean()


# --- the rest of the books honour the rule -------------------------------------------------------


def test_a_late_registration_moves_only_what_counts(books):
    books.purchases(version(0, "completed", 1_000_000, key="K-2"), version(1, "completed", 2_000_000, key="K-2"),
                    version(0, "pending", 4_000_000, key="K-3"))
    books.suppliers(factories.registration("reg-00000002", SUPPLIER, "besar"))
    assert books.spend() == (2_000_000, 0, 4_000_000)
    books.assert_audit_clean()


# --- any mix, on SQLite and PostgreSQL ------------------------------------------------------------


def mixed_events(seed: int, n: int = 300) -> list[dict]:
    """Versions of 40 source records (any state, any order, some re-sent), purchases of their own,
    and reversals of any of them, some asking too much."""
    rnd = random.Random(seed)
    events, booked = [], []
    for i in range(n):
        roll = rnd.random()
        if roll < 0.6:
            ev = version(rnd.randrange(4), rnd.choice(["completed", "completed", "pending", "void"]),
                         rnd.randrange(1, 50) * 100_000, key=f"K-{rnd.randrange(40)}",
                         event_id=f"spse-{i:05d}")
        elif roll < 0.75:
            ev = own(i, rnd.choice(["completed", "pending", "void"]), rnd.randrange(1, 50) * 100_000)
        elif booked:
            ev = reversal(i, rnd.choice(booked), rnd.choice([None, rnd.randrange(1, 20) * 100_000]))
        else:
            continue
        if ev["type"] == "purchase.recorded":
            booked.append(ev["event_id"])
        events.append(ev)
    return events + rnd.sample(events, 20)  # re-sent


def test_any_mix_of_states_versions_and_reversals_keeps_the_positions_equal_to_the_recount(ledger_url):
    books = make_books(ledger_url)
    try:
        events = mixed_events(seed=10)
        for i in range(0, len(events), 37):  # batches that split versions of one purchase
            books.purchases(*events[i:i + 37])
            books.assert_audit_clean()
        before = books.spend()
        halfway = moment()
        books.suppliers(factories.registration("reg-00000002", SUPPLIER, "besar", valid_from="2024-03-01"))
        books.assert_audit_clean()
        assert books.spend(halfway) == before and books.spend() == (before[0], 0, before[2])  # only the class moved
        assert before[0] == books.counted() and before[2] == books.pending_by_entry()
        booked = {e.event_id for e in books.entries_booked()}
        again = books.purchases(*events)
        # Every booked event sent again is a duplicate (a reversal refused before may fit now: once).
        now_booked = {e.event_id for e in books.entries_booked()}
        assert again.duplicate == sum(ev["event_id"] in now_booked for ev in events) - again.applied
        assert again.applied == len(now_booked - booked)
        books.assert_audit_clean()
    finally:
        books.engine.dispose()
