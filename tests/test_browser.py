"""The real app in a real browser: `streamlit run app.py` served locally, driven by Debian's
headless chromium through Playwright. Catches what AppTest cannot: the page's JavaScript,
Plotly's rendering and the URL → widget round trip as a user sees it.

Chromium is found on PATH (Playwright's own browser download is not used). Without it the
tests are skipped, unless REQUIRE_BROWSER=1 (CI), where a missing browser is a failure.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
SERVER_START_TIMEOUT = 60  # seconds until /_stcore/health must answer "ok"
CHART_TIMEOUT_MS = 180_000  # a cold first render (warehouse, claim verdicts, Plotly) on a busy 2-core machine
CHART = ".js-plotly-plot .main-svg"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    # The test machine has no route to the internet: no background fetches.
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run",
]
VINTAGE_TEXT = "FRAN data as of 3 Jun 2025"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _health(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8", "replace").strip()
    except (urllib.error.URLError, OSError):
        return None


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        reason = ("Debian chromium not found on PATH (apt-get install chromium); "
                  "the browser tests need it")
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    return path


@contextlib.contextmanager
def serve(logs: Path, env: dict[str, str] | None = None):
    """Serve the dashboard with `streamlit run app.py` on a free local port (``env``: extra
    environment variables); yields its base URL once /_stcore/health answers "ok"."""
    port = _free_port()
    stdout = open(logs / "stdout.log", "wb")
    stderr = open(logs / "stderr.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py",
         "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while _health(f"{base}/_stcore/health") != "ok":
            if proc.poll() is not None or time.monotonic() > deadline:
                stderr.flush()
                err = (logs / "stderr.log").read_text(errors="replace")[-4000:]
                what = (f"exited with code {proc.returncode}" if proc.poll() is not None
                        else f"not healthy after {SERVER_START_TIMEOUT} s")
                pytest.fail(f"streamlit server {what}; stderr:\n{err}")
            time.sleep(0.25)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        stdout.close()
        stderr.close()


@pytest.fixture(scope="session")
def server(chromium_path, tmp_path_factory) -> str:
    """Base URL of the dashboard served for the whole test session.

    Depends on ``chromium_path`` so that a missing browser skips before a server starts."""
    with serve(tmp_path_factory.mktemp("streamlit")) as base:
        yield base


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.errors = []  # uncaught JavaScript exceptions on the page
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    yield page
    context.close()


def open_and_wait(page, url: str, ready: str = CHART) -> None:
    """Load the page, wait for a rendered Plotly chart (or ``ready``) and for the script run
    to finish."""
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector(ready, state="visible", timeout=CHART_TIMEOUT_MS)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                           state="attached", timeout=CHART_TIMEOUT_MS)


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_no_errors(page) -> None:
    text = page.inner_text("body")
    assert "Traceback" not in text, text[:2000]
    assert page.locator('[data-testid="stException"]').count() == 0, text[:2000]
    assert not page.errors, page.errors


def chart_title(page) -> str:
    """The chart title as one line: Plotly draws each <br>-separated line as a <tspan>."""
    lines = page.locator(f"{CHART} .gtitle").first.evaluate(
        "el => { const spans = el.querySelectorAll('tspan.line');"
        " return spans.length ? Array.from(spans, s => s.textContent) : [el.textContent]; }")
    return re.sub(r"\s+", " ", " ".join(lines)).strip()


def in_footer(text: str, footer: str) -> bool:
    """``text`` in a figure footer as the SVG holds it (wrapped lines joined without a space,
    so spaces are ignored on both sides)."""
    return re.sub(r"\s+", "", text) in re.sub(r"\s+", "", footer)


def annotation_texts(page) -> list[str]:
    """Each in-figure annotation (the footer first) as one line: its <br> lines joined."""
    texts = page.locator(f"{CHART} .annotation-text").evaluate_all(
        "els => els.map(el => { const spans = el.querySelectorAll('tspan.line');"
        " return spans.length ? Array.from(spans, s => s.textContent).join(' ')"
        " : el.textContent; })")
    return [re.sub(r"\s+", " ", t).strip() for t in texts]


def multiselect_tags(page, label: str) -> list[str]:
    box = page.locator('[data-testid="stMultiSelect"]').filter(
        has=page.locator('[data-testid="stWidgetLabel"]', has_text=label))
    assert box.count() == 1, f"expected one multiselect labelled {label!r}"
    # Streamlit's multiselect tags: `data-tag` spans (react-aria, Streamlit >= 1.5x) or
    # BaseWeb tags (older Streamlit). Each shows its label and an icon-only remove button.
    tags = box.locator('[data-testid="stMultiSelectTagsContainer"] [data-tag], '
                       '[data-baseweb="tag"]').locator("visible=true")
    return [t.strip() for t in tags.all_inner_texts()]


def test_default_view_renders_chart_with_source(server, page):
    open_and_wait(page, f"{server}/arrivals")
    assert_no_errors(page)
    # The vintage is in the figure's own footer (SVG) and in the caption under it.
    assert any(VINTAGE_TEXT in t for t in annotation_texts(page))
    assert VINTAGE_TEXT in page.inner_text("body")
    assert chart_title(page) == ("Annual detections of illegal border crossings by route, "
                                 "all routes, 2009–2024")
    screenshot(page, "arrivals_default.png")


def test_permalink_restores_the_selection(server, page):
    open_and_wait(page, f"{server}/arrivals?routes=EMR,CMR&grain=month&start=2015-06&end=2016-06"
                        "&style=lines")
    assert_no_errors(page)
    title = chart_title(page)
    assert "Monthly" in title and "Eastern Mediterranean Route" in title, title
    assert "Central Mediterranean Route" in title and "2015–2016" in title, title
    assert multiselect_tags(page, "Routes") == ["Eastern Mediterranean Route",
                                                "Central Mediterranean Route"]
    # Two line traces, no bars (in the Detections tab's chart; the other tabs have their own).
    detections = page.locator(".js-plotly-plot").first
    assert detections.locator(".scatterlayer .trace").count() == 2
    assert detections.locator(".barlayer .trace").count() == 0
    # The URL keeps the permalink's state after the app has run.
    assert "routes=EMR%2CCMR" in page.url or "routes=EMR,CMR" in page.url, page.url
    screenshot(page, "arrivals_permalink.png")


def test_route_shifts_page_renders_its_default_view(server, page):
    open_and_wait(page, f"{server}/route_shifts")
    # the page draws its second chart after the first: wait for both, not for the first only
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 3",
                           timeout=CHART_TIMEOUT_MS)
    page.get_by_text("Displacement ratio:").first.wait_for(timeout=CHART_TIMEOUT_MS)
    assert_no_errors(page)
    assert page.get_by_text("Page not found").count() == 0
    text = page.inner_text("body")
    assert "Displacement ratio" in text and "-0.067" in text, text[:2000]
    # series, per-route changes, event study by quarter
    assert page.locator(".js-plotly-plot").count() == 3
    assert chart_title(page).startswith("Monthly detections by route around EU–Turkey Statement")
    screenshot(page, "route_shifts_default.png")


def test_route_shifts_permalink(server, page):
    open_and_wait(page, f"{server}/route_shifts?event=italy-libya-mou-2017&treated=CMR")
    page.get_by_text("Fall on Central Mediterranean Route").first.wait_for(
        timeout=CHART_TIMEOUT_MS)
    assert_no_errors(page)
    assert "Italy–Libya memorandum" in chart_title(page)
    assert "Fall on Central Mediterranean Route" in page.inner_text("body")
    screenshot(page, "route_shifts_permalink.png")


def test_overview_is_the_landing_page(server, page):
    open_and_wait(page, f"{server}/", ready='[data-testid="stMetric"]')
    assert_no_errors(page)
    text = page.inner_text("body")
    assert "Migration flows: the latest figures" in text
    # arrivals (all routes, busiest route), NL returned to a third country, NL and EU return
    # rate, NL asylum applicants, NL remittances paid
    assert page.locator('[data-testid="stMetric"]').count() == 7
    assert "FRAN data as of 3 Jun 2025" in text and "vintage 27 Mar 2018" in text
    # the NL returns tile shows 2023 (returned to a third country), the 2016 rate says it is
    # out of date, in words on the page
    assert "Returned to a third country, Netherlands (persons)" in text
    assert "1,545" in text and "2023 · Eurostat, migr_eirtn, vintage 20 Sep 2024" in text
    assert ("out of date: 2016 is the latest year loaded, 8 years behind the newest Eurostat "
            "year held (2024)") in text
    screenshot(page, "overview.png")


def test_return_gap_page(server, page):
    open_and_wait(page, f"{server}/return_gap")
    assert_no_errors(page)
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 6",
                           timeout=CHART_TIMEOUT_MS)
    assert chart_title(page) == ("Asylum applicants, persons found illegally present, ordered "
                                 "to leave and returned, Netherlands, 2008–2024")
    footer = annotation_texts(page)[0]
    assert "migr_eiord (vintage 27 Mar 2018)" in footer
    png = page.get_by_role("button", name="Download PNG")
    png.nth(5).wait_for(state="attached", timeout=CHART_TIMEOUT_MS)  # drawn after its chart
    assert png.count() == 6  # 5 charts and the map
    # both return definitions are their own series; the years not loaded are written inside
    # the figure (the SVG footer), not only in the page text
    legend = page.locator(f"{CHART} .legendtext").all_text_contents()
    assert {"Returned (any country)", "Returned to a third country"} <= set(legend), legend
    assert in_footer("Not loaded (drawn as gaps):", footer)
    assert in_footer("ordered to leave 2008–2009, 2017–2024", footer)
    assert in_footer("third-party extract of migr_eirtn (vintage 20 Sep 2024)", footer)
    # the publisher's flag on NL 2015 (illegally present, b) is named inside the figure
    assert in_footer("Eurostat flags (open diamonds): b = break in time series (Found "
                     "illegally present 2015).", footer), footer
    screenshot(page, "return_gap.png")


def test_return_gap_per_100k(server, page):
    open_and_wait(page, f"{server}/return_gap?per_100k=True&compare=")
    assert_no_errors(page)
    assert chart_title(page).startswith("Asylum applicants, persons found illegally present, "
                                        "ordered to leave and returned per 100,000 residents")
    footer = page.locator(f"{CHART} .annotation-text").first.text_content()
    assert in_footer("Unit: persons per 100,000 residents.", footer), footer
    assert in_footer("population on 1 January (demo_pjan) 2023–2024, so every rate then",
                     footer), footer
    screenshot(page, "return_gap_per_100k.png")


def test_return_gap_permalink(server, page):
    open_and_wait(page, f"{server}/return_gap?geo=EL&compare=&start=2012&end=2016")
    assert_no_errors(page)
    assert chart_title(page).endswith("Greece, 2012–2016"), chart_title(page)
    assert "geo=EL" in page.url
    screenshot(page, "return_gap_permalink.png")


def test_remittances_page(server, page):
    open_and_wait(page, f"{server}/remittances")
    assert_no_errors(page)
    assert chart_title(page) == "Personal remittances paid, Netherlands, 1970–2024, current US$"
    assert "bop_rem6" in page.inner_text("body")
    screenshot(page, "remittances.png")


def test_claim_check_page(server, page):
    open_and_wait(page, f"{server}/claims?claim=R15")
    assert_no_errors(page)
    assert chart_title(page).startswith("Claim R15 against the data"), chart_title(page)
    text = page.inner_text("body")
    assert "supported" in text and "When stated" in text and "Add a claim" in text
    screenshot(page, "claims.png")


def test_sources_page(server, page):
    open_and_wait(page, f"{server}/sources", ready='[data-testid="stDataFrame"]')
    assert_no_errors(page)
    text = page.inner_text("body")
    assert "Files loaded" in text and "Not loaded" in text, text[:2000]
    from core import inputs

    assert f"{len(inputs.staging_files())} file(s)" in text, text[:2000]  # the table cells are drawn on a canvas
    assert page.locator('[data-testid="stDataFrame"]').count() == 2
    screenshot(page, "sources.png")


def test_revisions_page(server, page):
    open_and_wait(page, f"{server}/revisions")
    assert_no_errors(page)
    assert "2018" in chart_title(page), chart_title(page)
    screenshot(page, "revisions.png")


def open_tab(page, name: str):
    """Click a Streamlit tab and return its panel once its chart is drawn."""
    page.get_by_role("tab", name=name).click()
    panel = page.locator('[role="tabpanel"]').filter(has=page.locator(CHART)).locator(
        "visible=true").first
    panel.locator(CHART).first.wait_for(state="visible", timeout=CHART_TIMEOUT_MS)
    return panel


def map_countries(container) -> int:
    """Countries Plotly drew on a map (its choropleth paths): none if the geometry did not
    load."""
    container.locator(".choroplethlocation").first.wait_for(state="attached",
                                                           timeout=CHART_TIMEOUT_MS)
    return container.locator(".choroplethlocation").count()


@pytest.mark.parametrize("width", [1400, 800])
def test_arrivals_risk_tab(server, page, width):
    page.set_viewport_size({"width": width, "height": 1000})
    open_and_wait(page, f"{server}/arrivals")
    panel = open_tab(page, "Risk")
    title = panel.locator(f"{CHART} .gtitle").first.text_content()
    assert "Recorded dead and missing per 1,000 detections" in re.sub(r"\s+", " ", title)
    footer = re.sub(r"\s+", " ", " ".join(
        panel.locator(f"{CHART} .annotation-text").all_text_contents()))
    assert "IOM Missing Migrants Project" in footer and VINTAGE_TEXT in footer
    assert "different publishers" in footer
    assert_no_errors(page)
    screenshot(page, f"arrivals_risk_{width}.png")


@pytest.mark.parametrize("width", [1400, 800])
def test_arrivals_nationality_map_draws_offline(server, page, width):
    page.set_viewport_size({"width": width, "height": 1000})
    open_and_wait(page, f"{server}/arrivals?routes=EMR&start=2016-01&end=2016-12")
    panel = open_tab(page, "Map")
    assert map_countries(panel) > 50  # the bundled geometry loaded (no internet here)
    assert "Not on the map" in panel.inner_text()
    assert_no_errors(page)
    screenshot(page, f"arrivals_map_{width}.png")


@pytest.mark.parametrize("width", [1400, 800])
def test_return_gap_map(server, page, width):
    page.set_viewport_size({"width": width, "height": 1000})
    open_and_wait(page, f"{server}/return_gap?map_series=asylum_applicants_per_100k&map_year=2022")
    chart = page.locator(".js-plotly-plot").filter(has_text="Asylum applicants per 100,000 residents").first
    chart.scroll_into_view_if_needed()
    assert map_countries(chart) > 20
    assert_no_errors(page)
    screenshot(page, f"return_gap_map_{width}.png")


# ------------------------------------------------------------ languages, widths, axe-core
@pytest.mark.parametrize("width", [1400, 800])
def test_chart_table_tab_citation_and_share_link(server, page, width):
    """Return gap's first chart: its Table tab shows the plotted rows (a missing value an
    empty cell with the reason), its Cite tab the citation; the share link is shown open."""
    page.set_viewport_size({"width": width, "height": 1000})
    open_and_wait(page, f"{server}/return_gap")
    assert_no_errors(page)
    # the first chart's tabs; a closed tab is built when opened (a rerun): wait for its grid
    tabs = page.locator('[data-testid="stTabs"]').first
    assert tabs.locator('[data-testid="stDataFrame"]').count() == 0
    tabs.get_by_role("tab", name="Table").click()
    grid = tabs.locator('[data-testid="stDataFrame"]').locator("visible=true").first
    grid.wait_for(state="visible", timeout=CHART_TIMEOUT_MS)
    screenshot(page, f"return_gap_table_{width}.png")
    violations = axe_violations(page)
    assert not violations, violations
    tabs.get_by_role("tab", name="Cite this chart").click()
    cite = tabs.locator('[data-testid="stCode"]').locator("visible=true").first
    cite.wait_for(state="visible", timeout=CHART_TIMEOUT_MS)
    text = cite.inner_text()
    assert text.startswith("Eurostat.") and "migr_eiord, vintage 27 Mar 2018" in text, text
    share = page.get_by_text("Share this view")
    assert share.is_visible()
    screenshot(page, f"return_gap_cite_{width}.png")


# Every page at 800 and 1400 px in both languages: it renders without error, it is in the
# chosen language (its title), and at both widths axe-core finds no serious or critical
# WCAG 2.1 A/AA violation. Screenshots land in test-artifacts/browser/.
PAGES = {  # url path → (what is drawn when the page is ready, its Dutch heading)
    "": ('[data-testid="stMetric"]', "Migratiestromen: de nieuwste cijfers"),
    "arrivals": (CHART, "Irreguliere aankomsten"),
    "route_shifts": (CHART, "Routeverschuivingen"),
    "return_gap": (CHART, "Terugkeerkloof"),
    "remittances": (CHART, "Geldovermakingen"),
    "claims": (CHART, "Beweringen toetsen"),
    "sources": ('[data-testid="stDataFrame"]', "Bronnen en herkomst"),
    "revisions": (CHART, "Herzieningen van cijfers"),
}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page) -> list[dict]:
    """Serious and critical WCAG 2.1 A/AA violations axe-core finds on the page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


