"""``python -m analysis waterbed`` and ``python -m analysis placebo``.

    python -m analysis waterbed --event EVENT_ID [--treated ROUTE] [--window MONTHS] --format json|md
    python -m analysis waterbed --events ID:ROUTE,ID:ROUTE,... --format md    (one table row per event)
    python -m analysis placebo --route ROUTE [--window MONTHS] --format json|md
    python -m analysis placebo --simulate [--panels N] --format json|md   (coverage on synthetic panels)
    python -m analysis placebo --pooled --route CMR,EMR,WMR,WBR [--donors WAR,...] [--block MONTHS] --format json|md
    python -m analysis placebo --simulate-rates [--rho 0.3,0.6,0.85,window] [--dates 96,480] --format json|md

Both read the warehouse read-only. Placebo calibrations are stored per warehouse build
under ``data/.warehouse-placebo/`` (a new build computes them again).
"""
from __future__ import annotations

import argparse
import json
import math
import sys

from core import paths

STORE = paths.DATA_DIR / ".warehouse-placebo"


def _load():
    from analysis.data import load_monthly
    from core import warehouse

    with warehouse.connect_readonly() as con:
        frame = load_monthly(con)
        events = con.execute("SELECT * FROM policy_events").df()
        fingerprint = con.execute("SELECT fingerprint FROM build_info").fetchone()[0]
    return frame, events, fingerprint


def calibration_for(frame, events, fingerprint, route, spec):
    from analysis import route_event

    cal = route_event.load_calibration(STORE, fingerprint, route, spec)
    if cal is None or cal.loo_rejection_fall_interval is None:   # stored without intervals
        cal, _ = route_event.compute_calibration(frame, events, route, spec, store=STORE,
                                                 fingerprint=fingerprint)
    return cal


def _n(x: float, digits: int = 0) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    return f"{x:,.{digits}f}".replace("-", "−")


def _interval(d: dict, digits: int = 0) -> str:
    return f"{_n(d['estimate'], digits)} ({_n(d['lo'], digits)} to {_n(d['hi'], digits)})"


def _ratio(d: dict) -> str:
    if d["estimate"] is None or not d["bounded"]:
        est = "undefined" if d["estimate"] is None else _n(d["estimate"], 2)
        return f"{est} (unbounded: the fall is not distinguishable from zero)"
    return _interval(d, 2)


#: The caveat codes (``analysis.route_event.CAVEATS``) in a table cell.
CAVEATS_SHORT = {"uncalibrated": "not calibrated", "calibration-off-target":
                 "calibration off its 3–7 % target", "pre-trend": "pre-trend on",
                 "pretrend-untested": "pre-trend not tested",
                 "counterfactual": "counterfactual beyond the pre-event range",
                 "not-robust": "depends on the specification"}


def _caveats_md(r: dict) -> str:
    out = []
    for code in r["caveats"]:
        text = CAVEATS_SHORT[code]
        if code == "pre-trend":
            text += " " + ", ".join(k for k, p in r["pretrend_p"].items()
                                    if k != r["treated_route"] and p < 0.05)
        out.append(text)
    return "; ".join(out) or "— (established)"


def _synth_md(sc: dict | None) -> str:
    if not sc:
        return "—"
    if sc["pre_rmspe"] is None:
        return f"no second opinion ({sc['donors']} donors)"
    fit = f"misses the pre-event level by {sc['pre_rmspe']:.0%}, {sc['donors']} donors"
    if sc["verdict"] == "no second opinion":
        return f"no second opinion ({fit}; its fall {_n(sc['fall'])} is not used)"
    return f"{sc['verdict']}: {_n(sc['fall'])} ({fit})"


def event_rows_md(results: list[dict]) -> str:
    head = ("| event | treated | post window | fall on the treated route (95 % interval) | "
            "extra on the other routes | displacement ratio | bounded | placebo n | "
            "robust across specifications | reading | not established because | "
            "synthetic control (fall; pre-event fit) |\n"
            "|---|---|---|---:|---:|---:|---|---:|---|---|---|---|\n")
    lines = []
    for r in results:
        lines.append(
            f"| {r['event_id']} | {r['treated_route']} | {r['post_start']}..{r['post_end']} | "
            f"{_interval(r['fall_treated'])} | {_interval(r['extra_total'])} | "
            f"{_ratio(r['displacement_ratio'])} | "
            f"{'yes' if r['displacement_ratio']['bounded'] else 'no'} | "
            f"{r['placebo']['n'] if r['placebo'] else '—'} | "
            f"{'robust' if r['robust_across_specs'] else 'depends on the specification'} | "
            f"{r['reading']} | "
            f"{_caveats_md(r)} | {_synth_md(r.get('synthetic_control'))} |")
    return head + "\n".join(lines) + "\n"


