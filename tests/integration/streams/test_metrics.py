"""Observability on a real broker: a worker's counts reach the API's /metrics (another process,
through the metrics files) equal to what was sent; /ready answers 503 until a worker is in the
group; the worker logs JSON lines when asked to."""

import json
import os

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from ledger.db import migrate
from streams.settings import Settings
from streams.web.app import create_api
from streams.worker.metrics import clear_own
from tests.conftest import running_worker, wait_until
from tests.integration.helpers import kuota, purchase, receipts, sqlite_ledger, write_jsonl

pytestmark = pytest.mark.integration

LOOPBACK = ("127.0.0.1", 40000)


def samples(api: TestClient) -> dict[tuple[str, frozenset], float]:
    response = api.get("/metrics")
    assert response.status_code == 200, response.text
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(response.text) for s in family.samples}


def value(api: TestClient, name: str, **labels) -> float | None:
    return samples(api).get((name, frozenset(labels.items())))


def total(api: TestClient, name: str, **labels) -> float:
    """Sum of `name` over every series whose labels include `labels`."""
    return sum(v for (n, ls), v in samples(api).items() if n == name and set(labels.items()) <= ls)


@pytest.fixture
def ledger(tmp_path) -> str:
    return sqlite_ledger(tmp_path)


def test_metrics_count_what_the_worker_booked_and_ready_follows_the_group(ledger, kuota_env, tmp_path):
    env = kuota_env(ledger, KUOTA_LOG_FORMAT="json")
    topic = env["KUOTA_TOPIC_PREFIX"] + "kuota.purchases.v1"
    settings = Settings(broker=env["KUOTA_BROKER"], database_url=ledger, data_dir=tmp_path,
                        group_id=env["KUOTA_GROUP_ID"], topic_prefix=env["KUOTA_TOPIC_PREFIX"])
    events = tmp_path / "events.jsonl"
    valid = [purchase(f"buy-0000000{n}", 1_000_000 * n) for n in (1, 2, 3)]
    write_jsonl(events, [*valid, valid[0], purchase("bad-00000001", 125000.0)])
    with events.open("a") as f:
        f.write('{"type": "purchase.recorded", "schema_version": 1,\n')  # cut off
    kuota(env, "emit", "--no-validate", str(events))  # 3 valid, 1 duplicate, 2 rejected

    with TestClient(create_api(settings), client=LOOPBACK) as api:
        before = api.get("/ready")
        assert before.status_code == 503
        assert before.json()["failed"] == ["workers"], before.json()
        assert before.json()["checks"]["database"] == before.json()["checks"]["broker"] == "ok"
        assert total(api, "kuota_records_received_total") == 0
        assert value(api, "kuota_consumer_lag", topic=topic, partition="0") is not None  # read from the broker
        waiting = total(api, "kuota_consumer_lag", topic=topic)  # all of it
        # The embedded broker reports a partition's end as its last batch's first offset + 1.
        assert waiting == 6 if os.environ.get("KUOTA_TEST_BROKER_KIND") == "kafka" else 0 < waiting <= 6

        log = tmp_path / "worker.log"
        with running_worker(env, log):
            wait_until(lambda: api.get("/ready").status_code == 200, timeout=60, what="/ready with a worker")
            wait_until(lambda: total(api, "kuota_records_received_total", topic=topic) == 6, timeout=60,
                       what="the worker's counts in /metrics")
            assert receipts(ledger) == {"applied": 3, "duplicate": 1, "rejected": 2}
            assert value(api, "kuota_records_applied_total", topic=topic) == 3
            assert value(api, "kuota_records_duplicate_total", topic=topic) == 1
            assert value(api, "kuota_records_rejected_total", topic=topic, reason="invalid_json") == 1
            assert value(api, "kuota_records_rejected_total", topic=topic, reason="schema_violation") == 1
            assert value(api, "kuota_batch_size_sum", topic=topic) == 6
            batches = value(api, "kuota_batch_size_count", topic=topic)
            assert batches >= 1 and value(api, "kuota_booking_seconds_count", topic=topic) == batches
            wait_until(lambda: total(api, "kuota_evaluation_seconds_count") >= 1, timeout=30, what="an evaluation")
            assert value(api, "kuota_group_members") == 1
            # Offsets are committed a second after the acks; rejections are published after their batch.
            wait_until(lambda: total(api, "kuota_consumer_lag", topic=topic) == 0, timeout=30, what="no lag")
            wait_until(lambda: value(api, "kuota_outbox_backlog", outbox="rejections") == 0, timeout=30,
                       what="rejections published")
            assert value(api, "kuota_outbox_backlog", outbox="alerts") == 0

        # A stopped worker's counts stay in the totals.
        assert total(api, "kuota_records_received_total", topic=topic) == 6
        if os.environ.get("KUOTA_TEST_BROKER_KIND") == "kafka":  # the embedded broker keeps a left member listed
            wait_until(lambda: api.get("/ready").status_code == 503, timeout=30, what="/ready without a worker")

    lines = [line for line in log.read_text().splitlines() if line.strip()]
    docs = [json.loads(line) for line in lines]  # every line a JSON object
    assert docs and all({"time", "level", "logger", "message", "process"} <= set(d) for d in docs)
    assert any(d["logger"] == "faust.worker" and d["message"].endswith("Ready") for d in docs)  # Faust's own too


def test_metrics_are_for_loopback_unless_a_network_is_allowed(tmp_path):
    settings = Settings(broker="127.0.0.1:1", database_url=f"sqlite:///{tmp_path / 'k.db'}", data_dir=tmp_path)
    migrate(settings.ledger_url)
    with TestClient(create_api(settings), client=("203.0.113.7", 40000)) as outside:
        refused = outside.get("/metrics")
        assert refused.status_code == 403 and "KUOTA_METRICS_ALLOW" in refused.json()["detail"]
    allowed = settings.model_copy(update={"metrics_allow": "203.0.113.0/24"})
    with TestClient(create_api(allowed), client=("203.0.113.7", 40000)) as inside:
        answer = inside.get("/metrics")
        assert answer.status_code == 200 and "kuota_outbox_backlog" in answer.text


def test_a_starting_worker_clears_only_its_own_stale_files(tmp_path):
    mine, other = tmp_path / f"counter_{os.getpid()}.db", tmp_path / "counter_1.db"
    mine.write_bytes(b"stale"), other.write_bytes(b"another worker's")
    clear_own(tmp_path, os.getpid())
    assert not mine.exists() and other.read_bytes() == b"another worker's"
