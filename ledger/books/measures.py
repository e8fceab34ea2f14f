"""The LKPP measure beside the verified one: the UMK value the source records themselves declare
(SPSE `nilai_umk_kontrak`, kept on the entry as `declared_umk`), summed where the positions are,
per buyer, month and channel, over the purchases that count.

A purchase's declaration is capped at what remains of it after reversals (as the declared report
reads it), so a contract taken back in part never declares more than it still holds.
"""

from collections import defaultdict
from datetime import datetime

from sqlalchemy.orm import Session

from ledger.books.registry import load_histories
from ledger.books.versions import counting, with_remains
from ledger.models import Entry
from ledger.rules.eligibility import LAPSED, UNREGISTERED, SupplierClass, class_on
from ledger.rules.programs import Bucket

DECLARED = SupplierClass(UNREGISTERED, False, False)  # a declaration is no class: it counts for no verified figure


def declared_buckets(session: Session, as_of: datetime | None = None, buyer: str | None = None) -> list[Bucket]:
    """One bucket (amount 0, `declared` set) per buyer, month and channel with a declared UMK value."""
    sums: dict[tuple[str, str, str], int] = defaultdict(int)
    for p, remains in _declaring(session, as_of, buyer):
        sums[(p.buyer_id, p.period, p.channel)] += min(p.declared_umk, remains)
    return [Bucket(b, m, ch, DECLARED, 0, declared) for (b, m, ch), declared in sorted(sums.items()) if declared]


def resting_on_declarations(session: Session, as_of: datetime | None = None,
                            buyer: str | None = None) -> dict[tuple[str, str], int]:
    """{(buyer, month): spend whose supplier the registry did not class on the purchase date but
    whose source declares a UMK value}: the part of the spend that rests on declarations alone."""
    purchases = list(_declaring(session, as_of, buyer))
    histories = load_histories(session, {p.supplier_id for p, _ in purchases}, as_of)
    out: dict[tuple[str, str], int] = defaultdict(int)
    for p, remains in purchases:
        if class_on(histories.get(p.supplier_id, []), p.booked_on, p.region).scale in (UNREGISTERED, LAPSED):
            out[(p.buyer_id, p.period)] += remains
    return dict(out)


def _declaring(session: Session, as_of: datetime | None, buyer: str | None):
    """(purchase, what remains of it after reversals) of the purchases that count and declare UMK."""
    columns = (Entry.buyer_id, Entry.region, Entry.supplier_id, Entry.booked_on, Entry.period, Entry.channel,
               Entry.declared_umk)
    for p, remains in with_remains(session, columns, Entry.declared_umk > 0, counting(as_of), as_of=as_of,
                                   buyer=buyer):
        yield p, max(remains, 0)
