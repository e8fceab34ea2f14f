"""What `kuota emit` sent, kept beside the ledger's data, so that `kuota audit` can name a gap.

The embedded broker keeps topics in memory: records it acknowledged but no worker had booked
when it stopped are gone with it, and so are records it never acknowledged. The ledger cannot
see records it never received, so each emit writes a manifest (the file, its digest, the event
ids per topic, delivered or not) into `KUOTA_DATA_DIR/emitted/`. The audit compares the
manifests with the receipts: an event id emitted but never received is a gap, closed by
emitting the same file again (what was booked meanwhile comes back as duplicates and changes
nothing).
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import orjson
from sqlalchemy.orm import Session

from ledger.books.audit import received_event_ids
from schemas.decode import Invalid, decode
from schemas.topics import DECODER_OF, PURCHASES, TOPIC_OF_EVENT


@dataclass(frozen=True)
class Gap:
    file: str
    sent: int
    booked: int
    missing: tuple[str, ...]  # event ids, sorted


def tracked_id(raw: bytes, validated: bool) -> str | None:
    """The event id the ledger will keep a receipt under, or None (a record it will reject
    before reading an id, sent with --no-validate)."""
    if validated:
        return orjson.loads(raw)["event_id"]
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(doc, dict):
        return None
    event = decode(DECODER_OF[TOPIC_OF_EVENT.get(doc.get("type"), PURCHASES)], raw)
    return None if isinstance(event, Invalid) else event.event_id


def digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write(data_dir: Path, path: Path, epoch: str, sent: dict[str, list[str]], failed: int) -> Path:
    """Record one emit of `path`; a later emit of the same file to the same topics replaces it."""
    sha = digest(path)
    folder = data_dir / "emitted"
    folder.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha256((sha + "|" + ",".join(sorted(sent))).encode()).hexdigest()[:16]
    target = folder / f"{name}.json"
    doc = {"file": str(path.resolve()), "sha256": sha, "epoch": epoch, "failed": failed,
           "sent_at": datetime.now(timezone.utc).isoformat(), "event_ids": sent}
    tmp = target.with_suffix(".tmp")
    tmp.write_bytes(orjson.dumps(doc))
    tmp.replace(target)  # a crash mid-write never leaves half a manifest
    return target


def gaps(data_dir: Path, session: Session) -> list[Gap]:
    """Files whose records the ledger has not all received."""
    manifests = sorted((data_dir / "emitted").glob("*.json"))
    if not manifests:
        return []
    received = received_event_ids(session)
    found = []
    for m in manifests:
        doc = orjson.loads(m.read_bytes())
        sent = [(topic, eid) for topic, ids in doc["event_ids"].items() for eid in ids]
        missing = [eid for topic, eid in sent if (topic, eid) not in received]
        if missing:
            found.append(Gap(doc["file"], len(sent), len(sent) - len(missing), tuple(sorted(set(missing)))))
    return found
