"""The Faust application: a factory, tuned to join its group in seconds, with thin agents."""

import asyncio
import logging
import os
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from functools import partial

import faust

from ledger.db import make_engine
from ledger.errors import OffsetsReused
from ledger.books.intake import Record
from streams.worker import webhooks as alerts
from streams.worker import booking_process as booker
from streams.worker import consumer
from streams.worker.outbox import Outbox
from streams.settings import ALERTS, PURCHASES, REJECTED, SUPPLIERS, TARGETS, Settings
from streams.worker.stats import Stats

log = logging.getLogger("kuota.worker")


def create_app(settings: Settings) -> faust.App:
    """A Faust app for the ledger. Offsets are committed only after the batch's database commit."""
    app = faust.App(
        settings.group_id,
        broker=[f"kafka://{b}" for b in settings.bootstrap],
        store="memory://",
        web_enabled=False,
        autodiscover=False,
        topic_partitions=settings.partitions,
        topic_allow_declare=False,  # topics are created by streams.topics, with their configs
        topic_disable_leader=True,
        consumer_auto_offset_reset="earliest",
        # Defaults wait 30 s and more for the group; these let a worker consume within seconds.
        broker_session_timeout=10.0,
        broker_heartbeat_interval=1.0,
        broker_rebalance_timeout=10.0,
        broker_max_poll_records=settings.batch_size,
        broker_commit_interval=1.0,
        consumer_max_fetch_size=4 * 1024**2,
        stream_buffer_maxsize=max(4096, settings.batch_size * 2),
        producer_acks=-1,
        producer_max_request_size=2 * 1024**2,
        worker_redirect_stdouts=False,
    )
    consumer.install(app)  # a cheaper hand-over of each fetched record (streams/consumer.py)
    return app


class Ledger:
    """The worker's side of the ledger: batches are booked one at a time in a child process
    (its own core), small outbox work runs in a thread."""

    def __init__(self, settings: Settings, epoch: str):
        self.engine, self.epoch = make_engine(settings.ledger_url, writer=True), epoch
        self.booker = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                          initializer=booker.start,
                                          initargs=(settings.ledger_url, epoch, settings.log_level, os.getpid()))
        self.booker.submit(booker.ready)  # spawn the child now, while Faust joins its group
        self.executor = ThreadPoolExecutor(1, thread_name_prefix="kuota-outbox")
        self.stats = Stats()
        self.changed = True  # books changed since the last evaluation (true at start: catch up)
        self.evaluated = 0.0  # monotonic time of the last evaluation

    async def blocking(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(self.executor, partial(fn, *args))

    async def commit(self, fn, *args):
        """Run one transaction to the end even if the agent is being cancelled: acks follow it."""
        fut = asyncio.get_running_loop().run_in_executor(self.booker, fn, *args)
        try:
            return await asyncio.shield(fut)
        except asyncio.CancelledError:
            await asyncio.wait([fut])
            raise


def install_agents(app: faust.App, settings: Settings, ledger: Ledger) -> None:
    raw = dict(key_serializer="raw", value_serializer="raw")
    purchases = app.topic(settings.topic(PURCHASES), **raw)
    suppliers = app.topic(settings.topic(SUPPLIERS), **raw)
    targets = app.topic(settings.topic(TARGETS), **raw)
    rejected = app.topic(settings.topic(REJECTED), **raw)
    alerts_topic = app.topic(settings.topic(ALERTS), **raw)
    outbox = Outbox(ledger.engine, rejected, ledger.blocking)
    alert_outbox = Outbox(ledger.engine, alerts_topic, ledger.blocking, alerts.pending, alerts.mark_published)

    async def consume(stream, fn, topic):
        try:
            async for events in stream.take_events(settings.batch_size, within=settings.batch_within):
                result = await ledger.commit(fn, [_record(e.message) for e in events])
                ledger.stats.add(topic, result)
                ledger.changed = ledger.changed or result.applied > 0
                if result.rejected:
                    await publish_rejections()
        except asyncio.CancelledError:
            raise
        except OffsetsReused as exc:
            # Nothing of the batch was booked (the check runs before any write).
            from streams.worker.epoch import ClusterId, restart

            now = await asyncio.to_thread(ClusterId(settings).current)
            if now and now != ledger.epoch:
                log.warning("%s; the broker is now cluster %s: restarting the worker under the new epoch", exc, now)
                restart()
            log.critical("%s; the broker kept its identity %r, so its topics were recreated: set KUOTA_EPOCH to a "
                         "new value and restart", exc, now)
            logging.shutdown()
            os._exit(78)
        except BaseException:
            # Faust would ack the batch on the way out and its offsets would be committed unbooked.
            # Dying here keeps them uncommitted; the restarted worker books them again.
            log.critical("unexpected error while booking; stopping without committing offsets", exc_info=True)
            logging.shutdown()
            os._exit(70)

    @app.agent(purchases, name="kuota.book_purchases")
    async def book_purchases(stream):
        await consume(stream, booker.book_purchases, purchases.get_topic_name())

    @app.agent(suppliers, name="kuota.register_suppliers")
    async def register_suppliers(stream):
        await consume(stream, booker.register_suppliers, suppliers.get_topic_name())

    @app.agent(targets, name="kuota.register_targets")
    async def register_targets(stream):
        await consume(stream, booker.register_targets, targets.get_topic_name())

    @app.timer(settings.evaluate_every)
    async def evaluate_programs():
        # After a change, and once a minute anyway: period ends and pace move with the clock.
        if not ledger.changed and time.monotonic() - ledger.evaluated < 60:
            return
        ledger.changed, ledger.evaluated = False, time.monotonic()
        try:
            raised = await ledger.commit(booker.evaluate)
        except Exception:
            ledger.changed = True
            log.exception("evaluation failed; it is tried again at the next tick")
            return
        if raised:
            log.info("%d compliance alert(s) raised", raised)
            await send_alerts()

    async def send_alerts():
        # Alerts are kept in the ledger first; what cannot be sent now is sent by the timer.
        try:
            await alert_outbox.flush()
            await alerts.deliver(ledger.engine, settings.webhooks, ledger.blocking)
        except Exception as exc:
            log.warning("could not send alerts yet, will retry: %r", exc)

    async def publish_rejections():
        # Rejections are already kept in the ledger; a failed send is retried by the timer.
        try:
            await outbox.flush()
        except Exception as exc:
            log.warning("could not publish rejections yet, will retry: %r", exc)

    @app.timer(5.0)
    async def publish_leftover_rejections():
        await publish_rejections()
        await send_alerts()

    @app.timer(10.0)
    async def report_progress():
        if line := ledger.stats.line():
            log.info("%s", line)


def _record(message) -> Record:
    return Record(message.topic, message.partition, message.offset, message.value, message.key)