# Plotly charts fill their container: after a resize each is redrawn at its container's width.
FITS = """(width) => {
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main || main.getBoundingClientRect().right > width) return false;
  return Array.from(document.querySelectorAll('.js-plotly-plot')).every(p => {
    const svg = p.querySelector('.main-svg'), box = p.parentElement.getBoundingClientRect();
    return !svg || Math.abs(svg.getBoundingClientRect().width - box.width) <= 2; });
}"""


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_in_both_languages_and_widths(server, browser, path, lang):
    """One load per page and language, checked at 1400 px, then resized to 800 px and
    checked again once every chart is redrawn at the new width (the layout is computed in
    the browser: the same page loaded at 800 px draws the same)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    try:
        ready, dutch = PAGES[path]
        open_and_wait(page, f"{server}/{path}?lang={lang}", ready=ready)
        assert_no_errors(page)
        heading = page.locator("h1").first.inner_text()
        if lang == "nl":
            assert heading.startswith(dutch), heading
        else:
            assert not heading.startswith(dutch), heading
        assert "lang=" + lang in page.url, page.url  # the link keeps the language
        for width in (1400, 800):
            if width != 1400:
                page.set_viewport_size({"width": width, "height": 1000})
            page.wait_for_function(FITS, arg=width, timeout=CHART_TIMEOUT_MS)
            screenshot(page, f"{path or 'overview'}_{lang}_{width}.png")
            violations = axe_violations(page)
            assert not violations, (width, violations)
        assert_no_errors(page)
    finally:
        context.close()


def test_dutch_navigation_numbers_and_tab_title(server, page):
    open_and_wait(page, f"{server}/?lang=nl", ready='[data-testid="stMetric"]')
    assert_no_errors(page)
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    for title in ("Overzicht", "Irreguliere aankomsten", "Terugkeerkloof", "Geldovermakingen",
                  "Bronnen en herkomst"):
        assert title in nav, nav
    text = page.inner_text("body")
    assert "240.021" in text and "-141.298 (-37,1%)" in text and "35,7%" in text, text[:2000]
    assert "3 juni 2025" in text
    page.wait_for_function("document.title.startsWith('Overzicht')", timeout=CHART_TIMEOUT_MS)
    assert page.title() == "Overzicht · Migratiestromen"


def test_the_language_switch_writes_the_url_and_follows_the_navigation(server, page):
    open_and_wait(page, f"{server}/", ready='[data-testid="stMetric"]')
    assert "lang=" not in page.url  # a first load leaves the URL clean
    page.locator('[data-testid="stSidebar"] label').filter(has_text="Nederlands").click()
    page.get_by_text("Migratiestromen: de nieuwste cijfers").wait_for(timeout=CHART_TIMEOUT_MS)
    page.wait_for_url(re.compile(r"lang=nl"), timeout=CHART_TIMEOUT_MS)
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Terugkeerkloof").click()
    page.get_by_role("heading", name="Terugkeerkloof").wait_for(timeout=CHART_TIMEOUT_MS)
    page.wait_for_url(re.compile(r"return_gap.*lang=nl"), timeout=CHART_TIMEOUT_MS)
    assert_no_errors(page)


# A link to a page that is the first request a new server gets still runs through app.py:
# Streamlit falls back to its old ``pages/`` folder navigation until app.py has called
# ``st.navigation`` once in the process, and would otherwise run the page on its own (no
# warehouse check, the navigation as raw file names). It needs a server of its own.
NAVIGATION = ["Overview", "Irregular arrivals", "Route shifts", "Return gap", "Remittances",
              "Claim check", "Sources & provenance", "Data revisions"]


def test_first_request_deep_link_gets_the_apps_navigation_and_keeps_its_values(
        chromium_path, tmp_path, page):
    with serve(tmp_path) as base:
        open_and_wait(page, f"{base}/arrivals?grain=month&top_n=5")
        nav = page.locator('[data-testid="stSidebarNav"] a')
        labels = [t.strip().splitlines()[-1].strip() for t in nav.all_inner_texts()]  # icon, title
        assert labels == NAVIGATION
        assert page.locator("h1").first.inner_text() == "Irregular arrivals"
        assert "grain=month" in page.url and "top_n=5" in page.url
        assert_no_errors(page)


def test_two_servers_read_one_warehouse_while_rebuilds_swap_it(browser, built_warehouse,
                                                                tmp_path):
    """Two app servers (replicas) on two ports read one warehouse while two forced rebuilds
    publish new releases under them: every page load on either server draws its chart with
    the bundled vintage, and neither server logs an error."""
    from etl import release

    logs = [tmp_path / "a", tmp_path / "b"]
    for folder in logs:
        folder.mkdir()
    before = release.current(built_warehouse)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    with serve(logs[0], {"MIGFLOWS_READ_ONLY": "1"}) as a, \
            serve(logs[1], {"MIGFLOWS_READ_ONLY": "1"}) as b:
        rebuild = subprocess.Popen(
            [sys.executable, "-c", "from etl import build\n"
             "for _ in range(2): build.build(force=True)"], cwd=ROOT,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        loads, during = 0, 0
        try:
            while rebuild.poll() is None or loads < 4:
                running = rebuild.poll() is None
                for base in (a, b):
                    open_and_wait(page, f"{base}/arrivals")
                    text = page.locator('[data-testid="stMain"]').inner_text()
                    assert page.locator('[data-testid="stException"]').count() == 0, text[:2000]
                    assert "could not" not in text.lower(), text[:2000]
                    assert any(VINTAGE_TEXT in t for t in annotation_texts(page)), text[:500]
                    loads += 1
                during += running
        finally:
            rebuild.wait(timeout=600)
        assert rebuild.returncode == 0, rebuild.stderr.read().decode()[-2000:]
        assert during >= 1  # at least one round of loads overlapped the rebuilds
    page.close()
    after = release.current(built_warehouse)
    assert after["build_id"] != before["build_id"]
    for folder in logs:
        err = (folder / "stderr.log").read_text(errors="replace")
        assert "Traceback" not in err and "Error" not in err, err[-3000:]


FOCUSED = """() => { const e = document.activeElement; if (!e) return '';
  return e.getAttribute('aria-label') || (e.innerText || '').trim().split('\\n')[0]
         || e.tagName; }"""


def test_every_control_on_return_gap_is_reachable_by_keyboard(server, page):
    """Tab from the top of the page until focus comes round again: every sidebar filter,
    every chart's controls, its tabs and downloads, the map's choices and the share link get
    the focus; the chart's tabs then move with the arrow keys."""
    open_and_wait(page, f"{server}/return_gap")
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 6",
                           timeout=CHART_TIMEOUT_MS)
    seen: list[str] = []
    for _press in range(800):  # a bound, not a wait: stops when focus wraps round
        page.keyboard.press("Tab")
        label = page.evaluate(FOCUSED)
        if seen and label == seen[0]:
            break
        seen.append(label)
    expected = {"Geography", "Compare with", "From", "To", "Per 100,000 residents",
                "Series shown (and exported)", "Log scale", "Index (= 100 in)", "Chart",
                "Download CSV of the plotted data", "Download Excel (.xlsx)", "Download PNG",
                "Download SVG", "Year", "Top N citizenships", "Geographies (up to 8)",
                "Definition", "Series"}
    assert expected <= set(seen), sorted(expected - set(seen))
    assert any(label.endswith("/return_gap") for label in seen)  # the share link's code block
    assert seen.count("Download PNG") == 6
    # the first chart's tabs: focus "Chart", then the right arrow reaches "Table"
    page.get_by_role("tab", name="Chart").first.focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate(FOCUSED) == "Table"


