"""A kafka-python producer set up for the ledger: acknowledged by all replicas, batched."""

from kafka import KafkaProducer

from streams.settings import Settings


def make_producer(settings: Settings, **overrides) -> KafkaProducer:
    options = dict(bootstrap_servers=settings.bootstrap, client_id="kuota-emit", acks="all",
                   linger_ms=5, batch_size=256 * 1024, max_request_size=2 * 1024**2, retries=10)
    options.update(overrides)
    return KafkaProducer(**options)
