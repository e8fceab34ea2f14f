"""The officers' dashboard: server-rendered pages over the same read functions as the API."""

from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Path as PathParam, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from ledger.reports.scope import Scope
from ledger.rules.money import format_rupiah, percent
from schemas.codes import region_timezone
from streams.officers import views as officers, words as labels
from streams.officers.packages import by_agency, rows as package_lines
from streams.settings import Settings
from streams.web import charts
from streams.web.auth import Viewer
from streams.web.sight import Sight, logged

COOKIE = "kuota_lang"
PAGE = 50  # entries per page on a buyer's page
# A date picked on a page means the end of that day in WIB, as `kuota report --as-of DATE` does.
WIB = timezone(timedelta(hours=7))
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.filters["rupiah"] = lambda v: "-" if v is None else format_rupiah(v)
templates.env.filters["bp"] = percent
# A share in basis points as a whole percent 0-100, for the meters' classes (`w-37`, `at-40`).
templates.env.filters["pct"] = lambda bp: min(max(bp or 0, 0), 10_000) // 100
templates.env.filters["bar"] = lambda part, whole: 0 if not whole or part <= 0 else min(100, part * 100 // whole)
# What was reached as it is (517%), rounded down like every share, so 99.6% never reads as 100%.
templates.env.filters["achieved"] = lambda part, whole: "-" if not whole else f"{max(part, 0) * 100 // whole}%"

Lang = Annotated[Literal["id", "en"] | None, Query()]
Period = Annotated[str | None, Query(pattern=r"^[0-9]{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$")]
AsOf = Annotated[str | None, Query(max_length=40, description="a date (the end of that day, WIB) or RFC 3339")]


def when(moment: datetime | None, region: str | None = None) -> str:
    """A moment in the zone of a region, named: `2024-03-31 23:59 WIB` (WIB when no region is known)."""
    if moment is None:
        return "-"
    local = moment.astimezone(region_timezone(region or ""))
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


templates.env.filters["when"] = when


def as_of_moment(text: str | None) -> datetime | None:
    """What the pages' `as_of` asks for: nothing (now), a date from the picker (the end of that
    day, WIB), or an RFC 3339 time with an offset as the API takes it."""
    if not text:
        return None
    try:
        moment = (datetime.combine(date.fromisoformat(text), time.max, WIB) if len(text) == 10
                  else datetime.fromisoformat(text))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None or not 1900 <= moment.year <= 2999:
        raise HTTPException(422, "as_of: a date (2024-03-31) or an RFC 3339 time with an offset, years 1900-2999")
    return moment


def router(Db, settings: Settings, engine) -> APIRouter:
    """The pages, each for a logged-in person (else a redirect to /login), showing what it may see."""
    pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

    @pages.get("/")
    def overview(request: Request, db: Db, who: Viewer, lang: Lang = None, period: Period = None,
                 as_of: AsOf = None):
        scope = Scope(db, as_of_moment(as_of))
        sight = Sight(who, scope)
        sections = [_section(sight, p, period) for p in sight.programs(officers.programs(scope))]
        return _render(request, "overview.html", lang, scope, sections=sections, health=officers.health(db),
                       zone_region=next((s["program"]["region"] for s in sections), None))

    @pages.get("/buyers/{buyer_id}")
    def buyer(request: Request, db: Db, who: Viewer, buyer_id: Annotated[str, PathParam(min_length=1, max_length=64)],
              lang: Lang = None, offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0, as_of: AsOf = None):
        scope = Scope(db, as_of_moment(as_of))
        Sight(who, scope).own_buyer(buyer_id)  # 403 whether or not it exists
        logged(engine, request, who, "read", buyer_id)
        detail = officers.buyer_detail(scope, buyer_id, limit=PAGE, offset=offset)
        if detail is None:
            raise HTTPException(404, f"pembeli tidak dikenal / unknown buyer: {buyer_id}")
        words = labels.WORDS[_lang(request, lang)]
        charts_ = [(t, _chart(t, words), _contribution(scope, t, buyer_id))
                   for t in officers.program_trend(scope, buyer_id)]
        return _render(request, "buyer.html", lang, scope, buyer=detail["buyer"], standings=detail["standings"],
                       charts=charts_, entries=detail["entries"], offset=offset, page=PAGE,
                       alerts=officers.alerts(db, buyer=buyer_id, until=scope.as_of),
                       zone_region=detail["buyer"]["region"])

    @pages.get("/alerts")
    def alerts(request: Request, db: Db, who: Viewer, lang: Lang = None,
               program: Annotated[str | None, Query(pattern=r"^[a-z0-9][a-z0-9-]{2,39}$")] = None,
               status: Annotated[Literal["breach", "at_risk", "recovered", "met"] | None, Query()] = None):
        sight = Sight(who, Scope(db))
        rows = [r for r in officers.alerts(db, program=program, status=status) if sight.alert(r)]
        return _render(request, "alerts.html", lang, sight.scope, alerts=rows, program=program, status=status)

    @pages.get("/allocation")
    def allocation(request: Request, db: Db, who: Viewer, lang: Lang = None, as_of: AsOf = None,
                   year: Annotated[int | None, Query(ge=1900, le=2999)] = None):
        scope = Scope(db, as_of_moment(as_of))
        sight = Sight(who, scope)
        rows = [r for r in officers.allocation(scope) if sight.line(r["buyer_id"], r["region"])]
        years = sorted({r["fiscal_year"] for r in rows})
        shown = year if year in years else (years[-1] if years else None)
        # Furthest below the 40% first; units without a budget line apart (no share, not zero).
        lines = sorted((r for r in rows if r["fiscal_year"] == shown and r["budget_line"]),
                       key=lambda r: (r["planned_share_bp"], r["buyer_id"]))
        unbudgeted = [r for r in rows if r["fiscal_year"] == shown and not r["budget_line"]]
        return _render(request, "allocation.html", lang, scope, years=years, year=shown, lines=lines,
                       unbudgeted=unbudgeted, zone_region=next((r["region"] for r in lines if r["region"]), None))

    @pages.get("/packages")
    def packages(request: Request, db: Db, who: Viewer, lang: Lang = None, as_of: AsOf = None,
                 year: Annotated[int | None, Query(ge=1900, le=2999)] = None,
                 buyer: Annotated[str | None, Query(min_length=1, max_length=64)] = None):
        scope = Scope(db, as_of_moment(as_of))
        sight = Sight(who, scope)
        sight.own_buyer(buyer)
        chosen = _lang(request, lang)
        rows = [r for r in package_lines(scope, buyer=buyer, lang=chosen) if sight.line(r["buyer_id"], r["region"])]
        years = sorted({r["fiscal_year"] for r in rows})
        shown = year if year in years else (years[-1] if years else None)
        return _render(request, "packages.html", lang, scope, years=years, year=shown, buyer=buyer,
                       agencies=by_agency([r for r in rows if r["fiscal_year"] == shown]),
                       linked=any(r["realising"] for r in rows), findings=labels.FINDINGS[chosen],
                       plans=labels.PLANS[chosen], bases=labels.UMK_BASES[chosen],
                       heads={k: labels.heading(k, chosen) for k in ("package_id", "package", "pagu", "finding",
                                                                     "realised", "realised_umk", "realised_not_umk",
                                                                     "pending", "realised_by", "plan")},
                       zone_region=next((r["region"] for r in rows if r["region"]), None))

    @pages.get("/registri")
    def registry(request: Request, db: Db, who: Viewer, lang: Lang = None,
                 region: Annotated[str | None, Query(pattern=r"^[0-9]{4}$")] = None):
        today = datetime.now(WIB).date()
        sight = Sight(who, Scope(db))
        region = sight.region(region)
        sections = officers.registry_sections(db, today=today, region=region, keep=sight.flag,
                                              **registry_settings(settings))
        chosen = _lang(request, lang)
        heads = {k: labels.heading(k, chosen) for k in ("supplier_id", "district", "sector", "valid_to", "days_left",
                                                        "buyer_amounts", "flag", "limit", "events", "evidence",
                                                        "score", "spend", "category", "suppliers", "booked_on")}
        return _render(request, "registry.html", lang, sight.scope, region=region, today=today, heads=heads,
                       within=settings.expiring_days, flag_words=labels.FLAGS[chosen],
                       dimensions=labels.DIMENSIONS[chosen], duplicate_kinds=labels.DUPLICATE_KINDS[chosen],
                       titles={k: labels.title(k, chosen) for k in ("registry", "expiring", "flags", "duplicates")},
                       **sections)

    return pages


def registry_settings(settings: Settings) -> dict:
    """What the registry's sections take from the settings: the expiry window, how alike names
    must be, the channels' caps."""
    return {"within": settings.expiring_days, "score": settings.duplicate_name_score, "caps": settings.split_caps}


def _section(sight: Sight, program: dict, period: str | None) -> dict:
    """One program on the overview: its lines in the chosen (or latest) period, shortest first."""
    scope = sight.scope
    lines = [x for x in officers.compliance(scope, program=program["program_id"])
             if sight.line(x["buyer_id"], x["region"], x["program_id"])]
    periods = sorted({x["period"] for x in lines})
    shown = period if period in periods else (periods[-1] if periods else None)
    lines = [x for x in lines if x["period"] == shown]
    threshold = program["threshold"]["share_bp"]
    if threshold is not None:  # below the threshold first, the lowest share first
        lines.sort(key=lambda x: (x["share_bp"] is not None and x["share_bp"] >= threshold,
                                  x["share_bp"] if x["share_bp"] is not None else -1, x["buyer_id"]))
    # Each agency's part is read from the live books only; under an as-of it would mix two moments.
    combined = program["scope"] == "combined" and shown
    parts = [p for p in officers.parts(scope, program["program_id"], shown) if sight.buyer(p["buyer_id"])] \
        if combined else []
    return {"program": program, "periods": periods, "period": shown, "lines": lines, "parts": parts}


def _contribution(scope: Scope, trend: dict, buyer_id: str) -> tuple[str, int] | None:
    """A buyer's part of a combined amount program (Bebeli) in its latest period; live books only."""
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


def _render(request: Request, template: str, lang: str | None, scope: Scope, **context):
    chosen = _lang(request, lang)
    moment = scope.as_of
    response = templates.TemplateResponse(request, template, {
        "lang": chosen, "t": labels.WORDS[chosen], "statuses": labels.STATUS[chosen],
        "reasons": labels.REASONS[chosen], "kinds": labels.KINDS[chosen], "channels": labels.CHANNELS[chosen],
        "classes": labels.CLASSES[chosen], "bases": labels.CLASS_BASES[chosen], "buyer_names": scope.names,
        "program_of": {p.program_id: p for p in scope.programs},
        "as_of": moment, "as_of_day": moment.astimezone(WIB).date().isoformat() if moment else "",
        "keep": f"?{urlencode({'as_of': request.query_params['as_of']})}" if moment else "",
        "viewer": getattr(request.state, "principal", None), "csrf": getattr(request.state, "csrf", ""), **context})
    if lang is not None:  # an explicit choice is remembered for the next pages
        response.set_cookie(COOKIE, chosen, max_age=365 * 24 * 3600, samesite="lax")
    return response
