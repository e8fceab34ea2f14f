"""Alerts of the registry, raised at each evaluation, once each: a registration entering the
expiry window, and a company's partner graduating to `besar` (with the day it stops counting).
Kept in `registry_alerts` first; the worker sends them to `kuota.alerts.v1` from there."""

import hashlib
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.books.graduation import grace_days, graduated_suppliers
from ledger.books.identities import aliases
from ledger.books.registry import supplier_names
from ledger.books.versions import counting
from ledger.bulk import chunks
from ledger.models import BuyerRow, Entry, Registration, RegistryAlert
from ledger.rules.compliance import counts
from ledger.rules.eligibility import Classification, class_on, in_force
from ledger.rules.graduation import BESAR, Graduation, counts_until, graduation
from ledger.rules.programs import BuyerInfo, covered
from schemas.codes import region_timezone
from schemas.outputs import PartnerGraduated, RegistrationExpiring
from schemas.targets import ProgramDefined


def raise_registry_alerts(session: Session, programs: list[ProgramDefined], buyers: dict[str, BuyerInfo],
                          now: datetime, expiring_days: int) -> list[dict]:
    """Insert the registry alerts not raised before; return the new rows."""
    candidates = _expiring(session, now, expiring_days) + _graduations(session, programs, buyers, now)
    if not candidates:
        return []
    raised = set()
    for chunk in chunks(sorted(c["alert_id"] for c in candidates)):
        raised |= set(session.scalars(select(RegistryAlert.alert_id).where(RegistryAlert.alert_id.in_(chunk))))
    new = [c for c in candidates if c["alert_id"] not in raised]
    if new:
        session.execute(RegistryAlert.__table__.insert(), new)
    return new


def _expiring(session: Session, now: datetime, within: int) -> list[dict]:
    """Registrations in force whose valid_to falls within `within` days of today in the
    supplier's region, not already followed by a registration that carries on from it."""
    soon = session.execute(select(Registration.supplier_id).where(
        Registration.valid_to >= (now - timedelta(days=1)).date(),
        Registration.valid_to <= (now + timedelta(days=within + 1)).date())).scalars().all()
    if not soon:
        return []
    latest = {}
    for chunk in chunks(sorted(set(soon))):
        for reg in session.scalars(select(Registration).where(Registration.supplier_id.in_(chunk))
                                   .order_by(Registration.id)):
            latest.setdefault(reg.supplier_id, []).append(reg)
    out = []
    for sid, regs in sorted(latest.items()):
        history = [Classification(r.scale, r.cooperative, r.region, r.valid_from, r.valid_to, r.id) for r in regs]
        for reg in regs:
            if reg.valid_to is None:
                continue
            today = now.astimezone(region_timezone(reg.region)).date()
            current = in_force(history, today)
            if current is None or current.seq != reg.id or not today <= reg.valid_to <= today + timedelta(days=within):
                continue
            if any(reg.valid_from < r.valid_from <= reg.valid_to + timedelta(days=1) for r in regs):
                continue  # renewed: a later registration carries on from it
            buyers = _buyers_this_year(session, sid, today.year)
            message = RegistrationExpiring(alert_id=f"expiring:{reg.event_id}", supplier_id=sid,
                                           supplier_name=reg.name, region=reg.region, registration=reg.event_id,
                                           valid_to=reg.valid_to, buyers=tuple(buyers), detected_at=now)
            out.append(_row(message, kind="expiring", supplier_id=sid, buyer_id=None, program_id=None,
                            day=reg.valid_to, counts_until=None, now=now))
    return out


def _buyers_this_year(session: Session, supplier_id: str, year: int) -> list[str]:
    ids = sorted(aliases(session, {supplier_id}))
    found = set()
    for chunk in chunks(ids):
        found |= set(session.scalars(select(Entry.buyer_id).where(
            Entry.supplier_id.in_(chunk), Entry.period.startswith(f"{year}-"), counting()).distinct()))
    return sorted(found)


def _graduations(session: Session, programs: list[ProgramDefined], buyers: dict[str, BuyerInfo],
                 now: datetime) -> list[dict]:
    """One alert per program, company and graduation, for a company that counted the partner
    before it graduated and is covered by a program that counted it and does not count besar."""
    companies = {b for b, info in buyers.items() if info.kind == "company"}
    if not companies or not programs:
        return []
    graduations: dict[tuple[str, date], list[Classification]] = {}
    for sid in graduated_suppliers(session):
        history = _own_history(session, sid)
        for reg in history:
            grad = graduation(history, reg.valid_from, reg.region) if reg.scale == BESAR else None
            if grad is not None:
                graduations[(sid, grad.besar_from)] = history
    if not graduations:
        return []
    names = supplier_names(session, {sid for sid, _ in graduations})
    out, seen = [], set()
    for (sid, besar_from), history in sorted(graduations.items()):
        partners = _buyers_before(session, sid, besar_from) & companies
        for program in programs:
            ids = covered(program, buyers) & partners
            grace = grace_days(program)
            for buyer in sorted(ids):
                before = class_on(history, besar_from - timedelta(days=1), buyers[buyer].region)
                after = class_on(history, besar_from, buyers[buyer].region)
                if not counts(before, program.eligible) or counts(after, program.eligible):
                    continue
                until = counts_until(Graduation(besar_from, before), grace)
                alert_id = _graduated_id(program.program_id, buyer, sid, besar_from)
                if alert_id in seen:
                    continue
                seen.add(alert_id)
                message = PartnerGraduated(alert_id=alert_id, program=program.program_id, buyer_id=buyer,
                                           supplier_id=sid, supplier_name=names.get(sid, sid), besar_from=besar_from,
                                           counts_until=until, no_longer_counts_from=until + timedelta(days=1),
                                           detected_at=now)
                out.append(_row(message, kind="graduated", supplier_id=sid, buyer_id=buyer,
                                program_id=program.program_id, day=besar_from, counts_until=until, now=now))
    return out


def _own_history(session: Session, supplier_id: str) -> list[Classification]:
    rows = session.execute(select(Registration.scale, Registration.cooperative, Registration.region,
                                  Registration.valid_from, Registration.valid_to, Registration.id)
                           .where(Registration.supplier_id == supplier_id).order_by(Registration.id))
    return [Classification(*row) for row in rows]


def _buyers_before(session: Session, supplier_id: str, day: date) -> set[str]:
    """Buyers with counting purchases from the supplier (under any id that counts for it) before `day`."""
    found = set()
    for chunk in chunks(sorted(aliases(session, {supplier_id}))):
        found |= set(session.scalars(select(Entry.buyer_id).where(
            Entry.supplier_id.in_(chunk), Entry.booked_on < day, counting()).distinct()))
    return found


def _graduated_id(program: str, buyer: str, supplier: str, besar_from: date) -> str:
    readable = f"graduated:{program}:{buyer}:{supplier}:{besar_from.isoformat()}"
    if len(readable) <= 200:
        return readable
    return "graduated:" + hashlib.sha256(readable.encode()).hexdigest()


def _row(message, *, kind: str, supplier_id: str, buyer_id: str | None, program_id: str | None, day: date,
         counts_until: date | None, now: datetime) -> dict:
    return dict(alert_id=message.alert_id, kind=kind, supplier_id=supplier_id, buyer_id=buyer_id,
                program_id=program_id, day=day, counts_until=counts_until, detail=message.model_dump_json(),
                detected_at=now, published_at=None)
