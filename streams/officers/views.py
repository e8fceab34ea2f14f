"""What the API's JSON and the dashboard show, as plain values: one function per question over
the read side (`ledger.reports`), each given the request's scope, so every figure shown comes
from the same place and what is in force is read once per request."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from ledger.reports import allocation as allocation_report, buyers, spend, standings, suppliers as supplier_report
from ledger.reports import registry
from ledger.reports.duplicates import duplicates
from ledger.reports.scope import Scope, ping
from ledger.reports.suppliers import SupplierLine
from streams.officers import reports
from streams.officers.reports import alert_row, allocation_row, compliance_row


@dataclass(frozen=True, slots=True)
class Page:
    total: int
    items: list


def page(rows: list, limit: int, offset: int) -> Page:
    return Page(len(rows), rows[offset:offset + limit])


def health(session: Session) -> dict:
    ping(session)
    return {"ledger": "ok", "last_evaluation": standings.last_evaluation(session)}


def programs(scope: Scope) -> list[dict]:
    rows = []
    for p in scope.programs:
        row = p.model_dump(mode="json", exclude={"type", "schema_version"})
        row["built_in"] = p.event_id.startswith("builtin:")  # the national rule (`ledger.rules.national`)
        row["budgets"] = sorted(({"agency_id": b.agency_id, "fiscal_year": b.fiscal_year, "budget": b.budget}
                                 for b in scope.budgets if p.kind == "share_of_budget"),
                                key=lambda b: (b["fiscal_year"], b["agency_id"]))
        rows.append(row)
    return rows


def compliance(scope: Scope, **filters) -> list[dict]:
    """Standings, breaches first then the largest shortfall (`ledger.reports.standings.overview`)."""
    return [compliance_row(x) for x in standings.overview(scope, **filters)]


def totals(rows: list[dict]) -> dict:
    return {k: sum(r[k] for r in rows) for k in ("actual", "required", "shortfall", "total")}


def alerts(session: Session, *, program=None, buyer=None, status=None, until: datetime | None = None) -> list[dict]:
    """Alerts newest first, as sent on the alerts topic, each with the history of its line; with
    `until`, only those detected by then."""
    every = [x for x in standings.alerts(session, program=program, buyer=buyer)
             if until is None or x.alert.detected_at <= until]
    history = defaultdict(list)
    for line in every:
        a = line.alert
        history[(a.program, a.buyer_id, a.period)].append({"status": a.status, "detected_at": a.detected_at})
    rows = [alert_row(line) for line in every if status in (None, line.alert.status)]
    for r in rows:
        r["history"] = history[(r["program"], r["buyer_id"], r["period"])][::-1]
    return rows


def trend(scope: Scope, *, buyer=None, program=None) -> list[dict]:
    """Month by month per buyer (`*` for a combined program): total, what counted, share."""
    return [{"buyer_id": t.buyer_id, "period": t.month, "total": t.total, "eligible": t.eligible,
             "share_bp": t.share_bp} for t in spend.trend(scope, buyer=buyer, program=program)]


def program_trend(scope: Scope, buyer_id: str) -> list[dict]:
    """Per program covering the buyer, its months against the program's line."""
    return [{"program_id": t.program.program_id, "program": t.program.name, "kind": t.program.kind,
             "threshold_bp": t.program.threshold.share_bp, "threshold_amount": t.program.threshold.amount,
             "points": [{"period": p.period, "actual": p.actual, "total": p.total, "cumulative": p.cumulative,
                         "share_bp": p.share_bp} for p in t.points]}
            for t in buyers.program_trends(scope, buyer_id)]


def buyer_detail(scope: Scope, buyer_id: str, *, period=None, limit=100, offset=0) -> dict | None:
    """The buyer, its standings, and its entries (oldest first, paginated), each with whether it
    counted for each program covering the buyer and why."""
    d = buyers.buyer_detail(scope, buyer_id, period=period, limit=limit, offset=offset)
    if d is None:
        return None
    entries = [{"event_id": e.event_id, "kind": e.kind, "supplier_id": e.supplier_id,
                "supplier_name": e.supplier_name, "amount": e.amount, "channel": e.channel,
                "booked_on": e.booked_on, "occurred_at": e.occurred_at, "recorded_at": e.recorded_at,
                "late": e.late, "late_reason": e.late_reason, "reverses": e.reverses,
                "supplier_class": e.supplier_class,
                "cooperative": e.cooperative, "local": e.local, "state": e.state, "not_counted": e.not_counted,
                "programs": {p: {"counts": ok, "reason": code} for p, (ok, code) in e.counts.items()},
                "basis": e.basis, "declared_umk": e.declared_umk}
               for e in d.entries]
    return {"buyer": {"buyer_id": d.buyer_id, "name": d.name, "kind": d.kind, "region": d.region},
            "standings": [compliance_row(x) for x in d.standings],
            "entries": {"total": d.total_entries, "limit": limit, "offset": offset, "items": entries}}


def suppliers(scope: Scope, *, program=None, region=None, scale=None) -> list[SupplierLine]:
    """What each supplier received (net), and what counted per program; largest first."""
    return supplier_report.supplier_view(scope, program=program, region=region, scale=scale)


def parts(scope: Scope, program_id: str, period: str) -> list[dict]:
    """Each covered buyer's part of a program in one period."""
    return [{"buyer_id": p.buyer_id, "name": p.name, "eligible": p.eligible, "total": p.total}
            for p in standings.parts(scope, program_id, period)]


def allocation(scope: Scope, *, year: int | None = None, buyer: str | None = None) -> list[dict]:
    """Per agency and fiscal year: budget, planned UKM pagu, realised spend, shares and packages."""
    return [allocation_row(x) for x in allocation_report.allocation(scope, year=year, buyer=buyer)]


REGISTRY_SECTIONS = ("profile", "duplicates", "expiring", "flags")


def registry_sections(session: Session, *, today: date, region=None, within: int, score: int,
                      caps: dict[str, int], year: int | None = None, keep=None) -> dict:
    """The registry page: the profile, suspected duplicates, registrations ending within `within`
    days of `today`, and the flags of `year` (today's by default; with `keep`, those it keeps)."""
    return {"profile": registry.profile(session, region=region),
            "duplicates": duplicates(session, region=region, score=score),
            "expiring": registry.expiring(session, within=within, today=today, region=region),
            "flags": _flags(session, year or today.year, caps, keep)}


def _flags(session: Session, year: int, caps: dict[str, int], keep) -> list:
    return [f for f in registry.flags(session, year=year, caps=caps) if keep is None or keep(f)]


def registry_report(session: Session, section: str, *, lang: str, today: date, region=None, within: int,
                    score: int, caps: dict[str, int], year: int | None = None, keep=None) -> reports.Report:
    """One section of the registry page as a report, for its downloads (flags: those `keep` keeps)."""
    year = year or today.year
    filters = {"profile": {}, "duplicates": {"score": score}, "expiring": {"within": within, "today": today},
               "flags": {"year": year, "caps": caps}}[section]
    about = reports.about(lang, None, None, region=region, **filters)
    if section == "profile":
        return reports.profile(registry.profile(session, region=region), lang=lang, about=about)
    if section == "duplicates":
        return reports.duplicates(duplicates(session, region=region, score=score), lang=lang, about=about)
    if section == "expiring":
        found = registry.expiring(session, within=within, today=today, region=region)
        return reports.expiring(found, lang=lang, about=about)
    return reports.flags(_flags(session, year, caps, keep), lang=lang, about=about)
