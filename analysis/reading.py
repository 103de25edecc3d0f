"""Plain-language readings of the waterbed results, and their limits."""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from analysis.comovement import CoMovement
from analysis.composition import Composition
from analysis.displacement import DOUBLE_COUNTED, Displacement
from analysis.events import events_between
from analysis.its import EventModels
from analysis.window import EventWindow

ROUTE_NAMES = {
    "CMR": "Central Mediterranean", "EMR": "Eastern Mediterranean",
    "WMR": "Western Mediterranean", "WBR": "Western Balkan", "WAR": "Western African",
    "EBR": "Eastern Borders", "BSR": "Black Sea", "CAG": "Circular Albania–Greece",
    "OTH": "Other",
}


def _name(route: str) -> str:
    return f"{ROUTE_NAMES.get(route, route)} ({route})"


def _minus(text: str) -> str:
    return text.replace("-", "−")


def _n(x: float) -> str:
    return _minus(f"{x:+,.0f}")


def _c(x: float) -> str:
    """A count without a forced sign."""
    return _minus(f"{x:,.0f}")


def _r(x: float) -> str:
    return _minus(f"{x:.2f}")


def _pct(x: float) -> str:
    return _minus(f"{x:+.1f}%")


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def read_event_study(models: EventModels, route: str) -> str:
    """What the event model says about one route, in two or three sentences."""
    if route in models.skipped:
        return f"{_name(route)}: {models.skipped[route]}; no estimate."
    t = models.table().set_index(["route", "effect"])
    w = models.window
    ci = f"{models.level:.0%} CI"
    basis = ("its pre-event level and trend" if models.trend else "its pre-event level") \
        + (" and its usual seasonal pattern" if w.n_season else "")
    if models.scale == "log":
        r = t.loc[(route, "level_pct")]
        first = (f"In {w.first_post:%B %Y}, {_name(route)} detections were "
                 f"{abs(r.estimate):.{1 if abs(r.estimate) >= 99.5 else 0}f}% "
                 f"{'below' if r.estimate < 0 else 'above'} what "
                 f"{basis} predict ({ci} {_pct(r.ci_low)} to {_pct(r.ci_high)}, {_p(r.p)}).")
    else:
        r = t.loc[(route, "level")]
        first = (f"In {w.first_post:%B %Y}, {_name(route)} detections were "
                 f"{_n(r.estimate)} a month against what {basis} predict "
                 f"({ci} {_n(r.ci_low)} to {_n(r.ci_high)}, {_p(r.p)}).")
    tot = t.loc[(route, "post_total")]
    second = (f"Over the {w.n_post} post months the model puts the change at "
              f"{_n(tot.estimate)} detections ({ci} {_n(tot.ci_low)} to {_n(tot.ci_high)})")
    second += (", not distinguishable from no change." if tot.ci_low <= 0 <= tot.ci_high
               else ".")
    text = f"{first} {second}"
    diag = models.diagnostics().set_index("route").loc[route]
    ratio = diag.counterfactual_to_pre
    if np.isfinite(ratio) and (ratio > 3 or ratio < 1 / 3):
        text += (f" Caution: the counterfactual averages {ratio:.1f} times the pre-window mean — "
                 "it extrapolates a steep pre-trend, so the post-window figures say more about "
                 "that extrapolation than about the event (try trend=False).")
    return text


def _verdict(lo: float, hi: float) -> str:
    if hi < 0:
        return "the other routes fell as well: no sign of a waterbed effect"
    if lo > 1:
        return ("the other routes rose by more than the treated route fell: something besides "
                "displacement drove them")
    if lo > 0 and hi < 1:
        return (f"partial displacement: between {lo:.0%} and {hi:.0%} of the fall reappeared on "
                "the other routes")
    if lo > 0:
        return "consistent with full displacement"
    if hi >= 1:
        return "the data cannot tell no displacement from full displacement"
    if hi < 0.5:
        return (f"little or no displacement: at most {hi:.0%} of the fall reappeared on the "
                "other routes")
    return f"no clear evidence of displacement (at most {hi:.0%} of the fall reappeared elsewhere)"


def read_displacement(d: Displacement) -> str:
    """The displacement ratio in words."""
    w = d.models.window
    ci = f"{d.models.level:.0%} CI"
    period = f"{w.first_post:%b %Y}–{w.post_end:%b %Y}"
    others = ", ".join(d.others)
    rise = (f"the other routes ({others}) changed by {_n(d.rise)} detections ({ci} "
            f"{_n(d.rise_ci[0])} to {_n(d.rise_ci[1])})")
    if d.status == "no-fall":
        text = f"{d.message} Over {period}, {rise}."
    else:
        text = (f"Over {period}, relative to their counterfactuals, {_name(d.treated)} fell by "
                f"{_c(d.fall)} detections ({ci} {_c(d.fall_ci[0])} to {_c(d.fall_ci[1])}) "
                f"and {rise}. ")
        if d.status == "fall-uncertain":
            text += (f"Displacement ratio {_r(d.ratio)}, but {d.message[0].lower()}"
                     f"{d.message[1:]}")
        else:
            text += (f"Displacement ratio {_r(d.ratio)} ({ci} {_r(d.ci_low)} to "
                     f"{_r(d.ci_high)}): {_verdict(d.ci_low, d.ci_high)}.")
        top = d.by_route.query("role == 'other'").sort_values("change")
        if len(top):
            up, down = top.iloc[-1], top.iloc[0]
            text += (f" Largest rise: {up.route} ({_n(up.change)}); largest fall among the "
                     f"others: {down.route} ({_n(down.change)}).")
    if d.excluded:
        text += " Left out: " + "; ".join(f"{r} ({why})" for r, why in d.excluded.items()) + "."
    return text


