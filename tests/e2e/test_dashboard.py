"""The dashboard in a real browser (Debian's Chromium, headless, no host but loopback resolving) over the
demo's ledger: the figures shown are the API's, in words and times an officer reads, the language switch
works and is remembered, the as-of picker shows the books as they stood, the pages fit a phone and a
laptop, axe-core finds nothing serious, and the API docs render from packaged files."""

import re
import subprocess
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from ledger.rules.money import format_rupiah, share_text
from streams.officers.words import CHANNELS, STATUS
from streams.settings import Settings
from streams.web.app import create_api
from tests.credentials import COOKIE, session_token
from tests.e2e.conftest import serving

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).parents[2]
OUTPUT = ROOT / "test-output"
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
AXE = ROOT / "tests" / "tools" / "node_modules" / "axe-core" / "axe.min.js"
WIB = ZoneInfo("Asia/Jakarta")
# Codes that must never reach an Indonesian page raw.
RAW = re.compile(r"\b(unregistered|lapsed|not_local|scale_not_counted|channel_excluded|purchase_excluded|breach|"
                 r"at_risk|recovered|toko_daring|e_katalog|pengadaan_langsung|other)\b")


def tools_or_skip(*needed: Path) -> None:
    """Install the test tools (Chromium, its driver, axe-core) when missing; skip only when that fails."""
    if not all(p.exists() for p in needed):
        subprocess.run([str(ROOT / "scripts" / "ensure-test-tools")], capture_output=True, timeout=900)
    if not all(p.exists() for p in needed):
        pytest.skip(f"missing {', '.join(str(p) for p in needed if not p.exists())} (Debian's chromium and "
                    f"chromium-driver, npm's axe-core); run scripts/ensure-test-tools as root to see why")


TOKENS: dict[str, str] = {}  # a served site -> an admin's session there, for the API reads and the browser


@pytest.fixture(scope="module")
def site(demo_ledger):
    with serving(create_api(Settings(database_url=demo_ledger))) as url:
        TOKENS[url] = session_token(demo_ledger, "admin")
        yield url


def chromium():
    """A headless Chromium on loopback only, through its driver."""
    tools_or_skip(CHROMIUM, CHROMEDRIVER)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000",
                "--disable-gpu", "--no-first-run", "--disable-extensions",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"):  # the network cut: loopback only
        options.add_argument(arg)
    # The driver is given explicitly, so selenium never looks for (or downloads) one.
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    return driver


@pytest.fixture(scope="module")
def browser(site):
    """Chromium logged in to `site` as an admin."""
    driver = chromium()
    driver.get(f"{site}/login")
    driver.add_cookie({"name": COOKIE, "value": TOKENS[site], "path": "/"})
    yield driver
    driver.quit()


