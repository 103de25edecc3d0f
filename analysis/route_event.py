"""One event, one result object: the calibrated panel headline, the sensitivity strip, the
placebo calibration and the reading in words. The command line (``python -m analysis
waterbed``) and the Route shifts page both print from this object only.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.events import parse_events
from analysis.panel import DEFAULT_SPEC, PanelResult, PanelSpec, fit_panel, specifications
from analysis.placebo import Calibration, calibrate, placebo_table

VERDICTS = {
    "unbounded": "the fall itself is not distinguishable from zero, so the share displaced "
                 "cannot be bounded",
    "displacement": "part of the fall reappeared on the other routes (the ratio's interval "
                    "lies above 0)",
    "negative": "the exposed nationalities fell on the other routes too (the ratio's interval "
                "lies below 0): no waterbed",
    "none": "no displacement distinguishable from zero (the ratio's interval contains 0)",
    "no-fall": "the treated route did not fall, so there is nothing to displace",
}

#: Why a reading is not established, per code (``RouteEvent.caveats``): the page and the
#: command line print the verdict as established only when this list is empty.
CAVEATS = {
    "uncalibrated": "the intervals are not calibrated on placebo dates (nominal clustered "
                    "errors, known to be too narrow)",
    "calibration-off-target": "the placebo calibration misses its 3–7 % target out of "
                              "sample, so the intervals are too narrow",
    "pre-trend": "the exposed nationalities' quarters before the event are not zero on "
                 "some receiving route (event study), so the design's parallel-trends "
                 "assumption fails",
    "pretrend-untested": "the pre-trend test could not be run for this window",
    "counterfactual": "the counterfactual leaves the range observed before the event",
    "not-robust": "the reading depends on the specification",
}


def verdict(result: PanelResult) -> str:
    if not result.fall_treated.estimate > 0:
        return "no-fall"
    if not result.bounded:
        return "unbounded"
    if result.ratio_lo > 0:
        return "displacement"
    if result.ratio_hi < 0:
        return "negative"
    return "none"


def default_treated(routes) -> str | None:
    """The treated route of an event: its single listed route; None for several/all/none."""
    routes = [r for r in routes if r != "ALL"]
    return routes[0] if len(routes) == 1 else None


@dataclass
class RouteEvent:
    event_id: str | None
    event_date: pd.Timestamp
    title: str
    treated: str
    headline: PanelResult               # calibrated when a calibration is given
    calibration: Calibration | None
    strip: pd.DataFrame                 # one row per specification
    robust: bool
    verdict: str

    @property
    def reading(self) -> str:
        return VERDICTS[self.verdict]

    def caveats(self, pretrend_p: dict[str, float] | None) -> list[str]:
        """The codes of ``CAVEATS`` that hold: why the verdict cannot be read as established.
        ``pretrend_p``: the event study's joint pre-trend p-value per route (the treated
        route's own test is left out: it cannot see shocks common to the route); None when
        the event study could not be fitted."""
        out = []
        if self.calibration is None:
            out.append("uncalibrated")
        elif not self.calibration.within_target:
            out.append("calibration-off-target")
        if pretrend_p is None:
            out.append("pretrend-untested")
        elif any(p < 0.05 for r, p in pretrend_p.items() if r != self.treated):
            out.append("pre-trend")
        if self.headline.counterfactual_beyond_pre:
            out.append("counterfactual")
        if not self.robust:
            out.append("not-robust")
        return out

    def as_dict(self) -> dict:
        h = self.headline.as_dict()
        cal = self.calibration
        placebo = None if cal is None else {
            "n": cal.n, "rejection_rate_5pct": cal.loo_rejection_fall,
            "rejection_rate_5pct_split": cal.split_rejection_fall,
            "rejection_rate_5pct_nominal": cal.rejection_rate_5pct,
            "rejection_rate_5pct_extra": cal.loo_rejection_extra,
            "within_target": cal.within_target}
        return {"event_id": self.event_id, "event_date": f"{self.event_date:%Y-%m-%d}",
                **h, "placebo": placebo, "robust_across_specs": self.robust,
                "verdict": self.verdict, "reading": self.reading,
                "model": self.headline.model_text()}


def _calibration_path(store: Path, fingerprint: str, route: str, spec: PanelSpec) -> Path:
    name = f"{route}-a{spec.months_after}-b{spec.months_before}-t{int(spec.trend)}-n{spec.top}"
    return store / fingerprint[:16] / f"{name}.json"


def load_calibration(store: Path | None, fingerprint: str, route: str,
                     spec: PanelSpec = DEFAULT_SPEC) -> Calibration | None:
    """A stored placebo calibration of this warehouse build, or None."""
    if store is None:
        return None
    path = _calibration_path(store, fingerprint, route, spec)
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    # one stored before the rates had intervals loads with their fields None
    names = {f.name for f in fields(Calibration)}
    return Calibration(**{k: v for k, v in data.items() if k in names})


def compute_calibration(frame: pd.DataFrame, events: pd.DataFrame, route: str,
                        spec: PanelSpec = DEFAULT_SPEC, *, store: Path | None = None,
                        fingerprint: str = "") -> tuple[Calibration, pd.DataFrame]:
    """Run the placebo calibration (about 0.2 s per placebo date) and store it."""
    table = placebo_table(frame, events, route, spec)
    cal = calibrate(table, route, spec)
    if store is not None and fingerprint:
        path = _calibration_path(store, fingerprint, route, spec)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(cal.as_dict(), indent=1), encoding="utf-8")
        tmp.replace(path)
    return cal, table


def fall_table(frame: pd.DataFrame, events: pd.DataFrame, route: str,
               spec: PanelSpec = DEFAULT_SPEC, *, store: Path | None = None,
               fingerprint: str = "") -> pd.DataFrame:
    """The fall-only placebo table of one route (``placebo_table(..., fall_only=True)``:
    date, ``b_treated``, ``scale``), stored per warehouse build beside the calibrations."""
    path = None
    if store is not None and fingerprint:
        path = _calibration_path(store, fingerprint, route, spec).with_name(
            "fall-" + _calibration_path(store, fingerprint, route, spec).stem + ".csv")
        if path.exists():
            return pd.read_csv(path, parse_dates=["date"])
    table = placebo_table(frame, events, route, spec, fall_only=True)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        table[["date", "b_treated", "scale"]].to_csv(tmp, index=False)
        tmp.replace(path)
    return table


def analyse_route_event(frame: pd.DataFrame, events: pd.DataFrame, *,
                        event_id: str | None = None, event_date=None,
                        treated: str | None = None, spec: PanelSpec = DEFAULT_SPEC,
                        calibration: Calibration | None = None) -> RouteEvent:
    """The panel analysis of one event (``analysis.panel``), calibrated by ``calibration``
    (``analysis.placebo``, same route and specification) when given, with its sensitivity
    strip. Raises ValueError with a plain message when the event cannot be analysed."""
    ev = parse_events(events).set_index("id")
    precision, title = "day", None
    if event_id is not None:
        if event_id not in ev.index:
            raise ValueError(f"no policy event {event_id!r}")
        row = ev.loc[event_id]
        event_date = row["date"] if event_date is None else event_date
        precision, title = row["date_precision"], row["title"]
        if treated is None:
            treated = default_treated(row["routes"])
            if treated is None:
                raise ValueError(f"{event_id} concerns {', '.join(row['routes']) or 'no route'}"
                                 ": choose the treated route")
    if event_date is None:
        raise ValueError("give an event id or a date")
    if treated is None:
        raise ValueError("choose the treated route")
    event_date = pd.Timestamp(event_date)
    title = title or f"chosen date {event_date:%Y-%m-%d}"

    def fit(s: PanelSpec) -> PanelResult:
        return fit_panel(frame, event_date, treated, s, date_precision=precision)

    head = fit(spec)
    if calibration is not None:
        head = head.calibrated(calibration.b_q025, calibration.b_q975, calibration.crit_extra)
    rows = []
    for name, s in specifications(spec).items():
        try:
            r = head if name == "default" else fit(s)
        except ValueError as err:
            rows.append({"specification": name, "fall": np.nan, "extra": np.nan,
                         "ratio": np.nan, "inside_headline_interval": False,
                         "counterfactual_beyond_pre": False, "note": str(err)})
            continue
        inside = bool(head.bounded and r.fall_treated.estimate > 0
                      and head.ratio_lo <= r.ratio <= head.ratio_hi)
        rows.append({"specification": name, "fall": r.fall_treated.estimate,
                     "extra": r.extra_total.estimate, "ratio": r.ratio,
                     "inside_headline_interval": inside,
                     "counterfactual_month": r.counterfactual_month,
                     "pre_max_month": r.pre_max_month_treated,
                     "counterfactual_beyond_pre": r.counterfactual_beyond_pre,
                     "note": s.describe()})
    strip = pd.DataFrame(rows)
    robust = bool(strip["inside_headline_interval"].all())
    return RouteEvent(event_id=event_id, event_date=event_date, title=title, treated=treated,
                      headline=head, calibration=calibration, strip=strip, robust=robust,
                      verdict=verdict(head))


def with_months_after(spec: PanelSpec, months: int | None) -> PanelSpec:
    return spec if months is None else replace(spec, months_after=int(months))
