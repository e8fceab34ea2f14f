"""What one principal may see of one read of the books: which buyers, lines, programs, alerts and
registry regions. A request reads `Sight(principal, scope)` and filters every list through it.

An officer sees the buyers and programs of its regions, an admin or auditor everything, a buyer
(person or key) only its own buyer. A buyer it may not see is refused with 403 whether or not it
exists, so a refusal never tells a buyer which ids exist.
"""

from datetime import datetime, timezone

from fastapi import HTTPException, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from ledger.books import access as people
from ledger.reports.scope import Scope
from ledger.rules.access import Principal
from ledger.rules.programs import covered

COMBINED = "*"  # the buyer of a line judged on all covered buyers together


def not_yours(what: str) -> HTTPException:
    return HTTPException(403, f"bukan wewenang anda / not yours to see: {what[:100]}")


class Sight:
    def __init__(self, principal: Principal, scope: Scope):
        self.principal, self.scope = principal, scope

    @property
    def everything(self) -> bool:
        return self.principal.sees_everything()

    def buyer(self, buyer_id: str) -> bool:
        info = self.scope.buyers.get(buyer_id)
        return self.principal.sees_buyer(buyer_id, info.region if info else None)

    def line(self, buyer_id: str, region: str | None, program_id: str | None = None) -> bool:
        """A line of a buyer in `region`; of a combined program (`*`): of the program's region."""
        if self.everything:
            return True
        if buyer_id != COMBINED:
            return self.principal.sees_buyer(buyer_id, region)
        if program_id is not None:
            program = self.scope.program(program_id)
            region = program.region if program else None
        return region is not None and self.principal.sees_region(region)

    def program(self, program) -> bool:
        """A program of one of its regions, or (a buyer) a program covering its buyer."""
        if self.principal.sees_region(program.region):
            return True
        own = self.principal.buyer_id
        return own is not None and self.buyer(own) and own in covered(program, self.scope.buyers)

    def programs(self, rows: list[dict]) -> list[dict]:
        """Rows of `/api/programs` this principal sees, each with only the budgets of buyers it sees."""
        if self.everything:
            return rows
        seen = {p.program_id for p in self.scope.programs if self.program(p)}
        return [r | {"budgets": [b for b in r["budgets"] if self.buyer(b["agency_id"])]}
                for r in rows if r["program_id"] in seen]

    def alert(self, row: dict) -> bool:
        info = self.scope.buyers.get(row["buyer_id"])
        return self.line(row["buyer_id"], info.region if info else None, row["program"])

    def region(self, asked: str | None) -> str | None:
        """The registry region a request reads: anything for admins and auditors, an officer's own
        region (its first when none is asked); never for buyers or keys."""
        if self.everything:
            return asked
        if self.principal.role != "officer":
            raise not_yours("registri / registry")
        if asked is None:
            return min(self.principal.regions)
        if asked not in self.principal.regions:
            raise not_yours(f"wilayah / region {asked}")
        return asked

    def flag(self, flag) -> bool:
        """A registry flag whose purchases include a buyer this principal sees."""
        return self.everything or any(self.buyer(b) for b in flag.buyers)

    def own_buyer(self, buyer_id: str | None) -> None:
        """Refuse a filter on a buyer not seen (before anything about the buyer is read)."""
        if buyer_id is not None and buyer_id != COMBINED and not self.buyer(buyer_id):
            raise not_yours(f"pembeli / buyer {buyer_id}")


def logged(engine: Engine, request: Request, principal: Principal, action: str, buyer_id: str | None) -> None:
    """One access-log row for this request: `read` of one buyer's data, or a `download`."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    with Session(engine) as s:
        people.log_access(s, principal.actor, action, buyer_id=buyer_id, target=target[:300],
                          now=datetime.now(timezone.utc))
        s.commit()


def reads_one_buyer(principal: Principal, buyer_id: str | None) -> str | None:
    """The buyer whose data a request reads, if it reads one: the one asked for, or a buyer's own."""
    if buyer_id is not None and buyer_id != COMBINED:
        return buyer_id
    return principal.buyer_id
