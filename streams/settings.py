"""All configuration, from the environment (`KUOTA_*`), with defaults that run the embedded stack."""

import ipaddress
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict



class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KUOTA_", env_file=".env", extra="ignore")

    broker: str = Field("127.0.0.1:9092", description="Kafka bootstrap servers, host:port[,host:port]")
    embedded_broker: bool = Field(True, description="start the embedded broker when `broker` is on loopback")
    database_url: str = Field("", description="SQLAlchemy URL; default a SQLite file in data_dir")
    data_dir: Path = Field(Path("kuota-data"), description="where the SQLite ledger and logs live")
    partitions: int = Field(4, ge=1, description="partitions of the input topics")
    batch_size: int = Field(4000, ge=1, description="records booked in one database transaction")
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
    evaluate_every: float = Field(2.0, gt=0, description="seconds between evaluations of the programs after "
                                  "a change; unchanged books are evaluated once a minute (period ends, pace)")
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

    @property
    def ledger_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'kuota.db').resolve()}"

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
