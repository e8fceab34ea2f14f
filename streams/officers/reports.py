"""Officers' reports built from the read side's rows: the same rows and columns for the
terminal, JSON, CSV, XLSX and the API's downloads, so every figure shown comes from one place."""

from dataclasses import asdict
from datetime import datetime

from ledger.reports.allocation import AllocationLine
from ledger.reports.buyers import BuyerDetail
from ledger.reports.declared import DeclaredLine
from ledger.reports.registry import Expiring, Flag, Profile
from ledger.reports.duplicates import Suspect
from ledger.reports.spend import SpendLine, TrendPoint
from ledger.reports.standings import AlertLine, ComplianceLine
from ledger.reports.suppliers import SupplierLine
from streams.officers.tables import Report, columns
from streams.officers.words import CLASSES, REASONS, WORDS, YES_NO, heading, title

COMPLIANCE = columns("program_id", "buyer_id", "name", "region", "period", "measure|measure", "actual|rupiah",
                     "required|rupiah", "shortfall|rupiah", "total|rupiah", "base|rupiah", "share_bp|bp",
                     "status|status", "grade", "declared|rupiah", "verified|rupiah", "coverage_bp|bp")
ALERTS = columns("alert_id", "detected_at", "program|id", "buyer_id", "period", "status|status",
                 "previous_status|status", "actual|rupiah", "required|rupiah", "shortfall|rupiah", "share_bp|bp",
                 "grade", "late", "published")
SUMMED = ("actual", "required", "shortfall", "total")


def about(lang: str, as_of: datetime | None, last_evaluation: datetime | None = None, **filters) -> dict[str, str]:
    """What a report covers, for the first sheet of a workbook: every filter (or `all`), the
    moment its figures stand for, and where they come from."""
    every = title("all", lang)
    out = {_filter_label(k, lang): str(v) if v is not None else every for k, v in filters.items()}
    moment = as_of or last_evaluation
    out[title("as_of", lang)] = moment.isoformat() if moment else "-"
    out[title("source", lang)] = "kuota ledger"
    return out


def _filter_label(key: str, lang: str) -> str:
    return heading({"buyer": "name", "program": "program_id", "granularity": "period",
                    "supplier": "supplier_id"}.get(key, key), lang)


def compliance_row(x: ComplianceLine) -> dict:
    return asdict(x)


def overview(lines: list[ComplianceLine], *, lang: str = "id", about: dict | None = None) -> Report:
    return Report(title("overview", lang), COMPLIANCE, [compliance_row(x) for x in lines], about or {}, SUMMED)


def alert_row(line: AlertLine) -> dict:
    return line.alert.model_dump(mode="python") | {"published": line.published}


def alerts(rows: list[dict], *, lang: str = "id", about: dict | None = None) -> Report:
    """Alert rows (`alert_row`, with or without their history) as a report."""
    return Report(title("alerts", lang), ALERTS, rows, about or {}, SUMMED)


def buyer(detail: BuyerDetail, *, lang: str = "id", about: dict | None = None) -> Report:
    cols = columns("booked_on", "event_id", "kind|entry", "supplier_id", "supplier_name", "supplier_class|class",
                   "cooperative", "channel|channel", "amount|rupiah", "state|state", "not_counted|reason", "late",
                   "late_reason|late_reason", "basis|basis", "declared_umk|rupiah") + columns(
                       *(f"counts:{p}" for p in detail.programs))
    yes, no = YES_NO.get(lang, YES_NO["id"])
    reasons = REASONS.get(lang, REASONS["id"])
    rows = []
    for e in detail.entries:
        row = {"booked_on": e.booked_on.isoformat(), "event_id": e.event_id, "kind": e.kind,
               "supplier_id": e.supplier_id, "supplier_name": e.supplier_name,
               "supplier_class": e.supplier_class, "cooperative": e.cooperative, "channel": e.channel,
               "amount": e.amount, "late": e.late, "late_reason": e.late_reason, "reverses": e.reverses,
               "recorded_at": e.recorded_at.isoformat(), "local": e.local, "state": e.state,
               "not_counted": e.not_counted, "basis": e.basis, "declared_umk": e.declared_umk}
        for p, (ok, code) in e.counts.items():
            row[f"counts:{p}"] = f"{yes if ok else no}: {reasons.get(code, code)}"
            row[f"reason:{p}"] = code
        rows.append(row)
    # Files keep the `late` flag beside its reason; the terminal says the reason alone, in words.
    return Report(f"{detail.name or detail.buyer_id} ({detail.buyer_id})", cols, rows, about or {},
                  brief=tuple(c.key for c in cols if c.key != "late"))


