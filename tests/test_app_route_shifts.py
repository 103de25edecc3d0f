"""The Route shifts page under AppTest: renders, prints exactly the result object's numbers,
follows the event's route, explains what it cannot estimate, restores its state from the URL."""
from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

import analysis
from analysis import route_event
from analysis.panel import PanelSpec
from core import warehouse
from pages import page_tables, run_page

pytestmark = pytest.mark.usefixtures("built_warehouse")  # the app reads a built warehouse


@pytest.fixture(scope="module")
def data():
    with warehouse.connect_readonly() as con:
        return analysis.load_monthly(con), con.execute("SELECT * FROM policy_events").df()


def run(**params) -> AppTest:
    at = run_page("pages/route_shifts.py", timeout=180, **params)
    assert not at.error
    return at


def test_default_view_prints_the_result_objects_numbers(data):
    frame, events = data
    at = run()
    assert at.selectbox(key="rs_event").value == "eu-turkey-statement-2016"
    assert at.selectbox(key="rs_treated").value == "EMR"
    assert at.slider(key="rs_after").value == 12 and at.slider(key="rs_before").value == 24
    res = route_event.analyse_route_event(frame, events, event_id="eu-turkey-statement-2016")
    h = res.headline
    assert [m.value for m in at.metric] == [
        f"{h.fall_treated.estimate:,.0f}", f"{h.extra_total.estimate:,.0f}", f"{h.ratio:,.3f}"]
    # Pinned from the bundled data (June 2025 vintage), as the CLI prints them.
    assert [m.value for m in at.metric] == ["495,779", "-33,020", "-0.067"]
    text = " ".join(m.value for m in at.markdown)
    assert "fell on the other routes too" in text
    # the routes table and the chart read the same fit
    table = page_tables(at)[0]
    assert table.loc[table["Route code"] == "EMR", "Change in detections"].iloc[0] == \
        round(-h.fall_treated.estimate)
    effects = json.loads(at.get("plotly_chart")[1].proto.spec)
    assert "Eastern Mediterranean Route" in effects["data"][0]["y"]
    assert "trend=" not in " ".join(m.value for m in at.markdown)


def test_the_headline_does_not_state_a_verdict_the_data_cannot_support(data):
    """Uncalibrated, with pre-trends on the receiving routes and a reading that changes with
    the specification, the default view's "no waterbed" is printed as not established, with
    the reasons in the same sentence and inside the effects chart."""
    frame, events = data
    at = run()
    text = " ".join(m.value for m in at.markdown)
    assert "**Not established**: the point estimates read “the exposed nationalities fell on " \
           "the other routes too" in text
    assert "not calibrated on placebo dates" in text
    # the event study's receiving routes whose leads are not zero (p < 0.05), named
    assert "not zero on Central Mediterranean Route, Western Mediterranean Route" in text
    assert "depends on the specification" in text
    effects = json.loads(at.get("plotly_chart")[1].proto.spec)
    notes = " ".join(a.get("text", "") for a in effects["layout"]["annotations"])
    assert "Not established: the intervals are not calibrated" in notes
    # the "with pre-trend" specification's counterfactual leaves the observed range: flagged
    res = route_event.analyse_route_event(frame, events, event_id="eu-turkey-statement-2016")
    row = res.strip.set_index("specification").loc["with pre-trend"]
    assert row["counterfactual_beyond_pre"] and row["fall"] > 20e6
    assert not res.strip.set_index("specification").loc["default",
                                                         "counterfactual_beyond_pre"]
    strip = [t for t in page_tables(at) if "Specification" in t.columns][0]
    details = strip.set_index("Specification").loc["with pre-trend", "Details"]
    assert "counterfactual beyond the observed range" in details
    # and in words under the table, where a narrow window shows it
    [warning] = [w.value for w in at.warning]
    assert warning.startswith("With pre-trend: the counterfactual leaves the range observed "
                              "before the event") and "so its fall of 20," in warning


def _values(v) -> list:
    """A plotly array from a figure's JSON (plain list or typed binary array)."""
    if isinstance(v, dict) and "bdata" in v:
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"]).tolist()
    return list(v)


def test_event_study_chart_and_pretrend_tests_come_from_the_headline_fit(data):
    from analysis.leads_lags import fit_event_study
    from dashboard import route_shifts as rs

    frame, events = data
    at = run()
    res = route_event.analyse_route_event(frame, events, event_id="eu-turkey-statement-2016")
    es = fit_event_study(res.headline)
    spec = json.loads(at.get("plotly_chart")[2].proto.spec)
    assert spec["layout"]["title"]["text"].replace("<br>", " ").startswith(
        "Event study by quarter around EU–Turkey")
    texts = " ".join(a["text"].replace("<br>", " ") for a in spec["layout"]["annotations"]
                     if "text" in a)
    assert "FRAN data as of 3 Jun 2025" in texts
    assert "Pre-trend test" in texts
    # the plotted treated-route coefficients are the fit's, quarter by quarter
    emr = next(t for t in spec["data"] if t["name"] == "Eastern Mediterranean Route")
    fit = es.coefficients[es.coefficients["route_code"] == "EMR"].sort_values("quarter")
    assert _values(emr["x"]) == fit["quarter"].tolist()
    assert _values(emr["y"]) == pytest.approx(fit["estimate"].round(4).tolist())
    # the printed tests are the fit's, and pinned on the bundled data (June 2025 vintage)
    text = " ".join(m.value for m in at.markdown)
    for line in rs.pretrend_words(es):
        assert line in text
    t = es.pretrend["EMR"]
    assert (t.df_num, t.df_den, round(t.statistic, 2)) == (4, 30, 440.36)
    assert es.pretrend["CMR"].df_num == 7 and round(es.pretrend["CMR"].statistic, 2) == 71.11
    # its text alternative names quarters of event time, never dates of 1970
    alt = next(c.value for c in at.caption if c.value.startswith("Line chart: Event study"))
    assert "1970" not in alt and "(Q+3)" in alt, alt


