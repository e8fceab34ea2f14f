"""The dashboard in a real browser (Debian's Chromium, headless) over the demo's ledger: the figures
shown are the API's, the language switch works and is remembered, and the pages fit a phone."""

import subprocess
from pathlib import Path

import httpx
import pytest

from ledger.rules.money import format_rupiah, share_text
from streams.web.app import create_api
from streams.settings import Settings
from tests.e2e.conftest import serving

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).parents[2]
OUTPUT = ROOT / "test-output"
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")


def chromium_or_skip() -> None:
    """Install Debian's chromium and chromium-driver when missing; skip only when that fails."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        subprocess.run([str(ROOT / "scripts" / "ensure-test-tools")], capture_output=True, timeout=900)
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip(f"Chromium could not be installed ({CHROMIUM} and {CHROMEDRIVER} from the Debian packages "
                    f"chromium and chromium-driver); run scripts/ensure-test-tools as root to see why")


@pytest.fixture(scope="module")
def site(demo_ledger):
    with serving(create_api(Settings(database_url=demo_ledger))) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    chromium_or_skip()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000",
                "--disable-gpu", "--no-first-run", "--disable-extensions"):
        options.add_argument(arg)
    # The driver is given explicitly, so selenium never looks for (or downloads) one.
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def api(site: str, path: str, **params) -> dict:
    r = httpx.get(f"{site}{path}", params=params, timeout=60)
    assert r.status_code == 200, r.text
    return r.json()


def screenshot(browser, name: str) -> Path:
    OUTPUT.mkdir(exist_ok=True)
    path = OUTPUT / f"{name}.png"
    browser.save_screenshot(str(path))
    print(f"screenshot: {path}")
    return path


def test_the_overview_shows_the_figures_of_the_api(site, browser):
    from selenium.webdriver.common.by import By

    browser.get(f"{site}/?lang=id")
    [bebeli] = api(site, "/api/compliance", program="bebeli-3216-2024", buyer="*")["items"]
    head = browser.find_element(By.CSS_SELECTOR, "#program-bebeli-3216-2024 .headline")
    assert head.find_element(By.CSS_SELECTOR, ".actual").text == format_rupiah(bebeli["actual"])
    assert head.find_element(By.CSS_SELECTOR, ".required").text == format_rupiah(bebeli["required"])
    assert head.find_element(By.CSS_SELECTOR, ".shortfall").text == format_rupiah(bebeli["shortfall"])

    for program, threshold in (("alokasi-30-3216", 3000), ("pp7-40-3216", 4000)):
        section = browser.find_element(By.ID, f"program-{program}")
        period = section.get_attribute("data-period")
        want = {x["buyer_id"]: x for x in api(site, "/api/compliance", program=program, period=period,
                                               limit=1000)["items"]}
        rows = section.find_elements(By.CSS_SELECTOR, "tr.line")
        assert [r.get_attribute("data-buyer") for r in rows] and {r.get_attribute("data-buyer") for r in rows} == \
            set(want)
        shown = []
        for row in rows:
            x = want[row.get_attribute("data-buyer")]
            assert row.find_element(By.CSS_SELECTOR, ".actual").text == format_rupiah(x["actual"])
            assert row.find_element(By.CSS_SELECTOR, ".share").text == share_text(x["share_bp"], 10_000)
            shown.append(x["share_bp"] >= threshold)
        assert shown == sorted(shown), f"{program}: buyers below the threshold come first"
    screenshot(browser, "dashboard-overview")


def test_the_language_switch_turns_indonesian_into_english_and_is_remembered(site, browser):
    from selenium.webdriver.common.by import By

    browser.get(f"{site}/?lang=id")
    assert browser.find_element(By.ID, "page-title").text == "Ringkasan program"
    browser.find_element(By.ID, "lang-switch").click()
    assert browser.find_element(By.ID, "page-title").text == "Program overview"
    browser.get(f"{site}/alerts")  # no ?lang: the cookie remembers English
    assert browser.find_element(By.ID, "page-title").text.startswith("Alerts")
    assert browser.find_element(By.ID, "nav-overview").text == "Program overview"
    browser.find_element(By.ID, "lang-switch").click()
    assert browser.find_element(By.ID, "page-title").text.startswith("Peringatan")


def test_a_buyers_page_draws_its_share_against_the_threshold_and_fits_a_phone(site, browser):
    from selenium.webdriver.common.by import By

    company = api(site, "/api/compliance", program="alokasi-30-3216", status="breach", limit=1)["items"][0]
    browser.get(f"{site}/buyers/{company['buyer_id']}?lang=id")
    chart = browser.find_element(By.CSS_SELECTOR, "#trend-alokasi-30-3216 svg.chart")
    assert chart.find_elements(By.CSS_SELECTOR, "line.threshold")
    points = api(site, f"/api/buyers/{company['buyer_id']}", limit=1)["programs"]
    [line] = [p for p in points if p["program_id"] == "alokasi-30-3216"]
    assert len(chart.find_elements(By.CSS_SELECTOR, "circle.point")) == len(line["points"])
    screenshot(browser, "dashboard-buyer")
    browser.set_window_size(390, 844)
    try:
        for path in ("/", f"/buyers/{company['buyer_id']}", "/alerts"):
            browser.get(f"{site}{path}")
            overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} is wider than a phone by {overflow}px"
        screenshot(browser, "dashboard-alerts-phone")
    finally:
        browser.set_window_size(1280, 1000)


def test_no_page_asks_for_anything_from_another_host(site):
    for path in ("/", "/alerts", "/static/kuota.css"):
        text = httpx.get(f"{site}{path}", timeout=60).text
        assert "http://" not in text.replace(site, "") and "https://" not in text, path
