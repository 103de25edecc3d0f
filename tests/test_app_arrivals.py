"""The Irregular arrivals page under Streamlit's AppTest: renders, plots the mart's values,
restores its state from the URL."""
from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core import warehouse
from pages import decode, run_page

pytestmark = pytest.mark.usefixtures("built_warehouse")  # the app reads a built warehouse


def traces(at: AppTest) -> dict[str, dict]:
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    return {t["name"]: dict(zip([x[:10] for x in t["x"]], decode(t["y"]))) for t in spec["data"]}


def chart_title(at: AppTest) -> str:
    return json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["title"]["text"].replace("<br>", " ")


def run(**params) -> AppTest:
    at = run_page("pages/arrivals.py", timeout=60, **params)
    return at


@pytest.fixture(scope="module")
def mart():
    with warehouse.connect_readonly() as con:
        yield con.execute("SELECT * FROM arrivals_yearly").df()


def test_default_view_is_figure_1_annual_by_route(mart):
    at = run()
    assert not at.error
    assert chart_title(at) == ("Annual detections of illegal border crossings by route, "
                               "all routes, 2009–2024")
    got = traces(at)
    assert len(got) == 9
    assert got["Eastern Mediterranean Route"]["2016-01-01"] == 182_277
    assert got["Central Mediterranean Route"]["2023-01-01"] == 158_026
    assert sum(s["2015-01-01"] for s in got.values()) == 1_822_102
    assert all("2025-01-01" not in s for s in got.values())
    # Every plotted value equals the yearly mart.
    expected = (mart[mart["year"].between(2009, 2024)]
                .groupby(["route", "year"])["detections"].sum())
    plotted = pd.Series({(r, int(d[:4])): v for r, s in got.items() for d, v in s.items()})
    assert plotted.sort_index().to_dict() == expected.sort_index().to_dict()


def test_footer_names_source_vintage_and_caveat():
    at = run()
    footer = at.caption[0].value
    assert "Source: Frontex, detections of illegal border crossings (FRAN data as of 3 Jun 2025)" in footer
    assert "Detections, not persons" in footer
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert "FRAN data as of 3 Jun 2025" in spec["layout"]["annotations"][0]["text"].replace(
        "<br>", " ")


def test_filtered_monthly_view_by_nationality():
    at = run(routes="EMR", grain="month", by="nationality", nationality_mode="chosen",
             nationalities="SYR,AFG", start="2016-01", end="2016-06", style="lines")
    got = traces(at)
    assert set(got) == {"Syria", "Afghanistan"}
    with warehouse.connect_readonly() as con:
        expected = con.execute("""
            SELECT nationality, strftime(month, '%Y-%m-%d'), sum(detections)
            FROM arrivals_monthly WHERE route_code = 'EMR' AND nationality_iso3 IN ('SYR', 'AFG')
              AND month BETWEEN DATE '2016-01-01' AND DATE '2016-06-01' GROUP BY ALL""").fetchall()
    assert {(n, m): v for n, m, v in expected} == {
        (n, m): v for n, s in got.items() for m, v in s.items()}


def test_permalink_round_trip_restores_widgets():
    at = run(routes="EMR,CMR", border_types="Sea", grain="month", start="2015-06",
             end="2016-06", style="lines", nationality_mode="top", top_n="3")
    assert at.multiselect(key="arr_routes").value == ["EMR", "CMR"]
    assert at.multiselect(key="arr_border_types").value == ["Sea"]
    assert at.radio(key="arr_grain").value == "month"
    assert at.radio(key="arr_style").value == "lines"
    assert at.number_input(key="arr_top_n").value == 3
    assert at.select_slider(key="arr_period").value == ("2015-06", "2016-06")
    # Changing a widget writes the new state back to the URL.
    at.radio(key="arr_grain").set_value("year").run()
    assert "grain" not in at.query_params  # back to the default, so left out of the link
    assert at.query_params["routes"] == "EMR,CMR"
    assert chart_title(at).startswith("Annual detections")


def test_bad_url_values_fall_back_to_defaults():
    at = run(routes="XXX", grain="weekly", top_n="many", start="1990-01")
    assert not at.error
    assert at.radio(key="arr_grain").value == "year"
    assert len(traces(at)) == 9
    assert at.select_slider(key="arr_period").value[0] == "2009-01"


