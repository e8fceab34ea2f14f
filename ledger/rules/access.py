"""Who may send and see what. Pure.

A principal is whoever a request or command acts for: a person logged in to the dashboard
(`user:<name>`, role admin, officer, auditor or buyer) or a system holding an API key
(`key:<key_id>`, role `key`). Admins and auditors see every buyer; an officer sees the buyers and
programs of its regions; a buyer (a person or a key) sees only its own buyer. Only keys send
events: a buyer key its own purchases, the registry key supplier events.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

ROLES = ("admin", "officer", "auditor", "buyer")
KEY_ROLE = "key"
SCOPES = ("ingest", "read")
READ, INGEST = "read", "ingest"

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=12)
LAST_USED_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Principal:
    actor: str
    role: str
    regions: frozenset[str] = frozenset()
    buyer_id: str | None = None
    scopes: frozenset[str] = frozenset()
    registry: bool = False

    @property
    def is_key(self) -> bool:
        return self.role == KEY_ROLE

    def may_read(self) -> bool:
        """People read the dashboard; a key reads only with the `read` scope."""
        return READ in self.scopes if self.is_key else self.role in ROLES

    def may_ingest(self) -> bool:
        return self.is_key and INGEST in self.scopes

    def sees_everything(self) -> bool:
        return self.role in ("admin", "auditor")

    def may_administer(self) -> bool:
        return self.role == "admin"

    def sees_buyer(self, buyer_id: str, buyer_region: str | None) -> bool:
        """Whether this principal may see one buyer's data (a buyer in `buyer_region`)."""
        if not self.may_read():
            return False
        if self.sees_everything():
            return True
        if self.role == "officer":
            return buyer_region is not None and buyer_region in self.regions
        if self.role == "buyer" or (self.is_key and not self.registry):
            return self.buyer_id is not None and buyer_id == self.buyer_id
        return False

    def sees_region(self, region: str) -> bool:
        """Whether this principal may see a region's programs and their totals."""
        if self.sees_everything():
            return True
        return self.role == "officer" and region in self.regions

    def may_send_purchase(self, buyer_id: str) -> bool:
        return (self.may_ingest() and not self.registry and self.buyer_id is not None
                and buyer_id == self.buyer_id)

    def may_send_supplier(self) -> bool:
        return self.may_ingest() and self.registry


def user_principal(name: str, role: str, regions: Iterable[str] = (), buyer_id: str | None = None) -> Principal:
    """The principal of a logged-in person; people hold the `read` scope and never `ingest`."""
    return Principal(actor=f"user:{name}", role=role, regions=frozenset(regions),
                     buyer_id=buyer_id if role == "buyer" else None, scopes=frozenset({READ}))


def key_principal(key_id: str, scopes: Iterable[str], buyer_id: str | None, registry: bool) -> Principal:
    return Principal(actor=f"key:{key_id}", role=KEY_ROLE, buyer_id=None if registry else buyer_id,
                     scopes=frozenset(scopes), registry=registry)


def parse_scopes(text: str) -> frozenset[str]:
    """`ingest,read` -> {"ingest", "read"}; raises ValueError naming an unknown or missing scope."""
    scopes = frozenset(part.strip() for part in text.split(",") if part.strip())
    unknown = sorted(scopes - set(SCOPES))
    if unknown or not scopes:
        raise ValueError(f"scope {', '.join(unknown) or '(empty)'} is not one of: ingest, read, ingest,read")
    return scopes


def join_scopes(scopes: Iterable[str]) -> str:
    return ",".join(s for s in SCOPES if s in set(scopes))


def split_list(text: str | None) -> frozenset[str]:
    return frozenset(part.strip() for part in (text or "").split(",") if part.strip())


def user_problems(role: str, regions: Iterable[str], buyer_id: str | None) -> list[str]:
    """What is wrong with a person's role, regions and buyer, as readable lines (empty: fine)."""
    regions = list(regions)
    if role not in ROLES:
        return [f"role {role!r} is not one of: {', '.join(ROLES)}"]
    problems = []
    if role == "officer" and not regions:
        problems.append("an officer needs at least one region (--region CODE, e.g. 3216)")
    if role != "officer" and regions:
        problems.append("only an officer has regions; drop --region")
    if role == "buyer" and not buyer_id:
        problems.append("a buyer user needs --buyer ID")
    if role != "buyer" and buyer_id:
        problems.append("only a buyer user has a buyer; drop --buyer")
    problems += [f"region {r!r} is not a BPS code of 4 digits" for r in regions
                 if not (len(r) == 4 and r.isdigit())]
    return problems


def key_expired(expires_on: date | None, today: date) -> bool:
    """A key is good through its `expires_on` day (WIB) and refused from the day after."""
    return expires_on is not None and today > expires_on


def locked(locked_until: datetime | None, now: datetime) -> bool:
    return locked_until is not None and now < locked_until


def lock_after_failure(failed_logins: int, now: datetime) -> datetime | None:
    """When a person with `failed_logins` failures (this one counted) is locked until, or None."""
    return now + LOCKOUT if failed_logins >= MAX_FAILED_LOGINS else None


def touch_due(last_used_at: datetime | None, now: datetime) -> bool:
    """Whether a key's `last_used_at` is stale enough to write again (at most once a minute)."""
    return last_used_at is None or now - last_used_at >= LAST_USED_EVERY
