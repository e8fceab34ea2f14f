"""Programs and budgets from `kuota.targets.v1`: kept whole, the latest per key in force."""

from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ledger.books.intake import Intake, Record, new_events
from ledger.models import Target
from ledger.bulk import chunks
from schemas.decode import Invalid, decode
from schemas.targets import TARGET_EVENT, BudgetDeclared, ProgramDefined, target_key


def prepare(records: list[Record], now: datetime) -> list[tuple[Record, ProgramDefined | BudgetDeclared | Invalid]]:
    return [(rec, decode("targets", rec.value)) for rec in records]


def register(session: Session, decoded: list, intake: Intake, now: datetime) -> None:
    """Keep each new target event; same id and content is a duplicate, other content a conflict."""
    events = [ev for _, ev in decoded if not isinstance(ev, Invalid)]
    known = _known_fingerprints(session, {ev.event_id for ev in events})
    rows = []
    for rec, ev, fp in new_events(decoded, known, intake):
        rows.append(dict(event_id=ev.event_id, fingerprint=fp, type=ev.type, key=target_key(ev),
                         body=ev.model_dump_json(), occurred_at=ev.occurred_at, recorded_at=now))
        intake.applied(rec, ev.event_id)
    if rows:
        session.connection().execute(insert(Target.__table__), rows)


def in_force(session: Session, as_of: datetime | None = None) -> tuple[list[ProgramDefined], list[BudgetDeclared]]:
    """Programs and declared budgets in force; with `as_of`,
    as the ledger knew them then. Per key the latest occurred_at wins, then the latest arrival."""
    q = select(Target.key, Target.body).order_by(Target.key, Target.occurred_at, Target.id)
    if as_of is not None:
        q = q.where(Target.recorded_at <= as_of)
    latest = {key: body for key, body in session.execute(q)}
    events = [TARGET_EVENT.validate_json(body) for body in latest.values()]
    programs = sorted((e for e in events if isinstance(e, ProgramDefined)), key=lambda p: p.program_id)
    budgets = [e for e in events if isinstance(e, BudgetDeclared)]
    return programs, budgets


def _known_fingerprints(session: Session, event_ids: set[str]) -> dict[str, str]:
    found = {}
    for chunk in chunks(sorted(event_ids)):
        found.update(session.execute(select(Target.event_id, Target.fingerprint).where(Target.event_id.in_(chunk))).all())
    return found