def test_older_vintage_and_partial_year_note():
    at = run(vintage="2018-07-06", start="2016-01", end="2018-05")
    got = traces(at)
    assert got["Eastern Mediterranean Route"]["2016-01-01"] == 182_277
    assert sum(s.get("2018-01-01", 0) for s in got.values()) == 46_677
    assert "FRAN data as of 6 Jul 2018" in at.caption[0].value
    assert any("2018 (5 months)" in i.value for i in at.info)


def test_csv_download_is_the_plotted_data():
    from dashboard import arrivals, components

    at = run(routes="WAR", start="2020-01", end="2024-12")
    plotted = traces(at)["Western African Route"]
    # The page's own functions produce the bytes behind the download button.
    view = arrivals.ArrivalsView(routes=("WAR",), start="2020-01", end="2024-12",
                                 vintage="2025-06-03")
    data = arrivals.series(view)
    text = components.csv_bytes(data, arrivals.source(view), "t").decode()
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert any("FRAN data as of 3 Jun 2025" in line for line in header)
    table = pd.read_csv(io.StringIO(text), comment="#")
    assert dict(zip(table["period"], table["detections"])) == plotted
    assert (plotted["2023-01-01"], plotted["2024-01-01"]) == (39_673, 46_820)


def test_policy_events_overlay_marks_the_eu_turkey_statement():
    at = run(routes="EMR", grain="month", start="2016-01", end="2016-12", events="true")
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    hovers = [t["hovertemplate"] for t in spec["data"] if t["name"].startswith("event ")]
    assert any(h.startswith("20 Mar 2016: EU–Turkey Statement applies") for h in hovers)
    assert not any("Central Mediterranean" in h for h in hovers)  # only events of EMR or ALL
    assert set(traces(at)) >= {"Eastern Mediterranean Route"}
    assert at.expander[0].label.startswith("Policy events marked on the chart")
    # the Statement (18 March) and its application (20 March) sit two days apart on a
    # one-year axis: their numbers are staggered, never printed on top of each other
    marks = sorted(((t["x"][0][:10], t["y"][0]) for t in spec["data"]
                    if t["name"].startswith("event ")))
    for (d1, y1), (d2, y2) in zip(marks, marks[1:]):
        if (pd.Timestamp(d2) - pd.Timestamp(d1)).days < 12:
            assert y1 != y2, (d1, d2)


def test_switching_vintage_uses_that_vintage_months():
    at = run()
    at.selectbox(key="arr_vintage").set_value("2018-07-06").run()
    assert not at.exception
    at.run()
    assert at.select_slider(key="arr_period").value[1] <= "2018-05"
    assert "FRAN data as of 6 Jul 2018" in at.caption[0].value


def test_per_capita_option_is_off_and_says_why(built_warehouse):
    """Detections by nationality have no denominator in the warehouse (demo_pjan covers
    European reporting countries): the option is shown disabled, with a one-line reason
    whose counts come from the data."""
    at = run()
    [toggle] = [t for t in at.toggle if t.label == "Per 100,000 residents"]
    assert toggle.disabled and toggle.value is False
    with warehouse.connect_readonly() as con:
        n = con.execute("SELECT count(DISTINCT nationality_iso3) FROM arrivals_yearly "
                        "WHERE vintage = (SELECT max(vintage) FROM arrivals_yearly)").fetchone()[0]
    [reason] = [c.value for c in at.sidebar.caption if c.value.startswith("Per 100,000")]
    assert f"of the {n} nationalities detected" in reason
    assert "a route has no resident population" in reason
    assert "per_100k" not in dict(at.query_params)


def test_policy_event_titles_are_dutch_in_the_dutch_interface():
    at = run(routes="EMR", grain="month", start="2016-01", end="2016-12", events="true",
             lang="nl")
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    hovers = [t["hovertemplate"] for t in spec["data"] if t["name"].startswith("event ")]
    assert any("Verklaring EU–Turkije van toepassing (overeengekomen 18 maart 2016)" in h
               for h in hovers), hovers
    assert not any("EU–Turkey Statement" in h for h in hovers)
    listed = [d.value for d in at.dataframe if "gebeurtenis" in d.value.columns]
    assert listed and "Westelijke Balkancorridor gesloten" in set(listed[0]["gebeurtenis"])
