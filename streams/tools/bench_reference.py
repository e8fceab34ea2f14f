"""The reference consumer of `kuota bench --compare`: what a competent developer would write in an
afternoon to do the same essential work as kuota's worker, without kuota.

kafka-python's `KafkaConsumer` in a consumer group, offsets committed by hand. Each purchase is
validated by the contract's pydantic models (the same `schemas.decode` kuota uses) and attributed
to the supplier's class on the purchase date, the date taken in the buyer's region's time zone,
from an in-memory dict of the registry read from the suppliers topic at start. Every `--batch`
records (4,000 by default; `kuota bench --compare` gives it kuota's `KUOTA_BATCH_SIZE`, so both
commit as often), or when nothing more arrives, one transaction inserts the purchases keyed by event_id
(`INSERT OR IGNORE` on SQLite, `ON CONFLICT DO NOTHING` on PostgreSQL, after a look-up of the ids
already kept so that a redelivered purchase never counts twice) and upserts a running total per
buyer, month and supplier class; the Kafka offsets are committed after the database commit.

Left out on purpose (the benchmark's input has none of them): reversals, versions of a source
record, merged suppliers, classes derived from capital or sales. Rejections are counted, not kept.

Run as `python -m streams.tools.bench_reference`: it prints `ready` once it has read the registry
and joined its group, then books until `--events` purchases are committed, and prints what it did
as one JSON line.
"""

import argparse
import sys
import time
from bisect import insort
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

import orjson
from sqlalchemy import (BigInteger, Column, Date, DateTime, Engine, Integer, MetaData, String, Table, create_engine,
                        event, func, select)
from sqlalchemy.dialects import postgresql, sqlite

from schemas.codes import region_timezone
from schemas.decode import Invalid, decode
from schemas.events import PurchaseRecorded, SupplierRegistered

metadata = MetaData()
purchases = Table(
    "ref_purchases", metadata,
    Column("event_id", String(64), primary_key=True), Column("buyer_id", String(64), nullable=False),
    Column("supplier_id", String(64), nullable=False), Column("amount", BigInteger, nullable=False),
    Column("channel", String(32), nullable=False), Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("booked_on", Date, nullable=False), Column("period", String(7), nullable=False),
    Column("scale", String(16), nullable=False), Column("state", String(16), nullable=False))
totals = Table(
    "ref_totals", metadata,
    Column("buyer_id", String(64), primary_key=True), Column("period", String(7), primary_key=True),
    Column("scale", String(16), primary_key=True), Column("amount", BigInteger, nullable=False),
    Column("entries", Integer, nullable=False))


@dataclass(frozen=True, slots=True)
class Registration:
    valid_from: date
    valid_to: date | None
    scale: str


Registry = dict[str, list[Registration]]  # supplier id -> registrations by valid_from, then arrival


def register(registry: Registry, raw: bytes) -> None:
    ev = decode("suppliers", raw)
    if isinstance(ev, SupplierRegistered) and ev.supplier.scale is not None:
        reg = Registration(ev.valid_from, ev.valid_to, ev.supplier.scale.value)
        insort(registry.setdefault(ev.supplier.id, []), reg, key=lambda r: r.valid_from)


def supplier_class(registry: Registry, supplier_id: str, day: date) -> str:
    """The class of the registration in force on `day`; none yet is unregistered, past valid_to lapsed."""
    current = None
    for reg in registry.get(supplier_id, ()):
        if reg.valid_from > day:
            break
        current = reg
    if current is None:
        return "unregistered"
    if current.valid_to is not None and day > current.valid_to:
        return "lapsed"
    return current.scale


def attribute(ev: PurchaseRecorded, registry: Registry) -> dict:
    day = ev.occurred_at.astimezone(region_timezone(ev.buyer.region)).date()
    return {"event_id": ev.event_id, "buyer_id": ev.buyer.id, "supplier_id": ev.supplier_id, "amount": ev.amount,
            "channel": ev.channel.value, "occurred_at": ev.occurred_at, "booked_on": day,
            "period": f"{day.year:04d}-{day.month:02d}", "scale": supplier_class(registry, ev.supplier_id, day),
            "state": ev.state}


def prepare(values: list[bytes | None], registry: Registry) -> tuple[list[dict], Counter]:
    """The rows of the valid purchases of a batch; what became of the other records, counted."""
    rows, outcome = [], Counter()
    for raw in values:
        ev = decode("purchases", raw)
        if isinstance(ev, PurchaseRecorded):
            rows.append(attribute(ev, registry))
        else:
            outcome["rejected" if isinstance(ev, Invalid) else "not handled"] += 1
    return rows, outcome


