"""Evaluate every program in force against the books; persist standings and one alert per change.

Runs in one transaction under an exclusive lock (PostgreSQL advisory lock; SQLite serialises
writers), so two workers evaluating at once cannot both announce the same change. A replay,
restart or rebalance changes no position, hence no status, hence raises no alert.
"""

from datetime import datetime

import orjson
from sqlalchemy import func, or_, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ledger.rules.compliance import Status, evaluate, period_bounds, should_alert
from ledger.rules.eligibility import SupplierClass, class_on
from ledger.models import Alert, BuyerRow, Entry, Evaluation, Position, Standing
from ledger.rules.programs import ALL, Bucket, BuyerInfo, Figures, excluded_part, figures, net_excluded, program_base
from ledger.books.graduation import grace_buckets
from ledger.books.measures import declared_buckets
from ledger.books.registry import load_histories
from ledger.books.registry_alerts import raise_registry_alerts
from ledger.books.targets import in_force
from ledger.books.versions import counting, reversed_of
from ledger.bulk import chunks
from schemas.codes import region_timezone
from schemas.targets import ProgramDefined

EVALUATION_LOCK = 0x6B756F7462


def evaluate_all(session: Session, now: datetime, expiring_days: int = 30) -> list[dict]:
    """Evaluate and persist; return the alerts raised (as their rows), the registry's
    (`ledger.books.registry_alerts`) after the programs'."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": EVALUATION_LOCK})
    programs, declared = in_force(session)
    if not programs:
        return raise_registry_alerts(session, [], {}, now, expiring_days)
    buyers = {b.id: BuyerInfo(b.kind, b.region) for b in session.scalars(select(BuyerRow))}
    for d in declared:  # an agency that declared a budget and has bought nothing yet is still judged
        if d.region is not None:
            buyers.setdefault(d.agency_id, BuyerInfo("agency", d.region))
    budgets = {(d.agency_id, d.fiscal_year): d.budget for d in declared}
    buckets = position_buckets(session) + declared_buckets(session)
    held = {(s.program_id, s.buyer_id, s.period): s for s in session.scalars(select(Standing))}
    changes = {(p, b, period): n for p, b, period, n in session.execute(
        select(Alert.program_id, Alert.buyer_id, Alert.period, func.count())
        .group_by(Alert.program_id, Alert.buyer_id, Alert.period))}
    standings, alerts, lines = [], [], 0
    for program in programs:
        extra = adjustment_buckets(session, program)
        judged = figures(program, _bearing(program, buckets, budgets) + extra, buyers, budgets, now)
        lines += len(judged)
        for (buyer, label), fig in sorted(judged.items()):
            previous = held.get((program.program_id, buyer, label))
            before = Status(previous.status) if previous is not None and previous.status else None
            standing = evaluate(program, label, actual=fig.actual, total=fig.total, budget=fig.budget,
                                previous=before, now=now)
            alerted = should_alert(before, standing.status)
            if alerted:
                n = changes.get((program.program_id, buyer, label), 0) + 1
                changes[(program.program_id, buyer, label)] = n
                _, end = period_bounds(label, region_timezone(program.region))
                alerts.append(_alert(program, buyer, label, n, before, standing, fig, late=now >= end, now=now))
            if alerted or previous is None or _moved(previous, standing, fig, program):
                standings.append(_standing(program, buyer, label, standing, fig, now,
                                           changed=now if alerted else (previous.changed_at if previous else None)))
    _upsert_standings(session, standings)
    if alerts:
        session.execute(Alert.__table__.insert(), alerts)
    session.add(Evaluation(evaluated_at=now, lines=lines, alerts=len(alerts)))
    return alerts + raise_registry_alerts(session, programs, buyers, now, expiring_days)


def position_buckets(session: Session, buyer: str | None = None) -> list[Bucket]:
    """Every non-zero position (of one buyer, when given) as a bucket."""
    q = (select(Position.buyer_id, Position.period, Position.channel, Position.scale, Position.cooperative,
                Position.local, Position.amount).where(Position.amount != 0))
    if buyer is not None:
        q = q.where(Position.buyer_id == buyer)
    # Plain rows through the connection, and one SupplierClass per distinct class: the evaluation
    # reads every position each time, and ORM row handling was half of what that cost.
    rows = session.connection().execute(q).all()
    classes: dict[tuple, SupplierClass] = {}
    return [Bucket(b, m, ch, classes.get((scale, coop, local)) or classes.setdefault(
                (scale, coop, local), SupplierClass(scale, bool(coop), bool(local))), int(amount))
            for b, m, ch, scale, coop, local, amount in rows]


def adjustment_buckets(session: Session, program: ProgramDefined, as_of: datetime | None = None) -> list[Bucket]:
    """What a program reads beside the positions: its exclusions taken out of the base, and its
    graduated partners counted within their grace (`ledger.books.graduation`)."""
    return exclusion_buckets(session, program, as_of) + grace_buckets(session, program, as_of)


def exclusion_buckets(session: Session, program: ProgramDefined, as_of: datetime | None = None) -> list[Bucket]:
    """Negative buckets for purchases (and what remains of them after reversals) that the
    program leaves out by event id, or for their lines in an excluded category; with `as_of`,
    as the ledger knew them then."""
    ids = {x.event_id for x in program.exclusions if x.event_id}
    categories = {x.category for x in program.exclusions if x.category}
    if not ids and not categories:
        return []
    cols = (Entry.event_id, Entry.buyer_id, Entry.region, Entry.supplier_id, Entry.channel, Entry.period,
            Entry.booked_on, Entry.amount, Entry.lines, Entry.source_system, Entry.source_key)
    where = [Entry.event_id.in_(sorted(ids))] if ids else []
    where += [Entry.lines.contains(orjson.dumps({"category": c}).decode()[1:-1], autoescape=True) for c in sorted(categories)]
    known = [Entry.recorded_at <= as_of] if as_of is not None else []
    # Only what counts is in the base to begin with: a pending, void or superseded purchase leaves nothing out.
    purchases = session.execute(select(*cols).where(Entry.kind == "purchase", or_(*where), counting(as_of),
                                                    *known)).all()
    if not purchases:
        return []
    reversed_by = reversed_of(session, purchases, as_of)
    histories = load_histories(session, {p.supplier_id for p in purchases}, as_of)
    out = []
    for p in purchases:
        gross = p.amount if p.event_id in ids else excluded_part(p.amount, orjson.loads(p.lines or "[]"), categories)
        part = net_excluded(gross, p.amount, p.amount + reversed_by.get(p.event_id, 0))
        if part:
            cls = class_on(histories.get(p.supplier_id, []), p.booked_on, p.region)
            out.append(Bucket(p.buyer_id, p.period, p.channel, cls, -part))
    return out


def _bearing(program: ProgramDefined, buckets: list[Bucket], budgets: dict[tuple[str, int], int]) -> list[Bucket]:
    # A share of budget judges only agencies that declared one (`figures` drops the other lines),
    # so the positions of every other buyer need not be walked through for it.
    if program.kind != "share_of_budget":
        return buckets
    declared = {agency for agency, _ in budgets}
    return [b for b in buckets if b.buyer_id in declared]


def _moved(previous: Standing, standing, fig: Figures, program: ProgramDefined) -> bool:
    return (previous.actual, previous.required, previous.total, previous.base, previous.verified, previous.declared,
            previous.registered) != (standing.actual, standing.required, fig.total, program_base(program, fig),
                                     fig.verified, fig.declared, fig.registered)


def _standing(program, buyer, label, standing, fig, now, changed) -> dict:
    return dict(program_id=program.program_id, buyer_id=buyer, period=label,
                status=standing.status.value if standing.status else None, actual=standing.actual,
                required=standing.required, shortfall=standing.shortfall, total=fig.total, base=program_base(program, fig),
                share_bp=standing.share_bp, grade=standing.grade, evaluated_at=now, changed_at=changed,
                verified=fig.verified, declared=fig.declared, registered=fig.registered)


def _alert(program, buyer, label, n, before, standing, fig: Figures, *, late: bool, now: datetime) -> dict:
    return dict(alert_id=f"{program.program_id}:{buyer}:{label}:{n}", program_id=program.program_id,
                buyer_id=buyer, period=label, status=standing.status.value,
                previous=before.value if before else None, actual=standing.actual, required=standing.required,
                shortfall=standing.shortfall, share_bp=standing.share_bp, grade=standing.grade, late=late,
                as_of=now, detected_at=now, published_at=None, measure=program.measure, declared=fig.declared,
                verified=fig.verified)


def _upsert_standings(session: Session, rows: list[dict]) -> None:
    if not rows:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(Standing.__table__)
    keys = ("program_id", "buyer_id", "period")
    stmt = stmt.on_conflict_do_update(index_elements=list(keys),
                                      set_={c: stmt.excluded[c] for c in rows[0] if c not in keys})
    for chunk in chunks(rows, 500):
        session.execute(stmt, chunk)


__all__ = ["ALL", "evaluate_all"]
