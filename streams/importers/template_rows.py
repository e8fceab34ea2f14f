"""One row of a template read into an event: each cell parsed (rupiah, dates, codes) and every
problem kept with the column it is in and what to write instead."""

import hashlib
import json
import re
from datetime import date, datetime, time
from decimal import Decimal

from schemas.codes import Channel, Scale, region_timezone
from schemas.events import EARLIEST, LATEST, MAX_AMOUNT
from streams.importers.base import event_id, whole_rupiah
from streams.importers import supplier_checks as checks
from streams.importers.ids import npwp_id, short_key
from streams.importers.template_columns import Column

_INTEGER = re.compile(r"\d+")
_DOTTED = re.compile(r"\d{1,3}(\.\d{3})+(,\d+)?")  # 1.250.000 or 1.250.000,50
_COMMA_SEN = re.compile(r"\d+,\d{1,2}")  # 1250000,50
_POINT_SEN = re.compile(r"\d+\.\d{1,2}")  # 1250000.50, as a spreadsheet saves a number cell
_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_REGION = re.compile(r"\d{4}")
_EVENT_ID = re.compile(r"[A-Za-z0-9_.:-]{8,64}")
_NPWP = re.compile(r"npwp:(.*)", re.IGNORECASE)

BUYER_KINDS = {"instansi": "agency", "agency": "agency", "perusahaan": "company", "company": "company"}
STATES = {"selesai": "completed", "completed": "completed", "dalam_proses": "pending", "pending": "pending",
          "batal": "void", "void": "void"}
CHANNELS = {c.value: c.value for c in Channel}
SCALES = {**{s.value: s.value for s in Scale}, "micro": "mikro", "small": "kecil", "medium": "menengah",
          "large": "besar"}


def header_key(text: str) -> str:
    """A header or a code as written by people: `Nama Pembeli ` and `nama-pembeli` read as `nama_pembeli`."""
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


