"""What one report or one request reads against: the ledger session, the moment (now, or a past
`as_of`), and what was in force then (programs, budgets, buyers), each loaded once on first use."""

from datetime import datetime, timezone
from functools import cached_property

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ledger.books.targets import allocations_in_force, descriptions_in_force, in_force
from ledger.models import BuyerRow
from ledger.rules.programs import BuyerInfo
from schemas.allocation import AllocationPlanned
from schemas.targets import BudgetDeclared, ProgramDefined


class Scope:
    """A read of the books: live when `as_of` is None, else as the ledger knew them at `as_of`."""

    def __init__(self, session: Session, as_of: datetime | None = None):
        self.session, self.as_of = session, as_of

    @property
    def now(self) -> datetime:
        return self.as_of or datetime.now(timezone.utc)

    @cached_property
    def _targets(self) -> tuple[list[ProgramDefined], list[BudgetDeclared]]:
        return in_force(self.session, self.as_of)

    @property
    def programs(self) -> list[ProgramDefined]:
        return self._targets[0]

    @property
    def budgets(self) -> list[BudgetDeclared]:
        return self._targets[1]

    def program(self, program_id: str) -> ProgramDefined | None:
        return next((p for p in self.programs if p.program_id == program_id), None)

    def allocations(self, *, year: int | None = None, agency: str | None = None) -> list[AllocationPlanned]:
        """Planned packages in force, read when asked (a province plans thousands), never cached."""
        return allocations_in_force(self.session, self.as_of, year=year, agency=agency)

    @cached_property
    def budget_of(self) -> dict[tuple[str, int], int]:
        """{(agency, fiscal year): declared budget}."""
        return {(d.agency_id, d.fiscal_year): d.budget for d in self.budgets}

    @cached_property
    def _buyer_rows(self) -> list[tuple[str, str | None, str, str]]:
        return list(self.session.execute(select(BuyerRow.id, BuyerRow.name, BuyerRow.kind, BuyerRow.region)))

    @cached_property
    def known_buyers(self) -> dict[str, BuyerInfo]:
        """Buyers the ledger has booked purchases of."""
        return {b: BuyerInfo(kind, region) for b, _, kind, region in self._buyer_rows}

    @cached_property
    def buyers(self) -> dict[str, BuyerInfo]:
        """Known buyers, plus agencies that declared a budget and bought nothing yet: a program
        judges those too."""
        out = dict(self.known_buyers)
        for d in self.budgets:
            if d.region is not None:
                out.setdefault(d.agency_id, BuyerInfo("agency", d.region))
        return out

    @cached_property
    def names(self) -> dict[str, str | None]:
        """A buyer's name as the directory describes it (`buyer.described`), else as its purchases
        last named it: the same whatever order the sources arrived in."""
        described = {b: d.name for b, d in descriptions_in_force(self.session, self.as_of).items() if d.name}
        return {b: described.get(b, name) for b, name, _, _ in self._buyer_rows} | described

    @cached_property
    def regions(self) -> dict[str, str]:
        return {b: region for b, _, _, region in self._buyer_rows}


def ping(session: Session) -> None:
    """Raise when the ledger does not answer."""
    session.execute(text("select 1"))
