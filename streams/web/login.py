"""Logging in and out of the dashboard, and the admins' access-log page.

The login form carries a double-submit token: a random value in a cookie (`kuota_csrf`,
SameSite=Strict) and the same value in the form; a form posted from another site has no way to
know it. After login the session's own CSRF token guards POST /logout the same way.
"""

from datetime import datetime, timezone
from urllib.parse import parse_qs

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ledger.books import access as people
from ledger.rules.access import LOCKOUT, SESSION_LIFETIME
from streams.officers import words as labels
from streams.web.auth import CSRF_COOKIE, SESSION_COOKIE, Viewer, local_path, new_csrf, same
from streams.web.dashboard import _lang, templates

FORM_LIMIT = 8192  # bytes of a login or logout form; more is not a form of ours


def router(Db) -> APIRouter:
    pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

    @pages.get("/login")
    def login_page(request: Request, next: str | None = Query(None, max_length=2000), lang: str | None = None):
        return _form(request, local_path(next), lang if lang in labels.LANGS else None)

    @pages.post("/login")
    async def login(request: Request, db: Db):
        form = await _read(request)
        target = local_path(form.get("next"))
        if not same(form.get("csrf"), request.cookies.get(CSRF_COOKIE)):
            return _form(request, target, None, error="form_expired", status=403)
        outcome = people.login(db, form.get("name", "")[:100], form.get("password", "")[:1000], _now())
        db.commit()
        if isinstance(outcome, str):
            return _form(request, target, None, error=outcome, status=401)
        _, token, _ = outcome
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(SESSION_COOKIE, token, max_age=int(SESSION_LIFETIME.total_seconds()), httponly=True,
                            samesite="lax", secure=_https(request), path="/")
        response.delete_cookie(CSRF_COOKIE, path="/login")
        return response

    @pages.post("/logout")
    async def logout(request: Request, db: Db):
        form = await _read(request)
        token = request.cookies.get(SESSION_COOKIE)
        found = people.principal_of_session(db, token, _now()) if token else None
        if found is not None:
            if not same(form.get("csrf"), found[1]):
                raise HTTPException(403, "token CSRF tidak cocok / CSRF token missing or wrong")
            people.logout(db, token, _now())
            db.commit()
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @pages.get("/access-log")
    def access_log(request: Request, db: Db, who: Viewer, lang: str | None = None,
                   limit: int = Query(200, ge=1, le=1000)):
        if not who.may_administer():
            raise HTTPException(403, "hanya admin / admins only")
        chosen = _lang(request, lang if lang in labels.LANGS else None)
        rows = people.access_log(db, limit=limit)
        return templates.TemplateResponse(request, "access_log.html", {
            "lang": chosen, "t": labels.WORDS[chosen], "rows": rows, "viewer": who, "csrf": request.state.csrf})

    return pages


def _form(request: Request, target: str, lang: str | None, *, error: str | None = None,
          status: int = 200) -> Response:
    chosen = _lang(request, lang)
    words = labels.WORDS[chosen]
    message = words[error].format(minutes=int(LOCKOUT.total_seconds() // 60)) if error else None
    token = new_csrf()
    response = templates.TemplateResponse(request, "login.html", {
        "lang": chosen, "t": words, "next": target, "csrf": token, "error": message, "viewer": None},
        status_code=status)
    response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", secure=_https(request), path="/login")
    return response


async def _read(request: Request) -> dict[str, str]:
    """An url-encoded form, first value of each field; an oversized body reads as empty."""
    body = await request.body()
    if len(body) > FORM_LIMIT:
        return {}
    return {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}


def _https(request: Request) -> bool:
    return request.url.scheme == "https"


def _now() -> datetime:
    return datetime.now(timezone.utc)