@contextmanager
def viewport(browser, width: int, height: int, *, phone: bool = False):
    """The page as a device of this CSS width shows it."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": phone})
    try:
        yield
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def api(site: str, path: str, **params) -> dict:
    r = httpx.get(f"{site}{path}", params=params, cookies={COOKIE: TOKENS[site]}, timeout=120)
    assert r.status_code == 200, r.text
    return r.json()


def breaching_company(site: str) -> str:
    return api(site, "/api/compliance", program="alokasi-30-3216", status="breach", limit=1)["items"][0]["buyer_id"]


def wider_than_shown(browser, selector: str) -> int:
    """How many CSS px the scrolling box `selector` holds beyond its visible width (0 or less: it fits)."""
    return browser.execute_script(
        "const s = document.querySelector(arguments[0]); return s.scrollWidth - s.clientWidth", selector)


def serious_axe_findings(browser, site: str, path: str) -> list[str]:
    """What axe-core finds serious or critical on the page at `path`, one line each."""
    browser.get(f"{site}{path}")
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations), e => done(String(e)));")
    assert isinstance(result, list), result
    return [f"{path}: {v['id']} ({v['impact']}): {v['help']}; {[n['target'] for n in v['nodes'][:3]]}"
            for v in result if v["impact"] in ("serious", "critical")]


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
    # What was reached, as it is: not capped at the bar's 100%.
    assert head.find_element(By.CSS_SELECTOR, ".pct").text == f"{bebeli['actual'] * 100 // bebeli['required']}%"

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


def test_statuses_reasons_and_channels_are_words_of_the_chosen_language(site, browser):
    from selenium.webdriver.common.by import By

    buyer = breaching_company(site)
    browser.get(f"{site}/buyers/{buyer}?lang=id")
    page = browser.find_element(By.TAG_NAME, "main").text
    assert not RAW.findall(page), f"raw codes on an Indonesian page: {sorted(set(RAW.findall(page)))}"
    channels = {c.text for c in browser.find_elements(By.CSS_SELECTOR, "td.channel")}
    assert channels and channels <= set(CHANNELS["id"].values())
    assert "belum terdaftar" in page or "registrasi berakhir" in page or "usaha mikro" in page
    browser.get(f"{site}/buyers/{buyer}?lang=en")
    assert {c.text for c in browser.find_elements(By.CSS_SELECTOR, "td.channel")} <= set(CHANNELS["en"].values())
    for lang in ("id", "en"):
        browser.get(f"{site}/alerts?lang={lang}")
        badges = {b.text.lstrip("✕!✓↑ ") for b in browser.find_elements(By.CSS_SELECTOR, ".alerts-table .badge")}
        assert badges and badges <= set(STATUS[lang].values())
    browser.get(f"{site}/?lang=id")


def test_alerts_name_programs_and_buyers_and_tell_the_time_in_wib(site, browser):
    from selenium.webdriver.common.by import By

    alert = next(a for a in api(site, "/api/alerts", limit=1000)["items"] if a["buyer_id"] != "*")
    program = next(p for p in api(site, "/api/programs")["items"] if p["program_id"] == alert["program"])
    name = api(site, "/api/compliance", buyer=alert["buyer_id"], limit=1)["items"][0]["name"]
    browser.get(f"{site}/alerts?lang=id")
    row = browser.find_element(By.CSS_SELECTOR, f'tr[data-alert="{alert["alert_id"]}"]')
    assert program["name"] in row.find_element(By.CSS_SELECTOR, ".program-name").text
    assert row.find_element(By.CSS_SELECTOR, ".who").text.split("\n") == [name, alert["buyer_id"]]
    local = datetime.fromisoformat(alert["detected_at"]).astimezone(WIB)
    assert row.find_element(By.CSS_SELECTOR, ".when time").text == f"{local:%Y-%m-%d %H:%M} WIB"


def pick_as_of(browser, site: str, day: str) -> None:
    """Choose a day in the overview's as-of picker and show it."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(f"{site}/?lang=id")
    browser.execute_script("arguments[0].value = arguments[1]", browser.find_element(By.ID, "as-of-date"), day)
    browser.find_element(By.CSS_SELECTOR, "form.as-of button").click()
    # The click submits the form; the next page arrives when it arrives (a busy machine is slow).
    WebDriverWait(browser, 30).until(lambda b: f"as_of={day}" in b.current_url and
                                     b.find_elements(By.CSS_SELECTOR, ".as-of-view time"))
    assert browser.find_element(By.CSS_SELECTOR, ".as-of-view time").text == f"{day} 23:59 WIB"


