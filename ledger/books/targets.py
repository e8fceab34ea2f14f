"""Programs, budgets and planned packages from `kuota.targets.v1`: kept whole, the latest per key in force."""

from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ledger.books import directory
from ledger.books.intake import Intake, Record, new_events
from ledger.models import Target
from ledger.rules.national import national_programs
from ledger.bulk import chunks
from schemas.decode import Invalid, decode
from schemas.allocation import AllocationPlanned
from schemas.directory import BuyerDescribed
from schemas.targets import TARGET_EVENT, BudgetDeclared, ProgramDefined, target_key

# A province plans thousands of packages; the evaluation, run every few seconds, reads only these.
_PROGRAMS_AND_BUDGETS = ("program.defined", "budget.declared")


def prepare(records: list[Record], now: datetime) -> list[tuple[Record, ProgramDefined | BudgetDeclared |
                                                                 AllocationPlanned | BuyerDescribed | Invalid]]:
    return [(rec, decode("targets", rec.value)) for rec in records]


def register(session: Session, decoded: list, intake: Intake, now: datetime) -> None:
    """Keep each new target event; same id and content is a duplicate, other content a conflict.
    A buyer's description names its aliases (`ledger.books.directory`)."""
    events = [ev for _, ev in decoded if not isinstance(ev, Invalid)]
    known = _known_fingerprints(session, {ev.event_id for ev in events})
    rows = []
    for rec, ev, fp in new_events(decoded, known, intake):
        rows.append(dict(event_id=ev.event_id, fingerprint=fp, type=ev.type, key=target_key(ev),
                         body=ev.model_dump_json(), occurred_at=ev.occurred_at, recorded_at=now))
        intake.applied(rec, ev.event_id)
    if rows:
        session.connection().execute(insert(Target.__table__), rows)
        kept = {r["event_id"] for r in rows}
        directory.describe(session, [ev for ev in events if isinstance(ev, BuyerDescribed) and ev.event_id in kept], now)


def in_force(session: Session, as_of: datetime | None = None) -> tuple[list[ProgramDefined], list[BudgetDeclared]]:
    """Programs and declared budgets in force; with `as_of`, as the ledger knew them then. Per key
    the latest occurred_at wins, then the latest arrival. The built-in national 40% rule
    (`ledger.rules.national`) joins the programs of every region with a budget; a program
    switched off (`active = false`) is not in force."""
    events = _latest(session, as_of, Target.type.in_(_PROGRAMS_AND_BUDGETS))
    defined = [e for e in events if isinstance(e, ProgramDefined)]
    budgets = [e for e in events if isinstance(e, BudgetDeclared)]
    programs = [p for p in defined + national_programs(budgets, defined) if p.active]
    return sorted(programs, key=lambda p: p.program_id), budgets


def allocations_in_force(session: Session, as_of: datetime | None = None, *, year: int | None = None,
                         agency: str | None = None) -> list[AllocationPlanned]:
    """Planned packages in force (withdrawn ones included: they say a package no longer counts),
    of one fiscal year or agency when given; with `as_of`, as the ledger knew them then."""
    prefix = "allocation:" + (f"{agency}:" + (f"{year}:" if year is not None else "") if agency else "")
    where = [Target.type == "allocation.planned", Target.key.startswith(prefix, autoescape=True)]
    events = _latest(session, as_of, *where)
    return [e for e in events if isinstance(e, AllocationPlanned) and year in (None, e.fiscal_year)
            and agency in (None, e.agency_id)]  # the prefix narrows; an id holding `:` could still match


def descriptions_in_force(session: Session, as_of: datetime | None = None) -> dict[str, BuyerDescribed]:
    """{buyer id: its latest description} (`buyer.described`); with `as_of`, as the ledger knew them then."""
    return {e.buyer_id: e for e in _latest(session, as_of, Target.type == "buyer.described")
            if isinstance(e, BuyerDescribed)}


def _latest(session: Session, as_of: datetime | None, *where) -> list:
    q = select(Target.key, Target.body).where(*where).order_by(Target.key, Target.occurred_at, Target.id)
    if as_of is not None:
        q = q.where(Target.recorded_at <= as_of)
    latest = {key: body for key, body in session.execute(q)}
    return [TARGET_EVENT.validate_json(body) for body in latest.values()]


def _known_fingerprints(session: Session, event_ids: set[str]) -> dict[str, str]:
    found = {}
    for chunk in chunks(sorted(event_ids)):
        found.update(session.execute(select(Target.event_id, Target.fingerprint).where(Target.event_id.in_(chunk))).all())
    return found

