"""The allocation page in a real browser (headless Chromium, loopback only) over a ledger holding the
Kalimantan Barat 2025 SIRUP budgets and packages: the shares the API gives, words of the chosen
language, a phone's width, and axe-core finding nothing serious, as for the other pages."""

import httpx
import pytest

from ledger.rules.money import percent
from streams.settings import Settings
from streams.web.app import create_api
from tests.credentials import COOKIE, session_token
from tests.e2e.conftest import serving
from tests.e2e.test_dashboard import AXE, TOKENS, browser, screenshot, tools_or_skip, viewport  # noqa: F401
from tests.e2e.test_dashboard import serious_axe_findings, wider_than_shown
from tests.integration.streams.test_allocation_api import sirup_ledger

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    url = sirup_ledger(tmp_path_factory.mktemp("allocation-page"))
    with serving(create_api(Settings(database_url=url))) as address:
        TOKENS[address] = session_token(url, "admin")
        yield address


def test_each_agency_shows_the_shares_the_api_gives(site, browser):
    from selenium.webdriver.common.by import By

    items = httpx.get(f"{site}/api/allocation", params={"limit": 1000}, cookies={COOKIE: TOKENS[site]},
                      timeout=60).json()["items"]
    browser.get(f"{site}/allocation?lang=id")
    rows = {r.get_attribute("data-buyer"): r for r in browser.find_elements(By.CSS_SELECTOR, "tr.line")}
    with_budget = [x for x in items if x["budget_line"]]
    assert len(rows) == len(with_budget) > 50
    for x in with_budget:
        shown = rows[x["buyer_id"]].find_element(By.CSS_SELECTOR, ".planned-share").text
        assert shown == percent(x["planned_share_bp"]), x["buyer_id"]
    apart = browser.find_elements(By.CSS_SELECTOR, "#no-budget-line tr.unbudgeted")
    assert [r.get_attribute("data-buyer") for r in apart] == [x["buyer_id"] for x in items if not x["budget_line"]]
    for width in (1280, 1366):
        with viewport(browser, width, 900):
            browser.get(f"{site}/allocation?lang=id")
            extra = wider_than_shown(browser, ".scroll")
            assert extra <= 0, f"the allocation table is {extra}px wider than its page at {width} px"
            if width == 1366:
                screenshot(browser, "dashboard-allocation")


# Each row's cells and what their text takes, in the page's own units: the body's line height and a
# cell's padding. Six lines fit a name wrapped three times, its id and the phone's line of figures.
ROWS = """
const rows = [...document.querySelectorAll('tr.line')];
const line = parseFloat(getComputedStyle(document.body).lineHeight);
const cell = getComputedStyle(document.querySelector('tr.line td'));
const padding = parseFloat(cell.paddingTop) + parseFloat(cell.paddingBottom) + 1;
const ids = [...document.querySelectorAll('td.who small.id')].map(id => {
  const own = id.getBoundingClientRect(), td = id.closest('td').getBoundingClientRect();
  return {id: id.textContent, lines: own.height / parseFloat(getComputedStyle(id).lineHeight),
          inside: own.right <= td.right + 0.5 && id.scrollWidth <= Math.ceil(own.width)};
});
return {rows: rows.length, table: document.querySelector('table.allocation').getBoundingClientRect().height,
        row: 6 * line + padding, ids};
"""


@pytest.mark.parametrize("width, height, phone", [(1280, 900, False), (375, 812, True)], ids=["laptop", "phone"])
def test_ids_stay_whole_on_one_line_and_rows_stay_a_few_lines_tall(site, browser, width, height, phone):
    with viewport(browser, width, height, phone=phone):
        browser.get(f"{site}/allocation?lang=id")
        shown = browser.execute_script(ROWS)
    broken = [x["id"] for x in shown["ids"] if x["lines"] > 1.5 or not x["inside"]]
    assert len(shown["ids"]) > 50 and not broken, f"ids broken or cut at {width} px: {broken[:5]}"
    # One id a character per line once made this table 153 px a row at 1280 px and 151 px on a phone.
    tall = shown["table"] / shown["rows"]
    assert tall <= shown["row"], f"rows average {tall:.0f} px at {width} px, more than six lines ({shown['row']:.0f})"


def test_the_english_page_says_it_in_english(site, browser):
    browser.get(f"{site}/allocation?lang=en")
    text = browser.page_source
    assert "Allocation and realisation" in text and "Units without a budget line" in text
    assert "Unit tanpa baris anggaran" not in text


def test_on_a_phone_the_page_fits_and_keeps_the_shares_in_view(site, browser):
    from selenium.webdriver.common.by import By

    with viewport(browser, 375, 812, phone=True):
        browser.get(f"{site}/allocation")
        overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"/allocation is wider than a phone by {overflow}px"
        cell = browser.find_element(By.CSS_SELECTOR, "tr.line .planned-share")
        right = browser.execute_script("return arguments[0].getBoundingClientRect().right", cell)
        assert cell.is_displayed() and right <= 375
        screenshot(browser, "dashboard-allocation-phone")


def test_axe_finds_nothing_serious_in_either_language(site, browser):
    tools_or_skip(AXE)
    found = [line for lang in ("id", "en") for line in serious_axe_findings(browser, site, f"/allocation?lang={lang}")]
    assert not found, "\n".join(found)
