"""How every Kafka client kuota creates reaches the broker: plain, TLS, SASL (SCRAM or PLAIN), or
SASL over TLS, from the `KUOTA_KAFKA_*` settings. One function gives the keyword arguments in the
dialect of each client library, so the producer, the admin client, the epoch probe, the Faust
worker and the tools can never disagree. With the defaults (PLAINTEXT) it adds nothing."""

import ssl
from pathlib import Path
from typing import Literal

from streams.errors import UsageError
from streams.settings import Settings

Flavour = Literal["kafka", "aiokafka", "faust"]


def kafka_client_options(settings: Settings, flavour: Flavour) -> dict:
    """Keyword arguments for a client: `kafka` for kafka-python (KafkaProducer, KafkaConsumer,
    KafkaAdminClient), `aiokafka` for AIOKafkaProducer/AIOKafkaConsumer, `faust` for faust.App
    (`broker_credentials`). Raises UsageError, naming the setting, when they cannot work."""
    protocol = settings.kafka_security_protocol
    if protocol == "PLAINTEXT":
        return {}
    tls, sasl = protocol in ("SSL", "SASL_SSL"), protocol.startswith("SASL_")
    username, password = settings.kafka_sasl_username, settings.kafka_sasl_password.get_secret_value()
    if sasl and not (username and password):
        raise UsageError(f"KUOTA_KAFKA_SECURITY_PROTOCOL={protocol} needs KUOTA_KAFKA_SASL_USERNAME and "
                         "KUOTA_KAFKA_SASL_PASSWORD: set both to kuota's user on the broker")
    if flavour == "kafka":
        files = _files(settings) if tls else {}
        options = {"security_protocol": protocol}
        if sasl:
            options.update(sasl_mechanism=settings.kafka_sasl_mechanism, sasl_plain_username=username,
                           sasl_plain_password=password)
        if tls:
            options.update(ssl_check_hostname=settings.kafka_ssl_check_hostname,
                           **{f"ssl_{name}": str(path) for name, path in files.items()})
        return options
    context = ssl_context(settings) if tls else None
    if flavour == "aiokafka":
        options = {"security_protocol": protocol}
        if sasl:
            options.update(sasl_mechanism=settings.kafka_sasl_mechanism, sasl_plain_username=username,
                           sasl_plain_password=password)
        if context is not None:
            options["ssl_context"] = context
        return options
    import faust  # only the worker pays for importing Faust

    if sasl:
        return {"broker_credentials": faust.SASLCredentials(username=username, password=password, ssl_context=context,
                                                            mechanism=settings.kafka_sasl_mechanism)}
    return {"broker_credentials": faust.SSLCredentials(context)}


def ssl_context(settings: Settings) -> ssl.SSLContext:
    """A client TLS context that trusts `kafka_ssl_cafile` (else the system's CAs) and presents
    `kafka_ssl_certfile`/`kafka_ssl_keyfile` when both are set."""
    files = _files(settings)
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=_str(files.get("cafile")))
    context.check_hostname = settings.kafka_ssl_check_hostname
    if "certfile" in files:
        try:
            context.load_cert_chain(str(files["certfile"]), _str(files.get("keyfile")))
        except ssl.SSLError as exc:
            raise UsageError(f"KUOTA_KAFKA_SSL_CERTFILE={files['certfile']} with KUOTA_KAFKA_SSL_KEYFILE="
                             f"{files.get('keyfile', '')}: not a certificate and its key ({exc.reason or exc}); "
                             "give PEM files") from None
    return context


def _files(settings: Settings) -> dict[str, Path]:
    """The TLS files that are set, each checked to be a readable file (else one line naming it)."""
    files = {name: path for name, path in (("cafile", settings.kafka_ssl_cafile),
                                           ("certfile", settings.kafka_ssl_certfile),
                                           ("keyfile", settings.kafka_ssl_keyfile)) if path is not None}
    if "keyfile" in files and "certfile" not in files:
        raise UsageError("KUOTA_KAFKA_SSL_KEYFILE is set without KUOTA_KAFKA_SSL_CERTFILE: set the client "
                         "certificate too, or neither")
    for name, path in files.items():
        try:
            path.read_bytes()
        except OSError as exc:
            raise UsageError(f"KUOTA_KAFKA_SSL_{name.upper()}={path}: {exc.strerror or exc}; give a readable "
                             "PEM file") from None
    if "cafile" in files:
        try:
            ssl.create_default_context(cafile=str(files["cafile"]))
        except ssl.SSLError as exc:
            raise UsageError(f"KUOTA_KAFKA_SSL_CAFILE={files['cafile']}: no CA certificate in it "
                             f"({exc.reason or exc}); give a PEM file") from None
    return files


def _str(path: Path | None) -> str | None:
    return None if path is None else str(path)
