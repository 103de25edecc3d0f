"""The performance targets, each beside its measurement and floor from the last runs.

    python benchmarks/targets.py        (after benchmarks/run.py and benchmarks/serving.py;
                                         `make benchmark` runs all three)

Reads benchmarks/results/latest.json and serving.json and prints one Markdown table: what,
measured, floor (same run), ratio, target, met. A row whose measurement is missing says so.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def _load(name: str) -> dict:
    path = RESULTS / name
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _fmt(seconds: float | None) -> str:
    if seconds is None:
        return "not measured"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def main() -> int:
    run, serving = _load("latest.json"), _load("serving.json")
    rows = {r["name"]: r for r in run.get("rows", [])}
    srows = {r["name"]: r for r in serving.get("rows", [])}
    out = ["| what | measured | floor (same run) | ratio | target | met |",
           "|---|---:|---:|---:|---|---|"]

    def line(what, value, floor, ratio, target, met):
        out.append(f"| {what} | {value} | {floor} | {ratio} | {target} | "
                   f"{'—' if met is None else ('yes' if met else '**no**')} |")

    for name, target in (("server start → first chart (Irregular arrivals)", 1.3),
                         ("server start → landing page ready (Overview)", 1.2)):
        r = srows.get(name)
        line(name, _fmt(r and r["median_s"]), _fmt(r and r.get("floor_s")),
             f"{r['ratio']:.2f}×" if r else "—", f"≤ {target}× floor",
             None if r is None else r["ratio"] <= target)
    r = srows.get("page reload → first chart (Irregular arrivals)")
    line("page reload → first chart (Irregular arrivals)", _fmt(r and r["median_s"]),
         _fmt(r and r.get("floor_s")), f"{r['ratio']:.2f}×" if r else "—", "(none stated)", None)
    for name, r in rows.items():
        if name.endswith("page: warm rerun (AppTest)") and r["median_s"] is not None:
            line(name, _fmt(r["median_s"]), "", "", "≤ 100 ms", r["median_s"] <= 0.100)
    for name, r in rows.items():
        if ("back and forth" in name or "grain toggle" in name) and r["median_s"] is not None:
            line(name, _fmt(r["median_s"]), "", "", "≤ 250 ms", r["median_s"] <= 0.250)
        if name.endswith("first time (AppTest)") and r["median_s"] is not None:
            line(name, _fmt(r["median_s"]), "", "", "≤ 250 ms", r["median_s"] <= 0.250)
    for name in ("return-gap chart → SVG, kept browser", "return-gap chart → PNG 2×, kept browser"):
        r = rows.get(name)
        line(name, _fmt(r and r["median_s"]), "", "", "≤ 0.5 s",
             None if r is None or r["median_s"] is None else r["median_s"] <= 0.5)
    r = rows.get("monthly by nationality SVG size")
    line("monthly-by-nationality SVG", f"{r['bytes'] / 1e6:.2f} MB" if r else "not measured",
         "", "", "fewer nodes than 6.9 MB", None if r is None else r["bytes"] < 6.9e6)
    mem = serving.get("memory", {}).get("after_one_session_all_pages")
    line("server peak RSS after one session visits every page",
         f"{mem['VmHWM'] / 1024:.0f} MB" if mem else "not measured", "", "", "≤ 350 MB",
         None if mem is None else mem["VmHWM"] / 1024 <= 350)
    viewers = {v["sessions"]: v for v in serving.get("viewers", [])}
    for n, v in sorted(viewers.items()):
        line(f"{n} simultaneous sessions: p50 / p95 to first chart, server RSS",
             f"{_fmt(v['p50_s'])} / {_fmt(v['p95_s'])}, {v['VmRSS'] / 1024:.0f} MB"
             + (f", server CPU {v['server_cpu_s_per_session']:.2f} s per session"
                if "server_cpu_s_per_session" in v else ""),
             "", f"{v.get('p95_vs_single', float('nan')):.2f}× p95 of 1",
             "p95 ≤ 2.5× one session" if n == 10 else "",
             (v.get("p95_vs_single", 99) <= 2.5) if n == 10 else None)
    r = rows.get("warehouse build (force=True, temp file)")
    line("full rebuild from staging", _fmt(r and r["median_s"]), "", "", "(met before)", None)
    parse, bare = (rows.get("parse ibc.xlsx: etl.sources.frontex.parse"),
                   rows.get("read data sheet: pandas calamine (bare)"))
    if parse and bare and parse["median_s"] and bare["median_s"]:
        line("Frontex parse ÷ bare calamine read", _fmt(parse["median_s"]),
             _fmt(bare["median_s"]), f"{parse['median_s'] / bare['median_s']:.2f}×",
             "(met before)", None)
    facts = run.get("facts", {})
    print(f"Machine load average (1 / 5 / 15 min) at the start of run.py: "
          f"{facts.get('load_average_at_start', 'not recorded')}, at its end: "
          f"{facts.get('load_average_at_end', 'not recorded')}\n")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
