"""What a login shows (dashboard pages, the API's data, downloads) is sent `Cache-Control:
no-store`, so no shared cache, proxy or back button keeps it; probes and the pages' static files,
which anyone may fetch, stay cacheable."""

import pytest
from fastapi.testclient import TestClient

from streams.settings import Settings
from streams.web.app import create_api
from tests.credentials import api_key, bearer, signed_in

pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings("ignore::DeprecationWarning")]

PAGES = ["/", "/alerts", "/allocation", "/packages", "/registri", "/access-log"]
DATA = ["/api/programs", "/api/compliance", "/api/alerts", "/api/suppliers", "/api/trend", "/api/allocation",
        "/api/packages", "/api/registry/profile"]
DOWNLOADS = ["/api/compliance?format=csv", "/api/alerts?format=xlsx", "/api/allocation?format=csv"]
PUBLIC = ["/health", "/static/kuota.css", "/docs-assets/swagger-ui.css"]


@pytest.fixture
def api(ledger_url, tmp_path):
    return create_api(Settings(database_url=ledger_url, data_dir=tmp_path))


def test_every_page_read_and_download_behind_a_login_is_not_stored(api, ledger_url):
    with signed_in(TestClient(api, follow_redirects=False), ledger_url, "admin") as admin:
        for path in PAGES + DATA + DOWNLOADS:
            r = admin.get(path)
            assert r.status_code == 200, (path, r.status_code)
            assert r.headers["cache-control"] == "no-store", path


def test_a_read_with_an_api_key_and_a_refusal_are_not_stored_either(api, ledger_url):
    key = bearer(api_key(ledger_url, buyer_id="opd-3216-dinkes"))
    with TestClient(api, follow_redirects=False) as client:
        assert client.get("/api/programs", headers=key).headers["cache-control"] == "no-store"
        refused = client.get("/api/compliance?format=csv")
        assert refused.status_code == 401 and refused.headers["cache-control"] == "no-store"


def test_probes_and_static_files_that_anyone_may_fetch_stay_cacheable(api):
    with TestClient(api) as anonymous:
        for path in PUBLIC:
            r = anonymous.get(path)
            assert r.status_code == 200, path
            assert "no-store" not in r.headers.get("cache-control", ""), path
            assert r.headers["x-content-type-options"] == "nosniff", path
