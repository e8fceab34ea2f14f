"""The officers' HTTP API and dashboard: reads the ledger database, never writes it.

`create_api(settings)` wires one engine; each request gets a session. Every route only turns
query parameters into a call of `streams.officers.views` and its result into JSON, CSV, XLSX or HTML.
"""

from contextlib import asynccontextmanager
from datetime import datetime
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Literal

from fastapi import Depends, FastAPI, HTTPException, Path as PathParam, Query, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ledger.db import make_engine
from ledger.reports.scope import Scope
from ledger.reports.standings import overview
from streams.officers import reports, views as officers
from streams.officers.packages import packages_report, rows as package_rows
from streams.officers.tables import Report, as_csv
from streams.officers.xlsx import XLSX_TYPE, workbook
from streams.settings import Settings
from streams.web import responses as m
from streams.web.auth import REFUSALS, Reading, install
from streams.web.dashboard import WIB, registry_settings, router
from streams.web.hardening import harden
from streams.web.ingest import ingest_router
from streams.web.login import router as login_router
from streams.web.probes import Probes
from streams.web.sight import Sight, logged, reads_one_buyer

Program = Annotated[str | None, Query(pattern=r"^[a-z0-9][a-z0-9-]{2,39}$", description="a program_id")]
Period = Annotated[str | None, Query(pattern=r"^[0-9]{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$",
                                     description="2024, 2024-Q1 or 2024-03")]
Region = Annotated[str | None, Query(pattern=r"^[0-9]{4}$", description="BPS region code, e.g. 3216")]
BuyerId = Annotated[str | None, Query(min_length=1, max_length=64, description="a buyer id (`*`: combined)")]
Status = Annotated[Literal["breach", "at_risk", "recovered", "met"] | None, Query()]
Limit = Annotated[int, Query(ge=1, le=1000, description="rows per page")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="rows skipped")]
Format = Annotated[Literal["json", "csv", "xlsx"], Query(description="json, or a download of every matching row")]
Lang = Annotated[Literal["id", "en"], Query(description="language of a download's headings")]
Year = Annotated[int | None, Query(ge=1900, le=2999, description="a fiscal year")]
DOWNLOADS = REFUSALS | {200: {"content": {"text/csv": {}, XLSX_TYPE: {}}}}
STATIC = Path(__file__).parent / "static"
# Swagger UI 5 (Apache-2.0) as the PyPI package fastapi-offline ships it: `/docs` works with no network.
DOCS_ASSETS = Path(str(files("fastapi_offline") / "static"))


def _as_of(as_of: Annotated[datetime | None, Query(
        description="what the ledger knew at this moment (RFC 3339 with offset); default now")] = None):
    if as_of is not None and (as_of.tzinfo is None or not 1900 <= as_of.year <= 2999):
        raise HTTPException(422, "as_of: an RFC 3339 time with an offset, years 1900-2999 "
                                 "(e.g. 2024-03-31T23:59:59+07:00)")
    return as_of


AsOf = Annotated[datetime | None, Depends(_as_of)]


