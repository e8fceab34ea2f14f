"""Officers' target files (TOML or YAML of `[[program]]` and `[[budget]]`), validated whole and
sent to the targets topic, each keyed by its target so the compacted topic keeps the latest.

A mistake is reported as `file:line entry field: what is wrong`. YAML keeps the position of every
node; tomllib gives none, so the line is found in the text: the entry's `[[program]]` header, then
each key of the field's path below it (`[program.threshold]`, `threshold = { share_bp = ... }`,
`threshold.share_bp = ...`)."""

import re
import tomllib
from pathlib import Path

import orjson
import yaml
from kafka.errors import KafkaError

from schemas.targets import BudgetDeclared, DocumentInvalid, ProgramDefined, Problem, events_from_document, target_key
from schemas.topics import TARGETS
from streams.errors import BrokerUnavailable, ExitCode, StreamsError
from streams.kafka.producer import make_producer
from streams.kafka.topics import ensure_topics
from streams.settings import Settings

TargetEvent = ProgramDefined | BudgetDeclared


class TargetsFileError(StreamsError):
    label = "berkas target tidak valid / invalid target file"
    exit_code = ExitCode.USAGE


def read_document(path: Path) -> dict:
    """An officer's file: TOML (`.toml`) or YAML (`.yaml`, `.yml`)."""
    return _parse(path, _text(path))


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise TargetsFileError(f"{path}: not UTF-8 text (byte {exc.start}); write programs and budgets as "
                               f"TOML or YAML") from None


def _parse(path: Path, text: str) -> dict:
    kind = "TOML" if path.suffix == ".toml" else "YAML"
    try:
        doc = tomllib.loads(text) if kind == "TOML" else yaml.safe_load(text)
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"\(at line (\d+), column \d+\)$", str(exc))
        where = f"{path}:{at.group(1)}" if at else str(path)
        raise TargetsFileError(f"{where}: not valid TOML: {re.sub(r' [(]at .*[)]$', '', str(exc))}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise TargetsFileError(f"{where}: not valid YAML: {getattr(exc, 'problem', None) or exc}") from None
    if not isinstance(doc, dict):
        raise TargetsFileError(f"{path}: expected tables of [[program]] and [[budget]]")
    return doc


def targets_from(path: Path) -> tuple[TargetEvent, ...]:
    text = _text(path)
    try:
        events = events_from_document(_parse(path, text))
    except DocumentInvalid as exc:
        found = sorted(((_line(path, text, p) or 0), str(p)) for p in exc.problems)
        lines = [f"{path}:{line or '?'} {problem}" for line, problem in found]
        shown = lines[0] if len(lines) == 1 else "\n  ".join([f"{len(lines)} mistakes, nothing sent:", *lines])
        raise TargetsFileError(shown) from None
    if not events:
        raise TargetsFileError(f"{path}: no [[program]] or [[budget]] entries; nothing to send")
    return events


def targets_of(paths: list[Path]) -> list[TargetEvent]:
    """The events of every file, or one error naming the mistakes of every file."""
    events, refused = [], []
    for path in paths:
        try:
            events += targets_from(path)
        except TargetsFileError as exc:
            refused.append(str(exc))
    if refused:
        raise TargetsFileError("\n".join(refused))
    return events


def apply_targets(settings: Settings, paths: list[Path]) -> list[TargetEvent]:
    """Validate every file first, then publish all their events (none when one file is bad)."""
    events = targets_of(paths)
    ensure_topics(settings)
    producer = make_producer(settings)
    try:
        futures = [producer.send(settings.topic(TARGETS), key=target_key(ev).encode(),
                                 value=orjson.dumps(ev.model_dump(mode="json"))) for ev in events]
        producer.flush()
        for f in futures:
            f.get(timeout=30)
    except KafkaError as exc:
        raise BrokerUnavailable(f"the broker at {settings.broker} did not take the targets ({exc}); "
                                f"apply the files again once it does (the same events are duplicates)") from exc
    finally:
        producer.close()
    return events


# --- where a problem is, for `file:line` ---------------------------------------------------------------

def _line(path: Path, text: str, problem: Problem) -> int | None:
    if problem.section is None and not problem.field:
        return None
    if path.suffix == ".toml":
        return _toml_line(text.splitlines(), problem)
    steps = [problem.section] if problem.section else []
    steps += [problem.entry - 1] if problem.entry else []
    return _yaml_line(text, [*steps, *problem.field])


def _yaml_line(text: str, path: list) -> int | None:
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    line = node.start_mark.line
    for step in path:
        if isinstance(node, yaml.MappingNode) and isinstance(step, str):
            found = [(k, v) for k, v in node.value if k.value == step]
            if not found:
                break
            line, node = found[0][0].start_mark.line, found[0][1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
            line = node.start_mark.line
        else:
            break
    return line + 1


def _toml_line(lines: list[str], problem: Problem) -> int | None:
    code = [_code(line) for line in lines]
    start, end = 0, len(code)
    if problem.section:
        headers = [i for i, c in enumerate(code) if re.match(rf"\s*\[\[\s*{problem.section}\s*\]\]", c)]
        if not headers:  # `budget = [...]`, or `[budget]` where a list of tables belongs
            return _key_line(code, 0, end, problem.section)
        start = headers[min(problem.entry or 1, len(headers)) - 1]
        end = next((i for i, c in enumerate(code) if i > start and re.match(r"\s*\[\[\s*[\w-]+\s*\]\]", c)), end)
    line, previous = start, None
    below = start + 1 if problem.section else start  # the entry's own header names the section, not a key
    for step in problem.field:
        if isinstance(step, int):  # the step-th `[[program.exclusions]]`, when written as tables
            tables = [i for i in range(below, end) if re.match(rf"\s*\[\[[^\]]*\b{previous}\s*\]\]", code[i])]
            line = below = tables[step] if step < len(tables) else line
            continue
        found = _key_line(code, below, end, step)
        if found is None:
            break
        line = below = found - 1
        previous = step
    return line + 1


def _key_line(code: list[str], start: int, end: int, key: str) -> int | None:
    """1-based line of `key` written as a key (`key =`, `.key =`, `{ key =`, `[x.key]`) in code[start:end]."""
    pattern = re.compile(rf"(^|[\s{{,.\[])[\"']?{re.escape(key)}[\"']?\s*(=|\]|\.)")
    return next((i + 1 for i in range(start, end) if pattern.search(code[i])), None)


def _code(line: str) -> str:
    """The line without its comment (a `#` outside quotes)."""
    quote = None
    for i, ch in enumerate(line):
        if ch in "\"'" and quote in (None, ch):
            quote = None if quote else ch
        elif ch == "#" and quote is None:
            return line[:i]
    return line
