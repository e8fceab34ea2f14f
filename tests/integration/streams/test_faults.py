"""The fault suite, small: each scenario of `kuota chaos` with fewer events, exact totals after.

The scenarios compute their own figures; the expectations here are computed again from the
same seeded input (streams.bench.synthetic), so a scenario that miscounted cannot pass.
"""

import orjson
import pytest

from streams.tools import chaos
from streams.tools import hostile
from streams.tools.bench import synthetic
from streams.kafka.broker import binary
from streams.errors import BrokerBinaryMissing
from streams.tools.faults import PostgresMissing, Stage, server_binaries

pytestmark = pytest.mark.integration


def expected(events: int, seed: int) -> tuple[int, int, int]:
    """(suppliers, purchases, sum of purchase amounts) of the scenario's input."""
    suppliers, purchases = synthetic(events, seed=seed)
    return len(suppliers), len(purchases), sum(orjson.loads(v)["amount"] for _, v in purchases)


def assert_exact(result: dict, events: int, seed: int, *, duplicate: int = 0) -> None:
    suppliers, purchases, amount = expected(events, seed)
    assert result["problems"] == []
    assert result["lost"] == 0 and result["counted_twice"] == 0
    assert result["entries"] == purchases == events
    assert result["amount"] == amount
    assert result["receipts"] == {"applied": suppliers + purchases} | ({"duplicate": duplicate} if duplicate else {})


@pytest.fixture
def stage(broker, tmp_path):
    return Stage(broker, f"sqlite:///{tmp_path / 'ledger.db'}", tmp_path)


def test_worker_killed_three_times_mid_stream_books_every_event_once(stage):
    result = chaos.crash(stage, events=20_000, kills=3, seed=11)
    assert result["kills"] == 3
    assert_exact(result, 20_000, 11, duplicate=500)  # the 500 re-sent events are duplicates, not new money


def test_survivor_of_a_killed_worker_takes_its_partitions(stage):
    result = chaos.rebalance(stage, events=12_000, seed=13)
    assert result["rebalances"] >= 1 and result["booked_after_kill"] > 0  # the survivor booked the rest
    assert_exact(result, 12_000, 13)


def test_database_outage_pauses_the_worker_and_loses_nothing(broker, tmp_path):
    try:
        server_binaries()
    except PostgresMissing as exc:
        pytest.skip(f"no private PostgreSQL for the outage: {exc}")
    result = chaos.db_outage(broker, tmp_path, events=10_000, outage=8.0, seed=17)
    assert result["outage_seconds"] >= 8.0
    assert result["retries_logged"] >= 1 and result["recovery_logged"] and result["worker_pid_kept"]
    assert_exact(result, 10_000, 17)


def test_broker_restart_is_closed_by_the_relay_without_re_emitting(tmp_path):
    try:
        binary()
    except BrokerBinaryMissing as exc:
        pytest.skip(f"needs the embedded broker, restarted by the test: {exc}")
    events = 12_000
    result = chaos.broker_restart(tmp_path, f"sqlite:///{tmp_path / 'ledger.db'}", events=events, seed=19)
    suppliers, _, _ = expected(events, 19)
    assert result["epochs"][0] != result["epochs"][1]
    assert result["journaled"] == suppliers + events and result["in_flight"] == 0
    assert result["audit_exit"] == 0
    # What the old broker lost before it was booked came back through the new one.
    assert result["received_new_epoch"] >= suppliers + events - result["booked_before_restart"]
    assert_exact(result, events, 19, duplicate=result["receipts"].get("duplicate", 0))


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_hostile_records_end_rejected_with_their_reason_and_the_worker_stays_up(backend, broker, tmp_path,
                                                                                  request):
    from ledger.db import scratch_schema

    kinds = len(hostile.hostile())
    if backend == "sqlite":
        result = chaos.hostile(Stage(broker, f"sqlite:///{tmp_path / 'ledger.db'}", tmp_path), repeat=2)
    else:
        with scratch_schema(request.getfixturevalue("postgres_url"), "kuota_hostile") as url:
            result = chaos.hostile(Stage(broker, url, tmp_path), repeat=2)
    assert result["problems"] == []
    assert result["hostile_inputs"] == result["rejected_on_topic"] == result["rejected_in_ledger"] == 2 * kinds
    assert result["wrong_or_missing_on_topic"] == result["wrong_or_missing_in_ledger"] == 0
    assert result["controls_applied"] == len(hostile.controls()) and result["worker_restarts"] == 0
    assert result["rss_after_mb"] - result["rss_before_mb"] < 400  # generous: two bursts of 2.6 MB records
