"""Which format a file is in, from its first record, or one line saying why it cannot be imported
(empty, binary, not JSON, no records, no known format); nothing is sent while any file is refused."""

import codecs
from pathlib import Path

import ijson

from streams.errors import UsageError
from streams.importers.base import Format, array_items
from streams.importers.formats import FORMATS, by_name, names


class ImportFileError(UsageError):
    label = "berkas tidak dapat diimpor / file cannot be imported"


def choose(paths: list[Path], forced: str | None) -> list[tuple[Path, Format]]:
    """Each file with its format; files that fill the satker directory first, so the files after
    them in the same command find their work units. Raises one error naming every refused file."""
    chosen, refused = [], []
    for path in paths:
        try:
            chosen.append((path, detect(path, forced)))
        except ImportFileError as exc:
            refused.append(str(exc))
    if refused:
        raise ImportFileError("\n".join(refused) + ("\nnothing was sent" if len(paths) > 1 else ""))
    return sorted(chosen, key=lambda pair: not getattr(pair[1], "fills_directory", False))


def detect(path: Path, forced: str | None = None) -> Format:
    if path.stat().st_size == 0:
        raise ImportFileError(f"{path} is empty: nothing to import")
    if forced and forced != "auto":
        fmt = by_name(forced)
        if fmt is None:
            raise ImportFileError(f"--format {forced}: no such format (known: auto, {', '.join(names())})")
        first = first_record(fmt, path)
        if not isinstance(first, dict):
            raise ImportFileError(f"{path}: not readable as {forced}: {first or 'no records'}")
        return fmt
    for fmt in FORMATS:
        first = first_record(fmt, path)
        if isinstance(first, dict) and fmt.detects(first):
            return fmt
    raise ImportFileError(diagnose(path))


def first_record(fmt: Format, path: Path) -> dict | str | None:
    """The first record as the format reads it; the parser's words when it cannot; None for none."""
    try:
        with path.open("rb") as fh:
            return next(iter(fmt.records(fh)), None)
    except Exception as exc:  # any reader's failure only means "not this format"
        return f"{type(exc).__name__}: {exc}"


def diagnose(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(8192)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        text = b"\0" not in head
    except UnicodeDecodeError:
        text = False
    if not text:
        return (f"{path}: looks binary (NUL bytes or not UTF-8 in its first 8 KiB) and is no format kuota imports "
                f"({', '.join(names())})")
    if not head.strip():
        return f"{path} holds only white space: nothing to import"
    try:
        with path.open("rb") as fh:
            first = next(iter(array_items(fh)), None)
    except ijson.JSONError as exc:
        said = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"{path}: not JSON ({said}); kuota imports the LKPP formats as JSON arrays of records"
    if first is None:
        return f"{path}: no records (an empty list, or not a JSON array of records)"
    if not isinstance(first, dict):
        return f"{path}: its records are not JSON objects (the first is {type(first).__name__})"
    fields = ", ".join(sorted(first)[:12]) + (", ..." if len(first) > 12 else "")
    return (f"{path}: no known format has these fields ({fields}); name one with --format "
            f"({', '.join(names())})")
