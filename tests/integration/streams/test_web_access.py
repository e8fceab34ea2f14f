"""Who may read what on the API and the dashboard, over the demo's ledger: nothing without
credentials, a login form guarded by a CSRF token, a buyer held to its own buyer, an officer to its
regions, admins alone on the access log, headers on every answer, short errors, and a key's rate."""

import re

import anyio
import pytest
from fastapi.testclient import TestClient

from streams.settings import Settings
from streams.web.app import create_api
from tests.credentials import api_key, bearer, person, session_token, signed_in
from tests.e2e.conftest import demo_ledger_url, demo_run

pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings("ignore::DeprecationWarning")]

DATA = ["/api/programs", "/api/compliance", "/api/alerts", "/api/buyers/opd-3216-dinkes", "/api/suppliers",
        "/api/trend", "/api/allocation", "/api/registry/profile", "/api/compliance?format=csv"]


@pytest.fixture(scope="module")
def ledger(tmp_path_factory) -> str:
    return demo_ledger_url(demo_run(tmp_path_factory))


@pytest.fixture(scope="module")
def api(ledger):
    return create_api(Settings(database_url=ledger))


@pytest.fixture
def anonymous(api):
    with TestClient(api, follow_redirects=False) as c:
        yield c


def as_(api, ledger, role: str, **who) -> TestClient:
    return signed_in(TestClient(api, follow_redirects=False), ledger, role, **who)


@pytest.fixture(scope="module")
def buyers(api, ledger) -> tuple[str, str]:
    """Two buyers of region 3216 with compliance lines in the demo."""
    with as_(api, ledger, "admin") as admin:
        lines = admin.get("/api/compliance", params={"limit": 1000}).json()["items"]
    ids = sorted({x["buyer_id"] for x in lines if x["buyer_id"] != "*" and x["region"] == "3216"})
    assert len(ids) >= 2
    return ids[0], ids[1]


def test_without_credentials_every_data_endpoint_answers_401_and_health_answers(anonymous):
    for path in DATA:
        r = anonymous.get(path)
        assert r.status_code == 401, path
        assert r.headers["www-authenticate"] == "Bearer" and "Bearer" in r.json()["detail"]
    assert anonymous.get("/health").status_code == 200
    assert anonymous.get("/openapi.json").status_code == 200 and anonymous.get("/docs").status_code == 200


def test_a_dashboard_page_sends_the_browser_to_the_login_form_and_back(anonymous):
    r = anonymous.get("/alerts", params={"status": "breach"})
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/alerts%3Fstatus%3Dbreach"
    form = anonymous.get(r.headers["location"])
    assert form.status_code == 200 and 'name="next" value="/alerts?status=breach"' in form.text


def login_form(client: TestClient, next_path: str = "/") -> str:
    page = client.get("/login", params={"next": next_path})
    return re.search(r'name="csrf" value="([^"]+)"', page.text)[1]


def test_login_needs_the_forms_token_and_goes_back_only_to_a_local_path(anonymous, ledger):
    name, password = person(ledger, "auditor")
    login_form(anonymous)
    refused = anonymous.post("/login", data={"name": name, "password": password, "csrf": "forged"})
    assert refused.status_code == 403 and "kuota_session" not in refused.cookies
    token = login_form(anonymous)
    r = anonymous.post("/login", data={"name": name, "password": password, "csrf": token,
                                       "next": "//evil.example/steal"})
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"]
    assert "kuota_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert anonymous.get("/api/programs").status_code == 200


def test_a_refused_login_says_one_line_and_never_which_of_name_or_password_was_wrong(anonymous, ledger):
    name, _ = person(ledger, "officer", regions=["3216"])
    said = []
    for who in (name, "nobody-here"):
        r = anonymous.post("/login", data={"name": who, "password": "not the password", "csrf": login_form(anonymous)})
        assert r.status_code == 401
        said.append(re.search(r'id="login-error"[^>]*>([^<]+)<', r.text)[1])
    assert said[0] == said[1] == "Nama pengguna atau kata sandi salah."


def test_logout_needs_the_sessions_csrf_token_and_ends_the_session(api, ledger):
    with as_(api, ledger, "officer", regions=["3216"]) as officer:
        page = officer.get("/")
        assert page.status_code == 200 and 'id="logged-in"' in page.text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)[1]
        assert officer.post("/logout", data={"csrf": "forged"}).status_code == 403
        assert officer.get("/").status_code == 200
        assert officer.post("/logout", data={"csrf": csrf}).status_code == 303
        officer.cookies.clear()
        officer.cookies.set("kuota_session", "")
        assert officer.get("/").status_code == 303


def test_a_buyer_key_reads_its_own_buyer_and_nothing_of_another(api, ledger, buyers):
    own, other = buyers
    key = bearer(api_key(ledger, buyer_id=own))
    with TestClient(api) as c:
        assert c.get(f"/api/buyers/{own}", headers=key).json()["buyer"]["buyer_id"] == own
        for path in (f"/api/buyers/{other}", "/api/buyers/no-such-buyer", f"/api/compliance?buyer={other}",
                     f"/api/compliance?buyer={other}&format=csv", "/api/registry/profile", "/api/suppliers"):
            assert c.get(path, headers=key).status_code == 403, path
        for path in ("/api/compliance", "/api/alerts", "/api/trend", "/api/allocation"):
            rows = c.get(path, params={"limit": 1000}, headers=key).json()["items"]
            assert {r["buyer_id"] for r in rows} <= {own}, path
        assert {r["buyer_id"] for r in c.get("/api/compliance", headers=key).json()["items"]} == {own}


