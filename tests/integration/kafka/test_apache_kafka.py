"""kuota on Apache Kafka: the cluster script keeps its word (one bootstrap line once every broker
answers, a second start restarts only what is down, stop ends every process); purchases another
Kafka client sends are booked once; kuota's topics are replicated three times with two replicas
in sync; and the whole path runs over SASL/SCRAM and TLS."""

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from kafka import KafkaAdminClient, KafkaProducer
from kafka.admin import ConfigResource, ConfigResourceType, NewTopic

from schemas.topics import TOPICS
from streams.kafka.topics import ensure_topics, probe
from streams.settings import Settings
from tests.conftest import running_worker, wait_until
from tests.integration.helpers import kuota, purchase, receipts, report_json, sqlite_ledger, write_jsonl
from tests.integration.kafka.conftest import alive, apache_kafka, cluster_script

pytestmark = [pytest.mark.integration, pytest.mark.kafka_cluster]

TOOLS = Path(__file__).parents[2] / "tools"
BUYERS = ("opd-3216-dinkes", "opd-3216-diskominfo", "opd-3216-pupr")


def admin(bootstrap: str, **security) -> KafkaAdminClient:
    return KafkaAdminClient(bootstrap_servers=bootstrap.split(","), client_id="kuota-test", **security)


def test_start_prints_one_bootstrap_line_once_every_broker_answers(kafka_cluster):
    assert re.fullmatch(r"bootstrap=127\.0\.0\.1:\d+,127\.0\.0\.1:\d+,127\.0\.0\.1:\d+\n", kafka_cluster.said)
    assert len(set(kafka_cluster.addresses)) == 3
    assert [probe(address) for address in kafka_cluster.addresses] == [None, None, None]
    client = admin(kafka_cluster.bootstrap)
    try:
        brokers = client.describe_cluster()["brokers"]
    finally:
        client.close()
    assert sorted(f"{b['host']}:{b['port']}" for b in brokers) == sorted(kafka_cluster.addresses)
    assert not any(b["is_fenced"] for b in brokers)

    pids = kafka_cluster.pids()
    again = cluster_script("start", "--brokers", "3", "--dir", str(kafka_cluster.directory))
    assert (again.returncode, again.stdout) == (0, kafka_cluster.said), again.stderr
    assert kafka_cluster.pids() == pids  # everything was running: nothing started twice


def test_start_again_brings_back_a_killed_broker_on_its_data_and_stop_ends_it(tmp_path):
    with apache_kafka(tmp_path / "cluster", "--brokers", "1") as cluster:
        client = admin(cluster.bootstrap)
        try:
            client.create_topics([NewTopic("kept", 1, 1)])
        finally:
            client.close()
        [killed] = cluster.pids()
        os.kill(killed, signal.SIGKILL)
        wait_until(lambda: not alive(killed), timeout=30, what="the broker killed")

        again = cluster_script("start", "--brokers", "1", "--dir", str(cluster.directory))
        assert (again.returncode, again.stdout) == (0, cluster.said), again.stderr
        [restarted] = cluster.pids()
        assert restarted != killed and alive(restarted)
        client = admin(cluster.bootstrap)
        try:
            assert "kept" in client.list_topics()
        finally:
            client.close()
        other = cluster_script("start", "--brokers", "3", "--dir", str(cluster.directory))
        assert other.returncode == 1 and "holds another cluster" in other.stderr
        assert len(other.stderr.strip().splitlines()) == 1
    assert not alive(restarted)
    assert "nothing running" in cluster_script("stop", "--dir", str(cluster.directory)).stdout


def _kafka_python(bootstrap: str, topic: str, keyed: list[tuple[str, str]]) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap.split(","), acks="all")
    try:
        for key, line in keyed:
            producer.send(topic, key=key.encode(), value=line.encode())
        producer.flush(timeout=60)
    finally:
        producer.close()


def _kafkajs(bootstrap: str, topic: str, keyed: list[tuple[str, str]]) -> None:
    if shutil.which("node") is None or not (TOOLS / "node_modules" / "kafkajs").is_dir():
        pytest.skip("kafkajs is not installed (scripts/ensure-test-tools installs it)")
    lines: dict[str, list[str]] = {}
    for key, line in keyed:
        lines.setdefault(key, []).append(line)
    for key, these in lines.items():
        subprocess.run(["node", str(TOOLS / "kafkajs-produce.js"), bootstrap.split(",")[0], topic, key],
                       input="\n".join(these) + "\n", text=True, check=True, timeout=120)


