"""Hostile input through the recorder (SQLite, no broker): whatever arrives ends applied,
duplicate or rejected with a reason code, and the audit stays clean."""

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session
import pytest

from ledger.books.audit import audit
from ledger.db import make_engine, migrate
from ledger.books.intake import Record
from ledger.models import Entry, Receipt, Rejection
from ledger.books.recorder import Recorder
from tests.unit.schemas.test_hostile import REASONS, TOPIC, records


@pytest.fixture(scope="module")
def recorder(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'ledger.db'}"
    migrate(url)
    engine = make_engine(url, writer=True)
    yield Recorder(engine, epoch="hypothesis", retry_delay=0.01), engine
    engine.dispose()


offsets = itertools.count()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(records, min_size=1, max_size=25))
def test_every_record_through_the_recorder_ends_in_exactly_one_bucket(recorder, values):
    rec, engine = recorder
    batch = [Record(TOPIC, 0, next(offsets), value) for value in values]
    with Session(engine) as s:
        before = (s.scalar(select(func.count()).select_from(Receipt)),
                  s.scalar(select(func.count()).select_from(Rejection)))
    result = rec.book_purchases(batch)
    assert result.received == len(batch) and result.skipped == 0
    assert set(result.rejected) <= REASONS
    with Session(engine) as s:
        receipts = s.scalar(select(func.count()).select_from(Receipt))
        rejections = s.scalar(select(func.count()).select_from(Rejection))
        assert receipts - before[0] == len(batch)
        assert rejections - before[1] == sum(result.rejected.values())
        assert s.scalar(select(func.count()).where(Receipt.outcome.not_in(["applied", "duplicate", "rejected"]))
                        .select_from(Receipt)) == 0
        report = audit(s)
        assert report.ok, report.problems
        # One entry per event id, ever: the three ids the strategies reuse can be booked once each.
        assert s.scalar(select(func.count()).select_from(Entry).where(Entry.event_id.like("hyp-%"))) <= 3
    assert rec.book_purchases(batch).skipped == len(batch)  # the same records again: a redelivery, not new input