# Every control the page shows, numbered: what the browser puts in the tab order (links,
# buttons, form fields, expanders, elements with a tab index), visible and enabled; of a
# radio group only the chosen option and of a tab list only the open tab (the arrow keys
# move within them). Plotly's own toolbar is left out: each chart's downloads are buttons.
CONTROLS = """() => {
  const all = document.querySelectorAll('a[href], button, input, select, textarea, summary, '
                                        + '[tabindex]');
  const shown = [...all].filter(e => e.tabIndex >= 0 && !e.disabled
      && e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden'
      && !e.closest('.modebar') && !(e.type === 'radio' && !e.checked));
  shown.forEach((e, i) => e.setAttribute('data-control', i));
  return shown.map(e => e.getAttribute('aria-label') || e.labels?.[0]?.innerText
                        || (e.innerText || '').trim().split('\\n')[0] || e.tagName);
}"""
FOCUSED_CONTROL = "() => document.activeElement?.getAttribute('data-control') ?? null"


@pytest.mark.parametrize("path", [p for p in PAGES if p != "return_gap"])
def test_every_control_on_every_page_is_reachable_by_keyboard(server, page, path):
    """Tab from the top until focus comes round again: every control the page shows gets
    the focus on the way (Return gap has its own walk above, with the labels named)."""
    ready, _dutch = PAGES[path]
    open_and_wait(page, f"{server}/{path}", ready=ready)
    labels = page.evaluate(CONTROLS)
    assert len(labels) >= 5, labels  # the navigation, the language switch, the share link …
    reached: list[int] = []
    for _press in range(4 * len(labels) + 50):  # a bound, not a wait: focus wraps round
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_CONTROL)
        if focused is None:
            continue
        if reached and int(focused) == reached[0]:
            break
        reached.append(int(focused))
    missed = sorted({labels[i] for i in set(range(len(labels))) - set(reached)})
    assert not missed, missed


