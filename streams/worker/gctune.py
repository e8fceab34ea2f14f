"""Python's cyclic garbage collector, set for a worker's two processes.

A batch of thousands of records allocates hundreds of thousands of objects that live until the
batch is done. With the default thresholds the collector runs every 700 allocations and keeps
re-scanning them, along with everything the imports left behind (SQLAlchemy, pydantic, Faust):
that cost as much CPU per record as validating it. Nothing here changes what is freed: memory
is still released by reference counting as before, and cycles are still collected, later.
"""

import gc
from contextlib import contextmanager


def settle(young: int = 20_000) -> None:
    """Once start-up is done: what exists now lives as long as the process, so the collector
    stops scanning it (`gc.freeze`), and it looks at young objects every `young` allocations."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(young, middle, old)


@contextmanager
def paused():
    """No collection while a batch is booked; the next allocation after it collects as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
