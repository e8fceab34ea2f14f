"""Answers given to requests that carried an `Idempotency-Key`, kept to give again to a retry."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.models.access import IdempotentRequest


@dataclass(frozen=True)
class Answer:
    request_hash: str  # sha256 of what was asked: a retry must ask the same
    status_code: int
    response: str


def recall(session: Session, principal: str, key: str) -> Answer | None:
    """The answer `principal` was given under `key`, or None when it used the key for nothing yet."""
    row = session.execute(select(IdempotentRequest.request_hash, IdempotentRequest.status_code,
                                 IdempotentRequest.response)
                          .where(IdempotentRequest.principal == principal,
                                 IdempotentRequest.idempotency_key == key)).first()
    return Answer(*row) if row else None


def remember(session: Session, principal: str, key: str, answer: Answer, now: datetime) -> None:
    """Keep `answer` in the caller's transaction, with the work it answers for. Two requests racing
    with one key make the second commit fail on the unique (principal, key): it asks `recall` again."""
    session.add(IdempotentRequest(principal=principal, idempotency_key=key, request_hash=answer.request_hash,
                                  status_code=answer.status_code, response=answer.response, created_at=now))
