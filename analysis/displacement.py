"""Displacement ratio: rise on the other routes ÷ fall on the treated route.

Both are sums over the post window of (model fit − counterfactual), in detections, from the
event models of ``analysis.its``. The interval comes from the delta method on the joint
HAC covariance of all routes' coefficients (one stacked sandwich, so shocks common to
several routes are accounted for): the reported interval is Fieller's for the ratio of two
jointly normal estimates, which stays valid when the fall is imprecise (it is then
unbounded); the plain delta-method interval is reported alongside.

Defaults differ from the event study on purpose: ``scale="level"`` (the ratio is about
counts, and sums of level models are exact; back-transformed log fits are geometric means
whose bias differs from route to route) and ``trend=False, slope_change=False`` (the ratio
sums the gap over the whole post window; with a pre-trend, 12 months of extrapolation of a
surge or a collapse dominate it). The counterfactual is then the seasonally adjusted
pre-window level, and the effect a post-window level shift. Pass ``trend=True`` to
extrapolate the pre-trend instead (the post slope change then follows unless
``slope_change=False``).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.its import EventModels, fit_event_models

# Route pairs whose detections largely count the same people: most people detected on the
# Western Balkan route entered the EU in Greece or Bulgaria first (Frontex).
DOUBLE_COUNTED = {
    frozenset({"EMR", "WBR"}): "Western Balkan detections largely re-count people already "
                               "detected on the Eastern Mediterranean route",
}


def default_others(treated: str, routes: Iterable[str], *,
                   exclude_double_counted: bool = True) -> tuple[list[str], dict[str, str]]:
    """Every route but the treated one, less routes that double count it (and why)."""
    others, excluded = [], {}
    for r in routes:
        if r == treated:
            continue
        reason = DOUBLE_COUNTED.get(frozenset({treated, r}))
        if exclude_double_counted and reason:
            excluded[r] = reason
        else:
            others.append(r)
    return others, excluded


@dataclass
class Displacement:
    treated: str
    others: list[str]
    excluded: dict[str, str]
    fall: float                 # detections, positive = the treated route fell
    fall_ci: tuple[float, float]
    rise: float                 # detections, positive = the other routes rose
    rise_ci: tuple[float, float]
    ratio: float
    ci_low: float               # Fieller interval
    ci_high: float
    delta_ci: tuple[float, float]
    status: str                 # "ok", "no-fall" (ratio undefined), "fall-uncertain"
    message: str
    by_route: pd.DataFrame
    method: str
    models: EventModels

    @property
    def defined(self) -> bool:
        return self.status != "no-fall"

    def summary(self) -> dict:
        return {"treated": self.treated, "others": ";".join(self.others),
                "fall": self.fall, "fall_ci_low": self.fall_ci[0], "fall_ci_high": self.fall_ci[1],
                "rise": self.rise, "rise_ci_low": self.rise_ci[0], "rise_ci_high": self.rise_ci[1],
                "ratio": self.ratio, "ci_low": self.ci_low, "ci_high": self.ci_high,
                "delta_ci_low": self.delta_ci[0], "delta_ci_high": self.delta_ci[1],
                "status": self.status, "method": self.method}


def fieller_interval(a: float, b: float, vaa: float, vbb: float, vab: float,
                     crit: float) -> tuple[float, float]:
    """Fieller interval for a/b; (nan, nan) when it is unbounded (b not clearly ≠ 0)."""
    qa = b * b - crit ** 2 * vbb
    if qa <= 0:
        return float("nan"), float("nan")
    qb = -2 * (a * b - crit ** 2 * vab)
    qc = a * a - crit ** 2 * vaa
    disc = max(qb * qb - 4 * qa * qc, 0.0)
    root = np.sqrt(disc)
    return float((-qb - root) / (2 * qa)), float((-qb + root) / (2 * qa))


def displacement_ratio(wide: pd.DataFrame, event_date, treated: str,
                       others: Iterable[str] | None = None, *, months_before: int = 12,
                       months_after: int = 12, season_months: int = 36, scale: str = "level",
                       trend: bool = False, slope_change: bool | None = None,
                       date_precision: str = "day", exclude_double_counted: bool = True,
                       maxlags: int | None = None, errors: str = "hac-hc3",
                       level: float = 0.95) -> Displacement:
    """Displacement ratio of an event on ``treated`` (see the module docstring).

    ``others``: the routes whose rise counts (default: every other column of ``wide``,
    less routes that double count the treated one when ``exclude_double_counted``). 1 ≈ the
    whole fall reappeared on the other routes, 0 ≈ none of it, negative ≈ the other routes
    fell too. If the treated route did not fall relative to its counterfactual the ratio is
    undefined (``status="no-fall"``, ``ratio`` NaN).
    """
    if slope_change is None:
        slope_change = trend
    if treated not in wide.columns:
        raise ValueError(f"treated route {treated!r} not in the data")
    if others is None:
        others, excluded = default_others(treated, wide.columns,
                                          exclude_double_counted=exclude_double_counted)
    else:
        others = [r for r in others if r != treated]
        excluded = {}
    models = fit_event_models(wide, event_date, [treated, *others], months_before=months_before,
                              months_after=months_after, season_months=season_months,
                              scale=scale, trend=trend, slope_change=slope_change,
                              date_precision=date_precision, maxlags=maxlags,
                              errors=errors, level=level)
    if treated not in models.fits:
        raise ValueError(f"{treated}: {models.skipped[treated]}")
    for r, why in models.skipped.items():
        excluded[r] = why + " (counted as no change)"
    fitted_others = [r for r in others if r in models.fits]
    routes = [treated, *fitted_others]
    k = models.X.shape[1]
    C = models.joint_cov(routes)
    changes, grads = {}, {}
    for r in routes:
        changes[r], grads[r] = models.post_total(r, "change")
    g_rise = np.concatenate([np.zeros(k), *[grads[r] for r in fitted_others]])
    g_fall = np.concatenate([-grads[treated], np.zeros(k * len(fitted_others))])
    G = np.vstack([g_rise, g_fall])
    V = G @ C @ G.T
    rise = float(sum(changes[r] for r in fitted_others))
    fall = -changes[treated]
    t = models.t_crit
    se_rise, se_fall = np.sqrt(V[0, 0]), np.sqrt(V[1, 1])
    rise_ci = (rise - t * se_rise, rise + t * se_rise)
    fall_ci = (fall - t * se_fall, fall + t * se_fall)

    # per-route table
    rows = []
    for r in routes:
        i = routes.index(r)
        Cr = C[i * k:(i + 1) * k, i * k:(i + 1) * k]
        se = float(np.sqrt(grads[r] @ Cr @ grads[r]))
        cf, _ = models.post_total(r, "counterfactual")
        rows.append({"route": r, "role": "treated" if r == treated else "other",
                     "observed": float(models.observed.loc[models.post_mask(), r].sum()),
                     "counterfactual": cf, "change": changes[r],
                     "ci_low": changes[r] - t * se, "ci_high": changes[r] + t * se,
                     "share_of_fall": changes[r] / fall if (fall > 0 and r != treated) else np.nan})
    by_route = pd.DataFrame(rows)

    w = models.window
    method = (f"Rise and fall are sums over the post window "
              f"({w.first_post:%Y-%m}..{w.post_end:%Y-%m}) of fit − counterfactual, in "
              f"detections. {models.model} Interval: delta method on the joint HAC "
              f"covariance of the {len(routes)} route models; Fieller {level:.0%} interval "
              "for the ratio (delta-method interval alongside).")

    if fall <= 0:
        status = "no-fall"
        message = (f"{treated} did not fall relative to its counterfactual (change "
                   f"{-fall:+,.0f} detections over the post window): the displacement ratio is "
                   "undefined.")
        ratio, ci, dci = float("nan"), (float("nan"),) * 2, (float("nan"),) * 2
    else:
        ratio = rise / fall
        ci = fieller_interval(rise, fall, V[0, 0], V[1, 1], V[0, 1], t)
        grad_r = np.array([1 / fall, -rise / fall ** 2])
        se_r = float(np.sqrt(grad_r @ V @ grad_r))
        dci = (ratio - t * se_r, ratio + t * se_r)
        if np.isnan(ci[0]):
            status = "fall-uncertain"
            message = (f"The fall on {treated} ({fall:,.0f} detections) is not distinguishable "
                       f"from zero at {level:.0%}: the ratio's interval is unbounded.")
        else:
            status = "ok"
            message = ""
    return Displacement(treated=treated, others=fitted_others, excluded=excluded, fall=fall,
                        fall_ci=fall_ci, rise=rise, rise_ci=rise_ci, ratio=ratio, ci_low=ci[0],
                        ci_high=ci[1], delta_ci=dci, status=status, message=message,
                        by_route=by_route, method=method, models=models)
