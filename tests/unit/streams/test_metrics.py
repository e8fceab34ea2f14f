"""The worker's metrics as Prometheus reads them: names, labels, and what one batch, one
evaluation and one webhook attempt add; the batch loop times every batch; who may scrape."""

from collections import Counter
from types import SimpleNamespace

import pytest
from kafka.structs import OffsetAndMetadata

from ledger.books.intake import BatchResult
from streams.settings import Settings
from streams.web.probes import Probes, _lag
from streams.worker.metrics import WorkerMetrics
from streams.worker.policy import BatchLoop

TOPIC = "kuota.purchases.v1"


def families(metrics: WorkerMetrics) -> dict[str, tuple[str, set[str]]]:
    """name -> (type, label names) of every family the worker exposes."""
    found = {}
    for family in metrics.registry.collect():
        labels = {name for sample in family.samples for name in sample.labels if name != "le"}
        found[family.name] = (family.type, labels)
    return found


def value(metrics: WorkerMetrics, name: str, **labels) -> float | None:
    return metrics.registry.get_sample_value(name, labels)


def test_the_worker_exposes_its_metrics_under_kuota_names_with_these_labels():
    metrics = WorkerMetrics()
    metrics.booked(TOPIC, BatchResult(applied=1, duplicate=1, rejected=Counter({"invalid_json": 1}), skipped=1))
    metrics.batch(TOPIC, 4, 0.2)
    metrics.evaluated(0.05, 1)
    metrics.webhook(204)
    assert families(metrics) == {
        "kuota_records_received": ("counter", {"topic"}),
        "kuota_records_applied": ("counter", {"topic"}),
        "kuota_records_duplicate": ("counter", {"topic"}),
        "kuota_records_rejected": ("counter", {"topic", "reason"}),
        "kuota_records_redelivered": ("counter", {"topic"}),
        "kuota_batch_size": ("histogram", {"topic"}),
        "kuota_booking_seconds": ("histogram", {"topic"}),
        "kuota_evaluation_seconds": ("histogram", set()),
        "kuota_alerts_raised": ("counter", set()),
        "kuota_webhook_deliveries": ("counter", {"result"}),
    }


def test_a_batch_adds_its_outcomes_by_topic_and_rejections_by_reason():
    metrics = WorkerMetrics()
    metrics.booked(TOPIC, BatchResult(applied=5, duplicate=2, rejected=Counter({"invalid_json": 1,
                                                                                "schema_violation": 2})))
    metrics.booked(TOPIC, BatchResult(applied=1, skipped=3))
    assert value(metrics, "kuota_records_received_total", topic=TOPIC) == 11  # redeliveries are not received again
    assert value(metrics, "kuota_records_applied_total", topic=TOPIC) == 6
    assert value(metrics, "kuota_records_duplicate_total", topic=TOPIC) == 2
    assert value(metrics, "kuota_records_rejected_total", topic=TOPIC, reason="schema_violation") == 2
    assert value(metrics, "kuota_records_rejected_total", topic=TOPIC, reason="invalid_json") == 1
    assert value(metrics, "kuota_records_redelivered_total", topic=TOPIC) == 3


def test_batch_sizes_and_booking_times_land_in_their_buckets():
    metrics = WorkerMetrics()
    metrics.batch(TOPIC, 4000, 0.3)
    metrics.batch(TOPIC, 7, 0.01)
    assert value(metrics, "kuota_batch_size_count", topic=TOPIC) == 2
    assert value(metrics, "kuota_batch_size_sum", topic=TOPIC) == 4007
    assert value(metrics, "kuota_batch_size_bucket", topic=TOPIC, le="10.0") == 1
    assert value(metrics, "kuota_booking_seconds_bucket", topic=TOPIC, le="0.5") == 2
    assert value(metrics, "kuota_booking_seconds_bucket", topic=TOPIC, le="0.25") == 1


def test_evaluations_count_the_alerts_they_raised_and_webhook_attempts_count_by_result():
    metrics = WorkerMetrics()
    metrics.evaluated(0.1, 0)
    metrics.evaluated(0.2, 3)
    for status in (204, 200, 503, None):
        metrics.webhook(status)
    assert value(metrics, "kuota_evaluation_seconds_count") == 2
    assert value(metrics, "kuota_alerts_raised_total") == 3
    assert [value(metrics, "kuota_webhook_deliveries_total", result=r) for r in ("delivered", "refused", "error")] \
        == [2, 1, 1]


def test_two_workers_in_one_process_do_not_collide():
    # Each has its own registry: a test process builds several bookkeepers.
    WorkerMetrics().booked(TOPIC, BatchResult(applied=1))
    assert value(WorkerMetrics(), "kuota_records_applied_total", topic=TOPIC) is None


async def test_the_batch_loop_reports_each_batch_size_and_time_after_its_commit():
    timed, log = [], []

    class Stream:
        async def take_events(self, size, within):
            for offsets in ([0, 1, 2], [3]):
                yield [SimpleNamespace(message=SimpleNamespace(topic=TOPIC, partition=0, offset=o, value=b"{}",
                                                               key=b"k")) for o in offsets]

    async def commit(book, records):
        log.append(("commit", len(records)))
        return BatchResult(applied=len(records))

    def record_time(topic, size, seconds):
        log.append(("timed", size))
        timed.append((topic, size, seconds))

    async def nothing():
        pass

    loop = BatchLoop(commit, lambda *_: None, None, size=10, within=0.1, after_rejections=nothing, timed=record_time)
    await loop.run(Stream(), None, TOPIC)
    assert log == [("commit", 3), ("timed", 3), ("commit", 1), ("timed", 1)]
    assert [(t, n) for t, n, _ in timed] == [(TOPIC, 3), (TOPIC, 1)] and all(s >= 0 for *_, s in timed)


@pytest.mark.parametrize("host, allowed, may", [
    ("127.0.0.1", "", True), ("::1", "", True), ("::ffff:127.0.0.1", "", True),
    ("203.0.113.7", "", False), ("testclient", "", False), (None, "", False),
    ("172.18.0.5", "172.16.0.0/12", True), ("203.0.113.7", "172.16.0.0/12,10.0.0.0/8", False),
])
def test_only_loopback_and_allowed_networks_may_read_metrics(host, allowed, may):
    probes = Probes(Settings(metrics_allow=allowed), engine=None)
    try:
        assert probes.may_scrape(host) is may
    finally:
        probes.close()


def test_a_bad_network_in_metrics_allow_is_refused_at_start():
    with pytest.raises(ValueError, match="metrics_allow"):
        Settings(metrics_allow="172.16.0.0/12,kantor")


@pytest.mark.parametrize("end, start, committed, lag", [
    (100, 0, OffsetAndMetadata(60, "", -1), 40),
    (100, 0, None, 100),  # nothing committed yet: all of it waits
    (100, 30, OffsetAndMetadata(-1, "", -1), 70),  # no commit, compacted start
    (100, 0, OffsetAndMetadata(100, "", -1), 0),
])
def test_lag_is_what_lies_beyond_the_committed_offset(end, start, committed, lag):
    assert _lag(end, start, committed) == lag