def suppliers(lines: list[SupplierLine], programs: list[str], *, lang: str = "id", about: dict | None = None) -> Report:
    cols = columns("supplier_id", "name=supplier_name", "region", "scale|class", "cooperative", "entries|int", "received|rupiah")
    cols += columns(*(f"eligible:{p}|rupiah" for p in programs))
    rows = [{"supplier_id": x.supplier_id, "name": x.name, "region": x.region, "scale": x.scale,
             "cooperative": x.cooperative, "entries": x.entries, "received": x.received,
             **{f"eligible:{p}": x.eligible.get(p, 0) for p in programs}} for x in lines]
    return Report(title("suppliers", lang), cols, rows, about or {})


def trend(points: list[TrendPoint], *, lang: str = "id", about: dict | None = None) -> Report:
    rows = [{"buyer_id": t.buyer_id, "month": t.month, "total": t.total, "eligible": t.eligible,
             "share_bp": t.share_bp} for t in points]
    cols = columns("buyer_id", "month", "total|rupiah", "eligible|rupiah", "share_bp|bp")
    return Report(title("trend", lang), cols, rows, about or {})


def spend(lines: list[SpendLine], *, lang: str = "id", about: dict | None = None) -> Report:
    rows = [{"buyer_id": x.buyer_id, "name": x.name, "kind": x.kind, "region": x.region, "period": x.period,
             "total": x.total, "eligible": x.eligible, "share_bp": x.share_bp, "pending": x.pending,
             "declared": x.declared, "registered": x.registered, "coverage_bp": x.coverage_bp,
             "rests_on": x.rests_on} for x in lines]
    # `eligible` is the verified measure; `declared` the LKPP one beside it; coverage says how much rests on the registry.
    cols = columns("buyer_id", "name", "kind|kind", "region", "period", "total|rupiah", "eligible=verified|rupiah",
                   "share_bp|bp", "pending|rupiah", "declared|rupiah", "coverage_bp|bp")
    return Report(title("spend", lang), cols, rows, about or {})


ALLOCATION = columns("buyer_id", "name", "fiscal_year", "budget_line|budget_line", "budget|rupiah", "packages|int",
                     "planned_ukm|rupiah", "planned_share_bp|bp", "realised|rupiah", "realised_share_bp|bp",
                     "planned_non_ukm|rupiah", "excluded|rupiah", "counted_by", "non_ukm_reasons",
                     "realised_declared|rupiah", "realised_declared_share_bp|bp")


def allocation_row(x: AllocationLine) -> dict:
    """One agency and year; JSON also carries its non-UKM and excluded packages, each with its reason."""
    reasons: dict[str, int] = {}
    for p in x.non_ukm_packages:
        reasons[p.reason or "-"] = reasons.get(p.reason or "-", 0) + 1
    return asdict(x) | {"budget_line": x.budget is not None, "planned_share_bp": x.planned_share_bp,
                        "realised_share_bp": x.realised_share_bp,
                        "realised_declared_share_bp": x.realised_declared_share_bp,
                        "non_ukm_reasons": "; ".join(f"{r} ({n})" for r, n in reasons.items())}


def allocation(rows: list[dict], *, lang: str = "id", about: dict | None = None) -> Report:
    """Allocation rows (`allocation_row`) as a report."""
    return Report(title("allocation", lang), ALLOCATION, rows, about or {},
                  ("budget", "planned_ukm", "realised", "planned_non_ukm", "excluded"), when_empty="no_allocation",
                  brief=("buyer_id", "name", "fiscal_year", "budget_line", "budget", "planned_ukm", "planned_share_bp",
                         "realised", "realised_share_bp", "realised_declared", "non_ukm_reasons"))


