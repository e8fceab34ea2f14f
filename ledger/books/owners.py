"""Whose purchase is it: the buyer behind a purchase's event id, booked or only accepted."""

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.models import Entry
from ledger.models.access import JournalEntry
from schemas.topics import PURCHASES

_CHUNK = 500  # ids in one IN list: well under every backend's limit on bound parameters


def buyers_of(session: Session, event_ids: Iterable[str]) -> dict[str, str]:
    """The buyer id of each known purchase among `event_ids`; unknown ids are left out.

    A booked entry answers first; a purchase accepted but not booked yet answers from the journal,
    whose key on the purchases topic is the buyer id (a reversal's key is its purchase's buyer, so
    a reversal's id names that buyer too)."""
    wanted = sorted(set(event_ids))
    owners: dict[str, str] = {}
    for start in range(0, len(wanted), _CHUNK):
        part = wanted[start:start + _CHUNK]
        owners.update(session.execute(
            select(JournalEntry.event_id, JournalEntry.key)
            .where(JournalEntry.event_id.in_(part), JournalEntry.topic == PURCHASES,
                   JournalEntry.key.is_not(None))).all())
        owners.update(session.execute(
            select(Entry.event_id, Entry.buyer_id).where(Entry.event_id.in_(part))).all())
    return owners