def test_the_as_of_picker_shows_the_books_as_they_stood_at_the_end_of_that_day(site, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    # The demo records everything today: two days ago the ledger knew nothing, tonight it knows it all.
    today = datetime.now(WIB).date()
    before = (today - timedelta(days=2)).isoformat()
    assert api(site, "/api/compliance", as_of=f"{before}T23:59:59.999999+07:00")["total"] == 0
    pick_as_of(browser, site, before)
    assert not browser.find_elements(By.CSS_SELECTOR, "section.program")
    assert "Belum ada data." in browser.find_element(By.TAG_NAME, "main").text

    [live] = api(site, "/api/compliance", program="bebeli-3216-2024", buyer="*")["items"]
    pick_as_of(browser, site, today.isoformat())
    head = browser.find_element(By.CSS_SELECTOR, "#program-bebeli-3216-2024 .headline")
    assert head.find_element(By.CSS_SELECTOR, ".actual").text == format_rupiah(live["actual"])
    row = browser.find_element(By.CSS_SELECTOR, "#program-alokasi-30-3216 tr.line")
    buyer = row.get_attribute("data-buyer")
    row.find_element(By.TAG_NAME, "a").click()  # the buyer's link keeps the moment
    WebDriverWait(browser, 30).until(lambda b: "/buyers/" in b.current_url)
    assert f"as_of={today.isoformat()}" in browser.current_url
    entries = api(site, f"/api/buyers/{buyer}", as_of=f"{today}T23:59:59.999999+07:00", limit=1)["entries"]["total"]
    assert entries and browser.find_element(By.XPATH, "//h2[starts-with(., 'Transaksi')]").text == \
        f"Transaksi ({entries})"


def test_a_buyers_page_draws_its_share_against_the_threshold(site, browser):
    from selenium.webdriver.common.by import By

    buyer = breaching_company(site)
    browser.get(f"{site}/buyers/{buyer}?lang=id")
    chart = browser.find_element(By.CSS_SELECTOR, "#trend-alokasi-30-3216 svg.chart")
    assert chart.find_elements(By.CSS_SELECTOR, "line.threshold")
    points = api(site, f"/api/buyers/{buyer}", limit=1)["programs"]
    [line] = [p for p in points if p["program_id"] == "alokasi-30-3216"]
    assert len(chart.find_elements(By.CSS_SELECTOR, "circle.point")) == len(line["points"])
    screenshot(browser, "dashboard-buyer")


def test_on_a_phone_every_page_fits_and_the_overview_keeps_share_and_status_in_view(site, browser):
    from selenium.webdriver.common.by import By

    buyer = breaching_company(site)
    with viewport(browser, 375, 812, phone=True):
        for path in ("/", f"/buyers/{buyer}", "/alerts"):
            browser.get(f"{site}{path}")
            overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} is wider than a phone by {overflow}px"
        browser.get(f"{site}/")
        width = browser.execute_script("return window.innerWidth")
        rows = browser.find_elements(By.CSS_SELECTOR, "table.lines tr.line")
        assert width == 375 and rows
        for row in rows:
            for cell in (row.find_element(By.CSS_SELECTOR, ".share-cell"), row.find_element(By.CSS_SELECTOR,
                                                                                            ".status-cell")):
                box = browser.execute_script("const r = arguments[0].getBoundingClientRect(); "
                                             "return [r.left, r.right]", cell)
                assert cell.is_displayed() and 0 <= box[0] and box[1] <= width, \
                    f"{row.get_attribute('data-buyer')}: {cell.get_attribute('class')} at {box}, not within {width}px"
        screenshot(browser, "dashboard-overview-phone")


def test_at_1366_px_the_alerts_table_fits_its_page(site, browser):
    with viewport(browser, 1366, 900):
        for lang in ("id", "en"):
            browser.get(f"{site}/alerts?lang={lang}")
            extra = wider_than_shown(browser, "#alerts-scroll")
            assert extra <= 0, f"the alerts table ({lang}) is {extra}px wider than its page"
        screenshot(browser, "dashboard-alerts")


def test_axe_finds_nothing_serious_on_the_main_pages_in_either_language(site, browser):
    tools_or_skip(AXE)
    buyer = breaching_company(site)
    found = [line for lang in ("id", "en") for path in ("/", f"/buyers/{buyer}", "/alerts", "/registri")
             for line in serious_axe_findings(browser, site, f"{path}?lang={lang}")]
    assert not found, "\n".join(found)


def test_the_api_docs_render_from_packaged_files_with_the_network_cut(site, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(f"{site}/docs")
    WebDriverWait(browser, 30).until(lambda b: b.find_elements(By.CSS_SELECTOR, ".swagger-ui .opblock"))
    shown = {e.text for e in browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")}
    assert {"/api/compliance", "/api/alerts", "/health"} <= shown
    loaded = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert loaded and all(u.startswith(site) for u in loaded), loaded


def test_no_page_asks_for_anything_from_another_host(site):
    for path in ("/", "/alerts", "/static/kuota.css", "/docs"):
        text = httpx.get(f"{site}{path}", cookies={COOKIE: TOKENS[site]}, timeout=60).text
        assert "http://" not in text.replace(site, "") and "https://" not in text, path
