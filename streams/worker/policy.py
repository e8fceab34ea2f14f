"""The batch loop of an agent, and what the worker does when a batch cannot be booked.

A batch is taken from Faust's stream, booked in one database transaction, and only then acked:
Faust commits the offsets of acked records. So a batch is either booked with a receipt for every
record, or not acked at all and read again. The failure policy, case by case:

- **Database unavailable**: never reaches the loop. The recorder retries the same batch with
  backoff until it commits (`ledger.books.recorder`); the agent waits, nothing is acked or skipped.
- **Bad input**: not a failure. Every record gets a receipt; a rejection is kept with its reason
  and published afterwards (`outbound`).
- **Offsets reused** (`OffsetsReused`): the broker hands out offsets the ledger already received
  with other events at them. Nothing of the batch was written. When the broker's cluster id has
  changed (the embedded broker restarted empty), the worker restarts itself under the new epoch;
  when it kept its identity, its topics were recreated, and the worker stops (exit 78) asking for
  a new `KUOTA_EPOCH`.
- **Anything else**: the worker stops at once (exit 70). Leaving the loop normally would let Faust
  ack the batch in hand and commit its offsets unbooked; dying keeps them uncommitted, and the
  restarted worker books them again.
"""

import asyncio
import logging
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from ledger.books.intake import Record
from ledger.errors import OffsetsReused

log = logging.getLogger("kuota.worker")

EXIT_SOFTWARE = 70  # an unexpected error: restart the worker
EXIT_CONFIG = 78  # the broker's topics were recreated under the same identity: set KUOTA_EPOCH


@dataclass(frozen=True)
class Decision:
    """`restart`: replace the process with a fresh worker; `stop`: exit with `code`."""

    action: str
    code: int
    message: str


class FailurePolicy:
    def __init__(self, epoch: str, cluster_id: Callable[[], str | None], restart: Callable[[], None],
                 exit: Callable[[int], None] = os._exit):
        self.epoch, self.cluster_id, self._restart, self._exit = epoch, cluster_id, restart, exit

    def decide(self, exc: BaseException, cluster_now: str | None) -> Decision:
        """What to do about `exc`, given the broker's cluster id now (None: it did not answer)."""
        if isinstance(exc, OffsetsReused):
            if cluster_now and cluster_now != self.epoch:
                return Decision("restart", 0, f"{exc}; the broker is now cluster {cluster_now}: restarting the "
                                              f"worker under the new epoch")
            return Decision("stop", EXIT_CONFIG, f"{exc}; the broker kept its identity {cluster_now!r}, so its "
                                                 f"topics were recreated: set KUOTA_EPOCH to a new value and restart")
        return Decision("stop", EXIT_SOFTWARE, "unexpected error while booking; stopping without committing offsets")

    async def handle(self, exc: BaseException) -> None:
        cluster_now = await asyncio.to_thread(self.cluster_id) if isinstance(exc, OffsetsReused) else None
        decision = self.decide(exc, cluster_now)
        if decision.action == "restart":
            log.warning("%s", decision.message)
            self._restart()
            return
        log.critical("%s", decision.message, exc_info=not isinstance(exc, OffsetsReused))
        logging.shutdown()
        self._exit(decision.code)


class BatchLoop:
    """Takes batches from an agent's stream and books each one before it is acked."""

    def __init__(self, commit: Callable[..., Awaitable], booked: Callable, policy: FailurePolicy, *,
                 size: int, within: float, after_rejections: Callable[[], Awaitable[None]],
                 timed: Callable[[str, int, float], None] = lambda topic, size, seconds: None):
        self.commit, self.booked, self.policy = commit, booked, policy
        self.size, self.within, self.after_rejections, self.timed = size, within, after_rejections, timed

    async def run(self, stream, book: Callable, topic: str) -> None:
        try:
            async for events in stream.take_events(self.size, within=self.within):
                taken = time.monotonic()
                result = await self.commit(book, [record_of(e.message) for e in events])
                self.timed(topic, len(events), time.monotonic() - taken)
                self.booked(topic, result)
                if result.rejected:
                    await self.after_rejections()
        except asyncio.CancelledError:
            raise
        except BaseException as exc:  # noqa: BLE001 (the policy decides; returning would ack the batch)
            await self.policy.handle(exc)


def record_of(message) -> Record:
    return Record(message.topic, message.partition, message.offset, message.value, message.key)
