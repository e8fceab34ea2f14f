"""One buyer whatever arrives first: the directory's other ids of a buyer (`buyer.described`,
`also_known_as`), applied when a purchase is booked and when the directory names a buyer later.

A purchase sent under an alias is booked under the buyer the alias names. One booked under an
alias before the directory named it is moved to that buyer when it does: its entries, positions,
buyer row and standings, in the transaction that registers the description. This is the one
place where entries change after booking, and only their buyer id: amounts, dates and everything
the audit recounts stay as they were. Purchases take the registry lock shared and targets take it
exclusively (`ledger.books.recorder`), so on PostgreSQL no purchase is booked under an alias while
the alias is being moved.

An alias that already names a buyer keeps naming it: a directory that later lists it under
another buyer is kept as a description, but moves nothing.
"""

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ledger.bulk import chunks, upsert_adding
from ledger.models import BuyerAlias, BuyerRow, Entry, Position, Standing
from schemas.directory import BuyerDescribed

_POSITION_KEY = ["buyer_id", "period", "channel", "scale", "cooperative", "local"]


def named(session: Session, ids: set[str]) -> dict[str, str]:
    """{alias: buyer} for those of `ids` that the directory names as another buyer's alias."""
    out: dict[str, str] = {}
    for chunk in chunks(sorted(ids)):
        out.update(session.execute(select(BuyerAlias.alias, BuyerAlias.buyer_id)
                                   .where(BuyerAlias.alias.in_(chunk))).tuples().all())
    return out


def describe(session: Session, events: list[BuyerDescribed], now: datetime) -> int:
    """Record the aliases of newly described buyers and move what was booked under them; returns
    how many aliases were new."""
    new = 0
    for ev in events:
        buyer = named(session, {ev.buyer_id}).get(ev.buyer_id, ev.buyer_id)  # described under an alias itself
        known = named(session, set(ev.also_known_as))
        for alias in ev.also_known_as:
            if alias in known or alias == buyer:
                continue
            session.add(BuyerAlias(alias=alias, buyer_id=buyer, recorded_at=now))
            session.flush()
            # An id that was a buyer of its own, with aliases of its own, hands them on.
            session.execute(update(BuyerAlias).where(BuyerAlias.buyer_id == alias).values(buyer_id=buyer))
            _move(session, alias, buyer)
            new += 1
    return new


def _move(session: Session, alias: str, buyer: str) -> None:
    """Everything booked under `alias` now belongs to `buyer`."""
    session.execute(update(Entry).where(Entry.buyer_id == alias).values(buyer_id=buyer))
    cols = (Position.period, Position.channel, Position.scale, Position.cooperative, Position.local,
            Position.amount, Position.entries)
    rows = [{"buyer_id": buyer, "period": p, "channel": ch, "scale": sc, "cooperative": co, "local": lo,
             "amount": amount, "entries": n}
            for p, ch, sc, co, lo, amount, n in session.execute(select(*cols).where(Position.buyer_id == alias))]
    if rows:
        session.execute(delete(Position).where(Position.buyer_id == alias))
        upsert_adding(session.connection(), Position.__table__, sorted(rows, key=lambda r: tuple(map(str, r.values()))),
                      key=_POSITION_KEY, add=["amount", "entries"])
    row = session.get(BuyerRow, alias)
    if row is not None:
        if session.get(BuyerRow, buyer) is None:
            session.add(BuyerRow(id=buyer, kind=row.kind, name=row.name, region=row.region))
        session.delete(row)
    session.execute(delete(Standing).where(Standing.buyer_id == alias))  # judged again under the buyer
    session.flush()
