"""Every format `kuota import` knows, in the order detection tries them: a module adds its
format object to `FORMATS` (the first whose `detects` says yes reads the file)."""

from streams.importers import ekatalog, satker, spse, supplier_detail, tokodaring
from streams.importers import ocds, templates
from streams.importers import sirup_anggaran, sirup_paket
from streams.importers.base import Format

FORMATS: list[Format] = [
    spse.FORMAT,
    ekatalog.FORMAT,
    tokodaring.FORMAT,
    sirup_paket.FORMAT,
    sirup_anggaran.FORMAT,
    satker.FORMAT,
    supplier_detail.FORMAT,
    ocds.FORMAT,
    *templates.FORMATS,
]


def by_name(name: str) -> Format | None:
    return next((f for f in FORMATS if f.name == name), None)


def names() -> list[str]:
    return [f.name for f in FORMATS]