class Row:
    def __init__(self, record: dict, columns: tuple[Column, ...], region: str | None):
        self.number = record.get("_row")
        self.problems: list[tuple[str, str]] = []
        self._columns = {c.key: c for c in columns}
        self._cells = {c.key: record.get(c.header) for c in columns}
        self._region = region

    def fail(self, key: str, code: str, said: str) -> None:
        self.problems.append((code, f"kolom {self._columns[key].header}: {said}"))

    def checked(self, key: str, result):
        """`result` of a check: the value, or None with its problem kept against `key`."""
        if isinstance(result, checks.Problem):
            self.fail(key, result.code, result.said)
            return None
        return result

    def given(self, key: str) -> bool:
        return self._cells.get(key) not in (None, "")

    def text(self, key: str, limit: int = 200) -> str | None:
        value = self._cells.get(key)
        value = None if value is None else str(value).strip()
        if not value:
            if self._columns[key].required:
                self.fail(key, "missing_field", "kosong, wajib diisi / empty, required")
            return None
        if len(value) > limit:
            self.fail(key, "invalid_value", f"lebih dari {limit} karakter / longer than {limit} characters")
        return value

    def choice(self, key: str, codes: dict[str, str], default: str | None = None) -> str | None:
        value = self.text(key)
        if value is None:
            return default
        code = codes.get(header_key(value))
        if code is None:
            self.fail(key, "invalid_value", f"{value!r} tidak dikenal; tulis salah satu: {', '.join(sorted(codes))} / "
                       "unknown value")
        return code

    def region(self) -> str | None:
        value = self.text("region") if self.given("region") else self._region
        if value is None:
            if self._columns["region"].required:
                self.fail("region", "missing_field", "kosong: tulis kode wilayah BPS 4 angka atau beri --region / "
                           "empty: write the 4-digit BPS code or give --region")
            return None
        if not _REGION.fullmatch(str(value)):
            self.fail("region", "invalid_value", f"{value!r} bukan kode BPS 4 angka, mis. 3216 / not a 4-digit code")
            return None
        return str(value)

    def supplier_id(self) -> str | None:
        value = self.text("supplier_id", limit=64)
        if value is None:
            return None
        if tax := _NPWP.fullmatch(value):
            if npwp := npwp_id(tax.group(1)):
                return npwp
            self.fail("supplier_id", "invalid_value", "NPWP harus 15 atau 16 angka / an NPWP has 15 or 16 digits")
        elif value.isdigit() and len(value) != 13:
            self.fail("supplier_id", "invalid_value", f"NIB harus 13 angka (ada {len(value)}); NPWP ditulis "
                       "npwp:<angka> / a NIB has 13 digits; write an NPWP as npwp:<digits>")
        return value

    def amount(self, key: str, *, minimum: int = 1, maximum: int = MAX_AMOUNT) -> int | None:
        raw = self._cells.get(key)
        if raw is None or raw == "":
            if self._columns[key].required:
                self.fail(key, "missing_field", "kosong, wajib diisi / empty, required")
            return None
        value = _rupiah(raw)
        if value is None:
            self.fail(key, "invalid_amount", f"{raw!s} bukan nilai rupiah; tulis 1250000 atau Rp 1.250.000 / "
                       "not a rupiah amount")
        elif not minimum <= value <= maximum:
            self.fail(key, "invalid_amount", f"{value} di luar {minimum}..{maximum} / out of range")
            return None
        return value

    def integer(self, key: str, lowest: int, highest: int) -> int | None:
        raw = self.text(key)
        if raw is None:
            return None
        if not _INTEGER.fullmatch(raw.removesuffix(".0")) or not lowest <= int(raw.removesuffix(".0")) <= highest:
            self.fail(key, "invalid_value", f"{raw!r}: tulis bilangan bulat {lowest}..{highest} / write a whole "
                       "number in that range")
            return None
        return int(raw.removesuffix(".0"))

    def day(self, key: str) -> date | None:
        moment = self.moment(key, None)
        return moment if moment is None else date.fromisoformat(moment[:10])

    def moment(self, key: str, region: str | None) -> str | None:
        """RFC 3339 text: a date alone is noon local time of `region`, a time without offset is local."""
        raw = self.text(key)
        if raw is None:
            return None
        zone = region_timezone(region or "3216")
        try:
            if found := _SLASHED.fullmatch(raw):
                day, month, year = map(int, found.groups())
                moment = datetime.combine(date(year, month, day), time(12), zone)
            elif len(raw) == 10:
                moment = datetime.combine(date.fromisoformat(raw), time(12), zone)
            else:
                moment = datetime.fromisoformat(raw)
                if moment.tzinfo is None:  # a date cell of a workbook, or a local time
                    moment = moment.replace(hour=12) if moment.time() == time(0) else moment
                    moment = moment.replace(tzinfo=zone)
        except ValueError:
            self.fail(key, "invalid_date", f"{raw!r} bukan tanggal; tulis 31/03/2024 atau 2024-03-31 / not a date")
            return None
        if not EARLIEST <= moment.year <= LATEST:
            self.fail(key, "invalid_date", f"tahun {moment.year} di luar {EARLIEST}-{LATEST} / year out of range")
            return None
        return moment.isoformat()


def purchase(row: Row) -> dict:
    given, reference = row.text("event_id", limit=64), row.text("reference", limit=100)
    buyer, region = row.text("buyer_id", limit=64), row.region()
    when = row.moment("date", region)
    version = row.integer("version", 0, 10**12) or 0
    event = {"schema_version": 1, "type": "purchase.recorded",
             "buyer": {"id": buyer, "kind": row.choice("buyer_kind", BUYER_KINDS), "name": row.text("buyer_name"),
                       "region": region},
             "supplier_id": row.supplier_id(), "amount": row.amount("amount"), "currency": "IDR",
             "channel": row.choice("channel", CHANNELS), "reference": reference,
             "state": row.choice("state", STATES, "completed"), "occurred_at": when}
    if given is not None:
        if not _EVENT_ID.fullmatch(given):
            row.fail("event_id", "invalid_value", "8-64 huruf, angka atau _ . : - / 8-64 letters, digits or _ . : -")
        if version:
            row.fail("version", "invalid_value", "versi hanya untuk baris tanpa id_peristiwa; kosongkan salah satu / "
                      "a version is only for rows without an event id")
        return {**event, "event_id": given}
    if reference is None:
        row.fail("reference", "missing_field", "kosong: isi nomor_referensi atau id_peristiwa / empty: give a "
                  "reference or an event id")
    key = (buyer, reference, (when or "")[:10])
    ids = event_id("template", *key, version) if version else event_id("template", *key)
    return {**event, "event_id": ids, "source": {"system": "template", "key": short_key(*key),
                                                  "version": version}}


