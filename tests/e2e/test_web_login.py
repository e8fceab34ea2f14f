"""A buyer's person in a real browser (headless Chromium, loopback only) over the demo's ledger:
sent to the login form, logged in through it, back on its own buyer's page, and refused another
buyer's page and downloads; logging out ends the session."""

import httpx
import pytest

from streams.settings import Settings
from streams.web.app import create_api
from tests.credentials import COOKIE, person, session_token
from tests.e2e.conftest import serving
from tests.e2e.test_dashboard import chromium

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def site(demo_ledger):
    with serving(create_api(Settings(database_url=demo_ledger))) as url:
        yield url


@pytest.fixture(scope="module")
def buyers(site, demo_ledger) -> tuple[str, str]:
    """Two buyers with compliance lines, as an admin reads them."""
    admin = {COOKIE: session_token(demo_ledger, "admin")}
    lines = httpx.get(f"{site}/api/compliance", params={"limit": 1000}, cookies=admin, timeout=120).json()["items"]
    ids = sorted({x["buyer_id"] for x in lines if x["buyer_id"] != "*"})
    return ids[0], ids[-1]


@pytest.fixture(scope="module")
def browser():
    driver = chromium()
    yield driver
    driver.quit()


def status_of(browser, path: str) -> int:
    """The status the page's own origin gets for `path`, with the browser's cookie."""
    return browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0], {credentials: 'same-origin'}).then(r => done(r.status), e => done(String(e)));", path)


def test_a_buyer_logs_in_through_the_form_and_sees_only_its_own_buyer(site, buyers, demo_ledger, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    own, other = buyers
    name, password = person(demo_ledger, "buyer", buyer_id=own)
    browser.get(f"{site}/buyers/{own}?lang=en")
    assert "/login?next=" in browser.current_url
    browser.find_element(By.ID, "login-name").send_keys(name)
    browser.find_element(By.ID, "login-password").send_keys(password)
    browser.find_element(By.ID, "login-submit").click()
    WebDriverWait(browser, 30).until(lambda b: b.current_url.startswith(f"{site}/buyers/{own}"))
    assert name in browser.find_element(By.ID, "logged-in").text
    assert not browser.find_elements(By.ID, "nav-registry")

    browser.get(f"{site}/buyers/{other}")
    assert "not yours" in browser.find_element(By.TAG_NAME, "body").text
    assert status_of(browser, f"/api/compliance?format=csv&buyer={own}") == 200
    for path in (f"/api/compliance?format=csv&buyer={other}", f"/api/buyers/{other}", "/api/registry/profile?format=xlsx",
                 "/registri"):
        assert status_of(browser, path) == 403, path

    browser.get(f"{site}/")
    browser.find_element(By.ID, "logout").click()
    WebDriverWait(browser, 30).until(lambda b: "/login" in b.current_url)
    assert status_of(browser, f"/api/buyers/{own}") == 401
