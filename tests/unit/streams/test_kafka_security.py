"""Every Kafka client kuota makes gets its transport from one function: nothing with the defaults,
TLS files and SASL credentials in each client library's own words otherwise, and one line naming
the setting when they cannot work."""

import os
import shutil
import ssl
import subprocess

import faust
import pytest

from streams.errors import UsageError
from streams.kafka.broker import broker_for
from streams.kafka.security import kafka_client_options, ssl_context
from streams.settings import Settings

FLAVOURS = ("kafka", "aiokafka", "faust")


@pytest.fixture(autouse=True)
def no_operator_settings(monkeypatch):
    """The developer's own KUOTA_KAFKA_* or KUOTA_DATABASE_* must not decide the outcome."""
    for name in list(os.environ):
        if name.startswith(("KUOTA_KAFKA_", "KUOTA_DATABASE_")):
            monkeypatch.delenv(name)


def settings(**values) -> Settings:
    return Settings(_env_file=None, **values)


@pytest.fixture(scope="module")
def pem(tmp_path_factory):
    """A CA and a client certificate with its key, as an operator would be given them."""
    if shutil.which("openssl") is None:
        pytest.fail("these tests make their certificates with the `openssl` command; install it")
    where = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=kuota test",
                    "-keyout", str(where / "client.key"), "-out", str(where / "client.pem")],
                   check=True, capture_output=True)
    (where / "ca.pem").write_bytes((where / "client.pem").read_bytes())  # self-signed: its own CA
    return where


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_the_defaults_add_nothing_to_any_client(flavour):
    assert kafka_client_options(settings(), flavour) == {}


def test_sasl_plaintext_for_kafka_python_and_aiokafka_names_mechanism_user_and_password():
    s = settings(kafka_security_protocol="SASL_PLAINTEXT", kafka_sasl_username="kuota", kafka_sasl_password="pw1")
    expected = {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": "SCRAM-SHA-256",
                "sasl_plain_username": "kuota", "sasl_plain_password": "pw1"}
    assert kafka_client_options(s, "kafka") == expected
    assert kafka_client_options(s, "aiokafka") == expected


def test_sasl_plaintext_for_faust_is_sasl_credentials_without_tls():
    s = settings(kafka_security_protocol="SASL_PLAINTEXT", kafka_sasl_mechanism="SCRAM-SHA-512",
                 kafka_sasl_username="kuota", kafka_sasl_password="pw1")
    credentials = kafka_client_options(s, "faust")["broker_credentials"]
    assert isinstance(credentials, faust.SASLCredentials)
    assert (credentials.protocol.value, credentials.mechanism.value) == ("SASL_PLAINTEXT", "SCRAM-SHA-512")
    assert (credentials.username, credentials.password, credentials.ssl_context) == ("kuota", "pw1", None)


def test_ssl_for_kafka_python_passes_the_files_and_the_hostname_check(pem):
    s = settings(kafka_security_protocol="SSL", kafka_ssl_cafile=pem / "ca.pem", kafka_ssl_certfile=pem / "client.pem",
                 kafka_ssl_keyfile=pem / "client.key", kafka_ssl_check_hostname=False)
    assert kafka_client_options(s, "kafka") == {
        "security_protocol": "SSL", "ssl_check_hostname": False, "ssl_cafile": str(pem / "ca.pem"),
        "ssl_certfile": str(pem / "client.pem"), "ssl_keyfile": str(pem / "client.key")}


def test_ssl_for_aiokafka_and_faust_is_a_context_that_trusts_the_ca_file(pem):
    s = settings(kafka_security_protocol="SSL", kafka_ssl_cafile=pem / "ca.pem")
    context = kafka_client_options(s, "aiokafka")["ssl_context"]
    assert [c["subject"] for c in context.get_ca_certs()] == [((("commonName", "kuota test"),),)]
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    credentials = kafka_client_options(s, "faust")["broker_credentials"]
    assert isinstance(credentials, faust.SSLCredentials) and credentials.protocol.value == "SSL"
    assert credentials.context.get_ca_certs() == context.get_ca_certs()


def test_sasl_ssl_for_faust_carries_the_context_and_the_credentials(pem):
    s = settings(kafka_security_protocol="SASL_SSL", kafka_sasl_username="kuota", kafka_sasl_password="pw1",
                 kafka_ssl_cafile=pem / "ca.pem", kafka_ssl_certfile=pem / "client.pem",
                 kafka_ssl_keyfile=pem / "client.key")
    credentials = kafka_client_options(s, "faust")["broker_credentials"]
    assert credentials.protocol.value == "SASL_SSL" and credentials.password == "pw1"
    assert credentials.ssl_context.get_ca_certs()
    options = kafka_client_options(s, "aiokafka")
    assert options["security_protocol"] == "SASL_SSL" and isinstance(options["ssl_context"], ssl.SSLContext)