def supplier(row: Row) -> dict:
    region = row.region()
    district, cooperative = row.text("district"), row.text("cooperative")
    body = {"id": row.supplier_id(), "name": row.text("name"), "region": region,
            "district": district and row.checked("district", checks.district(region, district)),
            "sector": row.text("sector"), "scale": row.choice("scale", SCALES),
            "cooperative": cooperative and row.checked("cooperative", checks.cooperative(cooperative)),
            "capital": row.amount("capital", minimum=0, maximum=10**15),
            "annual_sales": row.amount("annual_sales", minimum=0, maximum=10**15),
            "identifiers": _identifiers(row)}
    if body["scale"] is None and not row.given("capital") and not row.given("annual_sales"):
        row.fail("scale", "missing_field", "isi skala, atau modal_usaha / hasil_penjualan_tahunan agar kelasnya "
                  "dihitung menurut PP 7/2021 / give the scale, or capital or annual sales")
    row.checked("scale", checks.scale_agrees(body["scale"], body["capital"], body["annual_sales"]))
    if body["id"] and body["identifiers"]:
        row.checked("supplier_id", checks.id_agrees(body["id"], body["identifiers"]))
    valid_from, valid_to = row.day("valid_from"), row.day("valid_to")
    if valid_from and valid_to and valid_to < valid_from:
        row.fail("valid_to", "invalid_date", "sebelum berlaku_mulai / before valid_from")
    body = {k: v for k, v in body.items() if v is not None}
    event = {"schema_version": 1, "type": "supplier.registered", "supplier": body,
             "valid_from": valid_from and valid_from.isoformat(), "valid_to": valid_to and valid_to.isoformat(),
             "occurred_at": valid_from and row.moment("valid_from", region)}
    event = {k: v for k, v in event.items() if v is not None}
    return {**event, "event_id": event_id("template", "supplier", body.get("id"), event.get("valid_from"),
                                          _digest(event))}


def _identifiers(row: Row) -> dict | None:
    found = {kind: row.checked(kind, check(row.text(kind))) for kind, check in
             (("nib", checks.nib), ("npwp", checks.npwp), ("lkpp", checks.lkpp)) if row.given(kind)}
    return {k: v for k, v in found.items() if v is not None} or None


def budget(row: Row) -> dict:
    agency, year, region = row.text("agency_id", limit=64), row.integer("fiscal_year", EARLIEST, LATEST), row.region()
    amount = row.amount("budget", maximum=10**15)
    when = row.moment("date", region) if row.given("date") else (
        year and datetime.combine(date(year, 1, 1), time(12), region_timezone(region or "3216")).isoformat())
    event = {"schema_version": 1, "type": "budget.declared", "agency_id": agency, "fiscal_year": year,
             "budget": amount, "occurred_at": when}
    if region is not None:
        event["region"] = region
    return {**event, "event_id": event_id("template", "budget", agency, year, _digest(event))}


EVENTS = {"purchases": purchase, "suppliers": supplier, "budgets": budget}


def _rupiah(raw) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, Decimal)):
        return whole_rupiah(raw)
    text = re.sub(r"^(rp\.?|idr)", "", str(raw).strip().lower()).replace("\u00a0", "").replace(" ", "")
    if _INTEGER.fullmatch(text) or _POINT_SEN.fullmatch(text):
        return whole_rupiah(text)
    if _DOTTED.fullmatch(text) or _COMMA_SEN.fullmatch(text):
        return whole_rupiah(text.replace(".", "").replace(",", "."))
    return None


def _digest(content: dict) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()[:16]
