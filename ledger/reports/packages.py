"""Plan against realisation, package by package: each package of an agency's SIRUP plan
(`allocation.planned`) beside the purchases that name it (`plan_package`: e-Katalog v6 orders
carry the package's `kd_rup`; SPSE contracts and Toko Daring name none).

A purchase realises the package its buyer planned under that code. Per package: the completed
orders in force, net of reversals (sum and count), the part of them that is UMK spend on either
basis - the registry's class on the purchase date (micro, small, cooperative) or the UMK value the
source declares - and the pending orders beside them (`ledger.rules.packages`). Lines: every
package planned for UKM (realised, realised through a supplier UMK on neither basis, or nothing
realised yet); packages not planned for UKM only when orders name them; and orders naming a code
their buyer's plan in the ledger does not hold, per buyer and year of the order.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select

from ledger.books.registry import load_histories, supplier_names
from ledger.books.versions import counting, in_state, with_remains
from ledger.models import Entry, Target
from ledger.reports.scope import Scope
from ledger.rules.eligibility import class_on
from ledger.rules.packages import FINDINGS, finding, plan_status, umk_basis, umk_part
from ledger.rules.states import COMPLETED, PENDING
from schemas.allocation import AllocationPlanned


@dataclass(frozen=True, slots=True)
class RealisingOrder:
    event_id: str
    reference: str | None  # the source's order number (e-Katalog kd_paket)
    booked_on: date
    state: str  # of the version in force: completed or pending
    amount: int  # what remains after reversals
    supplier_id: str
    supplier_name: str | None
    supplier_class: str  # the registry's on the purchase date: a scale, unregistered or lapsed
    cooperative: bool
    declared_umk: int | None  # the UMK value the source declares of it
    umk_basis: str | None  # registry | declared | None: UMK on neither basis
    umk: int  # the rupiah of it that is UMK spend


@dataclass(frozen=True, slots=True)
class PackageLine:
    buyer_id: str  # the agency whose plan holds the package (no plan: the orders' buyer)
    name: str | None
    region: str | None
    fiscal_year: int  # the plan's (no plan: the year of the orders)
    package_id: str
    package: str | None  # the plan's name of it; None: no plan holds this code
    pagu: int | None
    plan: str | None  # ukm | non_ukm | excluded | withdrawn; None: no plan
    finding: str  # `ledger.rules.packages.FINDINGS`
    realised: int  # completed orders in force, net of reversals
    orders: int
    realised_umk: int  # of `realised`, UMK spend on either basis
    pending: int
    pending_orders: int
    realising: tuple[RealisingOrder, ...]  # completed first, then pending; by date

    @property
    def realised_not_umk(self) -> int:
        return self.realised - self.realised_umk


def packages(scope: Scope, *, year: int | None = None, buyer: str | None = None) -> list[PackageLine]:
    """Lines by year, agency, finding (`FINDINGS` order), then the largest pagu or realisation."""
    plans = {(p.agency_id, p.package_id): p for p in scope.allocations(year=year, agency=buyer)}
    planned = _planned_codes(scope, buyer)
    orders = _orders(scope, buyer)
    by_package: dict[tuple[str, str], list[RealisingOrder]] = defaultdict(list)
    unplanned: dict[tuple[str, str, int], list[RealisingOrder]] = defaultdict(list)
    for (buyer_id, code), order in orders:
        if (buyer_id, code) in plans:
            by_package[(buyer_id, code)].append(order)
        elif (buyer_id, code) not in planned and year in (None, order.booked_on.year):
            unplanned[(buyer_id, code, order.booked_on.year)].append(order)
    lines = [_planned_line(scope, p, by_package.get(key, [])) for key, p in plans.items()]
    lines += [_line(scope, b, scope.names.get(b), scope.regions.get(b), y, code, None, None, None, found)
              for (b, code, y), found in unplanned.items()]
    shown = [x for x in lines if x.plan == "ukm" or x.realising]
    return sorted(shown, key=lambda x: (x.fiscal_year, x.buyer_id, FINDINGS.index(x.finding),
                                        -(x.pagu or x.realised), x.package_id))


def _planned_line(scope: Scope, p: AllocationPlanned, found: list[RealisingOrder]) -> PackageLine:
    return _line(scope, p.agency_id, p.agency_name or scope.names.get(p.agency_id),
                 p.region or scope.regions.get(p.agency_id), p.fiscal_year, p.package_id, p.name, p.pagu,
                 plan_status(p.ukm, p.excluded, p.withdrawn), found)


def _line(scope: Scope, buyer_id: str, name: str | None, region: str | None, fiscal_year: int, code: str,
          package: str | None, pagu: int | None, plan: str | None, found: list[RealisingOrder]) -> PackageLine:
    done = [o for o in found if o.state == COMPLETED]
    waiting = [o for o in found if o.state == PENDING]
    return PackageLine(buyer_id, name, region, fiscal_year, code, package, pagu, plan,
                       finding(plan, (o.umk_basis for o in done)), sum(o.amount for o in done), len(done),
                       sum(o.umk for o in done), sum(o.amount for o in waiting), len(waiting),
                       tuple(sorted(found, key=lambda o: (o.state != COMPLETED, o.booked_on, o.event_id))))


def _planned_codes(scope: Scope, buyer: str | None) -> set[tuple[str, str]]:
    """(agency, package code) of every plan the ledger holds, of any year, withdrawn ones too: read
    from the targets' keys (`allocation:<agency>:<year>:<package>`), no plan parsed."""
    prefix = "allocation:" + (f"{buyer}:" if buyer is not None else "")
    q = select(Target.key).where(Target.type == "allocation.planned", Target.key.startswith(prefix, autoescape=True))
    if scope.as_of is not None:
        q = q.where(Target.recorded_at <= scope.as_of)
    out = set()
    for key in scope.session.scalars(q.distinct()):
        agency, _, code = key.removeprefix("allocation:").rsplit(":", 2)  # a code holds no `:`, an agency may
        out.add((agency, code))
    return out


def _orders(scope: Scope, buyer: str | None) -> list[tuple[tuple[str, str], RealisingOrder]]:
    """Purchases naming a package whose version in force is completed or pending, each with what
    remains of it after reversals (fully reversed ones left out) and its supplier's class that day."""
    session, as_of = scope.session, scope.as_of
    columns = (Entry.event_id, Entry.buyer_id, Entry.region, Entry.plan_package, Entry.reference, Entry.booked_on,
               Entry.state, Entry.supplier_id, Entry.declared_umk)
    found = with_remains(session, columns, Entry.plan_package.is_not(None),
                         or_(counting(as_of), in_state(PENDING, as_of)), as_of=as_of, buyer=buyer)
    histories = load_histories(session, {r.supplier_id for r, _ in found}, as_of)
    names = supplier_names(session, {r.supplier_id for r, _ in found})
    out = []
    for r, remains in found:
        if remains <= 0:
            continue
        cls = class_on(histories.get(r.supplier_id, []), r.booked_on, r.region)
        basis = umk_basis(cls, r.declared_umk)
        out.append(((r.buyer_id, r.plan_package), RealisingOrder(
            r.event_id, r.reference, r.booked_on, r.state, remains, r.supplier_id, names.get(r.supplier_id),
            cls.scale, cls.cooperative, r.declared_umk, basis, umk_part(remains, basis, r.declared_umk))))
    return out