def test_without_a_ca_file_the_system_cas_are_trusted():
    context = ssl_context(settings(kafka_security_protocol="SSL"))
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.cert_store_stats() == ssl.create_default_context().cert_store_stats()


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("missing", [{"kafka_sasl_username": "kuota"}, {"kafka_sasl_password": "pw1"}])
def test_sasl_without_user_or_password_is_one_line_naming_both_settings(flavour, missing):
    with pytest.raises(UsageError) as refused:
        kafka_client_options(settings(kafka_security_protocol="SASL_SSL", **missing), flavour)
    message = str(refused.value)
    assert "KUOTA_KAFKA_SASL_USERNAME" in message and "KUOTA_KAFKA_SASL_PASSWORD" in message
    assert "pw1" not in message and "\n" not in message


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_missing_tls_file_is_named(flavour, tmp_path):
    s = settings(kafka_security_protocol="SSL", kafka_ssl_cafile=tmp_path / "nowhere.pem")
    with pytest.raises(UsageError, match=r"KUOTA_KAFKA_SSL_CAFILE=.*nowhere\.pem: No such file"):
        kafka_client_options(s, flavour)


def test_a_ca_file_that_holds_no_certificate_is_named(tmp_path):
    (tmp_path / "ca.pem").write_text("not a certificate\n")
    with pytest.raises(UsageError, match="KUOTA_KAFKA_SSL_CAFILE=.*no CA certificate"):
        kafka_client_options(settings(kafka_security_protocol="SSL", kafka_ssl_cafile=tmp_path / "ca.pem"), "kafka")


def test_a_key_without_its_certificate_is_refused(pem):
    s = settings(kafka_security_protocol="SSL", kafka_ssl_keyfile=pem / "client.key")
    with pytest.raises(UsageError, match="KUOTA_KAFKA_SSL_KEYFILE is set without KUOTA_KAFKA_SSL_CERTFILE"):
        kafka_client_options(s, "aiokafka")


def test_a_certificate_with_the_wrong_key_is_named(pem, tmp_path):
    (tmp_path / "other.key").write_bytes((pem / "ca.pem").read_bytes())  # a certificate where a key belongs
    s = settings(kafka_security_protocol="SSL", kafka_ssl_certfile=pem / "client.pem",
                 kafka_ssl_keyfile=tmp_path / "other.key")
    with pytest.raises(UsageError, match="KUOTA_KAFKA_SSL_CERTFILE=.*not a certificate and its key"):
        kafka_client_options(s, "faust")


def test_the_embedded_broker_is_not_started_for_a_secured_setting(monkeypatch):
    monkeypatch.setattr("streams.kafka.broker.answers", lambda *a, **k: False)
    with pytest.raises(UsageError, match="embedded broker speaks PLAINTEXT only.*KUOTA_BROKER"):
        with broker_for(settings(kafka_security_protocol="SASL_PLAINTEXT")):
            pass


class Recorded(Exception):
    pass


def recording(kwargs: dict):
    def client(*args, **options):
        kwargs.update(options)
        raise Recorded

    return client


SASL = dict(kafka_security_protocol="SASL_PLAINTEXT", kafka_sasl_username="kuota", kafka_sasl_password="pw1")


def test_the_producer_gets_them(monkeypatch):
    from streams.kafka import producer

    seen: dict = {}
    monkeypatch.setattr(producer, "KafkaProducer", recording(seen))
    with pytest.raises(Recorded):
        producer.make_producer(settings(**SASL))
    assert (seen["security_protocol"], seen["sasl_plain_password"], seen["acks"]) == ("SASL_PLAINTEXT", "pw1", "all")


def test_the_admin_client_that_makes_topics_gets_them(monkeypatch):
    from streams.kafka import topics

    seen: dict = {}
    monkeypatch.setattr(topics, "reachable", lambda s: None)
    monkeypatch.setattr(topics, "KafkaAdminClient", recording(seen))
    with pytest.raises(Recorded):
        topics.admin(settings(**SASL))
    assert (seen["security_protocol"], seen["sasl_mechanism"], seen["client_id"]) == (
        "SASL_PLAINTEXT", "SCRAM-SHA-256", "kuota-admin")


def test_the_epoch_probe_gets_them(monkeypatch):
    from streams.worker import epoch

    seen: dict = {}
    monkeypatch.setattr(epoch, "KafkaAdminClient", recording(seen))
    assert epoch.ClusterId(settings(**SASL)).current() is None  # no broker: asked again later
    assert (seen["security_protocol"], seen["sasl_plain_username"]) == ("SASL_PLAINTEXT", "kuota")


def test_the_worker_app_gets_them_and_keeps_plaintext_by_default():
    from streams.worker.app import create_app

    assert create_app(settings(**SASL)).conf.broker_credentials.password == "pw1"
    assert create_app(settings()).conf.broker_credentials is None
