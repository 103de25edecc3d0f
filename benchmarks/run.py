"""Benchmarks in one run: parser, warehouse build, page reruns, server start to first chart.

    python benchmarks/run.py            (from the repo root; `make benchmark`)

Prints machine facts and a Markdown table of medians over repeats (with ratios), and writes
benchmarks/results/latest.json. Takes a few minutes. The browser row needs Debian's
chromium on PATH; without it that row is skipped with a note.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from importlib import metadata as importlib_metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)  # app.py names its pages relative to the repo root

import pandas as pd  # noqa: E402

import serving  # noqa: E402  (benchmarks/serving.py: one way to start and stop a server)
from etl import build  # noqa: E402
from etl.sources import frontex  # noqa: E402

IBC = ROOT.parent / "shared" / "data" / "frontex" / "ibc.xlsx"
RESULTS = ROOT / "benchmarks" / "results" / "latest.json"
CHROMIUM_ARGS = serving.CHROMIUM_ARGS
CHART = serving.CHART

rows: list[dict] = []
ratios: list[dict] = []


def timed(fn, repeats: int, warmup: int = 0) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def record(name: str, times: list[float], note: str = "") -> float:
    med = statistics.median(times)
    rows.append({"name": name, "median_s": med, "min_s": min(times), "max_s": max(times),
                 "n": len(times), "note": note})
    print(f"  {name}: {fmt(med)} (n={len(times)})", file=sys.stderr, flush=True)
    return med


def skip(name: str, note: str) -> None:
    rows.append({"name": name, "median_s": None, "min_s": None, "max_s": None, "n": 0,
                 "note": note})
    print(f"  {name}: skipped ({note})", file=sys.stderr, flush=True)


def ratio(name: str, num: float, den: float) -> None:
    ratios.append({"name": name, "ratio": num / den})


def fmt(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def version(dist: str) -> str:
    try:
        return importlib_metadata.version(dist)
    except importlib_metadata.PackageNotFoundError:
        return "not installed"


# ----------------------------------------------------------------------------- parse
def bench_parse() -> None:
    if not IBC.exists():
        skip("parse ibc.xlsx", "../shared/data/frontex/ibc.xlsx not found")
        return
    content = IBC.read_bytes()

    def read(engine):
        return lambda: pd.read_excel(io.BytesIO(content), sheet_name=frontex.DATA_SHEET,
                                     header=None, engine=engine)

    size = f"{len(content) / 1e6:.1f} MB workbook"
    parsed = frontex.parse(content, file_name=IBC.name)
    parse_t = record("parse ibc.xlsx: etl.sources.frontex.parse", timed(
        lambda: frontex.parse(content, file_name=IBC.name), 5, warmup=1),
        f"{size} → {len(parsed.frame):,} staging rows ({parsed.rows} rows × {parsed.months} months)")
    cal_t = record("read data sheet: pandas calamine (bare)", timed(read("calamine"), 5, warmup=1),
                   f"sheet {frontex.DATA_SHEET}, header=None")
    opx_t = record("read data sheet: pandas openpyxl", timed(read("openpyxl"), 3), "same sheet")
    ratio("parse / bare calamine read", parse_t, cal_t)
    ratio("openpyxl read / calamine read", opx_t, cal_t)
    bench_parse_eurostat()


def bench_parse_eurostat() -> None:
    from etl.sources import eurostat
    from etl.sources.eurostat import files as eurostat_files

    folder = ROOT.parent / "shared" / "data" / "eurostat"
    rda, dw = folder / "gdidata_eu_asyapp.rda", folder / "dw2017_migr_eiord_Data_allcitizens.csv"
    if not (rda.exists() and dw.exists()):
        skip("parse Eurostat files", "../shared/data/eurostat not found")
        return
    content = rda.read_bytes()
    rda_t = record("parse gdidata_eu_asyapp.rda: etl.sources.eurostat.parse", timed(
        lambda: eurostat.parse(content, file_name=rda.name), 3, warmup=1),
        "43,896 rows; codes checked row by row")
    bare = record("read gdidata_eu_asyapp.rda: rdata (bare)", timed(
        lambda: eurostat_files.read_rda(content, rda.name), 3), "R stream → rows, no checks")
    ratio("eurostat .rda parse / bare read", rda_t, bare)
    text = dw.read_bytes()
    record("parse dw2017_migr_eiord_Data_allcitizens.csv (Latin-1, labels)", timed(
        lambda: eurostat.parse(text, file_name=dw.name), 3, warmup=1), "28,545 rows")


# ----------------------------------------------------------------------------- build
def bench_build() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-wh-") as tmp:
        wh = Path(tmp) / "warehouse.duckdb"
        build.build(force=True, warehouse=wh)  # warm-up: imports, file cache
        full = record("warehouse build (force=True, temp file)",
                      timed(lambda: build.build(force=True, warehouse=wh), 3),
                      "staging Parquet → marts → atomic swap")
        noop = record("warehouse no-op check (up to date)",
                      timed(lambda: build.build(warehouse=wh), 10),
                      "fingerprint of staging + SQL, read build_info")
        fp = record("build.fingerprint() (part of the no-op check)", timed(build.fingerprint, 10),
                    "hashes every staging file")
        ratio("full build / no-op check", full, noop)
        ratio("no-op check / fingerprint", noop, fp)
        bench_build_without_new_files(Path(tmp), full)


# The three Eurostat files of 2024 (first-time applicants, population, returns to a third
# country): a full build with them against one from the same staging without them.
NEW_FILES = ("rcache_migr_asyappctza_bulk_2024-01-18", "rcache_demo_pjan_bulk_2024-01-18",
             "natix_migr_eirtn_THRD_by_citizenship_2014-2023")


def staging_bytes(folder: Path, only=None) -> int:
    return sum(f.stat().st_size for f in folder.rglob("vintage=*")
               if f.is_file() and (only is None or any(n in f.name for n in only)))


def bench_build_without_new_files(tmp: Path, full: float) -> None:
    committed = ROOT / "data" / "staging"
    without = tmp / "staging-without"
    shutil.copytree(committed, without, ignore=lambda d, names: [
        n for n in names if any(part in n for part in NEW_FILES)])
    wh = tmp / "without.duckdb"
    build.build(force=True, staging_dir=without, warehouse=wh)  # warm-up
    old = record("warehouse build without the three 2024 Eurostat files (force=True)",
                 timed(lambda: build.build(force=True, staging_dir=without, warehouse=wh), 3),
                 "same staging minus first-time applicants, demo_pjan, third-country returns")
    ratio("full build / build without the three 2024 Eurostat files", full, old)
    total, new = staging_bytes(committed), staging_bytes(committed, NEW_FILES)
    rows.append({"name": "committed staging size (data/staging, Parquet + sidecars)",
                 "median_s": None, "min_s": None, "max_s": None, "n": 0,
                 "note": f"{total / 1e6:.2f} MB, of which the three 2024 Eurostat files "
                         f"{new / 1e6:.2f} MB"})
    print(f"  staging: {total / 1e6:.2f} MB (new files {new / 1e6:.2f} MB)", file=sys.stderr)


# ----------------------------------------------------------------------------- AppTest
PAGES = ["overview", "arrivals", "route_shifts", "return_gap", "remittances", "claims", "sources",
         "revisions"]


def bench_pages() -> None:
    """Every page: first run and warm rerun (no widget change) under AppTest."""
    from streamlit.testing.v1 import AppTest

    for name in PAGES:
        if not (ROOT / "pages" / f"{name}.py").exists():
            continue
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.switch_page(f"pages/{name}.py")
        t = time.perf_counter()
        at.run()
        cold = time.perf_counter() - t
        if at.exception:
            skip(f"{name} page (AppTest)", f"page raised: {at.exception[0].message}")
            continue
        warm = record(f"{name} page: warm rerun (AppTest)", timed(at.run, 5),
                      "no widget change; cached queries")
        ratio(f"{name}: first run ({cold:.2f} s) / warm rerun", cold, warm)


# One widget change per page, as a user makes it (issue target: ≤ 250 ms each): the first
# time (uncached query, new figure) and the same change back and forth (cached).
WIDGET_CHANGES = [  # page, widget kind, key, a value, the default it returns to, what
    ("arrivals", "multiselect", "arr_routes", ["EMR"], [], "one route"),
    ("return_gap", "selectbox", "rg_geo", "BE", "NL", "another geography"),
    ("remittances", "selectbox", "rm_country", "DEU", "NLD", "another sending country"),
    ("claims", "multiselect", "cc_verdicts", ["supported"], [], "a verdict filter"),
    ("sources", "multiselect", "src_publishers", ["Eurostat"], [], "one publisher"),
    ("revisions", "selectbox", "rev_case", "eurostat_illegally_present", "frontex_routes",
     "another series"),
]


def bench_widget_changes() -> None:
    from streamlit.testing.v1 import AppTest

    for name, kind, key, value, default, what in WIDGET_CHANGES:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        if name != "overview":
            at.switch_page(f"pages/{name}.py")
        at.run()
        t = time.perf_counter()
        getattr(at, kind)(key=key).set_value(value).run()
        first = time.perf_counter() - t
        if at.exception:
            skip(f"{name} page: {what}", f"page raised: {at.exception[0].message}")
            continue
        record(f"{name} page: {what}, first time (AppTest)", [first],
               "widget change: uncached queries, new figures")
        back = []
        for i in range(6):
            t = time.perf_counter()
            getattr(at, kind)(key=key).set_value(default if i % 2 == 0 else value).run()
            back.append(time.perf_counter() - t)
        assert not at.exception, at.exception
        record(f"{name} page: {what}, back and forth (AppTest)", back,
               "widget change, cached queries, new figures")


def bench_export() -> None:
    """Server-side PNG and SVG (kaleido + one kept headless chromium): the first image (the
    browser starts), the next ones, and the largest chart, monthly by nationality."""
    from dashboard import arrivals, export
    from dashboard import return_gap as rg

    if not export.available():
        skip("chart export", "kaleido or chromium missing")
        return
    build.build()
    view = rg.ReturnGapView(geo="NL", compare="")
    data = rg.measures("NL", view)
    fig = rg.measures_figure(data, "NL", view, rg.geographies())
    record("return-gap chart → first SVG (kaleido browser starts)",
           timed(lambda: export.image_bytes(fig, "svg"), 1), "once per server process")
    svg = record("return-gap chart → SVG, kept browser", timed(lambda: export.image_bytes(fig, "svg"), 5),
                 "issue target ≤ 0.5 s")
    png = record("return-gap chart → PNG 2×, kept browser", timed(lambda: export.image_bytes(fig, "png"), 5),
                 "deferred: generated only when the button is clicked")
    ratio("PNG / SVG export", png, svg)
    av = arrivals.ArrivalsView(nationality_mode="all", by="nationality", grain="month")
    opts = arrivals.options(arrivals.vintages()[0])
    av = arrivals.resolve(av, opts)
    big = arrivals.figure(arrivals.series(av), av, opts)
    sizes: list[int] = []
    record("monthly by nationality chart → SVG", timed(
        lambda: sizes.append(len(export.image_bytes(big, "svg"))), 3),
        "160 nationalities × 192 months, thinned for the image")
    sizes_row("monthly by nationality SVG size", sizes[-1],
              f"{sum(len(t.x) for t in big.data if t.type == 'bar')} bars on screen")


def sizes_row(name: str, size: int, note: str) -> None:
    rows.append({"name": name, "median_s": None, "min_s": None, "max_s": None, "n": 1,
                 "bytes": size, "note": f"{size / 1e6:.2f} MB; {note}"})
    print(f"{name}: {size / 1e6:.2f} MB", file=sys.stderr, flush=True)


def bench_apptest() -> None:
    from streamlit.testing.v1 import AppTest

    build.build()  # the app reads data/warehouse.duckdb; make sure it is current
    bench_pages()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/arrivals.py")
    t = time.perf_counter()
    at.run()
    cold = time.perf_counter() - t
    if at.exception:
        skip("Irregular arrivals page (AppTest)", f"page raised: {at.exception[0].message}")
        return
    record("arrivals page: cold first run (AppTest)", [cold],
           "imports, warehouse connection, first queries")
    warm = record("arrivals page: warm rerun (AppTest)", timed(at.run, 10),
                  "no widget change; cached queries")
    # Changing the grain: first switch to 'month' hits the database, later ones the cache.
    t = time.perf_counter()
    at.radio(key="arr_grain").set_value("month").run()
    first = time.perf_counter() - t
    record("arrivals page: grain → month, first time", [first], "uncached monthly query")
    toggles = []
    for i in range(10):
        value = "year" if i % 2 == 0 else "month"
        t = time.perf_counter()
        at.radio(key="arr_grain").set_value(value).run()
        toggles.append(time.perf_counter() - t)
    assert not at.exception, at.exception
    toggle = record("arrivals page: grain toggle year↔month, cached", toggles,
                    "widget change, cached query, new figure")
    ratio("grain → month first time / warm rerun", first, warm)
    ratio("cached grain toggle / warm rerun", toggle, warm)

    # Route shifts: the panel fits (headline + 5 sensitivity specifications) run once per
    # (event, route, window) and warehouse build; a new event refits them. The placebo
    # calibration is stored per build and not part of these timings.
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page("pages/route_shifts.py")
    t = time.perf_counter()
    at.run()
    cold_rs = time.perf_counter() - t
    if at.exception:
        skip("Route shifts page (AppTest)", f"page raised: {at.exception[0].message}")
        return
    record("route shifts page: first run (AppTest)", [cold_rs],
           "load monthly frame, 6 PPML panel fits (headline and sensitivity strip)")
    warm_rs = record("route shifts page: warm rerun (AppTest)", timed(at.run, 10),
                     "no widget change; cached analysis")
    t = time.perf_counter()
    at.selectbox(key="rs_event").set_value("italy-libya-mou-2017").run()
    new_q = time.perf_counter() - t
    record("route shifts page: new event, first time", [new_q],
           "uncached: 6 PPML panel fits (target under 2 s)")
    ratio("route shifts: new event / warm rerun", new_q, warm_rs)
    ratio("route shifts: warm rerun / arrivals warm rerun", warm_rs, warm)
    ratio("route shifts: new event / arrivals warm rerun", new_q, warm)


# ----------------------------------------------------------------------------- browser
def bench_browser(facts: dict) -> None:
    name = "server start → first Plotly chart in chromium"
    chromium = shutil.which("chromium")
    if chromium is None:
        skip(name, "chromium not found on PATH")
        skip("warm page load → first chart", "chromium not found on PATH")
        return
    from playwright.sync_api import sync_playwright

    start_to_health, start_to_chart, reloads = [], [], []
    with sync_playwright() as pw:
        t = time.perf_counter()
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        launch = time.perf_counter() - t
        facts["chromium"] = browser.version
        try:
            for _ in range(3):
                with serving.server(ROOT / "app.py", ROOT) as (base, _pid, t0):
                    start_to_health.append(time.perf_counter() - t0)
                    context = browser.new_context(viewport={"width": 1400, "height": 1000})
                    page = context.new_page()
                    page.goto(f"{base}/arrivals", wait_until="commit")
                    page.wait_for_selector(CHART, state="visible", timeout=60_000)
                    start_to_chart.append(time.perf_counter() - t0)
                    for _ in range(3):  # same server, new page load: warm caches
                        t = time.perf_counter()
                        page.reload(wait_until="commit")
                        page.wait_for_selector(CHART, state="visible", timeout=60_000)
                        reloads.append(time.perf_counter() - t)
                    context.close()
        finally:
            browser.close()
    record("chromium launch (Playwright)", [launch], "once, before the server starts")
    record("server start → /_stcore/health ok", start_to_health, "subprocess `streamlit run`")
    total = record(name, start_to_chart, "new server each time; includes health wait")
    reload = record("warm page load → first chart", reloads, "page reload on a running server")
    ratio("server start → chart / warm page load", total, reload)


# ----------------------------------------------------------------------------- report
def machine_facts() -> dict:
    import duckdb
    import streamlit

    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "pandas": pd.__version__,
        "streamlit": streamlit.__version__,
        "plotly": version("plotly"),
        "python-calamine": version("python-calamine"),
        "openpyxl": version("openpyxl"),
        "playwright": version("playwright"),
        "load_average_at_start": " / ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


def markdown(facts: dict) -> str:
    lines = ["Machine: " + ", ".join(f"{k} {v}" for k, v in facts.items() if k != "date"), "",
             "| Measurement | Median | Min | Max | n | Note |",
             "|---|---:|---:|---:|---:|---|"]
    for r in rows:
        lines.append(f"| {r['name']} | {fmt(r['median_s'])} | {fmt(r['min_s'])} | "
                     f"{fmt(r['max_s'])} | {r['n']} | {r['note']} |")
    lines += ["", "| Ratio (of medians) | Value |", "|---|---:|"]
    lines += [f"| {r['name']} | {r['ratio']:.2f}× |" for r in ratios]
    return "\n".join(lines)


def main() -> int:
    t = time.perf_counter()
    facts = machine_facts()
    for step in (bench_parse, bench_build, bench_apptest, bench_widget_changes, bench_export):
        print(f"{step.__name__} …", file=sys.stderr, flush=True)
        step()
    print("bench_browser …", file=sys.stderr, flush=True)
    bench_browser(facts)
    facts["total_s"] = round(time.perf_counter() - t, 1)
    facts["load_average_at_end"] = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(markdown(facts))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"facts": facts, "rows": rows, "ratios": ratios}, indent=2,
                                  ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {RESULTS.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
