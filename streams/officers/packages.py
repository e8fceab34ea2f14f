"""Plan against realisation as officers read it: `kuota report packages`, `GET /api/packages` and the
dashboard's `/packages` page over `ledger.reports.packages`, one row per package with the same
columns in every format. JSON rows also carry each realising order with its supplier's class and
the basis on which it is UMK (codes); the table, CSV and XLSX name the suppliers in words."""

from dataclasses import asdict
from datetime import datetime

from sqlalchemy.orm import Session

from ledger.reports import packages as report
from ledger.reports.checks import receipts_total
from ledger.reports.packages import PackageLine
from ledger.reports.scope import Scope
from ledger.reports.standings import last_evaluation
from streams.officers.reports import about
from streams.officers.tables import Report, columns
from streams.officers.words import CLASSES, UMK_BASES, title

PACKAGES = columns("buyer_id", "name", "fiscal_year", "package_id", "package", "plan|plan", "pagu|rupiah",
                   "finding|finding", "realised|rupiah", "orders|int", "realised_umk|rupiah",
                   "realised_not_umk|rupiah", "pending|rupiah", "pending_orders|int", "realised_by")
BRIEF = ("buyer_id", "fiscal_year", "package_id", "pagu", "finding", "realised", "realised_not_umk", "pending",
         "realised_by")


def package_row(x: PackageLine, lang: str = "id") -> dict:
    """One package; `realised_by` names the suppliers of its completed orders, each with its class that
    day and the basis on which it is UMK, in words."""
    classes, bases = CLASSES.get(lang, CLASSES["id"]), UMK_BASES.get(lang, UMK_BASES["id"])
    said: dict[str, str] = {}
    for o in x.realising:
        if o.state == "completed":
            who = f"{o.supplier_name} ({o.supplier_id})" if o.supplier_name else o.supplier_id
            said.setdefault(who, f"{who}: {classes.get(o.supplier_class, o.supplier_class)}, {bases[o.umk_basis]}")
    return asdict(x) | {"realised_not_umk": x.realised_not_umk, "realised_by": "; ".join(said.values())}


def packages_report(rows: list[dict], *, lang: str = "id", about: dict | None = None) -> Report:
    """Package rows (`package_row`) as a report."""
    return Report(title("packages", lang), PACKAGES, rows, about or {},
                  ("pagu", "realised", "realised_umk", "realised_not_umk", "pending"), when_empty="no_packages",
                  brief=BRIEF)


def rows(scope: Scope, *, year: int | None = None, buyer: str | None = None, lang: str = "id") -> list[dict]:
    return [package_row(x, lang) for x in report.packages(scope, year=year, buyer=buyer)]


def build(session: Session, *, lang: str, as_of: datetime | None, year: int | None = None,
          buyer: str | None = None) -> Report:
    """`kuota report packages` over the ledger, as `streams.officers.terminal.build` builds the others."""
    scope = Scope(session, as_of)
    found = packages_report(rows(scope, year=year, buyer=buyer, lang=lang), lang=lang,
                            about=about(lang, as_of, last_evaluation(session), year=year, buyer=buyer))
    found.empty_ledger = not found.rows and receipts_total(session) == 0
    return found


def by_agency(rows: list[dict]) -> list[dict]:
    """Rows of one fiscal year grouped per agency for the dashboard, each with its count and sum per
    finding; agencies with a UKM package realised through a supplier UMK on neither basis first, then
    the most UKM pagu with nothing realised yet."""
    agencies: dict[str, dict] = {}
    for r in rows:
        a = agencies.setdefault(r["buyer_id"], {"buyer_id": r["buyer_id"], "name": r["name"], "region": r["region"],
                                                "lines": [], "count": {}, "pagu": {}, "realised": 0, "pending": 0})
        a["lines"].append(r)
        a["count"][r["finding"]] = a["count"].get(r["finding"], 0) + 1
        a["pagu"][r["finding"]] = a["pagu"].get(r["finding"], 0) + (r["pagu"] or 0)
        a["realised"] += r["realised"]
        a["pending"] += r["pending"]
        a["unregistered"] = a.get("unregistered") or any(o["supplier_class"] == "unregistered" and not o["umk_basis"]
                                                         for o in r["realising"])
    return sorted(agencies.values(), key=lambda a: (-a["count"].get("not_umk", 0), -a["pagu"].get("not_realised", 0),
                                                    a["buyer_id"]))
