"""Events kuota itself writes."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict


class EventRejected(BaseModel):
    """A record that was not applied, with why. Written to `kuota.rejected.v1`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: Literal["event.rejected"] = "event.rejected"
    schema_version: Literal[1] = 1
    rejection_id: str
    source_topic: str
    partition: int
    offset: int
    received_at: datetime
    reason: str
    errors: tuple[str, ...]
    raw: str
    raw_encoding: Literal["utf-8", "base64"] = "utf-8"
    event_id: str | None = None