DECLARED = columns("buyer_id", "name", "year", "contracts|int", "declared_umk|rupiah", "supported|rupiah",
                   "supported_bp|bp", "not_supported|rupiah", "not_supported_by_class")


def declared_row(x: DeclaredLine, lang: str = "id") -> dict:
    """One buyer and year; JSON also lists each contract the registry does not support (class codes)."""
    by_class: dict[str, int] = {}
    for c in x.unsupported:
        by_class[c.supplier_class] = by_class.get(c.supplier_class, 0) + 1
    said = CLASSES.get(lang, CLASSES["id"])
    classes = "; ".join(f"{said.get(k, k)} ({n})" for k, n in sorted(by_class.items()))
    return asdict(x) | {"supported_bp": x.supported_bp, "not_supported": x.not_supported,
                        "not_supported_by_class": classes}


def declared(lines: list[DeclaredLine], *, lang: str = "id", about: dict | None = None) -> Report:
    return Report(title("declared", lang), DECLARED, [declared_row(x, lang) for x in lines], about or {},
                  ("declared_umk", "supported", "not_supported"), when_empty="no_declared")


DUPLICATES = columns("suspect|int", "kind|duplicate", "supplier_id", "supplier_name", "region", "district", "evidence",
                     "score|int", "spend|rupiah")


def duplicates(suspects: list[Suspect], *, lang: str = "id", about: dict | None = None) -> Report:
    """A row per supplier id of each suspect (numbered from 1), with the spend booked under it;
    JSON rows also name every id of their suspect."""
    rows = [{"suspect": n, "kind": x.kind, "supplier_id": sid, "supplier_name": x.names[i], "region": x.regions[i],
             "district": x.districts[i], "evidence": x.evidence, "score": x.score, "spend": x.spend[i],
             "supplier_ids": list(x.supplier_ids)}
            for n, x in enumerate(suspects, start=1) for i, sid in enumerate(x.supplier_ids)]
    return Report(title("duplicates", lang), DUPLICATES, rows, about or {}, when_empty="no_duplicates")


EXPIRING = columns("supplier_id", "name=supplier_name", "region", "district", "sector", "scale|class",
                   "cooperative", "valid_to", "days_left|int", "received|rupiah", "buyer_amounts")


def expiring(lines: list[Expiring], *, lang: str = "id", about: dict | None = None) -> Report:
    """A row per registration ending soon; JSON rows also list its buyers with their amounts."""
    rows = [asdict(x) | {"received": x.received,
                         "buyer_amounts": "; ".join(f"{b.buyer_id}: {b.amount}" for b in x.buyers)} for x in lines]
    return Report(title("expiring", lang), EXPIRING, rows, about or {}, ("received",), when_empty="no_expiring")


FLAGS = columns("kind=flag|flag", "supplier_id", "supplier_name", "scale|class", "buyer_id", "booked_on",
                "channel|channel", "amount|rupiah", "limit|rupiah", "entries|int", "events|ids")


def flags(found: list[Flag], *, lang: str = "id", about: dict | None = None) -> Report:
    """A row per flag with its evidence; `events` names the entries involved (a list in JSON)."""
    rows = [asdict(f) | {"entries": len(f.event_ids), "events": " ".join(f.event_ids)} for f in found]
    return Report(title("flags", lang), FLAGS, rows, about or {}, when_empty="no_flags")


PROFILE = columns("dimension|dimension", "category", "suppliers|int")


def profile(p: Profile, *, lang: str = "id", about: dict | None = None) -> Report:
    """The registry counted by class, kecamatan, sector and cooperative type, one row per category."""
    said = WORDS[lang if lang in WORDS else "id"]
    classes = CLASSES.get(lang, CLASSES["id"])
    rows = [{"dimension": dim, "category": classes.get(k, k) if dim == "class" else
             k or said["not_cooperative" if dim == "cooperative" else "not_stated"], "code": k, "suppliers": n}
            for dim, counts in (("class", p.by_class), ("district", p.by_district), ("sector", p.by_sector),
                                ("cooperative", p.by_cooperative)) for k, n in counts]
    return Report(title("registry", lang), PROFILE, rows, about or {}, when_empty="no_registry")