def _json_default(x):
    if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
        return None
    return str(x)


def _clean(obj):
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_clean(v) for v in obj]
    if isinstance(obj, float) and (math.isnan(obj) or math.isinf(obj)):
        return None
    return obj


def result_dict(res, frame=None) -> dict:
    """A ``RouteEvent`` as the command prints it: its own keys, the event study's pre-trend
    p-values and the caveats they imply (``RouteEvent.caveats``), and with ``frame`` (the
    monthly panel) the synthetic-control second opinion (``analysis.synth``)."""
    from analysis.leads_lags import fit_event_study

    out = res.as_dict()
    if frame is not None:
        from analysis import synth

        out["synthetic_control"] = synth.second_opinion(frame, res.headline).as_dict()
    try:
        es = fit_event_study(res.headline)
    except ValueError as err:
        out["pretrend_p"], out["pretrend_note"] = None, str(err)
    else:
        out["pretrend_p"] = {r: t.p_value for r, t in es.pretrend.items()}
    out["caveats"] = res.caveats(out["pretrend_p"])
    return _clean(out)


def waterbed(args) -> int:
    from analysis import route_event
    from analysis.panel import DEFAULT_SPEC

    frame, events, fingerprint = _load()
    spec = route_event.with_months_after(DEFAULT_SPEC, args.window)
    pairs = []
    if args.events:
        for item in args.events.split(","):
            eid, _, route = item.partition(":")
            pairs.append((eid.strip(), route.strip() or None))
    elif args.event:
        pairs.append((args.event, args.treated))
    else:
        print("give --event EVENT_ID (or --events ID:ROUTE,...)", file=sys.stderr)
        return 2
    results = []
    for eid, treated in pairs:
        try:
            probe = route_event.analyse_route_event(frame, events, event_id=eid,
                                                    treated=treated, spec=spec)
            cal = calibration_for(frame, events, fingerprint, probe.treated, spec)
            res = route_event.analyse_route_event(frame, events, event_id=eid,
                                                  treated=probe.treated, spec=spec,
                                                  calibration=cal)
        except ValueError as err:
            print(f"{eid}: {err}", file=sys.stderr)
            return 1
        results.append(result_dict(res, frame))
    if args.format == "json":
        out = results[0] if len(results) == 1 else results
        print(json.dumps(out, indent=1, ensure_ascii=False))
    else:
        print(event_rows_md(results), end="")
        print("\nModel: " + results[0]["model"])
    return 0


PLACEBO_MD_HEAD = (
    "| route | placebo dates | first..last | nominal rejection, fall | calibrated, "
    "leave-one-out | calibrated, split by period | nominal rejection, extra | calibrated "
    "extra, leave-one-out | calibrated extra, split | block-t fall, leave-one-out | "
    "block-t fall, split | within 3–7 % (fall) |\n"
    "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")


def placebo_rows_md(cals: list[dict]) -> str:
    def pct(x):
        return f"{100 * x:.1f} %"
    lines = [f"| {c['route']} | {c['n']} | {c['first_date']}..{c['last_date']} | "
             f"{pct(c['rejection_rate_5pct'])} | {pct(c['loo_rejection_fall'])} | "
             f"{pct(c['split_rejection_fall'])} | {pct(c['rejection_rate_5pct_extra'])} | "
             f"{pct(c['loo_rejection_extra'])} | {pct(c['split_rejection_extra'])} | "
             f"{pct(c['loo_rejection_fall_t'])} | {pct(c['split_rejection_fall_t'])} | "
             f"{'yes' if c['within_target'] else 'no'} |" for c in cals]
    return PLACEBO_MD_HEAD + "\n".join(lines) + "\n"


