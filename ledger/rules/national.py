"""The national 40% rule as a built-in program, so a region whose budgets are in the ledger is
judged without a program file of its own.

Perpres 12/2021 Pasal 65 (PP 7/2021 Pasal 53; Inpres 2/2022) binds every ministry, agency and
regional government: at least 40% of the procurement budget (belanja barang/jasa) goes to the
products of micro and small business and cooperatives. For each region with a declared budget,
kuota adds `nasional-40-<region>`: every agency of that region, per fiscal year, against 40% of
its declared procurement budget, judged on the measure LKPP itself reports, the UMK value the
contracts declare (`measure = "declared"`); the verified measure is shown beside it.

A program file overrides it: a program with the same id replaces it (`active = false` switches
it off), and so does any program of the region's own of kind `share_of_budget` for its agencies
(a region that wrote its own 40% rule is judged by that rule alone).
"""

from datetime import date, datetime, time

from schemas.codes import region_timezone
from schemas.targets import BudgetDeclared, ProgramDefined

BASIS = "Perpres 12/2021 Pasal 65; PP 7/2021 Pasal 53; Inpres 2/2022"
NAME = "Aturan nasional 40% belanja untuk usaha mikro, kecil dan koperasi"


def national_id(region: str) -> str:
    return f"nasional-40-{region}"


def national_programs(budgets: list[BudgetDeclared], defined: list[ProgramDefined]) -> list[ProgramDefined]:
    """The built-in programs for the regions of `budgets` that no program in `defined` replaces."""
    years: dict[str, list[int]] = {}
    for b in budgets:
        if b.region is not None:
            years.setdefault(b.region, []).append(b.fiscal_year)
    ids = {p.program_id for p in defined}
    own = {p.applies_to.region for p in defined if p.kind == "share_of_budget" and p.applies_to.region is not None}
    return [national_program(region, min(found), max(found)) for region, found in sorted(years.items())
            if national_id(region) not in ids and region not in own]


def national_program(region: str, first: int, last: int) -> ProgramDefined:
    """The 40% rule for the agencies of `region`, fiscal years `first` to `last`."""
    start = datetime.combine(date(first, 1, 1), time(0), tzinfo=region_timezone(region))
    return ProgramDefined.model_validate({
        "type": "program.defined", "schema_version": 1, "event_id": f"builtin:{national_id(region)}:{first}-{last}",
        "occurred_at": start.isoformat(), "program_id": national_id(region), "name": NAME, "basis": BASIS,
        "region": region, "kind": "share_of_budget", "scope": "per_buyer", "threshold": {"share_bp": 4000},
        "period": "year", "years": {"first": first, "last": last},
        "applies_to": {"kind": "agency", "region": region},
        "eligible": {"scales": ["mikro", "kecil"], "cooperatives": True},
        "exclusions": [{"channel": "other", "reason": "Hibah, bantuan sosial dan iuran bukan belanja pengadaan barang/jasa"}],
        # Realised spend falls late in the year; no alarm before LKPP's first snapshot (31 March).
        "status": {"grace_days": 91},
        "measure": "declared",
    })
