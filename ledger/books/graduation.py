"""Graduated partners read from the books: which suppliers grew out of UMKM, and the buckets
that keep counting their sales for a program until its grace has run
(`ledger.rules.graduation` decides; this module reads what it needs)."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.books.identities import aliases
from ledger.books.registry import load_histories
from ledger.books.versions import counting
from ledger.bulk import chunks
from ledger.models import Entry, Registration
from ledger.rules.compliance import counts
from ledger.rules.eligibility import UMKM, class_on
from ledger.rules.graduation import BESAR, graduation, in_grace
from ledger.rules.programs import Bucket
from schemas.codes import BuyerKind
from schemas.targets import ProgramDefined


def grace_days(program: ProgramDefined) -> int:
    """The program's grace for a graduated partner: as set, else 365 days for a program of
    companies (Peraturan BKPM 3/2025) and none for others."""
    if program.eligible.graduation_grace_days is not None:
        return program.eligible.graduation_grace_days
    return 365 if program.applies_to.kind == BuyerKind.COMPANY else 0


def graduated_suppliers(session: Session, as_of: datetime | None = None) -> set[str]:
    """Suppliers registered both as mikro, kecil or menengah and, at some time, as besar."""
    known = [Registration.recorded_at <= as_of] if as_of is not None else []
    besar = select(Registration.supplier_id).where(Registration.scale == BESAR, *known)
    small = select(Registration.supplier_id).where(Registration.scale.in_(sorted(UMKM)), *known)
    return set(session.scalars(besar.intersect(small)))


def graduated_entries(session: Session, as_of: datetime | None = None):
    """(entry, history, graduation) for every counting entry whose supplier was besar by
    graduating on the purchase date."""
    graduated = graduated_suppliers(session, as_of)
    if not graduated:
        return
    ids = aliases(session, graduated)
    histories = load_histories(session, ids, as_of)
    known = [Entry.recorded_at <= as_of] if as_of is not None else []
    for chunk in chunks(sorted(ids)):
        rows = session.execute(
            select(Entry.buyer_id, Entry.region, Entry.supplier_id, Entry.period, Entry.channel, Entry.booked_on,
                   Entry.amount).where(Entry.supplier_id.in_(chunk), counting(as_of), *known))
        for row in rows:
            history = histories.get(row.supplier_id, [])
            grad = graduation(history, row.booked_on, row.region)
            if grad is not None:
                yield row, history, grad


def grace_buckets(session: Session, program: ProgramDefined, as_of: datetime | None = None) -> list[Bucket]:
    """Pairs of buckets that move a graduated partner's sales within the program's grace from
    `besar` back to the class it had before: the base is unchanged, what counts grows."""
    grace = grace_days(program)
    if grace <= 0:
        return []
    out = []
    for row, history, grad in graduated_entries(session, as_of):
        now_cls = class_on(history, row.booked_on, row.region)
        if (in_grace(grad, row.booked_on, grace) and counts(grad.before, program.eligible)
                and not counts(now_cls, program.eligible)):
            out.append(Bucket(row.buyer_id, row.period, row.channel, now_cls, -row.amount))
            out.append(Bucket(row.buyer_id, row.period, row.channel, grad.before, row.amount))
    return out
