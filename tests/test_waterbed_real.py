"""The waterbed analysis on the bundled warehouse: external checks and pinned results.

External checks: the four main routes hold about 94.5 % of all detections 2009–2020
(Mesnard et al. 2024, Population and Development Review 50(3)); Eastern Mediterranean
detections fell about 95 % from Q1 to Q2 2016 (Frontex FRAN Q2 2016). The pinned figures
are what this code computes on the 3 Jun 2025 Frontex vintage; a change means the data or
the method changed.
"""
from __future__ import annotations

import math

import pandas as pd
import pytest

import analysis as A
from core.paths import REFERENCE_DIR
from core.warehouse import connect_readonly


@pytest.fixture(scope="module")
def frame(built_warehouse) -> pd.DataFrame:
    con = connect_readonly(built_warehouse)
    try:
        return A.load_monthly(con)
    finally:
        con.close()


@pytest.fixture(scope="module")
def wide(frame) -> pd.DataFrame:
    return A.route_month_matrix(frame)


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return pd.read_csv(REFERENCE_DIR / "policy_events.csv", dtype=str, keep_default_na=False)


def test_loader(frame, wide):
    assert frame["detections"].sum() == 4_966_869
    assert wide.index.min() == pd.Timestamp("2009-01-01")
    assert wide.index.max() == pd.Timestamp("2025-04-01")
    assert len(wide) == 196 and set(wide.columns) == set(A.ROUTE_CODES)


def test_four_main_routes_share_2009_2020(frame):
    years = frame[frame["month"].dt.year.between(2009, 2020)]
    main = years.loc[years["route_code"].isin(A.MAIN_ROUTES), "detections"].sum()
    total = years["detections"].sum()
    assert (main, total) == (3_586_033, 3_766_967)
    share = 100 * main / total
    assert share == pytest.approx(95.20, abs=0.005)          # 95.1968 %
    assert abs(share - 94.5) <= 1.0                            # Mesnard et al. 2024: ~94.5 %


def test_eastern_mediterranean_q2_vs_q1_2016(frame):
    emr = frame[(frame["route_code"] == "EMR") & (frame["month"].dt.year == 2016)]
    q = emr.groupby(emr["month"].dt.quarter)["detections"].sum()
    assert (q[1], q[2]) == (153_967, 8_804)
    change = 100 * (q[2] / q[1] - 1)
    assert change == pytest.approx(-94.28, abs=0.005)        # −94.2819 %
    assert abs(change - (-95)) <= 1.0                          # Frontex FRAN Q2 2016: ~−95 %


def _effect(table: pd.DataFrame, route: str, effect: str) -> pd.Series:
    return table.set_index(["route", "effect"]).loc[(route, effect)]


def test_eu_turkey_statement_default_view(frame, wide, events):
    result = A.analyse_event(frame, "EMR", event_id="eu-turkey-statement-2016", events=events)
    w = result.window
    assert (w.pre_start, w.first_post, w.post_end) == (
        pd.Timestamp("2015-03-01"), pd.Timestamp("2016-04-01"), pd.Timestamp("2017-03-01"))
    level = _effect(result.event_study, "EMR", "level")          # log points
    assert (round(level.estimate, 2), round(level.ci_low, 2), round(level.ci_high, 2)) == \
        (-5.31, -6.96, -3.66)
    pct = _effect(result.event_study, "EMR", "level_pct")
    assert (round(pct.estimate, 1), round(pct.ci_low, 1), round(pct.ci_high, 1)) == \
        (-99.5, -99.9, -97.4)
    d = result.displacement
    assert d.status == "ok" and d.others == ["BSR", "CAG", "CMR", "EBR", "OTH", "WAR", "WMR"]
    assert "WBR" in d.excluded
    assert round(d.fall) == 972_110 and round(d.rise) == 32_042
    assert (round(d.fall_ci[0]), round(d.fall_ci[1])) == (206_166, 1_738_054)
    assert (round(d.ratio, 3), round(d.ci_low, 3), round(d.ci_high, 3)) == (0.033, -0.050, 0.085)
    assert "Displacement ratio 0.03 (95% CI −0.05 to 0.09)" in result.readings["displacement"]
    assert round(result.composition.overlaps["fall_vs_rise"], 2) == 0.04
    assert "mostly different nationalities" in result.readings["composition"]
    limits = " ".join(result.limits)
    assert "Western Balkan corridor closed" in limits and "Double counting" in limits
    assert "Italy–Libya memorandum" in limits                  # last month of the window


def test_italy_libya_memorandum(frame, events):
    result = A.analyse_event(frame, "CMR", event_id="italy-libya-mou-2017", events=events)
    assert result.window.first_post == pd.Timestamp("2017-03-01")
    level = _effect(result.event_study, "CMR", "level")
    assert (round(level.estimate, 2), round(level.ci_low, 2), round(level.ci_high, 2)) == \
        (-0.22, -1.50, 1.06)
    assert level.p > 0.5
    d = result.displacement
    assert d.status == "fall-uncertain"
    assert round(d.fall) == 69_748 and round(d.rise) == -113_154
    assert (round(d.fall_ci[0]), round(d.fall_ci[1])) == (-14_252, 153_748)
    assert round(d.ratio, 2) == -1.62
    assert math.isnan(d.ci_low) and math.isnan(d.ci_high)
    assert "unbounded" in result.readings["displacement"]
    assert round(result.composition.overlaps["fall_vs_rise"], 2) == 0.31
    assert "EU–Turkey Statement" in " ".join(result.limits)


def test_comovement_runs_on_main_routes(wide):
    c = A.comovement(wide, list(A.MAIN_ROUTES), start="2012-03-01", end="2017-03-01")
    assert set(c.matrix.columns) == set(A.MAIN_ROUTES)
    assert c.pairs["n"].eq(60).all()


def test_descriptive_counterfactual_warns_when_it_leaves_the_pre_range(frame, events):
    # With a pre-trend fitted through the 2015 surge, the EMR counterfactual explodes; the
    # descriptive model says so in its limits. Without the trend it stays in range.
    res = A.analyse_event(frame, "EMR", event_id="eu-turkey-statement-2016", events=events)
    assert "EMR" in res.models.counterfactual_warnings()
    assert any(line.startswith("Counterfactual out of range: EMR") for line in res.limits)
    flat = A.fit_event_models(A.route_month_matrix(frame), "2016-03-20", ["EMR"], trend=False,
                              slope_change=False, scale="level")
    assert "EMR" not in flat.counterfactual_warnings()
