"""The agents and timers of a worker: each agent hands its stream to the batch loop with the
booking function of its topic; timers evaluate the programs, send what waits in the outboxes and
relay the intake journal to the topics."""

import logging
import time

import faust

from schemas.topics import ALERTS, PURCHASES, REJECTED, SUPPLIERS, TARGETS
from streams.kafka.relay import Relay
from streams.settings import Settings
from streams.worker import consumer, outbound, recorder_process
from streams.worker.bookkeeper import Bookkeeper
from streams.worker.epoch import ClusterId, restart
from streams.worker.feed import Feed, FeedLoop
from streams.worker.outbound import Outbox
from streams.worker.policy import BatchLoop, FailurePolicy

log = logging.getLogger("kuota.worker")


def install_agents(app: faust.App, settings: Settings, books: Bookkeeper) -> None:
    raw = dict(key_serializer="raw", value_serializer="raw")
    purchases, suppliers, targets, rejected, alerts = (
        app.topic(settings.topic(name), **raw) for name in (PURCHASES, SUPPLIERS, TARGETS, REJECTED, ALERTS))
    rejections_out = Outbox.rejections(books.engine, rejected, books.blocking)
    alerts_out = Outbox.alerts(books.engine, alerts, books.blocking)
    registry_out = Outbox.registry_alerts(books.engine, alerts, books.blocking)
    inputs = {PURCHASES: purchases, SUPPLIERS: suppliers, TARGETS: targets}  # journaled events go to these
    # A pinned epoch (KUOTA_EPOCH) is not the broker's cluster id: then there is nothing to compare.
    relay = Relay(books.engine, inputs.__getitem__, books.epoch, books.blocking,
                  cluster_id=None if settings.epoch or not books.epoch else ClusterId(settings).current)

    async def publish_rejections():
        # Rejections are already kept in the ledger; a failed send is retried by the timer.
        try:
            await rejections_out.flush()
        except Exception as exc:
            log.warning("could not publish rejections yet, will retry: %r", exc)

    async def send_alerts():
        # Alerts are kept in the ledger first; what cannot be sent now is sent by the timer.
        try:
            await alerts_out.flush()
            await registry_out.flush()
            await outbound.deliver(books.engine, settings.webhooks, books.blocking, tally=books.metrics.webhook)
        except Exception as exc:
            log.warning("could not send alerts yet, will retry: %r", exc)

    policy = FailurePolicy(books.epoch, ClusterId(settings).current, restart)
    loop = BatchLoop(books.commit, books.booked, policy, size=settings.batch_size, within=settings.batch_within,
                     after_rejections=publish_rejections, timed=books.metrics.batch)

    # Purchases skip Faust's per-record stream work: a fetch at a time to the feed, two batches in
    # flight to the recorder process (streams/worker/feed.py).
    feed = Feed(purchases.get_topic_name())
    consumer.add_feed(app, purchases, feed)
    fed = FeedLoop(feed, settings.batch_size,
                   submit=lambda rows: books.start(recorder_process.book_purchase_rows, feed.topic, rows),
                   ack=lambda spans: app.consumer.ack_spans(spans), booked=books.booked, fail=policy.handle,
                   after_rejections=publish_rejections, timed=books.metrics.batch)

    @app.task
    async def book_purchases():
        await fed.run()

    @app.agent(suppliers, name="kuota.register_suppliers")
    async def register_suppliers(stream):
        await loop.run(stream, recorder_process.register_suppliers, suppliers.get_topic_name())

    @app.agent(targets, name="kuota.register_targets")
    async def register_targets(stream):
        await loop.run(stream, recorder_process.register_targets, targets.get_topic_name())

    @app.task
    async def evaluate_programs():
        # Soon after the books change (the flag the booking path sets is read every
        # `evaluate_every`, so the batches of that moment go into one evaluation), and once a minute
        # anyway: period ends and pace move with the clock. A loop rather than a timer: the next
        # pause starts when the evaluation ends, so two never overlap, however long one takes. The
        # pause is at least twice the last evaluation: on a large ledger, evaluating never takes
        # more than a third of the recorder process from booking.
        pause = settings.evaluate_every
        while not app.should_stop:
            await app.sleep(pause)
            if books.changed or time.monotonic() - books.evaluated >= 60:
                await evaluate_once()
                pause = max(settings.evaluate_every, 2 * (time.monotonic() - books.evaluated))

    async def evaluate_once():
        books.changed, books.evaluated = False, time.monotonic()
        try:
            raised = await books.commit(recorder_process.evaluate)
        except Exception:
            books.changed = True
            log.exception("evaluation failed; it is tried again shortly")
            return
        books.metrics.evaluated(time.monotonic() - books.evaluated, raised)
        if raised:
            log.info("%d alert(s) raised", raised)
            await send_alerts()

    @app.timer(1.0)
    async def relay_journal():
        # What was accepted (HTTP, emit, import) and the current broker never had; on a new
        # broker epoch, everything journaled and not booked.
        try:
            await relay.flush()
        except Exception as exc:
            log.warning("could not relay the journal yet, will retry: %r", exc)

    @app.task
    async def relay_at_start():
        await relay_journal()

    @app.timer(5.0)
    async def send_leftovers():
        await publish_rejections()
        await send_alerts()

    @app.timer(10.0)
    async def report_progress():
        if line := books.stats.line():
            log.info("%s", line)
