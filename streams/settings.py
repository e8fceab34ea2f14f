"""All configuration, from the environment (`KUOTA_*`), with defaults that run the embedded stack."""

import ipaddress
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict



class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KUOTA_", env_file=".env", extra="ignore")

    broker: str = Field("127.0.0.1:9092", description="Kafka bootstrap servers, host:port[,host:port]")
    embedded_broker: bool = Field(True, description="start the embedded broker when `broker` is on loopback")
    # Production transport security (streams/kafka/security.py, ledger/db.py); the defaults change nothing.
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        "PLAINTEXT", description="how every Kafka client of kuota talks to the broker: PLAINTEXT, SSL (TLS), "
                                 "SASL_PLAINTEXT or SASL_SSL (a user and password over TLS)")
    kafka_sasl_mechanism: Literal["SCRAM-SHA-256", "SCRAM-SHA-512", "PLAIN"] = Field(
        "SCRAM-SHA-256", description="SASL mechanism when the protocol is SASL_*: SCRAM-SHA-256, SCRAM-SHA-512 "
                                     "or PLAIN (PLAIN sends the password itself: only over SASL_SSL)")
    kafka_sasl_username: str = Field("", description="kuota's SASL user on the broker")
    kafka_sasl_password: SecretStr = Field(SecretStr(""), description="kuota's SASL password; never logged or shown")
    kafka_ssl_cafile: Path | None = Field(None, description="PEM file of the CA that signed the broker's certificate; "
                                                            "default the system's trusted CAs")
    kafka_ssl_certfile: Path | None = Field(None, description="PEM client certificate, when the broker asks for one "
                                                              "(mutual TLS)")
    kafka_ssl_keyfile: Path | None = Field(None, description="PEM private key of kafka_ssl_certfile")
    kafka_ssl_check_hostname: bool = Field(True, description="check that the broker's certificate names the host "
                                                             "kuota connects to")
    database_sslmode: Literal["", "disable", "allow", "prefer", "require", "verify-ca", "verify-full"] = Field(
        "", description="PostgreSQL TLS (libpq sslmode): require encrypts, verify-full also checks the server's "
                        "certificate and name; empty leaves it to the URL (libpq's default: prefer)")
    database_sslrootcert: Path | None = Field(None, description="PEM file of the CA that signed PostgreSQL's "
                                                                "certificate, for verify-ca and verify-full")
    database_url: str = Field("", description="SQLAlchemy URL; default a SQLite file in data_dir")
    data_dir: Path = Field(Path("kuota-data"), description="where the SQLite ledger and logs live")
    partitions: int = Field(4, ge=1, description="partitions of the input topics")
    replication_factor: int | None = Field(None, ge=1, description="replicas of each topic kuota creates; default "
                                                                   "as many as the cluster has brokers, at most 3")
    min_insync_replicas: int | None = Field(None, ge=1, description="min.insync.replicas of each topic kuota "
                                                                    "creates; default 2 when it has 3 replicas or "
                                                                    "more, else the broker's own default")
    batch_size: int = Field(16000, ge=1, description="records booked in one database transaction (at most)")
    batch_within: float = Field(0.3, gt=0, description="seconds to wait for a batch to fill")
    group_id: str = Field("kuota-ledger", description="consumer group of the workers")
    topic_prefix: str = Field("", description="namespace before every topic name (tests, tenants)")
    epoch: str = Field("", description="broker identity for receipts; set by the embedded broker")
    log_level: str = Field("info")
    log_format: Literal["text", "json"] = Field("text", description="logs of the worker, its recorder and the "
                                                "API: text, or one JSON object per line")
    metrics_dir: Path | None = Field(None, description="where worker processes keep their Prometheus metrics "
                                     "for the API's /metrics; default <data_dir>/metrics")
    metrics_allow: str = Field("", description="comma-separated networks (CIDR) that may read /metrics besides "
                               "loopback, e.g. the Prometheus container's network")
    evaluate_every: float = Field(0.2, gt=0, description="seconds between looks at whether the books changed; "
                                  "a change is evaluated at the next look, unchanged books once a minute "
                                  "(period ends, pace)")
    alert_webhooks: str = Field("", description="comma-separated URLs that receive each alert as JSON (POST)")
    api_host: str = Field("127.0.0.1", description="address the officers' API and dashboard listen on")
    api_port: int = Field(8000, ge=1, le=65535, description="port of the officers' API and dashboard")
    expiring_days: int = Field(30, ge=1, le=366, description="an alert when a registration's valid_to comes "
                                                             "within this many days")
    duplicate_name_score: int = Field(90, ge=50, le=100, description="names at least this alike (0-100, rapidfuzz "
                                                                     "token sort ratio) in one kecamatan are "
                                                                     "suspected duplicates")
    split_caps: dict[str, int] = Field({"toko_daring": 50_000_000, "pengadaan_langsung": 200_000_000},
                                       description="per channel, the cap (rupiah) that same-day purchases from one "
                                                   "supplier adding up past it may be split to stay under (JSON)")
    key_rate: float = Field(20.0, gt=0, description="requests a second one API key may make on average (429 past it)")
    key_burst: int = Field(40, ge=1, description="requests one API key may make at once before key_rate applies")
    drain_seconds: float = Field(30.0, ge=0, description="on Ctrl-C, how long `kuota up` lets its worker book what "
                                                         "is already in the topics and the journal before stopping")

    @property
    def ledger_url(self) -> str:
        url = self.database_url or f"sqlite:///{(self.data_dir / 'kuota.db').resolve()}"
        if not (self.database_sslmode or self.database_sslrootcert):
            return url
        from ledger.db import with_tls  # only a TLS deployment pays for importing the database layer here

        return with_tls(url, self.database_sslmode, self.database_sslrootcert)

    def topic(self, name: str) -> str:
        """The full name of a contract topic in this deployment."""
        return self.topic_prefix + name

    @field_validator("metrics_allow")
    @classmethod
    def _networks(cls, value: str) -> str:
        for part in value.split(","):
            if part.strip():
                ipaddress.ip_network(part.strip(), strict=False)  # a bad network is a one-line error
        return value

    @property
    def metrics_path(self) -> Path:
        return self.metrics_dir or self.data_dir / "metrics"

    @property
    def metrics_networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [ipaddress.ip_network(p.strip(), strict=False) for p in self.metrics_allow.split(",") if p.strip()]

    @property
    def webhooks(self) -> list[str]:
        return [u.strip() for u in self.alert_webhooks.split(",") if u.strip()]

    @property
    def bootstrap(self) -> list[str]:
        return [s.strip() for s in self.broker.split(",") if s.strip()]
