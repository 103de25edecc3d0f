"""Serving benchmarks: the app against Streamlit's own floor, and many viewers at once.

    python benchmarks/serving.py [--repeats 3] [--sessions 1,5,10]

Every figure comes from one run on this machine, each beside its floor measured in the same
run (compare ratios, not seconds, across machines):

* **floors** — an empty Streamlit app with one Plotly chart, and one with one metric (text
  only), each served fresh: server start → chart / metric visible in headless chromium, and
  page reload → chart;
* **the app** — server start → Overview's first tile (landing page ready) and → the
  Irregular arrivals chart; a page reload on a running server → the arrivals chart;
* **many viewers** — N simultaneous browser sessions (own contexts) open Irregular arrivals
  on one warm server: p50 / p95 of time to first chart, and the server's peak and current
  resident memory (``VmHWM`` / ``VmRSS`` from /proc) after the round;
* **memory** — peak RSS after one session visits every page.

Only 127.0.0.1 is contacted. Needs Debian's chromium; writes benchmarks/results/serving.json.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "serving.json"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
CHART = ".js-plotly-plot .main-svg"
METRIC = '[data-testid="stMetricValue"]'
PAGES = ["", "arrivals", "route_shifts", "return_gap", "remittances", "claims", "sources",
         "revisions"]
FLOOR_CHART = '''import plotly.graph_objects as go
import streamlit as st
st.plotly_chart(go.Figure(go.Scatter(x=[2009, 2016, 2024], y=[104599, 511047, 239236])))
'''
FLOOR_TEXT = '''import streamlit as st
st.metric("floor", 1)
'''


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) the process has used so far (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _memory_kb(pid: int) -> dict[str, int]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            out[key] = int(value.split()[0])
    return out


# the environment `make run` serves the app in (Makefile, SERVE_ENV), for every server here
SERVE_ENV = {"MALLOC_ARENA_MAX": "2", "ARROW_DEFAULT_MEMORY_POOL": "system"}


@contextmanager
def server(script: Path, cwd: Path):
    """A fresh ``streamlit run`` on a free loopback port; yields (base URL, pid, t0)."""
    port = _free_port()
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
        env={**os.environ, **SERVE_ENV})
    base = f"http://127.0.0.1:{port}"
    try:
        while not _healthy(f"{base}/_stcore/health"):
            if proc.poll() is not None or time.perf_counter() - t0 > 90:
                raise RuntimeError(f"{script.name}: server did not become healthy")
            time.sleep(0.05)
        yield base, proc.pid, t0
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _open(browser, url: str, selector: str, width: int = 1400) -> tuple[float, object]:
    context = browser.new_context(viewport={"width": width, "height": 1000})
    page = context.new_page()
    t = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_selector(selector, state="visible", timeout=120_000)
    return time.perf_counter() - t, context


def cold_start(browser, script: Path, cwd: Path, path: str, selector: str, repeats: int,
               reloads: int = 0) -> tuple[list[float], list[float]]:
    starts, warm = [], []
    for _ in range(repeats):
        with server(script, cwd) as (base, _pid, t0):
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            page.goto(f"{base}/{path}", wait_until="commit")
            page.wait_for_selector(selector, state="visible", timeout=120_000)
            starts.append(time.perf_counter() - t0)
            for _ in range(reloads):
                t = time.perf_counter()
                page.reload(wait_until="commit")
                page.wait_for_selector(selector, state="visible", timeout=120_000)
                warm.append(time.perf_counter() - t)
            context.close()
    return starts, warm


def many_viewers(chromium: str, base: str, pid: int, n: int) -> dict:
    """n sessions (own browser contexts of one headless chromium, driven concurrently by
    Playwright's async API) open the arrivals page at once; time to first chart per
    session. One browser for all: n browsers would measure n chromium start-ups on the
    machine's cores rather than the server."""
    import asyncio

    from playwright.async_api import async_playwright

    async def rounds() -> tuple[list[float], list[str]]:
        times: list[float] = []
        errors: list[str] = []
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            contexts = [await browser.new_context(viewport={"width": 1400, "height": 1000})
                        for _ in range(n)]
            pages = [await c.new_page() for c in contexts]

            async def one(page):
                try:
                    t = time.perf_counter()
                    await page.goto(f"{base}/arrivals", wait_until="commit")
                    await page.wait_for_selector(CHART, state="visible", timeout=180_000)
                    times.append(time.perf_counter() - t)
                except Exception as exc:  # noqa: BLE001 — counted, reported
                    errors.append(f"{type(exc).__name__}: {exc}"[:200])

            await asyncio.gather(*(one(p) for p in pages))
            for c in contexts:
                await c.close()
            await browser.close()
        return times, errors

    cpu = _cpu_s(pid)
    times, errors = asyncio.run(rounds())
    cpu = _cpu_s(pid) - cpu
    times.sort()
    p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))] if times else None
    return {"sessions": n, "p50_s": statistics.median(times) if times else None, "p95_s": p95,
            "server_cpu_s_per_session": round(cpu / n, 2), "errors": errors,
            **_memory_kb(pid)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sessions", default="1,5,10")
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        print("chromium not found on PATH: nothing to measure", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    subprocess.run([sys.executable, "-m", "etl", "build"], cwd=ROOT, check=True)
    out: dict = {"rows": [], "viewers": [], "memory": {}}

    def row(name, times, floor=None):
        med = statistics.median(times)
        entry = {"name": name, "median_s": round(med, 3), "n": len(times)}
        if floor is not None:
            entry.update(floor_s=round(floor, 3), ratio=round(med / floor, 2))
        out["rows"].append(entry)
        print(f"{name}: {med:.2f} s" + (f" (floor {floor:.2f} s, {med / floor:.2f}×)"
                                        if floor else ""), file=sys.stderr, flush=True)
        return med

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        tmp = Path(tmp)
        (tmp / "floor_chart.py").write_text(FLOOR_CHART)
        (tmp / "floor_text.py").write_text(FLOOR_TEXT)
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            fc, fr = cold_start(browser, tmp / "floor_chart.py", tmp, "", CHART, args.repeats, 3)
            ft, _ = cold_start(browser, tmp / "floor_text.py", tmp, "", METRIC, args.repeats)
            floor_chart, floor_reload = row("floor: start → chart", fc), row("floor: reload → chart", fr)
            floor_text = row("floor: start → text", ft)
            ac, ar = cold_start(browser, ROOT / "app.py", ROOT, "arrivals", CHART, args.repeats, 3)
            lc, _ = cold_start(browser, ROOT / "app.py", ROOT, "", METRIC, args.repeats)
            row("server start → first chart (Irregular arrivals)", ac, floor_chart)
            row("server start → landing page ready (Overview)", lc, floor_text)
            row("page reload → first chart (Irregular arrivals)", ar, floor_reload)
            with server(ROOT / "app.py", ROOT) as (base, pid, _):
                for path in PAGES:  # each page drawn, and its script run finished
                    sel = {"": METRIC, "sources": '[data-testid="stDataFrame"]'}.get(path, CHART)
                    _, ctx = _open(browser, f"{base}/{path}", sel)
                    ctx.pages[0].wait_for_selector(
                        '[data-testid="stApp"][data-test-script-state="notRunning"]',
                        state="attached", timeout=180_000)
                    ctx.close()
                out["memory"] = {"after_one_session_all_pages": _memory_kb(pid)}
                print(f"memory after one session on every page: {out['memory']}",
                      file=sys.stderr)
        finally:
            browser.close()

    with server(ROOT / "app.py", ROOT) as (base, pid, _):
        many_viewers(chromium, base, pid, 1)  # warm the server once: rounds measure steady state
        out["memory"]["after_warm_up"] = _memory_kb(pid)
        for n in (int(s) for s in args.sessions.split(",")):
            result = many_viewers(chromium, base, pid, n)
            out["viewers"].append(result)
            print(f"{n} sessions: {result}", file=sys.stderr, flush=True)
    single = next((v["p95_s"] for v in out["viewers"] if v["sessions"] == 1), None)
    for v in out["viewers"]:
        if single and v["p95_s"]:
            v["p95_vs_single"] = round(v["p95_s"] / single, 2)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
