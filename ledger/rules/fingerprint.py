import hashlib

from pydantic import BaseModel

from schemas.events import unset_additions
from schemas.plain import PlainPurchase


def fingerprint(event: BaseModel | PlainPurchase) -> str:
    """Hash of an event's meaning. Fields serialise in model order, so the sender's key order and
    whitespace do not matter. Fields added to the contract later are left out while they hold
    their "not given" value, so an event booked before they existed is still a duplicate of
    itself, not a conflict. A purchase read on the hot path carries that serialisation."""
    if isinstance(event, PlainPurchase):
        return hashlib.sha256(event.canonical).hexdigest()
    return hashlib.sha256(event.model_dump_json(exclude=unset_additions(event) or None).encode()).hexdigest()
