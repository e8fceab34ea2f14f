"""Every topic of the contract, defined once: its name, the events it carries, how its records
are keyed, and whether it is compacted. A deployment may put a prefix before each name
(`KUOTA_TOPIC_PREFIX`); the names here are the contract's."""

from dataclasses import dataclass

PURCHASES = "kuota.purchases.v1"
SUPPLIERS = "kuota.suppliers.v1"
TARGETS = "kuota.targets.v1"
ALERTS = "kuota.alerts.v1"
REJECTED = "kuota.rejected.v1"


@dataclass(frozen=True, slots=True)
class Topic:
    name: str
    events: tuple[str, ...]  # the `type` of each event it carries
    key: str  # what a record's key is
    compacted: bool = False
    single_partition: bool = False  # every record in one order
    decoder: str | None = None  # the kind `schemas.decode.decode` takes for an input topic


TOPICS: tuple[Topic, ...] = (
    Topic(PURCHASES, ("purchase.recorded", "purchase.reversed"), "buyer id (a reversal: its purchase's buyer)",
          decoder="purchases"),
    Topic(SUPPLIERS, ("supplier.registered", "supplier.merged", "supplier.unmerged", "supplier.distinct"),
          "supplier id (an officer's finding: merge:<keep>:<other> or distinct:<a>:<b>)", compacted=True, decoder="suppliers"),
    Topic(TARGETS, ("program.defined", "budget.declared", "allocation.planned", "buyer.described"), "target key", compacted=True, single_partition=True,
          decoder="targets"),
    Topic(ALERTS, ("compliance.alert", "registration.expiring", "partner.graduated"),
          "buyer id (registration.expiring: supplier id)"),
    Topic(REJECTED, ("event.rejected",), "source topic"),
)

#: Where a producer of records (`kuota emit`, any client) sends each event type. Targets go
#: through `kuota targets apply`, which keys each by its target for compaction.
TOPIC_OF_EVENT: dict[str, str] = {event: t.name for t in TOPICS if t.name in (PURCHASES, SUPPLIERS)
                                  for event in t.events}
DECODER_OF: dict[str, str] = {t.name: t.decoder for t in TOPICS if t.decoder}
