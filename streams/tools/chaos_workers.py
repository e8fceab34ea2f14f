"""Chaos scenarios that hit the worker processes: SIGKILL at random moments mid-stream (crash), and
one of two workers in a group killed so the survivor must take its partitions (rebalance). Each
returns its figures, checked against what was produced (see `faults.check`).
"""

import random
import time

from ledger.reports.checks import partitions_received, reading
from schemas.topics import PURCHASES
from streams.tools.faults import Stage, Stream, check, prepare, received
from streams.tools.procs import wait_until


def crash(stage: Stage, *, events: int = 100_000, kills: int = 10, seed: int = 11) -> dict:
    """SIGKILL the worker at random moments while purchases stream in; restart it each time."""
    suppliers, purchases, resent = prepare(stage, events, seed, resend=min(500, events // 10))
    total = len(suppliers) + events + len(resent)
    stream = Stream(stage, stage.settings.topic(PURCHASES), purchases + resent)
    stream.start()
    rnd, url = random.Random(seed), stage.database_url
    marks = sorted(rnd.uniform(0.05, 0.9) * total for _ in range(kills))
    worker, done = stage.worker().start(), 0
    try:
        for mark in marks:
            seen = max(received(url), 0)
            wait_until(lambda: received(url) >= max(mark, seen + 1), 300, "progress before a kill", 0.02,
                       worker.alive)
            time.sleep(rnd.uniform(0, 0.25))  # a random moment, most often inside a batch transaction
            worker.kill()
            done += 1
            worker = stage.worker().start()
        wait_until(lambda: received(url) == total, 600, "every record booked", 0.2, worker.alive)
    finally:
        worker.stop()
        stream.join(60)
    result = {"scenario": "crash", "events": events, "produced": total, "kills": done}
    return check(stage, result, purchases, applied=len(suppliers) + events, duplicate=len(resent))


def rebalance(stage: Stage, *, events: int = 100_000, seed: int = 13) -> dict:
    """Two workers in one group; one is killed mid-stream; the survivor takes its partitions."""
    suppliers, purchases, _ = prepare(stage, events, seed)
    total, url = len(suppliers) + events, stage.database_url
    stream = Stream(stage, stage.settings.topic(PURCHASES), purchases)
    stream.start()
    workers = [stage.worker("worker-a").start(), stage.worker("worker-b").start()]
    victim, survivor = random.Random(seed).sample(workers, 2)
    try:
        wait_until(lambda: received(url) >= total * 0.3 and _partitions_booked(stage) == stage.settings.partitions,
                   300, "both workers booking", 0.05, lambda: [w.alive() for w in workers])
        victim.kill()
        at_kill = received(url)
        wait_until(lambda: received(url) == total, 600, "the survivor booking the rest", 0.2, survivor.alive)
        rebalances = survivor.log_text().count("Setting newly assigned partitions") - 1  # after its first
    finally:
        for w in workers:
            w.stop()
        stream.join(60)
    result = {"scenario": "rebalance", "events": events, "produced": total, "kills": 1,
              "booked_after_kill": total - at_kill, "rebalances": rebalances}
    check(stage, result, purchases, applied=total, duplicate=0)
    if rebalances < 1:
        result["problems"].append("the survivor was never given the dead worker's partitions")
    return result


def _partitions_booked(stage: Stage) -> int:
    with reading(stage.database_url) as s:
        return partitions_received(s, stage.settings.topic(PURCHASES))
