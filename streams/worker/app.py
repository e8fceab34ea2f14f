"""The Faust application: a factory, tuned to join its group in seconds."""

import faust

from streams.kafka.security import kafka_client_options
from streams.settings import Settings
from streams.worker import consumer


def create_app(settings: Settings) -> faust.App:
    """A Faust app for the ledger. Offsets are committed only after the batch's database commit."""
    app = faust.App(
        settings.group_id,
        broker=[f"kafka://{b}" for b in settings.bootstrap],
        store="memory://",
        datadir=str(settings.data_dir / "faust"),  # Faust's own files, kept beside the ledger's, not in the cwd
        web_enabled=False,
        autodiscover=False,
        topic_partitions=settings.partitions,
        topic_allow_declare=False,  # topics are created by streams.kafka.topics, with their configs
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
        **kafka_client_options(settings, "faust"),  # TLS and SASL, when the settings ask for them
    )
    consumer.install(app)  # a cheaper hand-over of each fetched record (streams/worker/consumer.py)
    return app