RATE_LABELS = {
    "loo_rejection_fall": ("quantile rule, fall", "leave-one-out"),
    "split_rejection_fall": ("quantile rule, fall", "split by period"),
    "loo_rejection_extra": ("extra crossings", "leave-one-out"),
    "split_rejection_extra": ("extra crossings", "split by period"),
    "loo_rejection_fall_t": ("block-t rule, fall", "leave-one-out"),
    "split_rejection_fall_t": ("block-t rule, fall", "split by period"),
    "loro_rejection": ("pooled studentised", "leave-one-route-out"),
    "split_rejection": ("pooled studentised", "split by period (and route)"),
}

RATE_MD_HEAD = (
    "| route | rule | check | rejected | rate | 95 % interval, block bootstrap | "
    "95 % interval, independent dates (binomial) | independent windows | 5 % inside the "
    "block-bootstrap interval |\n"
    "|---|---|---|---:|---:|---:|---:|---:|---|\n")


def rate_rows_md(cals: list[dict], rates) -> str:
    """One row per route and out-of-sample rate: the rate, its block-bootstrap interval
    (``analysis.placebo.rate_interval``) and the binomial interval that ignores the
    dependence."""
    def pct(x):
        return f"{100 * x:.1f} %"

    def iv(v):
        return "—" if v is None or None in v else f"{100 * v[0]:.1f}–{100 * v[1]:.1f} %"

    lines = []
    for c in cals:
        for name in rates:
            if c.get(f"{name}_interval") is None:
                continue
            rule, check = RATE_LABELS[name]
            inside = c[f"{name}_consistent_with_5pct"]
            word = ("cannot tell (interval of no width)" if inside is None
                    else "yes" if inside else "no")
            lines.append(f"| {c['route']} | {rule} | {check} | "
                         f"{round(c[name] * c['n'])} of {c['n']} | {pct(c[name])} | "
                         f"{iv(c[f'{name}_interval'])} | {iv(c[f'{name}_interval_iid'])} | "
                         f"{c['independent_windows']} | {word} |")
    return RATE_MD_HEAD + "\n".join(lines) + "\n"


def rate_note(cals: list[dict]) -> str:
    return (f"\nIntervals of the out-of-sample rejection rates: {cals[0]['interval_method']}; "
            f"independent windows = non-overlapping post windows the route's placebo dates "
            f"span.\n")


SIMULATE_RATES_MD_HEAD = (
    "| design | placebo dates | independent windows | series | mean rate | coverage of 5 %, "
    "block bootstrap | coverage of 5 %, independent dates (binomial) | median width, block "
    "bootstrap | median width, binomial | series with no rejection |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")


def simulate_rates_md(rows: list[dict]) -> str:
    def pct(x):
        return f"{100 * x:.1f} %"

    def design(d):
        return ("12-month overlapping windows" if d == "window"
                else f"AR(1) {float(d):.2f}")
    lines = [f"| {design(r['design'])} | {r['n_dates']} | {r['independent_windows']} | "
             f"{r['reps']} | {pct(r['mean_rate'])} | {pct(r['coverage_block'])} | "
             f"{pct(r['coverage_iid'])} | {pct(r['median_width_block'])} | "
             f"{pct(r['median_width_iid'])} | {pct(r['share_no_rejection'])} |" for r in rows]
    return SIMULATE_RATES_MD_HEAD + "\n".join(lines) + "\n"


def simulate_rates(args) -> int:
    from analysis.placebo import simulate_rate_coverage

    rows = []
    window = args.window or 12
    for n_dates in [int(x) for x in args.dates.split(",")]:
        for d in args.rho.split(","):
            d = d.strip()
            design = d if d == "window" else float(d)
            rows.append(simulate_rate_coverage(design, n_dates=n_dates, reps=args.reps,
                                               seed=args.seed, draws=args.draws,
                                               block=args.block or window,
                                               months_after=window))
    if args.format == "json":
        print(json.dumps(rows, indent=1))
        return 0
    print(simulate_rates_md(rows), end="")
    r = rows[0]
    print(f"\nSynthetic rejection indicators (analysis.placebo.synthetic_rejections), one per "
          f"month, true rate 5 %: a stationary Gaussian series, rejected when its absolute "
          f"value exceeds 1.96; AR(1) with the coefficient shown, or the mean of {window} "
          f"independent months (neighbouring dates sharing their post window). "
          f"{100 * r['level']:.0f} % intervals: circular block bootstrap, blocks of "
          f"{r['block']} months, {r['draws']} draws; binomial: Clopper–Pearson; independent "
          f"windows of {window} months; seed {args.seed}.")
    return 0


