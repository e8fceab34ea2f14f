"""Which supplier a supplier id counts for, read from the ledger: registrations, identifiers and
officers' merges (`ledger.rules.identity` decides; this module reads what it needs)."""

from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from ledger.bulk import chunks
from ledger.models import Registration, SupplierIdentifier, SupplierLink
from ledger.rules.identity import Finding, Key, canonical, identifier_keys, merges_in_force, written_forms

_ROUNDS = 8  # a chain of merges and identifiers longer than this is followed no further


def resolve(session: Session, supplier_ids, as_of: datetime | None = None) -> dict[str, str]:
    """{supplier id: the supplier it counts for}, for every id given; with `as_of`, as the
    ledger knew it then."""
    ids = set(supplier_ids)
    registered: set[str] = set()
    owners: dict[Key, str] = {}
    findings: list[Finding] = []
    asked: set[str] = set()
    todo = set(ids)
    for _ in range(_ROUNDS):
        todo -= asked
        if not todo:
            break
        asked |= todo
        registered |= _registered(session, todo, as_of)
        keys = {k for sid in todo - registered for k in identifier_keys(sid)} - set(owners)
        owners.update(_owners(session, keys, as_of))
        found = _findings_on(session, todo, as_of)
        findings += found
        todo = {f.keep for f, _ in found} | set(owners.values())
    findings.sort(key=lambda f: f[1])
    merged = merges_in_force(f for f, _ in findings)
    return {sid: canonical(sid, registered, owners, merged) for sid in ids}


def aliases(session: Session, supplier_ids) -> set[str]:
    """Every supplier id that may count for one of `supplier_ids`: the ids, the written forms of
    the identifiers they stated, and the ids merged into them (and theirs, in turn). The ledger's
    entries naming any of these are the ones a registration, merge or unmerge can move."""
    found, todo = set(), set(supplier_ids)
    for _ in range(_ROUNDS):
        todo -= found
        if not todo:
            break
        found |= todo
        nxt: set[str] = set()
        for chunk in chunks(sorted(todo)):
            for kind, value in session.execute(select(SupplierIdentifier.kind, SupplierIdentifier.value)
                                               .where(SupplierIdentifier.supplier_id.in_(chunk))):
                found |= set(written_forms(kind, value))
            nxt |= set(session.scalars(select(SupplierLink.other_id).where(SupplierLink.keep_id.in_(chunk),
                                                                           SupplierLink.kind != "distinct")))
        todo = nxt
    return found


def _registered(session: Session, ids: set[str], as_of: datetime | None) -> set[str]:
    out = set()
    for chunk in chunks(sorted(ids)):
        q = select(Registration.supplier_id).where(Registration.supplier_id.in_(chunk)).distinct()
        if as_of is not None:
            q = q.where(Registration.recorded_at <= as_of)
        out |= set(session.scalars(q))
    return out


def _owners(session: Session, keys: set[Key], as_of: datetime | None) -> dict[Key, str]:
    """The supplier that first stated each identifier."""
    owners: dict[Key, tuple[int, str]] = {}
    for chunk in chunks(sorted(keys)):
        q = (select(SupplierIdentifier.kind, SupplierIdentifier.value, SupplierIdentifier.registration_id,
                    SupplierIdentifier.supplier_id)
             .where(tuple_(SupplierIdentifier.kind, SupplierIdentifier.value).in_(chunk)))
        if as_of is not None:
            q = q.join(Registration, Registration.id == SupplierIdentifier.registration_id).where(
                Registration.recorded_at <= as_of)
        for kind, value, reg, sid in session.execute(q):
            if (kind, value) not in owners or reg < owners[(kind, value)][0]:
                owners[(kind, value)] = (reg, sid)
    return {k: sid for k, (_, sid) in owners.items()}


def _findings_on(session: Session, ids: set[str], as_of: datetime | None) -> list[tuple[Finding, int]]:
    out = []
    for chunk in chunks(sorted(ids)):
        q = (select(SupplierLink.id, SupplierLink.kind, SupplierLink.keep_id, SupplierLink.other_id)
             .where(SupplierLink.other_id.in_(chunk), SupplierLink.kind != "distinct"))
        if as_of is not None:
            q = q.where(SupplierLink.recorded_at <= as_of)
        out += [(Finding(kind, keep, other), seq) for seq, kind, keep, other in session.execute(q)]
    return out