@pytest.mark.parametrize("send", [_kafka_python, _kafkajs], ids=["kafka-python", "kafkajs"])
def test_purchases_another_client_sends_to_the_cluster_are_booked_once(send, kuota_env, tmp_path):
    url = sqlite_ledger(tmp_path)
    env = kuota_env(url)
    ensure_topics(Settings(_env_file=None, broker=env["KUOTA_BROKER"], topic_prefix=env["KUOTA_TOPIC_PREFIX"]))
    docs = [purchase(f"apache-{i:05d}", 1_000_000 + i, buyer=BUYERS[i % 3]) for i in range(300)]
    keyed = [(d["buyer"]["id"], json.dumps(d)) for d in docs]
    send(env["KUOTA_BROKER"], env["KUOTA_TOPIC_PREFIX"] + "kuota.purchases.v1", keyed + keyed[:40])  # 40 twice

    with running_worker(env, tmp_path / "worker.log"):
        wait_until(lambda: sum(receipts(url).values()) == 340, timeout=120, what="every record decided")
    assert receipts(url) == {"applied": 300, "duplicate": 40}
    totals = Counter()
    for d in docs:
        totals[d["buyer"]["id"]] += d["amount"]
    assert {line["buyer_id"]: line["total"] for line in report_json(env)} == dict(totals)
    assert "AUDIT OK" in kuota(env, "audit").stdout


@pytest.mark.parametrize("settings, replicas, in_sync", [
    ({}, 3, "2"),
    ({"replication_factor": 2, "min_insync_replicas": 1}, 2, "1"),
], ids=["defaults", "settings"])
def test_topics_kuota_creates_are_replicated_as_the_settings_say(kafka_cluster, settings, replicas, in_sync):
    prefix = f"rf{time.monotonic_ns()}."
    ensure_topics(Settings(_env_file=None, broker=kafka_cluster.bootstrap, topic_prefix=prefix, **settings))
    names = [prefix + t.name for t in TOPICS]
    client = admin(kafka_cluster.bootstrap)
    try:
        described = client.describe_topics(names)
        configs = _own_configs(client, names)
    finally:
        client.close()
    assert sorted(t["name"] for t in described) == sorted(names)
    assert {len(p["replica_nodes"]) for t in described for p in t["partitions"]} == {replicas}
    assert {name: configs[name]["min.insync.replicas"] for name in names} == dict.fromkeys(names, in_sync)
    assert all(configs[prefix + t.name]["cleanup.policy"] == "compact" for t in TOPICS if t.compacted)


def _own_configs(client: KafkaAdminClient, names: list[str]) -> dict[str, dict[str, str]]:
    """The configs each topic was created with, once the broker asked knows them all (brokers
    apply a new topic's metadata a moment after the controller has it)."""
    found: dict[str, dict[str, str]] = {}

    def known() -> bool:
        answer = client.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name) for name in names])
        found.update({name: {key: c["value"] for key, c in configs.items()} for name, configs in answer["topic"].items()})
        return all("min.insync.replicas" in found.get(name, {}) for name in names)

    wait_until(known, timeout=30, what="the topics' configs")
    return found


def test_purchases_over_sasl_scram_and_tls_are_booked_and_stop_ends_every_broker(kuota_env, tmp_path):
    password = secrets.token_hex(12)
    with apache_kafka(tmp_path / "secure", "--brokers", "3", "--tls", "--scram", f"kuota:{password}") as secure:
        assert all(probe(address) is not None for address in secure.addresses)  # no plain Kafka on them
        url = sqlite_ledger(tmp_path)
        env = dict(kuota_env(url), KUOTA_BROKER=secure.bootstrap, KUOTA_KAFKA_SECURITY_PROTOCOL="SASL_SSL",
                   KUOTA_KAFKA_SASL_MECHANISM="SCRAM-SHA-512", KUOTA_KAFKA_SASL_USERNAME="kuota",
                   KUOTA_KAFKA_SASL_PASSWORD=password, KUOTA_KAFKA_SSL_CAFILE=str(secure.directory / "tls" / "ca.pem"))
        events = tmp_path / "purchases.jsonl"
        write_jsonl(events, [purchase(f"secure-{i:04d}", 500_000, buyer=BUYERS[i % 3]) for i in range(60)])
        assert "60 sent, 0 invalid" in kuota(env, "emit", str(events)).stdout
        with running_worker(env, tmp_path / "worker.log"):
            wait_until(lambda: receipts(url).get("applied") == 60, timeout=120, what="purchases booked over SASL_SSL")
        assert "AUDIT OK" in kuota(env, "audit").stdout
        pids = secure.pids()
    assert len(pids) == 3 and not any(alive(pid) for pid in pids)
