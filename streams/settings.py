"""All configuration, from the environment (`KUOTA_*`), with defaults that run the embedded stack."""

from pathlib import Path

from pydantic import Field
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
    evaluate_every: float = Field(2.0, gt=0, description="seconds between evaluations of the programs after "
                                  "a change; unchanged books are evaluated once a minute (period ends, pace)")
    alert_webhooks: str = Field("", description="comma-separated URLs that receive each alert as JSON (POST)")
    api_host: str = Field("127.0.0.1", description="address the officers' API and dashboard listen on")
    api_port: int = Field(8000, ge=1, le=65535, description="port of the officers' API and dashboard")

    @property
    def ledger_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'kuota.db').resolve()}"

    def topic(self, name: str) -> str:
        """The full name of a contract topic in this deployment."""
        return self.topic_prefix + name

    @property
    def webhooks(self) -> list[str]:
        return [u.strip() for u in self.alert_webhooks.split(",") if u.strip()]

    @property
    def bootstrap(self) -> list[str]:
        return [s.strip() for s in self.broker.split(",") if s.strip()]
