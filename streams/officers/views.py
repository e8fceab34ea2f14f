"""What compliance officers read, as plain values: one function per question, shared by the API's
JSON, its downloads and the dashboard, so every figure shown comes from the same place."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from ledger.reports import views as readside
from ledger.reports import standings as reports
from ledger.models import Buyer, Evaluation
from ledger.rules.programs import ALL, BuyerInfo, covered
from ledger.books.targets import in_force
from streams.worker.webhooks import message

STATUSES = ("breach", "at_risk", "recovered", "met")


@dataclass(frozen=True, slots=True)
class Page:
    total: int
    items: list


def page(rows: list, limit: int, offset: int) -> Page:
    return Page(len(rows), rows[offset:offset + limit])


def health(session: Session) -> dict:
    session.execute(text("select 1"))
    last = session.scalar(select(func.max(Evaluation.evaluated_at)))
    return {"ledger": "ok", "last_evaluation": last}


def programs(session: Session, as_of=None) -> list[dict]:
    progs, budgets = in_force(session, as_of)
    rows = []
    for p in progs:
        row = p.model_dump(mode="json", exclude={"type", "schema_version"})
        row["budgets"] = sorted(({"agency_id": b.agency_id, "fiscal_year": b.fiscal_year, "budget": b.budget}
                                 for b in budgets if p.kind == "share_of_budget"),
                                key=lambda b: (b["fiscal_year"], b["agency_id"]))
        rows.append(row)
    return rows


def compliance(session: Session, *, program=None, period=None, region=None, buyer=None, status=None,
               as_of=None) -> list[dict]:
    """Standings, breaches first then the largest shortfall (ledger.readside.overview): live, or
    recomputed from what the ledger had recorded by `as_of`. `region` is the program's region."""
    regions = dict(session.execute(select(Buyer.id, Buyer.region)).all())
    program_region = {p.program_id: p.region for p in in_force(session, as_of)[0]}
    return [{"program_id": x.program_id, "program": x.program, "kind": x.kind, "buyer_id": x.buyer_id,
             "name": x.name, "region": program_region.get(x.program_id) if x.buyer_id == ALL
             else regions.get(x.buyer_id), "period": x.period, "actual": x.actual, "required": x.required,
             "shortfall": x.shortfall, "total": x.total, "base": x.base, "share_bp": x.share_bp,
             "status": x.status, "grade": x.grade, "changed_at": x.changed_at}
            for x in readside.overview(session, program=program, period=period, region=region, buyer=buyer,
                                       status=status, as_of=as_of)]


def totals(rows: list[dict]) -> dict:
    return {k: sum(r[k] for r in rows) for k in ("actual", "required", "shortfall", "total")}


def alerts(session: Session, *, program=None, buyer=None, status=None) -> list[dict]:
    """Alerts newest first, as sent on the alerts topic, each with the history of its line."""
    rows = [message(a).model_dump(mode="python") | {"published": a.published_at is not None}
            for a in reports.alerts(session, program, buyer, status)]
    history = defaultdict(list)
    for a in reports.alerts(session, program, buyer):
        history[(a.program_id, a.buyer_id, a.period)].append({"status": a.status, "detected_at": a.detected_at})
    for r in rows:
        r["history"] = history[(r["program"], r["buyer_id"], r["period"])][::-1]
    return rows


def trend(session: Session, *, buyer=None, program=None, as_of=None) -> list[dict]:
    """Month by month per buyer (`*` for a combined program): total, what counted, share."""
    return [{"buyer_id": t.buyer_id, "period": t.month, "total": t.total, "eligible": t.eligible,
             "share_bp": t.share_bp} for t in readside.trend(session, buyer=buyer, program=program, as_of=as_of)]


def program_trend(session: Session, buyer_id: str, as_of=None) -> list[dict]:
    """Per program covering the buyer, month by month against the program's line: share programs
    the month's share; share of budget what was realised so far in the year over the budget."""
    progs, declared = in_force(session, as_of)
    b = session.get(Buyer, buyer_id)
    out = []
    for p in progs:
        if b is None or buyer_id not in covered(p, {buyer_id: BuyerInfo(b.kind, b.region)}):
            continue
        budgets = {d.fiscal_year: d.budget for d in declared if d.agency_id == buyer_id}
        points, run, year = [], 0, None
        for t in readside.trend(session, buyer=buyer_id, program=p.program_id, as_of=as_of):
            if t.buyer_id != buyer_id:
                continue  # a combined program's region-wide line
            run = (run if year == t.month[:4] else 0) + t.eligible
            year = t.month[:4]
            share = t.share_bp if p.kind == "share" else _bp(run, budgets.get(int(year), 0))
            points.append({"period": t.month, "actual": t.eligible, "total": t.total, "cumulative": run,
                           "share_bp": share if p.kind != "amount" else None})
        out.append({"program_id": p.program_id, "program": p.name, "kind": p.kind,
                    "threshold_bp": p.threshold.share_bp, "threshold_amount": p.threshold.amount,
                    "points": points})
    return out


def buyer_detail(session: Session, buyer_id: str, *, period=None, as_of=None, limit=100, offset=0) -> dict | None:
    """The buyer, its standings, and its entries (oldest first, paginated), each with whether it
    counted for each program covering the buyer and why (ledger.readside.buyer_detail)."""
    d = readside.buyer_detail(session, buyer_id, period=period, as_of=as_of, limit=limit, offset=offset)
    if d is None:
        return None
    entries = [{"event_id": e.event_id, "kind": e.kind, "supplier_id": e.supplier_id,
                "supplier_name": e.supplier_name, "amount": e.amount, "channel": e.channel,
                "booked_on": e.booked_on, "occurred_at": e.occurred_at, "recorded_at": e.recorded_at,
                "late": e.late, "reverses": e.reverses, "supplier_class": e.supplier_class,
                "cooperative": e.cooperative, "local": e.local,
                "programs": {p: {"counts": ok, "reason": code} for p, (ok, code) in e.counts.items()}}
               for e in d.entries]
    return {"buyer": {"buyer_id": d.buyer_id, "name": d.name, "kind": d.kind, "region": d.region},
            "standings": compliance(session, buyer=buyer_id, as_of=as_of),
            "entries": {"total": d.total_entries, "limit": limit, "offset": offset, "items": entries}}


def suppliers(session: Session, *, program=None, region=None, scale=None, as_of=None) -> list[dict]:
    """What each supplier received (net), and what counted per program; largest first."""
    return [{"supplier_id": x.supplier_id, "name": x.name, "region": x.region, "scale": x.scale,
             "cooperative": x.cooperative, "received": x.received, "entries": x.entries, "eligible": x.eligible}
            for x in readside.supplier_view(session, program=program, as_of=as_of)
            if region in (None, x.region) and scale in (None, x.scale)]


def _bp(part: int, whole: int) -> int | None:
    """Basis points rounded down, as every compliance share (a shortfall never reads as the line)."""
    return None if whole <= 0 else part * 10_000 // whole


def parts(session: Session, program_id: str, period: str) -> list[dict]:
    """Each covered buyer's part of a program in one period (ledger.reports.breakdown)."""
    rows = reports.breakdown(session, program_id, period, datetime.now(timezone.utc))
    return [{"buyer_id": b, "name": n, "eligible": e, "total": t} for b, n, e, t in rows]
