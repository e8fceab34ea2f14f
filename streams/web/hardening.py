"""What every response of the API and dashboard carries, and what no response gives away:
security headers, validation errors that never echo a long input back, and an OpenAPI document
that names the credentials each operation needs."""

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.routing import APIRoute

from streams.web.auth import REFUSALS, SECURITY, SESSION_COOKIE

# No inline script or style anywhere: the pages' scripts and styles are files under /static.
POLICY = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
          "form-action 'self'; frame-ancestors 'none'")
HEADERS = [(b"content-security-policy", POLICY.encode()), (b"x-frame-options", b"DENY"),
           (b"referrer-policy", b"same-origin"), (b"x-content-type-options", b"nosniff")]
# Only what anyone may fetch (probes, the files every page loads) may be kept by a cache. Every
# other answer is someone's data or a page behind a login, which no shared cache, proxy or back
# button may keep: no-store, so a route added later is private until it is listed here.
PUBLIC = ("/health", "/ready")
PUBLIC_TREES = ("/static/", "/docs-assets/")
NO_STORE = (b"cache-control", b"no-store")
ECHO = 200  # characters of a refused input a 422 gives back
SCHEMES = {"bearer": {"type": "http", "scheme": "bearer", "description": "an API key: kuota_<key_id>_<secret>"},
           "session": {"type": "apiKey", "in": "cookie", "name": SESSION_COOKIE,
                       "description": "the dashboard's session, from POST /login"}}


class SecurityHeaders:
    """ASGI middleware: the headers on every response, downloads and errors included; `no-store`
    on all but the public ones."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        public = scope["path"] in PUBLIC or scope["path"].startswith(PUBLIC_TREES)
        headers = HEADERS if public else [*HEADERS, NO_STORE]

        async def sending(message):
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in headers if h[0] not in names)]
            await send(message)

        await self.app(scope, receive, sending)


def harden(api: FastAPI) -> None:
    """Add the headers, the short validation errors, `/docs` without inline script and the
    OpenAPI security; call last in `create_api`, after every route is in."""
    api.add_middleware(SecurityHeaders)

    @api.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        return JSONResponse({"detail": [_short(e) for e in jsonable_encoder(exc.errors())]}, status_code=422)

    @api.get("/docs", include_in_schema=False)
    def docs():
        return HTMLResponse(DOCS)

    api.openapi = lambda: _openapi(api)


def _short(error: dict) -> dict:
    if "input" in error:
        text = error["input"] if isinstance(error["input"], str) else repr(error["input"])
        error["input"] = text if len(text) <= ECHO else text[:ECHO] + "…"
    error.pop("url", None)
    return error


def _protected(route: APIRoute) -> bool:
    pending = list(route.dependant.dependencies)
    while pending:
        dependant = pending.pop()
        if getattr(dependant.call, "kuota_scope", None):
            return True
        pending += dependant.dependencies
    return False


def _openapi(api: FastAPI) -> dict:
    if api.openapi_schema is None:
        schema = get_openapi(title=api.title, version=api.version, summary=api.summary,
                             description=api.description, routes=api.routes)
        schema.setdefault("components", {})["securitySchemes"] = SCHEMES
        for route in api.routes:
            if isinstance(route, APIRoute) and route.include_in_schema and _protected(route):
                for method in route.methods:
                    operation = schema["paths"][route.path_format][method.lower()]
                    operation["security"] = SECURITY
                    for code, answer in REFUSALS.items():
                        operation["responses"].setdefault(str(code), answer)
        api.openapi_schema = schema
    return api.openapi_schema


DOCS = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>kuota · API</title><link rel="stylesheet" href="/docs-assets/swagger-ui.css">
<link rel="icon" href="/docs-assets/favicon.png"></head>
<body><div id="swagger-ui"></div>
<script src="/docs-assets/swagger-ui-bundle.js"></script><script src="/static/docs.js"></script></body></html>
"""
