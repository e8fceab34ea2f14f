"""A planned package against the orders that realise it, decided on plain values: on which basis an
order's supplier is UMK, how much of the order that makes UMK spend, and what an officer should
read of the package (`finding`).

Two bases, never mixed up and never guessed from a name: the registry's class on the purchase date
(micro, small or a cooperative, as the 40% rule counts them) and the source's own declaration (the
UMK value the record declares, `declared_umk`). An order is UMK on either basis or on neither.
"""

from collections.abc import Iterable

from ledger.rules.compliance import counts
from ledger.rules.eligibility import SupplierClass
from schemas.codes import Scale
from schemas.targets import EligibleSuppliers

#: The 40% rule's small business (Perpres 12/2021 Pasal 65): micro, small and cooperatives.
UMK = EligibleSuppliers(scales=(Scale.MIKRO, Scale.KECIL), cooperatives=True)
REGISTRY, DECLARED = "registry", "declared"

# What a package's line says, in the order an officer reads them.
NOT_UMK = "not_umk"  # planned for UKM, realised (in part) through a supplier UMK on neither basis
NOT_REALISED = "not_realised"  # planned for UKM, nothing completed yet
REALISED = "realised"  # planned for UKM, realised through UMK on one basis or the other
OUTSIDE_UKM = "outside_ukm"  # not planned for UKM (non-UKM, excluded or withdrawn), with orders
NO_PLAN = "no_plan"  # orders name a package code the agency's plan in the ledger does not hold
FINDINGS = (NOT_UMK, NOT_REALISED, REALISED, OUTSIDE_UKM, NO_PLAN)


def umk_basis(cls: SupplierClass, declared_umk: int | None) -> str | None:
    """`registry` when the supplier's class on the purchase date is UMK, else `declared` when the
    source declares part of the order UMK, else None: UMK on neither basis."""
    if counts(cls, UMK):
        return REGISTRY
    if declared_umk:
        return DECLARED
    return None


def umk_part(amount: int, basis: str | None, declared_umk: int | None) -> int:
    """The rupiah of an order (what remains of it after reversals) that is UMK spend: all of it on the
    registry's basis, what the source declares (never more than the order) on its own, else 0."""
    if basis == REGISTRY:
        return amount
    if basis == DECLARED:
        return min(declared_umk or 0, amount)
    return 0


def plan_status(ukm: bool, excluded: bool, withdrawn: bool) -> str:
    """`ukm` for a package reserved for small business and in force under the procurement rules;
    else why not: `withdrawn`, `excluded` or `non_ukm`."""
    if withdrawn:
        return "withdrawn"
    if excluded:
        return "excluded"
    return "ukm" if ukm else "non_ukm"


def finding(plan: str | None, completed_bases: Iterable[str | None]) -> str:
    """What to read of a package: `plan` is its `plan_status` (None: no plan holds its code), and
    `completed_bases` the `umk_basis` of each completed order realising it."""
    if plan is None:
        return NO_PLAN
    if plan != "ukm":
        return OUTSIDE_UKM
    bases = list(completed_bases)
    if not bases:
        return NOT_REALISED
    return NOT_UMK if any(basis is None for basis in bases) else REALISED
