"""Data ganda: supplier ids suspected to be one business (`ledger.rules.duplicates`), each with
what is at stake, the spend booked so far under every id. Pairs an officer settled (distinct, or
merged) are left out."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.books.identities import resolve
from ledger.books.versions import counting
from ledger.bulk import chunks
from ledger.models import Entry, Registration, SupplierIdentifier, SupplierLink
from ledger.rules.duplicates import (KINDS, Match, Profile, blocks, distinct_pairs, same_names, shared_identifiers,
                                     similar_names, unsettled)
from ledger.rules.identity import Finding


@dataclass(frozen=True, slots=True)
class Suspect:
    kind: str  # same_nib | same_npwp | same_name | similar_name
    supplier_ids: tuple[str, ...]
    names: tuple[str, ...]  # each id's latest registered name
    regions: tuple[str, ...]
    districts: tuple[str | None, ...]  # kecamatan
    evidence: str  # the shared NIB or NPWP, the shared name, or the two names alike
    score: int  # 100 but for similar names
    spend: tuple[int, ...]  # net spend booked under each id, of the entries that count

    @property
    def region(self) -> str:
        return ", ".join(sorted(set(self.regions)))

    @property
    def district(self) -> str | None:
        return ", ".join(sorted({d for d in self.districts if d})) or None

    @property
    def total_spend(self) -> int:
        return sum(self.spend)


def duplicates(session: Session, *, region: str | None = None, score: int = 90) -> list[Suspect]:
    """Suspected duplicates, those of the most spend first; with `region`, the suspects with a
    supplier registered in that region."""
    profiles = _profiles(session)
    matches = shared_identifiers(profiles.values())
    if region is not None:
        matches = [m for m in matches if any(profiles[s].region == region for s in m.supplier_ids)]
    for block in blocks(p for p in profiles.values() if region in (None, p.region)).values():
        matches += same_names(block) + similar_names(block, score)
    involved = {s for m in matches for s in m.supplier_ids}
    distinct = distinct_pairs(_distinct_findings(session))
    counted_as = resolve(session, involved)
    kept = [k for m in matches if (k := unsettled(m, distinct, counted_as)) is not None]
    spend = _spend(session, {s for m in kept for s in m.supplier_ids})
    out = [_suspect(m, profiles, spend) for m in kept]
    return sorted(out, key=lambda s: (-s.total_spend, KINDS.index(s.kind), s.supplier_ids))


def _suspect(m: Match, profiles: dict[str, Profile], spend: dict[str, int]) -> Suspect:
    ps = [profiles[s] for s in m.supplier_ids]
    return Suspect(m.kind, m.supplier_ids, tuple(p.name for p in ps), tuple(p.region for p in ps),
                   tuple(p.district for p in ps), m.evidence, m.score, tuple(spend.get(s, 0) for s in m.supplier_ids))


def _profiles(session: Session) -> dict[str, Profile]:
    """Every registered supplier id as its latest registration (by arrival) describes it."""
    latest = select(func.max(Registration.id)).group_by(Registration.supplier_id).scalar_subquery()
    rows = session.execute(select(Registration.supplier_id, Registration.name, Registration.region,
                                  Registration.district).where(Registration.id.in_(latest))).all()
    stated: dict[str, set[tuple[str, str]]] = {}
    for sid, kind, value in session.execute(select(SupplierIdentifier.supplier_id, SupplierIdentifier.kind,
                                                   SupplierIdentifier.value).distinct()):
        stated.setdefault(sid, set()).add((kind, value))
    return {sid: Profile(sid, name, reg, district, tuple(sorted(stated.get(sid, ()))))
            for sid, name, reg, district in rows}


def _distinct_findings(session: Session) -> list[Finding]:
    """Every finding on a pair of which any is `distinct`, in order of arrival."""
    q = select(SupplierLink.kind, SupplierLink.keep_id, SupplierLink.other_id).order_by(SupplierLink.id)
    findings = [Finding(kind, keep, other) for kind, keep, other in session.execute(q)]
    marked = {frozenset((f.keep, f.other)) for f in findings if f.kind == "distinct"}
    return [f for f in findings if frozenset((f.keep, f.other)) in marked]


def _spend(session: Session, supplier_ids: set[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for chunk in chunks(sorted(supplier_ids)):
        q = (select(Entry.supplier_id, func.sum(Entry.amount)).where(Entry.supplier_id.in_(chunk), counting())
             .group_by(Entry.supplier_id))
        out.update({sid: int(total) for sid, total in session.execute(q)})
    return out
