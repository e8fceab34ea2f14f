"""Which booked purchases count: their state, and the versions of one source record.

A purchase is `completed` (the default), `pending` or `void`. Purchases naming the same source
(system and key) are versions of one purchase: the highest version is in force, and of two equal
versions the later arrival. A purchase counts toward positions (totals, programs, alerts) only when
it is the version in force and completed; every other version never counts. A purchase without a
source is its own one version. A reversal reverses the purchase, whichever version it names: it
counts while the purchase's version in force is completed, and what it may take back is what
remains of that version.

Plain values in, plain values out: the books apply these as each record arrives, the audit and
the reports (as of any moment) to what was recorded by then.
"""

from collections.abc import Iterable
from dataclasses import dataclass

COMPLETED, PENDING, VOID = "completed", "pending", "void"
SUPERSEDED = "superseded"  # why a version that is not in force does not count
STATES = (COMPLETED, PENDING, VOID)


@dataclass(frozen=True, slots=True)
class Version:
    """One booked version of a purchase, as the rule compares them."""

    version: int  # the source's version; 0 for a purchase without a source
    seq: int  # order of arrival (the entry's id; later arrivals are greater)
    state: str


def counts(state: str) -> bool:
    """Only completed spend counts; pending is shown beside the totals, void never."""
    return state == COMPLETED


def supersedes(new: Version, current: Version | None) -> bool:
    """Whether `new` is in force over `current`: a higher version, or the same one arriving later."""
    return current is None or (new.version, new.seq) > (current.version, current.seq)


def in_force(versions: Iterable[Version]) -> Version | None:
    """The version in force among a purchase's versions (None when there are none)."""
    return max(versions, key=lambda v: (v.version, v.seq), default=None)


def not_counted(in_force_state: str, *, superseded: bool = False) -> str | None:
    """Why an entry does not count, or None when it does. `in_force_state` is the state of its
    purchase's version in force; `superseded` says a purchase entry is not that version (a
    reversal never is: it follows the purchase)."""
    if superseded:
        return SUPERSEDED
    return None if counts(in_force_state) else in_force_state


@dataclass(frozen=True, slots=True)
class Takeover:
    """What a newly booked version does to the positions of its purchase."""

    remove_old: bool  # the version in force until now counted: take it out
    add_new: bool  # the new version counts: put it in

    @property
    def moves_reversals(self) -> bool:
        """The purchase's reversals follow it: they move only when whether it counts changes."""
        return self.remove_old != self.add_new


def takeover(current: Version | None, new: Version) -> Takeover | None:
    """The move a new version makes when it supersedes the one in force; None when it does not
    (a lower version arriving late is booked and never counts)."""
    if not supersedes(new, current):
        return None
    return Takeover(remove_old=current is not None and counts(current.state), add_new=counts(new.state))


def entry_standing(kind: str, state: str, seq: int, current: Version | None) -> tuple[str, str | None]:
    """(the state shown for an entry, why it does not count or None). `state` and `seq` are the
    entry's own; `current` is the version in force of its source record, None for a purchase
    without a source (and its reversals), whose state never changes. A reversal shows the state of
    its purchase's version in force; a purchase that is not that version is superseded."""
    if current is None:
        return state, not_counted(state)
    if kind == "purchase" and seq != current.seq:
        return state, SUPERSEDED
    return current.state, not_counted(current.state)
