"""Declared versus registered: the UMK spend a source declares on its contracts (SPSE
`nilai_umk_kontrak`, kept on the entry as `declared_umk`) beside what kuota's registry supports.

Per buyer and year, over the purchases that count (the version in force, completed): the value
they declare as UMK, capped at what remains of the purchase after reversals; the part whose
supplier was registered micro or small, or as a cooperative, on the purchase date (supported);
and the rest (not supported), with each such contract listed with its supplier's class that day
(`besar`, `menengah`, `unregistered`, `lapsed`). SPSE declares the whole contract value as UMK
even for PT companies, so the gap is the point of the report.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from ledger.books.registry import load_histories, supplier_names
from ledger.books.versions import counting, reversed_of
from ledger.models import Entry
from ledger.reports.scope import Scope
from ledger.rules.compliance import counts, share_bp
from ledger.rules.eligibility import class_on
from schemas.codes import Scale
from schemas.targets import EligibleSuppliers

UMK = EligibleSuppliers(scales=(Scale.MIKRO, Scale.KECIL), cooperatives=True)


@dataclass(frozen=True, slots=True)
class Contract:
    event_id: str
    reference: str | None
    booked_on: date
    supplier_id: str
    supplier_name: str | None
    supplier_class: str  # on the purchase date: a scale, unregistered or lapsed
    amount: int  # what remains after reversals
    declared_umk: int


@dataclass(slots=True)
class DeclaredLine:
    buyer_id: str
    name: str | None
    year: int
    contracts: int = 0  # purchases that declare a UMK value above 0
    declared_umk: int = 0
    supported: int = 0  # declared, and the supplier was micro, small or a cooperative that day
    unsupported: tuple[Contract, ...] = field(default_factory=tuple)

    @property
    def not_supported(self) -> int:
        return self.declared_umk - self.supported

    @property
    def supported_bp(self) -> int | None:
        """Supported over declared, rounded down; None when nothing is declared."""
        return share_bp(self.supported, self.declared_umk)


def declared(scope: Scope, *, year: int | None = None, buyer: str | None = None) -> list[DeclaredLine]:
    """One line per buyer and year with purchases that declare a UMK value, by year then buyer."""
    session, as_of = scope.session, scope.as_of
    cols = (Entry.event_id, Entry.buyer_id, Entry.region, Entry.supplier_id, Entry.amount, Entry.declared_umk,
            Entry.booked_on, Entry.period, Entry.reference, Entry.source_system, Entry.source_key)
    q = select(*cols).where(Entry.kind == "purchase", Entry.declared_umk.is_not(None), counting(as_of))
    if as_of is not None:
        q = q.where(Entry.recorded_at <= as_of)
    if buyer is not None:
        q = q.where(Entry.buyer_id == buyer)
    if year is not None:
        q = q.where(Entry.period.startswith(f"{year}-"))
    purchases = session.execute(q).all()
    taken = reversed_of(session, purchases, as_of)
    histories = load_histories(session, {p.supplier_id for p in purchases}, as_of)
    lines: dict[tuple[str, int], DeclaredLine] = {}
    left_out: dict[tuple[str, int], list[Contract]] = defaultdict(list)
    unsupported_ids = set()
    for p in purchases:
        remains = p.amount + taken.get(p.event_id, 0)
        value = min(p.declared_umk, max(remains, 0))
        if value <= 0:
            continue
        key = (p.buyer_id, int(p.period[:4]))
        line = lines.setdefault(key, DeclaredLine(p.buyer_id, scope.names.get(p.buyer_id), key[1]))
        cls = class_on(histories.get(p.supplier_id, []), p.booked_on, p.region)
        line.contracts += 1
        line.declared_umk += value
        if counts(cls, UMK):
            line.supported += value
        else:
            unsupported_ids.add(p.supplier_id)
            left_out[key].append(Contract(p.event_id, p.reference, p.booked_on, p.supplier_id, None, cls.scale,
                                          remains, value))
    names = supplier_names(session, unsupported_ids)
    for key, contracts in left_out.items():
        contracts.sort(key=lambda c: (-c.declared_umk, c.event_id))
        lines[key].unsupported = tuple(_named(c, names) for c in contracts)
    return sorted(lines.values(), key=lambda x: (x.year, x.buyer_id))


def _named(c: Contract, names: dict[str, str]) -> Contract:
    return Contract(c.event_id, c.reference, c.booked_on, c.supplier_id, names.get(c.supplier_id), c.supplier_class,
                    c.amount, c.declared_umk)