def test_series_chart_has_title_source_and_log_toggle():
    at = run(scale="log")
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["title"]["text"].startswith("Monthly detections by route around EU–Turkey")
    assert "FRAN data as of 3 Jun 2025" in spec["layout"]["annotations"][0]["text"].replace(
        "<br>", " ")
    assert spec["layout"]["yaxis"]["type"] == "log"


def test_choosing_an_event_sets_its_route(data):
    at = run()
    at.selectbox(key="rs_event").set_value("italy-libya-mou-2017").run()
    assert not at.exception
    assert at.selectbox(key="rs_treated").value == "CMR"
    assert at.query_params["event"] == "italy-libya-mou-2017"
    # the ratio in the page's words, from the page's own result object (calibrated or not,
    # depending on what is stored for this build); an unbounded one never as "— to —"
    from dashboard import route_shifts as rs

    result = rs.analyse(rs.resolve(rs.ShiftView(event="italy-libya-mou-2017", treated="CMR")))
    text = " ".join(m.value for m in at.markdown)
    assert rs.ratio_words(result) in text and "— to —" not in text


@pytest.mark.parametrize("params", [
    {"event": "it-libya-returns-2009", "treated": "CMR"},           # first event: no pre window
    {"event": "greece-asylum-suspension-2025"},                     # last event: after the data
    {"event": "date", "date": "1900-01-01"},
    {"event": "date", "date": "2025-04-01"},
])
def test_edge_dates_give_a_message_not_a_traceback(params):
    at = run(**params)
    assert any("cannot be analysed" in w.value for w in at.warning)
    assert len(at.get("plotly_chart")) == 1


def test_bad_url_values_fall_back():
    at = run(treated="nope", before="999", after="1", scale="cubic", event="no-such-event")
    assert at.selectbox(key="rs_event").value == "eu-turkey-statement-2016"
    assert at.selectbox(key="rs_treated").value == "EMR"
    assert at.slider(key="rs_before").value == 36 and at.slider(key="rs_after").value == 6
    assert at.radio(key="rs_scale").value == "linear"


def test_permalink_restores_a_custom_date_and_window(data):
    frame, events = data
    at = run(event="date", date="2016-03-20", treated="EMR", after="6")
    assert at.text_input(key="rs_date").value == "2016-03-20"
    res = route_event.analyse_route_event(frame, events, event_date="2016-03-20",
                                          treated="EMR", spec=PanelSpec(months_after=6))
    assert at.metric[0].value == f"{res.headline.fall_treated.estimate:,.0f}"


def test_the_text_alternatives_tell_the_true_values_of_points_clipped_at_the_axis():
    """The effects and event-study charts draw values beyond their axis at its edge; their
    one-sentence summaries give the values the tables hold, not the clipped ones."""
    from dashboard import alt_text, i18n
    from dashboard import route_shifts as rs

    view = rs.ShiftView()
    effects = rs.effects_chart(view)
    emr = effects.data.set_index("Route code").loc["EMR", "Change in detections"]
    assert abs(emr) > 100_000  # EU–Turkey: far beyond the receiving routes' axis
    text = alt_text.describe(effects.fig)
    assert f"Eastern Mediterranean Route {i18n.number(emr)}" in text
    assert min(effects.fig.data[0].x) > emr  # drawn clipped
    es = rs.event_study_chart(view)
    largest = es.data["Log change"].abs().max()
    drawn = max(abs(v) for t in es.fig.data for v in t.y if v == v)
    assert drawn < largest  # some quarter is drawn at the axis edge
    assert round(largest, 1) == 187.2  # Western African Route, Q+3 (a route of few crossings)
    assert "Western African Route 187 (Q+3)" in alt_text.describe(es.fig)


def test_the_synthetic_control_second_opinion_is_fitted_on_demand_and_said_in_words(data):
    """Off by default (a new event stays fast); switched on, the page says what the fit on
    the bundled data says: no donor mix reproduces the Eastern Mediterranean's 2015 surge."""
    from analysis import synth

    at = run()
    assert at.toggle(key="rs_synth").value is False
    at.toggle(key="rs_synth").set_value(True).run()
    assert not at.error
    text = " ".join(m.value for m in at.markdown)
    assert "Synthetic control (pysyncon): Eastern Mediterranean Route rebuilt" in text
    frame, events = data
    res = route_event.analyse_route_event(frame, events, event_id="eu-turkey-statement-2016")
    sc = synth.second_opinion(frame, res.headline)
    assert (f"No second opinion: built from {sc.donors} donor series, the synthetic route "
            f"misses Eastern Mediterranean Route before the event by "
            f"{100 * sc.pre_rmspe:.0f} %") in text
