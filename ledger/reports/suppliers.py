"""What each supplier received, net of reversals, from all buyers, and how much of it counted for
each program in force."""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select

from ledger.books.descriptions import source_names
from ledger.books.identities import aliases, resolve
from ledger.books.registry import latest_registrations, load_histories
from ledger.books.versions import counting
from ledger.models import Entry
from ledger.reports.scope import Scope
from ledger.rules.eligibility import class_on
from ledger.rules.programs import covered, in_years, why


@dataclass(frozen=True, slots=True)
class SupplierLine:
    supplier_id: str
    name: str | None  # the latest registration's, else the latest a source gave (SPSE, Toko Daring)
    region: str | None
    scale: str | None  # the latest registration's
    cooperative: str | None
    received: int  # net, all buyers
    entries: int
    eligible: dict[str, int]  # program_id -> what counted for that program


def supplier_view(scope: Scope, *, supplier: str | None = None, program: str | None = None,
                  region: str | None = None, scale: str | None = None) -> list[SupplierLine]:
    """What each supplier received, and how much of it counted for each program; largest first.
    `region` and `scale` are the supplier's latest registration's."""
    programs = [p for p in scope.programs if program in (None, p.program_id)]
    q = (select(Entry.supplier_id, Entry.buyer_id, Entry.region, Entry.channel, Entry.booked_on,
                func.sum(Entry.amount), func.count())
         .group_by(Entry.supplier_id, Entry.buyer_id, Entry.region, Entry.channel, Entry.booked_on))
    q = q.where(counting(scope.as_of))  # pending, void and superseded purchases were received by no one yet
    if scope.as_of is not None:
        q = q.where(Entry.recorded_at <= scope.as_of)
    if supplier is not None:  # the supplier it counts for, under every id that counts for it
        supplier = resolve(scope.session, {supplier}, scope.as_of)[supplier]
        q = q.where(Entry.supplier_id.in_(sorted(aliases(scope.session, {supplier}))))
    rows = scope.session.execute(q).all()
    # A line per supplier counted for: purchases under an id merged into another, or naming a
    # number another supplier stated, are that supplier's.
    counted_as = resolve(scope.session, {r[0] for r in rows}, scope.as_of)
    histories = load_histories(scope.session, set(counted_as), scope.as_of)
    coverage = {p.program_id: covered(p, scope.known_buyers) for p in programs}
    acc: dict[str, list] = defaultdict(lambda: [0, 0, defaultdict(int)])
    for sid, buyer_id, buyer_region, channel, day, amount, n in rows:
        cls = class_on(histories.get(sid, []), day, buyer_region)
        cell = acc[counted_as[sid]]
        cell[0] += int(amount)
        cell[1] += n
        for p in programs:
            if buyer_id in coverage[p.program_id] and in_years(p, str(day.year)) and why(p, cls, channel)[0]:
                cell[2][p.program_id] += int(amount)
    latest = latest_registrations(scope.session, set(acc))
    named = source_names(scope.session, set(acc) - latest.keys())
    lines = []
    for sid, (received, n, eligible) in acc.items():
        reg = latest.get(sid)
        line = SupplierLine(sid, reg.name if reg else named.get(sid), reg.region if reg else None,
                            reg.scale if reg else None,
                            reg.cooperative if reg else None, received, n, dict(eligible))
        if region in (None, line.region) and scale in (None, line.scale) and supplier in (None, sid):
            lines.append(line)
    return sorted(lines, key=lambda x: (-x.received, x.supplier_id))
