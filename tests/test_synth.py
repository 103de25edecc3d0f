"""The synthetic-control second opinion (analysis.synth): a planted fall recovered when the
screened donors can reproduce the treated route, no second opinion when they cannot, the
spillover screen, and the result on the bundled data."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from analysis import synth
from analysis.panel import Estimate


def synthetic_frame(fall: float, *, seed: int = 3, mimic: bool = True) -> pd.DataFrame:
    """SYNTHETIC: 24 pre + 12 post months. Treated route CMR, carried by nationalities A
    and B only; donors: nationalities D1..D3 on WMR and WAR, who never use CMR. With
    ``mimic``, CMR moves as 0.6 × D1 + 0.4 × D2 (indexed) before the event and falls by
    ``fall`` after it; without, CMR's pre-event path is a surge no donor has."""
    rng = np.random.default_rng(seed)
    months = pd.date_range("2018-01-01", periods=36, freq="MS")
    t = np.arange(36)
    d1 = 200 * (1 + 0.4 * np.sin(t / 3)) * np.exp(rng.normal(0, 0.02, 36))
    d2 = 100 * (1 + 0.02 * t) * np.exp(rng.normal(0, 0.02, 36))
    d3 = 150 * (1 + 0.3 * np.cos(t / 2)) * np.exp(rng.normal(0, 0.02, 36))
    index = 0.6 * d1 / d1[:24].mean() + 0.4 * d2 / d2[:24].mean()
    if not mimic:
        index = np.where(t < 24, np.exp(-((t - 14) / 3.0) ** 2) * 5 + 0.2, 1.0)
    cmr = 10_000 * index * np.where(t >= 24, 1 - fall, 1.0)
    rows = []
    for i, m in enumerate(months):
        rows += [("CMR", "AAA", m, cmr[i] * 0.7), ("CMR", "BBB", m, cmr[i] * 0.3),
                 ("WMR", "DDA", m, d1[i]), ("WAR", "DDB", m, d2[i]), ("WMR", "DDC", m, d3[i]),
                 ("WMR", "AAA", m, 50.0)]   # an exposed nationality elsewhere: never a donor
    frame = pd.DataFrame(rows, columns=["route_code", "nationality_iso3", "month", "detections"])
    frame["detections"] = frame["detections"].round()
    return frame


def result_for(frame: pd.DataFrame, lo: float, hi: float):
    """The parts of a panel result the second opinion reads (window, route, fall)."""
    window = SimpleNamespace(pre_start=pd.Timestamp("2018-01-01"),
                             pre_end=pd.Timestamp("2019-12-01"),
                             first_post=pd.Timestamp("2020-01-01"),
                             post_end=pd.Timestamp("2020-12-01"))
    est = (lo + hi) / 2
    return SimpleNamespace(window=window, treated="CMR",
                           fall_treated=Estimate(est, (hi - lo) / 4, lo, hi))


def test_the_screen_keeps_only_nationalities_that_did_not_use_the_treated_route():
    frame = synthetic_frame(0.5)
    treated, donors = synth.donor_series(frame, result_for(frame, 0, 1))
    assert sorted(donors.columns) == ["DDA × WMR", "DDB × WAR", "DDC × WMR"]
    assert treated.iloc[0] == frame.query("route_code == 'CMR'").groupby("month")[
        "detections"].sum().iloc[0]


def test_a_planted_fall_is_recovered_when_the_donors_reproduce_the_route():
    frame = synthetic_frame(0.5)
    expected = 0.5 * sum(10_000 * v for v in (
        0.6 * frame.query("nationality_iso3 == 'DDA'")["detections"].to_numpy()
        / frame.query("nationality_iso3 == 'DDA'")["detections"].to_numpy()[:24].mean()
        + 0.4 * frame.query("nationality_iso3 == 'DDB'")["detections"].to_numpy()
        / frame.query("nationality_iso3 == 'DDB'")["detections"].to_numpy()[:24].mean())[24:])
    sc = synth.second_opinion(frame, result_for(frame, expected * 0.9, expected * 1.1))
    assert sc.pre_rmspe < 0.02
    assert sc.fall == pytest.approx(expected, rel=0.03)
    assert sc.weights["DDA × WMR"] == pytest.approx(0.6, abs=0.05)
    assert sc.verdict == "agrees"
    # the same fit against a panel interval that excludes it
    assert synth.second_opinion(frame, result_for(frame, 0, expected * 0.5)).verdict == (
        "disagrees")


def test_no_second_opinion_when_no_donor_can_reproduce_the_route():
    frame = synthetic_frame(0.5, mimic=False)
    sc = synth.second_opinion(frame, result_for(frame, 0, 1e6))
    assert sc.pre_rmspe > synth.MAX_PRE_RMSPE and sc.verdict == "no second opinion"
    assert "misses the treated route before the event" in sc.reason


def test_eu_turkey_on_the_bundled_data_has_no_second_opinion(built_warehouse):
    """Pinned from the bundled Frontex file (June 2025 vintage): the 2015 surge on the
    Eastern Mediterranean has no counterpart among the 16 screened donor series."""
    import analysis
    from analysis import route_event
    from core import warehouse

    with warehouse.connect_readonly() as con:
        frame = analysis.load_monthly(con)
        events = con.execute("SELECT * FROM policy_events").df()
    res = route_event.analyse_route_event(frame, events, event_id="eu-turkey-statement-2016")
    sc = synth.second_opinion(frame, res.headline)
    assert (sc.donors, sc.verdict) == (16, "no second opinion")
    assert sc.pre_rmspe == pytest.approx(0.87, abs=0.01)
    assert not any(k.endswith(("× EMR", "× WBR")) for k in sc.weights)
