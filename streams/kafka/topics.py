"""The contract's topics on a broker, created idempotently with kafka-python's admin client, after
a probe that tells an operator within seconds whether a Kafka broker answers, nothing does, or
something else does (kafka-python alone retries for half a minute and then says only "no broker").
On a cluster of three brokers or more they are replicated three times and a write needs two
replicas (`replication`), so losing one broker loses nothing acknowledged."""

import logging
import socket
import ssl
import struct
import time

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import InvalidReplicationFactorError, KafkaError, TopicAlreadyExistsError

from schemas.topics import TOPICS
from streams.errors import BrokerUnavailable, UsageError
from streams.kafka.security import kafka_client_options, ssl_context
from streams.settings import Settings

log = logging.getLogger("kuota.topics")
COMPACTED = {"cleanup.policy": "compact"}
NOTHING = "nothing answers at"
WHAT_TO_DO = "start one with `kuota up` (or `kuota broker`), or set KUOTA_BROKER to a Kafka broker's host:port"
# ApiVersions v0 (key 18), the request every Kafka client sends first and every broker answers.
_API_VERSIONS, _CORRELATION, _CLIENT = 18, 0x6B756F74, b"kuota-probe"
_ALSO = {False: "", True: ", KUOTA_KAFKA_SASL_MECHANISM and kuota's user and password (KUOTA_KAFKA_SASL_USERNAME, "
                          "KUOTA_KAFKA_SASL_PASSWORD) on the broker"}


def layout(settings: Settings, brokers: int) -> list[NewTopic]:
    factor, configs = replication(settings, brokers)
    return [NewTopic(settings.topic(t.name), 1 if t.single_partition else settings.partitions, factor,
                     topic_configs={**configs, **(COMPACTED if t.compacted else {})}) for t in TOPICS]


def replication(settings: Settings, brokers: int) -> tuple[int, dict[str, str]]:
    """Replicas of each new topic and the topic configs that go with them, on a cluster of `brokers`:
    KUOTA_REPLICATION_FACTOR, else as many as there are brokers up to three; min.insync.replicas
    KUOTA_MIN_INSYNC_REPLICAS, else 2 once there are three replicas, else the broker's default."""
    factor = settings.replication_factor or min(3, brokers)
    insync = settings.min_insync_replicas or (2 if factor >= 3 else None)
    if factor > brokers:
        raise UsageError(f"KUOTA_REPLICATION_FACTOR={factor}, but the cluster at {settings.broker} has {brokers} "
                         "broker(s): lower it, or add brokers")
    if insync is not None and insync > factor:
        raise UsageError(f"KUOTA_MIN_INSYNC_REPLICAS={insync} is more than the {factor} replica(s) of each topic: "
                         "no write could be acknowledged; lower it")
    return factor, {} if insync is None else {"min.insync.replicas": str(insync)}


def probe(address: str, timeout: float = 2.0, tls: ssl.SSLContext | None = None) -> str | None:
    """None when a Kafka broker answers at `address` (host:port); otherwise what happened instead,
    in words for the operator: nothing listens, or something that is not Kafka does. With `tls`
    the request goes over TLS, as the clients' will (KUOTA_KAFKA_SECURITY_PROTOCOL=SSL, SASL_SSL)."""
    host, _, port = address.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    try:
        conn = socket.create_connection((host, int(port)), timeout)
    except ValueError:
        return f"{address!r} is not host:port"
    except OSError as exc:
        return f"{NOTHING} {address} ({exc.strerror or exc})"
    if tls is not None:
        try:
            conn = tls.wrap_socket(conn, server_hostname=host)
        except (ssl.SSLError, ssl.CertificateError, OSError) as exc:
            conn.close()
            return (f"the TLS handshake with {address} failed ({getattr(exc, 'reason', None) or exc}); check "
                    "KUOTA_KAFKA_SSL_CAFILE and KUOTA_KAFKA_SSL_CHECK_HOSTNAME, or that this listener speaks TLS")
    with conn:
        body = struct.pack(">hhih", _API_VERSIONS, 0, _CORRELATION, len(_CLIENT)) + _CLIENT
        try:
            conn.sendall(struct.pack(">i", len(body)) + body)
            head = _read(conn, 8)
        except socket.timeout:
            return f"something at {address} accepted TCP but did not answer a Kafka request within {timeout:.0f}s"
        except OSError:
            head = b""
    if not head:
        return f"something at {address} accepted TCP but closed the connection: it does not speak Kafka"
    size, correlation = struct.unpack(">ii", head) if len(head) == 8 else (0, 0)
    if correlation != _CORRELATION or not 6 <= size <= 1 << 20:
        return f"something at {address} answered, but not in Kafka's protocol (it began {head[:8]!r})"
    return None


def _read(conn: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n and (chunk := conn.recv(n - len(data))):
        data += chunk
    return data


def reachable(settings: Settings, wait: float = 3.0) -> None:
    """Return once a Kafka broker answers at one of the bootstrap addresses; else raise
    BrokerUnavailable saying what each address did instead. Where nothing listens, ask again for
    `wait` seconds (a broker may be starting); something that is not Kafka will not become one."""
    deadline = time.monotonic() + wait
    tls = ssl_context(settings) if settings.kafka_security_protocol in ("SSL", "SASL_SSL") else None
    while True:
        problems = []
        for address in settings.bootstrap:
            if (problem := probe(address, tls=tls)) is None:
                return
            problems.append(problem)
        starting = all(p.startswith(NOTHING) for p in problems)
        if not starting or time.monotonic() + 0.5 > deadline:
            raise BrokerUnavailable(f"{'; '.join(problems)}; {WHAT_TO_DO}")
        time.sleep(0.5)


def admin(settings: Settings, wait: float = 10.0) -> KafkaAdminClient:
    reachable(settings)
    options = kafka_client_options(settings, "kafka")
    sasl = settings.kafka_security_protocol.startswith("SASL_")
    deadline = time.monotonic() + wait
    while True:
        try:
            return KafkaAdminClient(bootstrap_servers=settings.bootstrap, client_id="kuota-admin",
                                    request_timeout_ms=10_000, **options)
        except KafkaError as exc:
            if time.monotonic() > deadline:
                # It spoke Kafka to the probe: the usual cause is an advertised listener this host cannot reach.
                raise BrokerUnavailable(f"a Kafka broker answers at {settings.broker} but its client could not use "
                                        f"it ({exc}); check the broker's advertised listeners{_ALSO[sasl]}") from exc
            time.sleep(0.5)


def ensure_topics(settings: Settings) -> str:
    """Create missing topics; return the cluster id (the epoch receipts are kept under)."""
    client = admin(settings)
    try:
        cluster = client.describe_cluster()  # its brokers include fenced ones: the size, not who is up now
        existing = set(client.list_topics())
        for topic in layout(settings, len(cluster.get("brokers") or ()) or 1):
            if topic.name in existing:
                continue
            try:
                client.create_topics([topic])
                log.info("created topic %s (%d partitions, %d replicas)", topic.name, topic.num_partitions,
                         topic.replication_factor)
            except TopicAlreadyExistsError:
                pass  # another worker was first
            except InvalidReplicationFactorError as exc:
                raise BrokerUnavailable(f"topic {topic.name} needs {topic.replication_factor} replicas and fewer "
                                        f"brokers are up ({exc}); start the brokers that are down, or set "
                                        "KUOTA_REPLICATION_FACTOR") from exc
        return cluster.get("cluster_id") or ""
    finally:
        client.close()
