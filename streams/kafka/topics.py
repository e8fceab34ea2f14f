"""The contract's topics on a broker, created idempotently with kafka-python's admin client."""

import logging
import time

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from schemas.topics import TOPICS
from streams.errors import BrokerUnavailable
from streams.settings import Settings

log = logging.getLogger("kuota.topics")
COMPACTED = {"cleanup.policy": "compact"}


def layout(settings: Settings) -> list[NewTopic]:
    return [NewTopic(settings.topic(t.name), 1 if t.single_partition else settings.partitions, 1,
                     topic_configs=COMPACTED if t.compacted else None) for t in TOPICS]


def admin(settings: Settings, wait: float = 30.0) -> KafkaAdminClient:
    deadline = time.monotonic() + wait
    while True:
        try:
            return KafkaAdminClient(bootstrap_servers=settings.bootstrap, client_id="kuota-admin",
                                    request_timeout_ms=10_000)
        except KafkaError as exc:
            if time.monotonic() > deadline:
                raise BrokerUnavailable(f"no broker answers at {settings.broker}: {exc}") from exc
            time.sleep(0.5)


def ensure_topics(settings: Settings) -> str:
    """Create missing topics; return the cluster id (the epoch receipts are kept under)."""
    client = admin(settings)
    try:
        existing = set(client.list_topics())
        for topic in layout(settings):
            if topic.name in existing:
                continue
            try:
                client.create_topics([topic])
                log.info("created topic %s (%d partitions)", topic.name, topic.num_partitions)
            except TopicAlreadyExistsError:
                pass  # another worker was first
        return client.describe_cluster().get("cluster_id") or ""
    finally:
        client.close()
