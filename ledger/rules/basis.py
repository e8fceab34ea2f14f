"""On what an entry's supplier class rests, so an officer sees how much of the spend the registry
can vouch for and how much rests on what the source itself says.

- `registry`: the supplier had a class in kuota's registry on the purchase date, from a Dinas's
  register or a spreadsheet;
- `lkpp_profile`: that class came from LKPP's own supplier profile (the e-Katalog supplier detail
  states the size);
- `declaration`: the registry had no class that day, but the source record declares a UMK value
  (SPSE `nilai_umk_kontrak`): a declaration, shown as one, never turned into a class;
- `unknown`: neither.
"""

from ledger.rules.eligibility import LAPSED, UNREGISTERED

REGISTRY, LKPP_PROFILE, DECLARATION, UNKNOWN = "registry", "lkpp_profile", "declaration", "unknown"
BASES = (REGISTRY, LKPP_PROFILE, DECLARATION, UNKNOWN)

#: Registrations made from LKPP's supplier profile carry event ids of this system (`streams.importers.supplier_detail`).
PROFILE_SYSTEM = "ekatalog-penyedia:"


def class_basis(scale: str, from_lkpp_profile: bool, declared_umk: int | None) -> str:
    """The basis of an entry's class: `scale` is the supplier's on the purchase date."""
    if scale not in (UNREGISTERED, LAPSED):
        return LKPP_PROFILE if from_lkpp_profile else REGISTRY
    return DECLARATION if declared_umk is not None else UNKNOWN
