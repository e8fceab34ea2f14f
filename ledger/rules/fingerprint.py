import hashlib

from pydantic import BaseModel


def fingerprint(event: BaseModel) -> str:
    """Hash of an event's meaning. Fields serialise in model order, so the sender's key order and
    whitespace do not matter."""
    return hashlib.sha256(event.model_dump_json().encode()).hexdigest()