def create_api(settings: Settings) -> FastAPI:
    engine = make_engine(settings.ledger_url)
    probes = Probes(settings, engine)

    @asynccontextmanager
    async def lifespan(_):
        yield
        probes.close()
        engine.dispose()

    api = FastAPI(title="kuota", lifespan=lifespan, version="1", docs_url=None, redoc_url=None,
                  summary="Kepatuhan kuota UMKM / UMKM quota compliance",
                  description="Laporan untuk petugas kepatuhan / reports for compliance officers. "
                              "Rupiah are whole integers; shares are basis points (3000 = 30%).")

    def session():
        with Session(engine) as s:
            yield s

    Db = Annotated[Session, Depends(session)]
    install(api, engine, settings)

    def note(request: Request, who, buyer: str | None, fmt: str = "json") -> None:
        """The access log: every download, and every read of one buyer's data."""
        one = reads_one_buyer(who, buyer)
        if fmt != "json" or one is not None:
            logged(engine, request, who, "read" if fmt == "json" else "download", one)

    @api.exception_handler(SQLAlchemyError)
    async def _unavailable(request: Request, exc: SQLAlchemyError):
        return JSONResponse({"detail": f"ledger unavailable: {type(exc).__name__}"}, status_code=503)

    @api.get("/health", response_model=m.Health, tags=["api"])
    def health(db: Db):
        return officers.health(db)

    # For operators and their tools, not part of the officers' API (a 503 here is an answer, not a fault).
    @api.get("/ready", include_in_schema=False)
    def ready():
        state = probes.ready()
        return JSONResponse(state, status_code=200 if state["ready"] else 503)

    @api.get("/metrics", include_in_schema=False)
    def metrics(request: Request):
        if not probes.may_scrape(request.client.host if request.client else None):
            raise HTTPException(403, "/metrics hanya dari loopback atau jaringan di KUOTA_METRICS_ALLOW / "
                                     "/metrics only from loopback or a network in KUOTA_METRICS_ALLOW")
        return Response(probes.metrics(), media_type=CONTENT_TYPE_LATEST)

    @api.get("/api/programs", response_model=m.Programs, tags=["api"], responses=REFUSALS)
    def programs(db: Db, who: Reading, as_of: AsOf):
        scope = Scope(db, as_of)
        rows = Sight(who, scope).programs(officers.programs(scope))
        return {"total": len(rows), "items": rows}

    @api.get("/api/compliance", response_model=m.Compliance, tags=["api"], responses=DOWNLOADS)
    def compliance(request: Request, db: Db, who: Reading, program: Program = None, period: Period = None,
                   region: Region = None, buyer: BuyerId = None, status: Status = None, as_of: AsOf = None,
                   limit: Limit = 100, offset: Offset = 0, format: Format = "json", lang: Lang = "id"):
        scope = Scope(db, as_of)
        sight = Sight(who, scope)
        sight.own_buyer(buyer)
        lines = [x for x in overview(scope, program=program, period=period, region=region, buyer=buyer,
                                     status=status) if sight.line(x.buyer_id, x.region, x.program_id)]
        note(request, who, buyer, format)
        if format != "json":
            about = _about(db, lang, as_of, program=program, period=period, region=region, buyer=buyer,
                           status=status)
            return _download(format, "kepatuhan", reports.overview(lines, lang=lang, about=about), lang)
        rows = [reports.compliance_row(x) for x in lines]
        part = officers.page(rows, limit, offset)
        return {"total": part.total, "limit": limit, "offset": offset, "totals": officers.totals(rows),
                "items": part.items}

    @api.get("/api/alerts", response_model=m.Alerts, tags=["api"], responses=DOWNLOADS)
    def alerts(request: Request, db: Db, who: Reading, program: Program = None, buyer: BuyerId = None,
               status: Status = None, limit: Limit = 100, offset: Offset = 0, format: Format = "json",
               lang: Lang = "id"):
        sight = Sight(who, Scope(db))
        sight.own_buyer(buyer)
        rows = [r for r in officers.alerts(db, program=program, buyer=buyer, status=status) if sight.alert(r)]
        note(request, who, buyer, format)
        if format != "json":
            about = _about(db, lang, None, program=program, buyer=buyer, status=status)
            return _download(format, "peringatan", reports.alerts(rows, lang=lang, about=about), lang)
        part = officers.page(rows, limit, offset)
        return {"total": part.total, "limit": limit, "offset": offset, "items": part.items}

    @api.get("/api/buyers/{buyer_id}", response_model=m.BuyerPage, tags=["api"],
             responses=REFUSALS | {404: {"description": "unknown buyer (to those who see every buyer)"}})
    def buyer(request: Request, db: Db, who: Reading, buyer_id: Annotated[str, PathParam(min_length=1, max_length=64)],
              period: Period = None, as_of: AsOf = None, limit: Limit = 100, offset: Offset = 0):
        scope = Scope(db, as_of)
        Sight(who, scope).own_buyer(buyer_id)  # before anything is read: 403 whether or not it exists
        note(request, who, buyer_id)
        detail = officers.buyer_detail(scope, buyer_id, period=period, limit=limit, offset=offset)
        if detail is None:
            raise HTTPException(404, f"pembeli tidak dikenal / unknown buyer: {buyer_id}")
        return detail | {"trend": officers.trend(scope, buyer=buyer_id),
                         "programs": officers.program_trend(scope, buyer_id)}

    @api.get("/api/suppliers", response_model=m.Suppliers, tags=["api"], responses=REFUSALS)
    def suppliers(db: Db, who: Reading, program: Program = None, region: Region = None,
                  scale: Annotated[Literal["mikro", "kecil", "menengah", "besar"] | None, Query()] = None,
                  as_of: AsOf = None, limit: Limit = 100, offset: Offset = 0):
        scope = Scope(db, as_of)
        region = Sight(who, scope).region(region)  # officers: suppliers of their region; buyers: none
        rows = officers.suppliers(scope, program=program, region=region, scale=scale)
        part = officers.page(rows, limit, offset)
        return {"total": part.total, "limit": limit, "offset": offset, "items": part.items}

    @api.get("/api/trend", response_model=m.Trend, tags=["api"], responses=REFUSALS)
    def trend(request: Request, db: Db, who: Reading, buyer: BuyerId = None, program: Program = None,
              as_of: AsOf = None, limit: Limit = 100, offset: Offset = 0):
        scope = Scope(db, as_of)
        sight = Sight(who, scope)
        sight.own_buyer(buyer)
        rows = [r for r in officers.trend(scope, buyer=buyer, program=program)
                if sight.line(r["buyer_id"], _region(scope, r["buyer_id"]), program)]
        note(request, who, buyer)
        part = officers.page(rows, limit, offset)
        return {"total": part.total, "limit": limit, "offset": offset, "items": part.items}

    @api.get("/api/allocation", response_model=m.Allocation, tags=["api"], responses=DOWNLOADS)
    def allocation(request: Request, db: Db, who: Reading, year: Year = None, buyer: BuyerId = None,
                   as_of: AsOf = None, limit: Limit = 100, offset: Offset = 0, format: Format = "json",
                   lang: Lang = "id"):
        scope = Scope(db, as_of)
        sight = Sight(who, scope)
        sight.own_buyer(buyer)
        rows = [r for r in officers.allocation(scope, year=year, buyer=buyer) if sight.line(r["buyer_id"], r["region"])]
        note(request, who, buyer, format)
        if format != "json":
            about = _about(db, lang, as_of, year=year, buyer=buyer)
            return _download(format, "alokasi", reports.allocation(rows, lang=lang, about=about), lang)
        part = officers.page(rows, limit, offset)
        return {"total": part.total, "limit": limit, "offset": offset, "items": part.items}

    @api.get("/api/packages", response_model=m.Packages, tags=["api"], responses=DOWNLOADS)
    def packages(request: Request, db: Db, who: Reading, year: Year = None, buyer: BuyerId = None,
                 as_of: AsOf = None, limit: Limit = 100, offset: Offset = 0, format: Format = "json",
                 lang: Lang = "id"):
        """Per agency and year, package by package: the SIRUP packages planned for UKM beside the orders
        that name them (e-Katalog kd_rup), what of them is UMK on either basis, and what is pending."""
        scope = Scope(db, as_of)
        sight = Sight(who, scope)
        sight.own_buyer(buyer)
        rows = [r for r in package_rows(scope, year=year, buyer=buyer, lang=lang)
                if sight.line(r["buyer_id"], r["region"])]
        note(request, who, buyer, format)
        if format != "json":
            about = _about(db, lang, as_of, year=year, buyer=buyer)
            return _download(format, "paket", packages_report(rows, lang=lang, about=about), lang)
        part = officers.page(rows, limit, offset)
        return {"total": part.total, "limit": limit, "offset": offset, "items": part.items}

    @api.get("/api/registry/{section}", tags=["api"], responses=DOWNLOADS)
    def registry(request: Request, db: Db, who: Reading, section: Literal["profile", "duplicates", "expiring", "flags"],
                 region: Region = None, year: Year = None, format: Format = "json", lang: Lang = "id"):
        """A section of the Registri page (flags: of `year`, this year by default); rows as the downloads.
        Officers read their own regions (their first when none is asked), buyers none."""
        sight = Sight(who, Scope(db))
        region = sight.region(region)
        report = officers.registry_report(db, section, lang=lang, today=datetime.now(WIB).date(), region=region,
                                          year=year, keep=sight.flag, **registry_settings(settings))
        note(request, who, None, format)
        if format != "json":
            return _download(format, f"registri-{section}", report, lang)
        return {"total": len(report.rows), "items": report.rows}

    api.include_router(router(Db, settings, engine))
    api.include_router(login_router(Db))
    api.include_router(ingest_router(Db, settings))
    api.mount("/static", StaticFiles(directory=STATIC), name="static")
    api.mount("/docs-assets", StaticFiles(directory=DOCS_ASSETS), name="docs-assets")
    harden(api)
    return api


def _region(scope: Scope, buyer_id: str) -> str | None:
    info = scope.buyers.get(buyer_id)
    return info.region if info else None


def _about(db: Session, lang: str, as_of: datetime | None, **filters) -> dict[str, str]:
    return reports.about(lang, as_of, officers.health(db)["last_evaluation"], **filters)


def _download(fmt: str, stem: str, report: Report, lang: str) -> Response:
    if fmt == "csv":
        return Response(as_csv(report), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{stem}.csv"'})
    return Response(workbook(report, lang), media_type=XLSX_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{stem}.xlsx"'})