def _mix(table: pd.DataFrame, share: str, n: int = 3) -> str:
    return ", ".join(f"{r.nationality} {r[share]:.0%}" for _, r in table.head(n).iterrows())


def read_composition(c: Composition) -> str:
    """The composition test in words."""
    ov = c.overlaps["fall_vs_rise"]
    if not np.isfinite(ov):
        return c.note
    if ov >= 0.6:
        verdict = "largely the same nationalities, as displacement would have it"
    elif ov >= 0.3:
        verdict = "partly the same nationalities"
    else:
        verdict = (f"mostly different nationalities: the rise elsewhere is not, in the main, "
                   f"the people who stopped being detected on {c.treated}")
    text = (f"The fall on {_name(c.treated)} ({_mix(c.fell_on_treated, 'share_of_fall')} of it) "
            f"and the rise on the other routes ({_mix(c.rose_elsewhere, 'share_of_rise')}) "
            f"overlap by {ov:.2f} (1 = the same nationalities, 0 = none in common): {verdict}.")
    shift = c.overlaps["shift_towards_treated"]
    text += (f" The other routes' mix moved {'towards' if shift > 0 else 'away from'} the "
             f"treated route's former mix (overlap {c.overlaps['treated_pre_vs_others_pre']:.2f}"
             f" before, {c.overlaps['treated_pre_vs_others_post']:.2f} after).")
    t = c.tests.set_index("test").loc["others_pre_vs_post"]
    text += (f" Chi-square on the other routes' mix before vs after: Cramér's V {t.cramers_v:.2f}"
             f" ({_p(t.p)}; with counts this large any difference is significant, and "
             "detections are not independent persons).")
    return text


def read_comovement(c: CoMovement, n: int = 3) -> str:
    """The strongest co-movements, with the caveat."""
    if c.pairs.empty:
        return "Too few routes with variation to correlate. " + c.note
    top = c.pairs.reindex(c.pairs["r"].abs().sort_values(ascending=False).index).head(n)
    pairs = "; ".join(f"{r.route_a}–{r.route_b} r = {_minus(f'{r.r:+.2f}')}"
                      for _, r in top.iterrows())
    return (f"Strongest correlations of deseasonalised month-on-month changes, "
            f"{c.start:%Y-%m}..{c.end:%Y-%m}: {pairs}. {c.note}")


def limits(window: EventWindow, treated: str, *, others: Iterable[str] = (),
           events: pd.DataFrame | None = None, event_id: str | None = None,
           models: EventModels | None = None, nationalities=None) -> list[str]:
    """The limits that apply to this analysis, one sentence or two each."""
    others = list(others)
    routes = {treated, *others}
    out = [
        ("Anticipation: departures can move before the event date (announcements, "
         "negotiations, smugglers' pricing) and lag after it. The event month is left out"
         if window.transition else
         "Anticipation: departures can move before the event date (announcements, "
         "negotiations, smugglers' pricing) and lag after it")
        + "; a pre-trend fitted through early moves biases the counterfactual.",
        "Detections are not persons: one person can be detected several times, on one route "
        "or on several, and detection effort changes with operations.",
    ]
    if models is not None:
        for route, warning in models.counterfactual_warnings().items():
            if route in routes:
                out.append("Counterfactual out of range: " + warning + ".")
    for pair, why in DOUBLE_COUNTED.items():
        if pair & routes and (treated in pair or pair <= routes):
            out.append(f"Double counting: {why}; a fall on one of "
                       f"{' and '.join(sorted(pair))} shows up on the other without being "
                       "displacement.")
    if window.n_season:
        out.append(f"Seasonality: month-of-year effects come from {window.n_season} months "
                   f"before the window ({window.season_start:%Y-%m} on); if the seasonal "
                   "pattern changed since, the adjustment is off.")
    else:
        out.append("Seasonality is not controlled: there is no full year of data before the "
                   "window.")
    out.append(f"Short windows: {window.n_pre} months before and {window.n_post} after. A pre-"
               "trend fitted to a year and extrapolated a year is fragile; other causes "
               "(weather, conflicts, origin-country policies) act on the same months.")
    if models is not None and treated in models.fits:
        diag = models.diagnostics().set_index("route").loc[treated]
        early = (np.expm1(diag.last3_pre_resid) if models.scale == "log"
                 else diag.last3_pre_resid / diag.pre_mean if diag.pre_mean > 0 else np.nan)
        if np.isfinite(early) and early < -0.1:
            out.append(f"Early move: on {treated} the last three pre-event months sit "
                       f"{abs(early):.0%} below the fitted pre-trend; the fall may have begun "
                       "before the event.")
        if np.isfinite(diag.counterfactual_to_pre) and not 1 / 3 <= diag.counterfactual_to_pre <= 3:
            out.append(f"Extrapolation: {treated}'s counterfactual averages "
                       f"{diag.counterfactual_to_pre:.1f} times its pre-window mean.")
    if nationalities is not None:
        codes = [nationalities] if isinstance(nationalities, str) else list(nationalities)
        out.append(f"Filtered to nationalities {', '.join(codes)}: small counts make every "
                   "estimate noisier, and nationality is as recorded at detection.")
    if events is not None and len(events):
        inside = events_between(events, window.pre_start, window.post_end + pd.offsets.MonthEnd(0),
                                routes=routes, exclude_ids=[event_id] if event_id else [])
        if len(inside):
            listed = "; ".join(
                f"{e.date:%Y-%m-%d} {e.title} ({', '.join(e.routes)})"
                + ("" if e.confirmed else " [unconfirmed]") for e in inside.itertuples())
            out.append(f"Other policy events inside the window ({window.pre_start:%Y-%m}.."
                       f"{window.post_end:%Y-%m}) on these routes: {listed}.")
    return out
