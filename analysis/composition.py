"""Composition test: did the nationalities that fell on the treated route rise elsewhere?

Counts are summed over the pre and post windows of the event (equal lengths, so the
seasonal pattern cancels between them; the event month is left out as in the models).

* ``fall``: per nationality, max(treated pre − treated post, 0); ``rise``: per
  nationality, max(others post − others pre, 0).
* Overlap index of two compositions a, b = Σ_i min(a_i, b_i) over shares = 1 − Duncan
  dissimilarity (½ Σ |a_i − b_i|): 1 = same mix, 0 = no nationality in common.
  ``fall_vs_rise`` is the direct test (1 ≈ the same nationalities moved); the others
  compare whole mixes: treated before vs others after, others before vs after, and whether
  the others' mix moved towards the treated route's former mix (``shift_towards_treated``
  = overlap(treated pre, others post) − overlap(treated pre, others pre)).
* Chi-square tests of homogeneity (scipy ``chi2_contingency``) on nationality × period
  tables, small nationalities pooled. With counts in the thousands any difference is
  "significant", and detections are not independent persons: read Cramér's V and the
  overlap, not the p-value.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis.window import EventWindow, event_window


def overlap(a: pd.Series, b: pd.Series) -> float:
    """Σ min of the shares of two non-negative count vectors (NaN if either sums to 0)."""
    a, b = a.align(b, fill_value=0.0)
    sa, sb = a.sum(), b.sum()
    if sa <= 0 or sb <= 0:
        return float("nan")
    return float(np.minimum(a / sa, b / sb).sum())


def chi_square(table: pd.DataFrame, *, keep: int = 20) -> dict:
    """Chi-square homogeneity test on a nationality × group table of counts.

    The ``keep`` largest nationalities are kept and the rest pooled, and then any row with
    an expected count below 5 is pooled too. Returns chi2, dof, p, Cramér's V and n.
    """
    table = table.loc[table.sum(axis=1) > 0]
    order = table.sum(axis=1).sort_values(ascending=False).index
    kept = table.loc[order[:keep]]
    rest = table.loc[order[keep:]].sum()
    if rest.sum() > 0:
        kept = pd.concat([kept, rest.to_frame("(other nationalities)").T])
    expected = np.outer(kept.sum(axis=1), kept.sum(axis=0)) / kept.to_numpy().sum()
    small = (expected < 5).any(axis=1)
    if small.any() and (~small).sum() >= 2:
        pooled = kept.loc[small].sum()
        kept = pd.concat([kept.loc[~small], pooled.to_frame("(pooled small)").T])
    kept = kept.loc[kept.sum(axis=1) > 0, kept.sum(axis=0) > 0]
    n = float(kept.to_numpy().sum())
    if kept.shape[0] < 2 or kept.shape[1] < 2:
        return {"chi2": float("nan"), "dof": 0, "p": float("nan"), "cramers_v": float("nan"),
                "n": n, "categories": kept.shape[0]}
    chi2, p, dof, _ = stats.chi2_contingency(kept.to_numpy())
    v = float(np.sqrt(chi2 / (n * (min(kept.shape) - 1))))
    return {"chi2": float(chi2), "dof": int(dof), "p": float(p), "cramers_v": v, "n": n,
            "categories": kept.shape[0]}


@dataclass
class Composition:
    treated: str
    others: list[str]
    window: EventWindow
    # per nationality: treated_pre, treated_post, others_pre, others_post, fall, rise
    counts: pd.DataFrame
    overlaps: dict[str, float]
    tests: pd.DataFrame           # one row per chi-square test
    fell_on_treated: pd.DataFrame
    rose_elsewhere: pd.DataFrame
    note: str


def composition_test(frame: pd.DataFrame, event_date, treated: str,
                     others: Iterable[str] | None = None, *, months_before: int = 12,
                     months_after: int = 12, date_precision: str = "day", top: int = 10,
                     exclude_nationalities: Iterable[str] = ()) -> Composition:
    """Nationality composition before/after an event (see the module docstring).

    ``frame``: long monthly frame with ``route_code, nationality_iso3, nationality, month,
    detections`` (``load_monthly``). ``others``: default every other route in the frame
    (pass the displacement's ``others`` to match it). ``exclude_nationalities``: ISO-3 codes
    to leave out (e.g. the non-country labels ``XXX`` Unknown).
    """
    others = [r for r in (others if others is not None
                          else sorted(frame["route_code"].unique())) if r != treated]
    window = event_window(event_date, months_before=months_before, months_after=months_after,
                          season_months=0, date_precision=date_precision,
                          first_month=frame["month"].min(), last_month=frame["month"].max())
    data = frame[~frame["nationality_iso3"].isin(list(exclude_nationalities))]
    names = data.groupby("nationality_iso3")["nationality"].first()
    pre = data["month"].between(window.pre_start, window.pre_end)
    post = data["month"].between(window.first_post, window.post_end)

    def total(route_mask, month_mask):
        return data.loc[route_mask & month_mask].groupby("nationality_iso3")["detections"].sum()

    is_t = data["route_code"] == treated
    is_o = data["route_code"].isin(others)
    counts = pd.DataFrame({"treated_pre": total(is_t, pre), "treated_post": total(is_t, post),
                           "others_pre": total(is_o, pre), "others_post": total(is_o, post)}
                          ).fillna(0.0).astype(float)
    counts = counts.loc[counts.sum(axis=1) > 0]
    counts["fall"] = (counts["treated_pre"] - counts["treated_post"]).clip(lower=0)
    counts["rise"] = (counts["others_post"] - counts["others_pre"]).clip(lower=0)
    counts.insert(0, "nationality", names.reindex(counts.index))
    counts.index.name = "nationality_iso3"

    c = counts
    overlaps = {
        "fall_vs_rise": overlap(c["fall"], c["rise"]),
        "treated_pre_vs_others_post": overlap(c["treated_pre"], c["others_post"]),
        "treated_pre_vs_others_pre": overlap(c["treated_pre"], c["others_pre"]),
        "others_pre_vs_others_post": overlap(c["others_pre"], c["others_post"]),
    }
    overlaps["shift_towards_treated"] = (overlaps["treated_pre_vs_others_post"]
                                         - overlaps["treated_pre_vs_others_pre"])

    tests = []
    for name, cols, question in (
            ("others_pre_vs_post", ["others_pre", "others_post"],
             "did the nationality mix on the other routes change after the event?"),
            ("treated_pre_vs_others_post", ["treated_pre", "others_post"],
             "does the other routes' mix after the event differ from the treated route's before?"),
            ("treated_pre_vs_post", ["treated_pre", "treated_post"],
             "did the nationality mix on the treated route change?")):
        tests.append({"test": name, "question": question, **chi_square(c[cols])})
    tests = pd.DataFrame(tests)

    share_fall = c["fall"] / c["fall"].sum() if c["fall"].sum() > 0 else c["fall"] * np.nan
    share_rise = c["rise"] / c["rise"].sum() if c["rise"].sum() > 0 else c["rise"] * np.nan
    fell = c.assign(change=c["treated_post"] - c["treated_pre"], share_of_fall=share_fall,
                    others_change=c["others_post"] - c["others_pre"])
    fell = fell.loc[fell["fall"] > 0].sort_values("fall", ascending=False).head(top)
    fell = fell[["nationality", "treated_pre", "treated_post", "change", "share_of_fall",
                 "others_change"]].reset_index()
    rose = c.assign(change=c["others_post"] - c["others_pre"], share_of_rise=share_rise,
                    treated_change=c["treated_post"] - c["treated_pre"])
    rose = rose.loc[rose["rise"] > 0].sort_values("rise", ascending=False).head(top)
    rose = rose[["nationality", "others_pre", "others_post", "change", "share_of_rise",
                 "treated_change"]].reset_index()

    note = (f"Pre window {window.pre_start:%Y-%m}..{window.pre_end:%Y-%m}, post window "
            f"{window.first_post:%Y-%m}..{window.post_end:%Y-%m}"
            + (f", event month {window.transition[0]:%Y-%m} left out" if window.transition else "")
            + f"; other routes: {', '.join(others)}. Raw before/after counts (equal windows, "
            "no counterfactual): a nationality can rise elsewhere for reasons of its own.")
    if c["fall"].sum() == 0:
        note += f" No nationality fell on {treated}: fall_vs_rise is undefined."
    if c["rise"].sum() == 0:
        note += " No nationality rose on the other routes: fall_vs_rise is undefined."
    return Composition(treated=treated, others=others, window=window, counts=counts,
                       overlaps=overlaps, tests=tests, fell_on_treated=fell,
                       rose_elsewhere=rose, note=note)