# A label is cut when its text is wider than a box around it that hides its overflow
# (Streamlit ends a cut label with "…" through CSS, so the DOM text stays whole and the
# boxes shrink with it): the text's natural width, measured in its own font, against the
# inner width of every clipping ancestor.
LABEL_CUT = """(el) => { const ctx = document.createElement('canvas').getContext('2d');
  const style = getComputedStyle(el);
  ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const natural = ctx.measureText(el.textContent).width;
  for (let a = el; a && a !== document.body; a = a.parentElement) {
    if (getComputedStyle(a).overflowX === 'visible') continue;
    if (natural > a.clientWidth + 0.5) return [natural, a.clientWidth]; }
  return false; }"""


@pytest.mark.parametrize("width", [800, 1400])
@pytest.mark.parametrize("lang, log_label, index_label", [
    ("en", "Log scale", "Index (= 100 in)"),
    ("nl", "Logaritmische schaal", "Index (= 100 in)"),
])
def test_chart_controls_show_their_labels_in_full(server, browser, width, lang, log_label,
                                                  index_label):
    """Return gap's first chart: the series picker, the log switch and the index box each
    show their whole label (at 800 px the log label used to read "Log sc…")."""
    context = browser.new_context(viewport={"width": width, "height": 1000})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    try:
        open_and_wait(page, f"{server}/return_gap?lang={lang}")
        assert_no_errors(page)
        main = page.locator('[data-testid="stMain"]')
        for label in (log_label, index_label):
            text = main.get_by_text(label, exact=True).first
            text.wait_for(state="visible", timeout=CHART_TIMEOUT_MS)
            assert not text.evaluate(LABEL_CUT), (label, width, lang)
        picker = main.locator('[data-testid="stMultiSelect"]').first
        toggle = main.get_by_text(log_label, exact=True).first
        top, bottom = picker.bounding_box(), toggle.bounding_box()
        assert bottom["y"] >= top["y"] + top["height"]  # the switches on their own row
        picker.scroll_into_view_if_needed()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        y = picker.bounding_box()["y"]
        page.screenshot(path=str(ARTIFACTS / f"chart_controls_{lang}_{width}.png"),
                        clip={"x": 0, "y": max(y - 40, 0), "width": width, "height": 320})
    finally:
        context.close()
