"""Allocation next to realisation, per agency and fiscal year: the declared procurement budget
(the base of the 40% rule), the pagu of the planned packages reserved for micro and small
business and its share of the budget, and the spend that counted as the 40% rule counts it.

Planned UKM allocation: the pagu of the packages in force that are UKM, not excluded from the
procurement rules and not withdrawn. Non-UKM packages are listed with their reasons; excluded
packages are shown apart and counted in neither. Realised: the agency's net spend in the year
that a share-of-budget program in force covering it counts (its eligible suppliers, channels
and exclusions), or, without one, micro, small and cooperatives outside the `other` channel
(grants and dues are not procurement). An agency with packages and no declared budget has no
budget line: its budget and shares are None, never a zero.
"""

from collections import defaultdict
from dataclasses import dataclass

from ledger.books.evaluation import adjustment_buckets, position_buckets
from ledger.books.measures import declared_buckets
from ledger.reports.scope import Scope
from ledger.reports.spend import entry_buckets
from ledger.rules.compliance import counts, share_bp
from ledger.rules.programs import Bucket, covered, in_years
from schemas.allocation import AllocationPlanned
from schemas.codes import Channel, Scale
from schemas.targets import EligibleSuppliers

#: The 40% rule when no program says otherwise (Perpres 12/2021 Pasal 65: micro, small and cooperatives).
DEFAULT_ELIGIBLE = EligibleSuppliers(scales=(Scale.MIKRO, Scale.KECIL), cooperatives=True)
DEFAULT_EXCLUDED_CHANNELS = frozenset({Channel.OTHER.value})


@dataclass(frozen=True, slots=True)
class PackageLine:
    package_id: str
    name: str
    pagu: int
    method: str | None
    reason: str | None  # why not UKM, or why excluded


@dataclass(frozen=True, slots=True)
class AllocationLine:
    buyer_id: str  # the agency
    name: str | None
    region: str | None
    fiscal_year: int
    budget: int | None  # None: no budget line declared
    packages: int  # in force, not withdrawn
    planned_ukm: int
    planned_non_ukm: int
    excluded: int  # pagu of packages excluded from the procurement rules
    realised: int
    counted_by: str | None  # the program whose rule counted `realised`; None: the default rule
    non_ukm_packages: tuple[PackageLine, ...]
    excluded_packages: tuple[PackageLine, ...]
    realised_declared: int = 0  # the LKPP measure beside `realised` (verified): what the contracts declare UMK

    @property
    def realised_declared_share_bp(self) -> int | None:
        return share_bp(self.realised_declared, self.budget) if self.budget else None

    @property
    def planned_share_bp(self) -> int | None:
        """Planned UKM pagu over the budget, rounded down; None without a budget line."""
        return share_bp(self.planned_ukm, self.budget) if self.budget else None

    @property
    def realised_share_bp(self) -> int | None:
        return share_bp(self.realised, self.budget) if self.budget else None


def allocation(scope: Scope, *, year: int | None = None, buyer: str | None = None) -> list[AllocationLine]:
    """One line per agency and fiscal year that declared a budget or planned a package, by year then agency."""
    budgets = {(d.agency_id, d.fiscal_year): d for d in scope.budgets
               if year in (None, d.fiscal_year) and buyer in (None, d.agency_id)}
    packages: dict[tuple[str, int], list[AllocationPlanned]] = defaultdict(list)
    for p in scope.allocations(year=year, agency=buyer):
        packages[(p.agency_id, p.fiscal_year)].append(p)
    keys = sorted(set(budgets) | set(packages), key=lambda k: (k[1], k[0]))
    if not keys:
        return []
    realised = _realised(scope, keys, buyer)
    lines = []
    for agency, fiscal_year in keys:
        declared, planned = budgets.get((agency, fiscal_year)), packages.get((agency, fiscal_year), [])
        amount, program, umk_declared = realised.get((agency, fiscal_year), (0, None, 0))
        lines.append(_line(scope, agency, fiscal_year, declared, planned, amount, program, umk_declared))
    return lines


def _line(scope: Scope, agency: str, fiscal_year: int, declared, planned: list[AllocationPlanned],
          realised: int, program: str | None, umk_declared: int) -> AllocationLine:
    live = [p for p in planned if not p.withdrawn]
    counted = [p for p in live if not p.excluded]
    named = [p.agency_name for p in planned if p.agency_name]
    return AllocationLine(
        buyer_id=agency,
        name=(declared.name if declared else None) or (named[0] if named else None) or scope.names.get(agency),
        region=(declared.region if declared else None) or next((p.region for p in planned if p.region), None)
        or scope.regions.get(agency),
        fiscal_year=fiscal_year, budget=declared.budget if declared else None, packages=len(live),
        planned_ukm=sum(p.pagu for p in counted if p.ukm), planned_non_ukm=sum(p.pagu for p in counted if not p.ukm),
        excluded=sum(p.pagu for p in live if p.excluded), realised=realised, counted_by=program,
        non_ukm_packages=_packages([p for p in counted if not p.ukm], "reason_non_ukm"),
        excluded_packages=_packages([p for p in live if p.excluded], "reason_excluded"),
        realised_declared=umk_declared)


def _packages(planned: list[AllocationPlanned], reason: str) -> tuple[PackageLine, ...]:
    rows = (PackageLine(p.package_id, p.name, p.pagu, p.method, getattr(p, reason)) for p in planned)
    return tuple(sorted(rows, key=lambda x: (-x.pagu, x.package_id)))


def _realised(scope: Scope, keys: list[tuple[str, int]],
              buyer: str | None) -> dict[tuple[str, int], tuple[int, str | None, int]]:
    """{(agency, year): (eligible spend, the program that counted it or None, the UMK value the
    sources declare outside the channels that program leaves out)}."""
    shares = [p for p in scope.programs if p.kind == "share_of_budget"]
    reach = {p.program_id: covered(p, scope.buyers) for p in shares}
    rules = {(agency, year): next((p for p in shares if agency in reach[p.program_id] and in_years(p, str(year))),
                                  None) for agency, year in keys}
    buckets = _by_key(position_buckets(scope.session, buyer) if scope.as_of is None
                      else entry_buckets(scope.session, scope.as_of, buyer))
    declared = _by_key(declared_buckets(scope.session, scope.as_of, buyer))
    left_out = {p.program_id: _by_key(adjustment_buckets(scope.session, p, scope.as_of))
                for p in {p.program_id: p for p in rules.values() if p is not None}.values()}
    out = {}
    for key, p in rules.items():
        eligible = p.eligible if p else DEFAULT_ELIGIBLE
        channels = {x.channel.value for x in p.exclusions if x.channel} if p else DEFAULT_EXCLUDED_CHANNELS
        found = buckets.get(key, []) + (left_out[p.program_id].get(key, []) if p else [])
        amount = sum(b.amount for b in found if b.channel not in channels and counts(b.cls, eligible))
        umk = sum(b.declared for b in declared.get(key, []) if b.channel not in channels)
        out[key] = (amount, p.program_id if p else None, umk)
    return out


def _by_key(buckets: list[Bucket]) -> dict[tuple[str, int], list[Bucket]]:
    out: dict[tuple[str, int], list[Bucket]] = defaultdict(list)
    for b in buckets:
        out[(b.buyer_id, int(b.month[:4]))].append(b)
    return out
