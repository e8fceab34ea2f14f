"""The transport-security settings as an operator gives them: KUOTA_* variables, a password that
never shows, one line for a wrong value, and PostgreSQL's TLS carried in the URL psycopg receives."""

import os

import pytest
from pydantic import ValidationError
from sqlalchemy.engine import make_url

from streams.errors import ending
from streams.settings import Settings


@pytest.fixture(autouse=True)
def no_operator_settings(monkeypatch):
    """The developer's own KUOTA_KAFKA_* or KUOTA_DATABASE_* must not decide the outcome."""
    for name in list(os.environ):
        if name.startswith(("KUOTA_KAFKA_", "KUOTA_DATABASE_")):
            monkeypatch.delenv(name)


def from_env(monkeypatch, **variables) -> Settings:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return Settings(_env_file=None)


def test_defaults_are_plaintext_kafka_and_postgres_as_the_url_says():
    s = Settings(_env_file=None)
    assert (s.kafka_security_protocol, s.kafka_sasl_mechanism, s.kafka_ssl_check_hostname) == (
        "PLAINTEXT", "SCRAM-SHA-256", True)
    assert s.kafka_ssl_cafile is None and s.database_sslmode == "" and s.database_sslrootcert is None


def test_kafka_settings_come_from_the_environment_and_the_password_never_shows(monkeypatch, tmp_path):
    s = from_env(monkeypatch, KUOTA_KAFKA_SECURITY_PROTOCOL="SASL_SSL", KUOTA_KAFKA_SASL_MECHANISM="SCRAM-SHA-512",
                 KUOTA_KAFKA_SASL_USERNAME="kuota", KUOTA_KAFKA_SASL_PASSWORD="Pw-from-env",
                 KUOTA_KAFKA_SSL_CAFILE=str(tmp_path / "ca.pem"), KUOTA_KAFKA_SSL_CHECK_HOSTNAME="false")
    assert (s.kafka_security_protocol, s.kafka_sasl_mechanism, s.kafka_sasl_username) == (
        "SASL_SSL", "SCRAM-SHA-512", "kuota")
    assert s.kafka_sasl_password.get_secret_value() == "Pw-from-env"
    assert s.kafka_ssl_cafile == tmp_path / "ca.pem" and s.kafka_ssl_check_hostname is False
    assert "Pw-from-env" not in repr(s) and "Pw-from-env" not in str(s.model_dump())


@pytest.mark.parametrize("variable, value", [("KUOTA_KAFKA_SECURITY_PROTOCOL", "TLS"),
                                             ("KUOTA_KAFKA_SASL_MECHANISM", "GSSAPI"),
                                             ("KUOTA_DATABASE_SSLMODE", "on")])
def test_a_wrong_value_is_one_line_naming_the_variable(monkeypatch, variable, value):
    with pytest.raises(ValidationError) as refused:
        from_env(monkeypatch, **{variable: value})
    label, message, _ = ending(refused.value)
    assert label.startswith("pengaturan tidak valid") and message.startswith(f"{variable}={value!r}")
    assert "\n" not in message


def test_sslmode_and_root_certificate_reach_the_postgresql_url(monkeypatch, tmp_path):
    s = from_env(monkeypatch, KUOTA_DATABASE_URL="postgresql+psycopg://kuota:pw@db:5432/kuota?application_name=kuota",
                 KUOTA_DATABASE_SSLMODE="verify-full", KUOTA_DATABASE_SSLROOTCERT=str(tmp_path / "root.crt"))
    query = make_url(s.ledger_url).query
    assert dict(query) == {"application_name": "kuota", "sslmode": "verify-full",
                           "sslrootcert": str(tmp_path / "root.crt")}
    assert make_url(s.ledger_url).password == "pw"


def test_the_setting_overrides_an_sslmode_in_the_url(monkeypatch):
    s = from_env(monkeypatch, KUOTA_DATABASE_URL="postgresql://kuota@db/kuota?sslmode=disable",
                 KUOTA_DATABASE_SSLMODE="require")
    assert make_url(s.ledger_url).query["sslmode"] == "require"


def test_without_tls_settings_the_url_is_untouched_and_sqlite_never_gets_them(monkeypatch, tmp_path):
    url = "postgresql://kuota:pw@db/kuota?sslmode=verify-full&sslrootcert=/etc/kuota/root.crt"
    assert from_env(monkeypatch, KUOTA_DATABASE_URL=url).ledger_url == url
    monkeypatch.delenv("KUOTA_DATABASE_URL")
    s = from_env(monkeypatch, KUOTA_DATA_DIR=str(tmp_path), KUOTA_DATABASE_SSLMODE="require")
    assert s.ledger_url == f"sqlite:///{tmp_path.resolve() / 'kuota.db'}"