SIMULATE_MD_HEAD = (
    "| AR(1) coefficient | route-wide shock sd | series | placebo dates per series | "
    "nominal, treated coefficient | nominal, displacement ratio | placebo-calibrated, "
    "treated coefficient | placebo-calibrated, displacement ratio | block-t, treated "
    "coefficient | block-t, displacement ratio | pooled b_T (other series), treated "
    "coefficient | pooled b_T, displacement ratio | pooled studentised (other series), "
    "treated coefficient | pooled studentised, displacement ratio |\n"
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")


def simulate_rows_md(rows: list[dict]) -> str:
    def pct(x):
        return f"{100 * x:.0f} %"
    lines = [f"| {r['rho']:.2f} | {r['route_sd']:.2f} | {int(r['panels'])} | "
             f"{r['placebos_per_series']:.0f} | {pct(r['coverage_fall'])} | "
             f"{pct(r['coverage_ratio'])} | {pct(r['coverage_fall_cal'])} | "
             f"{pct(r['coverage_ratio_cal'])} | {pct(r['coverage_fall_t'])} | "
             f"{pct(r['coverage_ratio_t'])} | {pct(r['coverage_fall_pooled_b'])} | "
             f"{pct(r['coverage_ratio_pooled_b'])} | {pct(r['coverage_fall_pooled_z'])} | "
             f"{pct(r['coverage_ratio_pooled_z'])} |" for r in rows]
    return SIMULATE_MD_HEAD + "\n".join(lines) + "\n"


def simulate(args) -> int:
    from analysis.placebo import SIM_MONTHS, simulate_coverage

    rows = []
    for route_sd in [float(x) for x in args.route_sd.split(",")]:
        for rho in [float(x) for x in args.rho.split(",")]:
            rows.append(simulate_coverage(rho, panels=args.panels, seed=args.seed,
                                          route_sd=route_sd, every=args.every))
    rows = [{k: (float(v) if not isinstance(v, str) else v) for k, v in r.items()}
            for r in rows]
    if args.format == "json":
        print(json.dumps(rows, indent=1))
        return 0
    print(simulate_rows_md(rows), end="")
    print(f"\nSynthetic series (analysis.placebo.simulate_panel): 20 nationalities, "
          f"{SIM_MONTHS} months, the event 12 months before the end; fall 50 %, planted "
          f"ratio 0.5; 95 % intervals, nominal (CRV1 by nationality, t(G - 1)) and calibrated "
          f"on every {args.every}th month of the same series before the event; pooled rules "
          f"calibrated on the placebo dates of the other {args.panels - 1} series of the row "
          f"(leave-series-out).")
    return 0


POOLED_MD_HEAD = (
    "| route | placebo dates | donor routes | donor placebos | critical value of the absolute b_T / s | "
    "leave-one-route-out | split by period (and route) | unstudentised b_T pooled, "
    "leave-one-route-out | within 3–7 % |\n"
    "|---|---:|---|---:|---:|---:|---:|---:|---|\n")


def pooled_rows_md(cals: list[dict]) -> str:
    def pct(x):
        return f"{100 * x:.1f} %"
    lines = [f"| {c['route']} | {c['n']} | {c['donors'].replace(',', ', ')} | "
             f"{c['n_donor_placebos']} | {c['crit']:.2f} | {pct(c['loro_rejection'])} | "
             f"{pct(c['split_rejection'])} | {pct(c['loro_rejection_b'])} | "
             f"{'yes' if c['within_target'] else 'no'} |" for c in cals]
    return POOLED_MD_HEAD + "\n".join(lines) + "\n"


def pooled(args, frame, events, fingerprint, spec) -> int:
    from analysis import placebo as pl
    from analysis import route_event

    routes = [r.strip() for r in args.route.split(",")]
    donors = [r.strip() for r in args.donors.split(",")] if args.donors else []
    tables = {r: route_event.fall_table(frame, events, r, spec, store=STORE,
                                        fingerprint=fingerprint) for r in [*routes, *donors]}
    cals = [_clean(c.as_dict()) for c in pl.calibrate_pooled(
        tables, routes, donors, months_after=spec.months_after, block=args.block)]
    if args.format == "json":
        print(json.dumps(cals, indent=1, ensure_ascii=False))
    else:
        print(pooled_rows_md(cals), end="")
        print(f"\nSpecification: {spec.describe()}; s = sd of the 12-month changes of "
              f"log(1 + the route's monthly detections) over the {pl.SCALE_MONTHS} months "
              f"before each date.\n")
        print(rate_rows_md(cals, pl.PooledCalibration.RATES), end="")
        print(rate_note(cals), end="")
    return 0


def placebo(args) -> int:
    from analysis import route_event
    from analysis.panel import DEFAULT_SPEC

    if args.simulate_rates:
        return simulate_rates(args)
    if args.simulate:
        return simulate(args)

    frame, events, fingerprint = _load()
    spec = route_event.with_months_after(DEFAULT_SPEC, args.window)
    if args.pooled:
        return pooled(args, frame, events, fingerprint, spec)
    from analysis.placebo import Calibration

    cals = []
    for route in args.route.split(","):
        cals.append(_clean(calibration_for(frame, events, fingerprint, route.strip(),
                                           spec).as_dict()))
    if args.format == "json":
        print(json.dumps(cals[0] if len(cals) == 1 else cals, indent=1, ensure_ascii=False))
    else:
        print(placebo_rows_md(cals), end="")
        print(f"\nSpecification: {cals[0]['spec']}.\n")
        print(rate_rows_md(cals, Calibration.RATES), end="")
        print(rate_note(cals), end="")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command, rest = argv[0], argv[1:]
    parser = argparse.ArgumentParser(prog=f"python -m analysis {command}")
    parser.add_argument("--format", choices=("json", "md"), default="md")
    parser.add_argument("--window", type=int, default=None,
                        help="months after the event, from its first full month (default 12)")
    if command == "waterbed":
        parser.add_argument("--event", help="event id as in etl/reference/policy_events.csv")
        parser.add_argument("--treated", help="treated route code (default: the event's route)")
        parser.add_argument("--events", help="several events, ID:ROUTE,ID:ROUTE,...")
        return waterbed(parser.parse_args(rest))
    parser.add_argument("--route", help="route code, or several joined by commas")
    parser.add_argument("--simulate", action="store_true",
                        help="coverage on synthetic AR(1) panels instead of real placebos")
    parser.add_argument("--panels", type=int, default=30, help="synthetic series per row")
    parser.add_argument("--every", type=int, default=4,
                        help="simulation: a placebo date every N months of each series")
    parser.add_argument("--route-sd", default="0,0.15",
                        help="simulation: sd(s) of the route-wide AR(1) shock, comma-separated")
    parser.add_argument("--rho", default="0.3,0.6,0.85",
                        help="simulation: AR(1) coefficient(s), comma-separated")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--block", type=int, default=None,
                        help="months per block of the rejection rates' bootstrap (default: "
                             "the post window); with --pooled or --simulate-rates")
    parser.add_argument("--simulate-rates", action="store_true",
                        help="coverage of the rejection rates' intervals on synthetic "
                             "indicator runs (--rho may include 'window')")
    parser.add_argument("--dates", default="96",
                        help="with --simulate-rates: placebo dates per series, comma-separated")
    parser.add_argument("--reps", type=int, default=1000,
                        help="with --simulate-rates: synthetic series per row")
    parser.add_argument("--draws", type=int, default=999,
                        help="with --simulate-rates: bootstrap draws per series")
    parser.add_argument("--pooled", action="store_true",
                        help="the pooled studentised rule, judged leave-one-route-out on "
                             "the --route routes")
    parser.add_argument("--donors", default="",
                        help="with --pooled: routes that only donate placebos, comma-separated")
    args = parser.parse_args(rest)
    if not (args.simulate or args.simulate_rates) and not args.route:
        parser.error("give --route ROUTE (or --simulate, --simulate-rates)")
    return placebo(args)
