"""Officers' target files (TOML or YAML of `[[program]]` and `[[budget]]`), validated whole and
sent to the targets topic, each keyed by its target so the compacted topic keeps the latest."""

import tomllib
from pathlib import Path

import orjson
import yaml

from schemas.targets import BudgetDeclared, ProgramDefined, events_from_document, target_key
from schemas.topics import TARGETS
from streams.errors import StreamsError
from streams.kafka.producer import make_producer
from streams.kafka.topics import ensure_topics
from streams.settings import Settings


class TargetsFileError(StreamsError):
    pass


def read_document(path: Path) -> dict:
    """An officer's file: TOML (`.toml`) or YAML (`.yaml`, `.yml`)."""
    text = path.read_text(encoding="utf-8")
    try:
        doc = tomllib.loads(text) if path.suffix == ".toml" else yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise TargetsFileError(f"{path}: not valid {path.suffix.lstrip('.').upper() or 'YAML'}: {exc}") from exc
    if not isinstance(doc, dict):
        raise TargetsFileError(f"{path}: expected tables of [[program]] and [[budget]]")
    return doc


def targets_from(path: Path) -> tuple[ProgramDefined | BudgetDeclared, ...]:
    try:
        return events_from_document(read_document(path))
    except ValueError as exc:
        raise TargetsFileError(f"{path}:\n{exc}") from exc


def apply_targets(settings: Settings, paths: list[Path]) -> list[ProgramDefined | BudgetDeclared]:
    """Validate every file first, then publish all their events (none when one file is bad)."""
    events = [ev for path in paths for ev in targets_from(path)]
    ensure_topics(settings)
    producer = make_producer(settings)
    try:
        futures = [producer.send(settings.topic(TARGETS), key=target_key(ev).encode(),
                                 value=orjson.dumps(ev.model_dump(mode="json"))) for ev in events]
        producer.flush()
        for f in futures:
            f.get(timeout=30)
    finally:
        producer.close()
    return events