def book(engine: Engine, values: list[bytes | None], registry: Registry) -> Counter:
    """Decode, attribute and write one batch in one transaction."""
    rows, outcome = prepare(values, registry)
    with engine.begin() as conn:
        applied = write(conn, rows)
    outcome.update(applied=applied, duplicate=len(rows) - applied)
    return outcome


def write(conn, rows: list[dict]) -> int:
    """Insert the purchases not kept yet and add the completed ones to the totals; how many were new."""
    ids = [r["event_id"] for r in rows]
    known = set(conn.scalars(select(purchases.c.event_id).where(purchases.c.event_id.in_(ids)))) if ids else set()
    fresh: dict[str, dict] = {}
    for row in rows:
        if row["event_id"] not in known:
            fresh.setdefault(row["event_id"], row)
    if not fresh:
        return 0
    postgres = conn.dialect.name == "postgresql"
    stmt = postgresql.insert(purchases).on_conflict_do_nothing() if postgres else purchases.insert().prefix_with(
        "OR IGNORE")
    conn.execute(stmt, list(fresh.values()))
    sums: defaultdict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for row in fresh.values():
        if row["state"] == "completed":  # pending and void purchases are kept but never counted
            total = sums[(row["buyer_id"], row["period"], row["scale"])]
            total[0] += row["amount"]
            total[1] += 1
    if sums:
        upsert = (postgresql if postgres else sqlite).insert(totals)
        upsert = upsert.on_conflict_do_update(index_elements=["buyer_id", "period", "scale"], set_={
            "amount": totals.c.amount + upsert.excluded.amount, "entries": totals.c.entries + upsert.excluded.entries})
        conn.execute(upsert, [{"buyer_id": b, "period": p, "scale": s, "amount": a, "entries": n}
                              for (b, p, s), (a, n) in sorted(sums.items())])
    return len(fresh)


def open_store(url: str) -> Engine:
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":  # the durability kuota's SQLite ledger has: WAL, synchronous=NORMAL
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            dbapi_conn.execute("PRAGMA journal_mode=WAL")
            dbapi_conn.execute("PRAGMA synchronous=NORMAL")
    metadata.create_all(engine)
    return engine


def booked(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(purchases))


def load_registry(broker: str, topic: str) -> Registry:
    """The whole suppliers topic, read from the beginning to its current end and until a poll
    finds nothing more (the embedded broker answers kafka-python's end offsets too low)."""
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=broker, enable_auto_commit=False)
    try:
        parts = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(parts)
        consumer.seek_to_beginning()
        ends, registry = consumer.end_offsets(parts), {}
        while True:
            polled = consumer.poll(timeout_ms=500)
            for msgs in polled.values():
                for msg in msgs:
                    register(registry, msg.value)
            if not polled and all(consumer.position(tp) >= end for tp, end in ends.items()):
                return registry
    finally:
        consumer.close()


def consume(broker: str, url: str, topic: str, suppliers_topic: str, group: str, events: int,
            batch: int = 4000, within: float = 0.3) -> Counter:
    from kafka import KafkaConsumer

    engine, registry = open_store(url), load_registry(broker, suppliers_topic)
    consumer = KafkaConsumer(topic, bootstrap_servers=broker, group_id=group, enable_auto_commit=False,
                             auto_offset_reset="earliest")
    outcome: Counter = Counter()
    try:
        while not consumer.assignment():
            consumer.poll(timeout_ms=100)
        print("ready", flush=True)
        pending, since = [], time.monotonic()
        while outcome.total() < events:
            polled = consumer.poll(timeout_ms=100, max_records=batch - len(pending))
            for msgs in polled.values():
                pending.extend(msg.value for msg in msgs)
            if not pending:
                since = time.monotonic()
            elif len(pending) >= batch or not polled or time.monotonic() - since >= within:
                outcome += book(engine, pending, registry)
                consumer.commit()  # after the database commit: a crash in between redelivers, never loses
                pending, since = [], time.monotonic()
        return outcome
    finally:
        consumer.close(autocommit=False)
        engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m streams.tools.bench_reference", description=__doc__.split("\n")[0])
    for name in ("broker", "database-url", "topic", "suppliers-topic", "group"):
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--events", type=int, required=True)
    parser.add_argument("--batch", type=int, default=4000)
    args = parser.parse_args(argv)
    outcome = consume(args.broker, args.database_url, args.topic, args.suppliers_topic, args.group, args.events,
                      args.batch)
    sys.stdout.write(orjson.dumps(dict(outcome)).decode() + "\n")


if __name__ == "__main__":
    main()