def test_a_buyer_person_cannot_open_another_buyers_page(api, ledger, buyers):
    own, other = buyers
    with as_(api, ledger, "buyer", buyer_id=own) as person_:
        assert person_.get(f"/buyers/{own}").status_code == 200
        assert person_.get(f"/buyers/{other}").status_code == 403
        assert person_.get("/registri").status_code == 403
        assert other not in person_.get("/").text


def test_an_officer_sees_the_lines_of_its_regions_only(api, ledger):
    with as_(api, ledger, "officer", regions=["3216"]) as home, as_(api, ledger, "officer", regions=["3275"]) as away:
        lines = home.get("/api/compliance", params={"limit": 1000}).json()["items"]
        assert lines and {x["region"] for x in lines} == {"3216"}
        assert away.get("/api/compliance").json()["total"] == 0
        assert away.get("/api/programs").json()["total"] == 0
        assert {r["region"] for r in away.get("/api/allocation", params={"limit": 1000}).json()["items"]} <= {"3275"}
        assert away.get("/api/registry/profile", params={"region": "3216"}).status_code == 403
        assert away.get("/api/buyers/opd-3216-dinkes").status_code == 403


def test_reads_of_a_buyer_are_logged_and_only_admins_see_the_log(api, ledger, buyers):
    own, _ = buyers
    with as_(api, ledger, "auditor") as auditor, as_(api, ledger, "admin") as admin:
        assert auditor.get(f"/api/buyers/{own}").status_code == 200
        assert auditor.get("/api/alerts", params={"format": "csv"}).status_code == 200
        assert auditor.get("/access-log").status_code == 403
        page = admin.get("/access-log")
        assert page.status_code == 200
        assert f"/api/buyers/{own}" in page.text and "download" in page.text


def test_every_answer_carries_the_security_headers(anonymous, api, ledger):
    with as_(api, ledger, "admin") as admin:
        for r in (anonymous.get("/health"), anonymous.get("/api/programs"), anonymous.get("/login"),
                  admin.get("/"), admin.get("/api/alerts", params={"format": "xlsx"}), anonymous.get("/docs")):
            assert "default-src 'self'" in r.headers["content-security-policy"]
            assert "unsafe-inline" not in r.headers["content-security-policy"]
            assert r.headers["x-frame-options"] == "DENY" and r.headers["referrer-policy"] == "same-origin"
            assert r.headers["x-content-type-options"] == "nosniff"
        assert "<script>" not in admin.get("/").text and "style=" not in admin.get("/").text


def asgi_get(app, path: str, query: bytes, cookie: str) -> tuple[int, bytes]:
    """One GET straight into the application: HTTP clients refuse a query this long before sending it."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "root_path": "", "query_string": query,
             "headers": [(b"host", b"testserver"), (b"cookie", f"kuota_session={cookie}".encode())],
             "client": ("127.0.0.1", 50000), "server": ("testserver", 80)}
    answer = {"status": 0, "body": b""}

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
        elif message["type"] == "http.response.body":
            answer["body"] += message.get("body", b"")

    anyio.run(app, scope, receive, send)
    return answer["status"], answer["body"]


def test_a_100_kb_parameter_gets_a_short_error(api, ledger):
    status, body = asgi_get(api, "/api/compliance", b"program=" + b"x" * 100_000, session_token(ledger, "admin"))
    assert status == 422 and len(body) < 2_000 and b"xxxx" in body


def test_a_key_past_its_burst_is_told_when_to_come_back(ledger, buyers):
    key = bearer(api_key(ledger, buyer_id=buyers[0]))
    with TestClient(create_api(Settings(database_url=ledger, key_rate=0.01, key_burst=2))) as c:
        assert [c.get("/api/programs", headers=key).status_code for _ in range(3)] == [200, 200, 429]
        assert int(c.get("/api/programs", headers=key).headers["retry-after"]) >= 1


def test_a_key_without_the_read_scope_or_a_wrong_key_is_refused(api, ledger, buyers):
    with TestClient(api) as c:
        sender = bearer(api_key(ledger, buyer_id=buyers[0], scopes="ingest"))
        assert c.get("/api/programs", headers=sender).status_code == 403
        assert c.get("/api/programs", headers=bearer("kuota_0123456789ab_wrong")).status_code == 401


def test_the_openapi_document_names_the_credentials_of_each_protected_operation(api):
    spec = api.openapi()
    assert set(spec["components"]["securitySchemes"]) == {"bearer", "session"}
    compliance = spec["paths"]["/api/compliance"]["get"]
    assert compliance["security"] == [{"bearer": []}, {"session": []}]
    assert {"401", "403", "429"} <= set(compliance["responses"])
    assert "security" not in spec["paths"]["/health"]["get"]
