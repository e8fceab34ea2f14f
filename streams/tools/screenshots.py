"""Screenshots of the dashboard for the documentation (`make screenshots`): the overview, a buyer
and the alerts, at a laptop's 1366 px and a phone's 375 px, in Bahasa Indonesia and English,
over a fresh demo ledger (or `--database-url`), served on a loopback port and drawn by headless
Chromium through selenium (Debian's `chromium` and `chromium-driver`)."""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path


from streams.settings import Settings
from streams.tools.procs import serving
from streams.tools.signin import COOKIE, admin_session
from streams.web.app import create_api

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
SIZES = {1366: (900, False), 375: (812, True)}  # width: (first screen's height, a phone?)
TALLEST = 2400  # px; a long page is cut here, enough to show its layout
LANGS = ("id", "en")


def demo_ledger(data_dir: Path) -> str:
    """`kuota demo` into `data_dir`, as a user runs it; the URL of the ledger it leaves."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUOTA_")} | {"KUOTA_DATA_DIR": str(data_dir)}
    run = subprocess.run([sys.executable, "-m", "streams", "demo"], env=env, capture_output=True, text=True,
                         timeout=900)
    if run.returncode != 0:
        raise SystemExit(f"screenshots: kuota demo failed:\n{run.stdout[-2000:]}{run.stderr[-2000:]}")
    return f"sqlite:///{data_dir / 'demo' / 'kuota.db'}"


def pages(site: str, token: str) -> dict[str, str]:
    """The pages shown: the overview, the buyer furthest below a share program's line, the alerts."""
    asked = urllib.request.Request(f"{site}/api/compliance?status=breach&limit=1000",
                                   headers={"Cookie": f"{COOKIE}={token}"})
    with urllib.request.urlopen(asked, timeout=120) as r:
        lines = [x for x in json.load(r)["items"] if x["buyer_id"] != "*" and x["share_bp"] is not None]
    buyer = min(lines, key=lambda x: x["share_bp"])["buyer_id"] if lines else None
    return {"overview": "/", **({"buyer": f"/buyers/{buyer}"} if buyer else {}), "alerts": "/alerts"}


def browser():
    from selenium import webdriver  # a test extra, needed by this tool only
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    # No host but loopback resolves: what the pictures show needs nothing from elsewhere.
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
                "--disable-extensions", "--hide-scrollbars",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(120)
    return driver


def shoot(driver, url: str, width: int, path: Path) -> None:
    """The page at `width` CSS px, as tall as its content up to TALLEST."""
    height, phone = SIZES[width]
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": phone}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    driver.get(url)
    full = driver.execute_script("return document.documentElement.scrollHeight")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics | {"height": min(max(full, height), TALLEST)})
    driver.save_screenshot(str(path))


def take(site: str, out: Path, token: str) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    driver = browser()
    taken = []
    try:
        driver.get(f"{site}/login")  # a cookie is set on a page of its site
        driver.add_cookie({"name": COOKIE, "value": token, "path": "/"})
        for name, path in pages(site, token).items():
            for width in SIZES:
                for lang in LANGS:
                    target = out / f"{name}-{width}-{lang}.png"
                    shoot(driver, f"{site}{path}?lang={lang}", width, target)
                    taken.append(target)
    finally:
        driver.quit()
    return taken


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m streams.tools.screenshots", description=__doc__)
    parser.add_argument("--database-url", help="a ledger to show instead of a fresh demo")
    parser.add_argument("--out", type=Path, default=OUT, help=f"where the PNG files go (default {OUT})")
    args = parser.parse_args(argv)
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        print(f"screenshots: needs {CHROMIUM} and {CHROMEDRIVER} (Debian: chromium chromium-driver; "
              "scripts/ensure-test-tools installs them)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="kuota-screenshots-") as scratch:
        url = args.database_url or demo_ledger(Path(scratch))
        with serving(create_api(Settings(database_url=url)), "the dashboard") as site, \
                admin_session(url, "screenshots") as token:
            for path in take(site, args.out, token):
                print(f"screenshot: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
