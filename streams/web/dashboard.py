"""The officers' dashboard: server-rendered pages over the same read functions as the API."""

from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path as PathParam, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from ledger.reports.scope import Scope
from ledger.rules.money import format_rupiah, percent
from streams.officers import views as officers, words as labels
from streams.web import charts

COOKIE = "kuota_lang"
PAGE = 50  # entries per page on a buyer's page
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.filters["rupiah"] = lambda v: "-" if v is None else format_rupiah(v)
templates.env.filters["bp"] = percent
templates.env.filters["bar"] = lambda part, whole: 0 if not whole or part <= 0 else min(100, part * 100 // whole)

Lang = Annotated[Literal["id", "en"] | None, Query()]
Period = Annotated[str | None, Query(pattern=r"^[0-9]{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$")]


def router(Db) -> APIRouter:
    pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

    @pages.get("/")
    def overview(request: Request, db: Db, lang: Lang = None, period: Period = None):
        scope = Scope(db)
        sections = [_section(scope, p, period) for p in officers.programs(scope)]
        return _render(request, "overview.html", lang, sections=sections,
                       health=officers.health(db))

    @pages.get("/buyers/{buyer_id}")
    def buyer(request: Request, db: Db, buyer_id: Annotated[str, PathParam(min_length=1, max_length=64)],
              lang: Lang = None, offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0):
        scope = Scope(db)
        detail = officers.buyer_detail(scope, buyer_id, limit=PAGE, offset=offset)
        if detail is None:
            raise HTTPException(404, f"pembeli tidak dikenal / unknown buyer: {buyer_id}")
        words = labels.WORDS[_lang(request, lang)]
        charts_ = [(t, _chart(t, words), _contribution(scope, t, buyer_id))
                   for t in officers.program_trend(scope, buyer_id)]
        return _render(request, "buyer.html", lang, buyer=detail["buyer"], standings=detail["standings"],
                       charts=charts_, entries=detail["entries"], offset=offset, page=PAGE,
                       alerts=officers.alerts(db, buyer=buyer_id))

    @pages.get("/alerts")
    def alerts(request: Request, db: Db, lang: Lang = None,
               program: Annotated[str | None, Query(pattern=r"^[a-z0-9][a-z0-9-]{2,39}$")] = None,
               status: Annotated[Literal["breach", "at_risk", "recovered", "met"] | None, Query()] = None):
        rows = officers.alerts(db, program=program, status=status)
        return _render(request, "alerts.html", lang, alerts=rows, program=program, status=status,
                       programs=[p.program_id for p in Scope(db).programs])

    return pages


def _section(scope: Scope, program: dict, period: str | None) -> dict:
    """One program on the overview: its lines in the chosen (or latest) period, shortest first."""
    lines = officers.compliance(scope, program=program["program_id"])
    periods = sorted({x["period"] for x in lines})
    shown = period if period in periods else (periods[-1] if periods else None)
    lines = [x for x in lines if x["period"] == shown]
    threshold = program["threshold"]["share_bp"]
    if threshold is not None:  # below the threshold first, the lowest share first
        lines.sort(key=lambda x: (x["share_bp"] is not None and x["share_bp"] >= threshold,
                                  x["share_bp"] if x["share_bp"] is not None else -1, x["buyer_id"]))
    parts = officers.parts(scope, program["program_id"], shown) if program["scope"] == "combined" and shown else []
    return {"program": program, "periods": periods, "period": shown, "lines": lines, "parts": parts}


def _contribution(scope: Scope, trend: dict, buyer_id: str) -> tuple[str, int] | None:
    """A buyer's part of a combined amount program (Bebeli) in its latest period."""
    if trend["kind"] != "amount":
        return None
    periods = sorted({x["period"] for x in officers.compliance(scope, program=trend["program_id"])})
    if not periods:
        return None
    part = next((r for r in officers.parts(scope, trend["program_id"], periods[-1]) if r["buyer_id"] == buyer_id), None)
    return periods[-1], part["eligible"] if part else 0


def _chart(trend: dict, words: dict) -> Markup | None:
    if trend["threshold_bp"] is None:
        return None
    title = f"{words['share_over_time']}: {trend['program']}"
    label = f"{words['threshold']} {percent(trend['threshold_bp'])}"
    points = [(p["period"], p.get("share_bp")) for p in trend["points"]]
    return Markup(charts.share_chart(points, trend["threshold_bp"], title=title, threshold_label=label))


def _lang(request: Request, lang: str | None) -> str:
    return lang or (request.cookies.get(COOKIE) if request.cookies.get(COOKIE) in labels.LANGS else "id")


def _render(request: Request, template: str, lang: str | None, **context):
    chosen = _lang(request, lang)
    response = templates.TemplateResponse(request, template, {
        "lang": chosen, "t": labels.WORDS[chosen], "statuses": labels.STATUS[chosen],
        "reasons": labels.REASONS[chosen], "kinds": labels.KINDS[chosen], **context})
    if lang is not None:  # an explicit choice is remembered for the next pages
        response.set_cookie(COOKIE, chosen, max_age=365 * 24 * 3600, samesite="lax")
    return response
