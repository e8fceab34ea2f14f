"""A kafka-python producer set up for the ledger: acknowledged by all in-sync replicas, idempotent
(a batch retried after a lost answer is written once), batched."""

from kafka import KafkaProducer
from kafka.errors import KafkaError

from streams.errors import BrokerUnavailable
from streams.kafka.security import kafka_client_options
from streams.kafka.topics import WHAT_TO_DO
from streams.settings import Settings

MAX_REQUEST = 2 * 1024**2  # above the ledger's 1 MB `too_large`, so such a record still reaches the worker


def make_producer(settings: Settings, **overrides) -> KafkaProducer:
    # Idempotence asked for by name: an override that would switch it off raises instead of doing so quietly.
    options = dict(bootstrap_servers=settings.bootstrap, client_id="kuota-emit", acks="all", enable_idempotence=True,
                   linger_ms=5, batch_size=256 * 1024, max_request_size=MAX_REQUEST, retries=10,
                   **kafka_client_options(settings, "kafka"))
    options.update(overrides)
    try:
        return KafkaProducer(**options)
    except KafkaError as exc:  # NoBrokersAvailable: it went away since the topics were made, or never was
        raise BrokerUnavailable(f"the producer reached no broker at {settings.broker} ({exc}); {WHAT_TO_DO}") from exc
