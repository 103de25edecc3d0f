"""Widgets ↔ URL ↔ session state (``dashboard.binding``) on the converted pages: a clean
first load leaves the URL clean, every widget survives the permalink, a link value that
cannot be used falls back to the default with a visible notice."""
from __future__ import annotations

import pytest

from pages import run_page

pytestmark = pytest.mark.usefixtures("built_warehouse")  # the app reads a built warehouse

# page → {widget key: a value other than the default, present in the bundled data}
CHOICES = {
    "pages/arrivals.py": {"arr_vintage": "2018-07-06", "arr_routes": ["EMR", "CMR"],
                          "arr_border_types": ["Sea"], "arr_nationality_mode": "top",
                          "arr_top_n": 3, "arr_by": "border_type", "arr_grain": "month",
                          "arr_style": "lines", "arr_period": ("2015-06", "2016-06"),
                          "arr_events": True},
    "pages/return_gap.py": {"rg_geo": "DE", "rg_compare": "", "rg_start": 2010,
                            "rg_end": 2015, "rg_year": 2014, "rg_top_n": 5,
                            "rg_across": ["NL", "SE", "EL"],
                            "rg_across_rate": "return_rate_lagged"},
    "pages/remittances.py": {"rm_country": "DEU", "rm_start": 1990, "rm_end": 2010,
                             "rm_mode": "vintages", "rm_year": 2021, "rm_top_n": 10},
    "pages/sources.py": {"src_publishers": ["Eurostat", "World Bank"]},
    "pages/revisions.py": {"rev_old": "2025-06-03", "rev_new": "2018-07-06", "rev_year": 2016,
                           "rev_top_n": 5},
}
PAGES = [*CHOICES, "pages/overview.py"]


def by_key(at, key):
    for kind in ("selectbox", "slider", "radio", "number_input", "multiselect",
                 "select_slider", "toggle"):
        found = [w for w in getattr(at, kind) if w.key == key]
        if found:
            return found[0]
    raise KeyError(key)


@pytest.mark.parametrize("page", PAGES)
def test_a_clean_first_load_leaves_the_url_clean(page):
    at = run_page(page)
    assert dict(at.query_params) == {}
    assert not at.warning or all("Link value" not in w.value for w in at.warning)


@pytest.mark.parametrize("page", list(CHOICES))
def test_every_widget_round_trips_through_the_permalink(page):
    at = run_page(page)
    for key, value in CHOICES[page].items():
        by_key(at, key).set_value(value)
        at.run()
        assert not at.exception, at.exception
    params = {k: v[0] if isinstance(v, list) else v for k, v in at.query_params.items()}
    prefix = next(iter(CHOICES[page])).split("_")[0] + "_"
    for key in CHOICES[page]:
        name = key.removeprefix(prefix)
        if key == "arr_period":
            assert (params["start"], params["end"]) == CHOICES[page][key]
        elif CHOICES[page][key] != "":  # "" (no comparison) can be a default-differing value
            assert name in params, (name, params)
    again = run_page(page, **params)
    for key, value in CHOICES[page].items():
        assert by_key(again, key).value == value, key
    assert dict(again.query_params) == dict(at.query_params)
    assert not again.warning or all("Link value" not in w.value for w in again.warning)


@pytest.mark.parametrize("page, params, key, shown, notice", [
    ("pages/return_gap.py", {"start": "abc"}, "rg_start", 2008,
     "Link value 'abc' for start not understood — showing 2008."),
    ("pages/return_gap.py", {"geo": "ZZ"}, "rg_geo", "NL",
     "Link value 'ZZ' for geo not understood — showing NL."),
    ("pages/return_gap.py", {"year": "1999"}, "rg_year", 2016,
     "Link value '1999' for year not understood — showing 2016."),
    ("pages/remittances.py", {"mode": "every"}, "rm_mode", "latest",
     "Link value 'every' for mode not understood — showing latest."),
    ("pages/remittances.py", {"country": "XYZ"}, "rm_country", "NLD",
     "Link value 'XYZ' for country not understood — showing NLD."),
    ("pages/sources.py", {"publishers": "Nope,Eurostat"}, "src_publishers", ["Eurostat"],
     "Link value 'Nope,Eurostat' for publishers not understood — showing Eurostat."),
    ("pages/arrivals.py", {"vintage": "abc"}, "arr_vintage", "2025-06-03",
     "Link value 'abc' for vintage not understood — showing 2025-06-03."),
    ("pages/arrivals.py", {"vintage": "1999-01-01"}, "arr_vintage", "2025-06-03",
     "Link value '1999-01-01' for vintage not understood — showing 2025-06-03."),
    ("pages/arrivals.py", {"grain": "weekly"}, "arr_grain", "year",
     "Link value 'weekly' for grain not understood — showing year."),
    ("pages/revisions.py", {"old": "abc"}, "rev_old", "2018-07-06",
     "Link value 'abc' for old not understood — showing 2018-07-06."),
])
def test_a_bad_link_value_shows_a_notice_and_the_default(page, params, key, shown, notice):
    at = run_page(page, **params)
    assert by_key(at, key).value == shown
    assert notice in [w.value for w in at.warning]
    assert all(k not in at.query_params for k in params) or key == "src_publishers"


# ----------------------------------------------------------- a chart's controls in the link
RG = "pages/return_gap.py"
MEASURES = ["Asylum applicants", "Found illegally present", "Ordered to leave",
            "Returned (any country)", "Returned to a third country"]  # Return gap's legend


def _names(spec):
    return [t["name"] for t in spec["data"] if t.get("type") == "scatter"]


def test_a_link_restores_a_charts_series_log_scale_and_index_year():
    from pages import line_traces, specs

    plain = line_traces(specs(run_page(RG))[0])  # the Netherlands, counts as published
    at = run_page(RG, **{"m.s": "3,4", "m.log": "1", "m.idx": "2014"})
    spec = specs(at)[0]
    assert _names(spec) == ["Ordered to leave", "Returned (any country)"]
    assert spec["layout"]["yaxis"]["type"] == "log"
    assert spec["layout"]["yaxis"]["title"]["text"] == "Index (2014 = 100) (log scale)"
    shown = line_traces(spec)
    ordered = plain["Ordered to leave"]
    assert ordered["2014-01-01"] == 33_735 and ordered["2016-01-01"] == 32_950  # Eurostat
    for name in ("Ordered to leave", "Returned (any country)"):
        for when, value in plain[name].items():
            expected = value * 100 / plain[name]["2014-01-01"]
            assert shown[name][when] == pytest.approx(expected, nan_ok=True), (name, when)
    assert shown["Ordered to leave"]["2016-01-01"] == pytest.approx(32_950 / 33_735 * 100)
    # the controls show the link's choices; the other charts keep their default view
    assert by_key(at, "pick-return_gap_NL").value == ["Ordered to leave",
                                                      "Returned (any country)"]
    assert by_key(at, "log-return_gap_NL").value is True
    assert by_key(at, "index-return_gap_NL").value == 2014
    assert _names(specs(at)[1]) == MEASURES
    assert specs(at)[1]["layout"]["yaxis"].get("type") != "log"
    # the link stays as it came, and "cite this chart" links to the same view
    assert dict(at.query_params) == {"m.s": "3,4", "m.log": "1", "m.idx": "2014"}
    from pages import open_tab

    open_tab(at, "Cite this chart", "return_gap_NL")  # the tab choice is not in the link
    assert dict(at.query_params) == {"m.s": "3,4", "m.log": "1", "m.idx": "2014"}
    cite = [c.value for c in at.code if c.value.startswith("Eurostat.")]
    assert cite[0].splitlines()[-1].endswith("?m.s=3,4&m.log=1&m.idx=2014")
    assert not at.warning or all("Link value" not in w.value for w in at.warning)


def test_a_charts_controls_round_trip_through_the_permalink():
    from pages import specs

    at = run_page(RG)
    by_key(at, "pick-return_rate").set_value([
        "Netherlands: Returned ÷ mean of orders in t−1 and t"])
    at.run()
    by_key(at, "log-return_gap_NL").set_value(True)
    at.run()
    by_key(at, "index-return_gap_NL").set_value(2012)
    at.run()
    assert not at.exception
    params = {k: v[0] if isinstance(v, list) else v for k, v in at.query_params.items()}
    assert params == {"rate.s": "3", "m.log": "1", "m.idx": "2012"}
    again = run_page(RG, **params)
    assert _names(specs(again)[2]) == ["Netherlands: Returned ÷ mean of orders in t−1 and t"]
    assert specs(again)[0]["layout"]["yaxis"]["type"] == "log"
    assert specs(again)[0]["layout"]["yaxis"]["title"]["text"].startswith("Index (2012 = 100)")
    assert dict(again.query_params) == dict(at.query_params)
    # back to the default view: the parameters leave the link
    by_key(again, "log-return_gap_NL").set_value(False)
    again.run()
    by_key(again, "index-return_gap_NL").set_value(0)  # "off"
    again.run()
    assert dict(again.query_params) == {"rate.s": "3"}


@pytest.mark.parametrize("params, notice", [
    ({"m.s": "9"}, "Link value '9' for m.s not understood — showing " + ", ".join(MEASURES)
     + "."),
    ({"m.s": "Ordered to leave"}, "Link value 'Ordered to leave' for m.s not understood — "
     "showing " + ", ".join(MEASURES) + "."),
    ({"m.idx": "1999"}, "Link value '1999' for m.idx not understood — showing no index."),
    ({"m.idx": "twenty"}, "Link value 'twenty' for m.idx not understood — showing no index."),
    ({"m.log": "maybe"}, "Link value 'maybe' for m.log not understood — showing linear "
     "scale."),
])
def test_a_bad_chart_link_value_shows_a_notice_and_the_default_view(params, notice):
    from pages import specs

    at = run_page(RG, **params)
    assert notice in [w.value for w in at.warning]
    spec = specs(at)[0]
    assert _names(spec) == MEASURES
    assert spec["layout"]["yaxis"].get("type") != "log"
    assert spec["layout"]["yaxis"]["title"]["text"] == "Persons"
    assert dict(at.query_params) == {}  # the value that could not be used is dropped


def test_a_chart_link_value_keeps_the_series_it_names_and_says_in_dutch_what_it_drops():
    from pages import specs

    at = run_page(RG, lang="nl", **{"m.s": "3,x"})
    spec = specs(at)[0]
    assert len(_names(spec)) == 1
    warning = [w.value for w in at.warning if w.value.startswith("Linkwaarde")]
    assert warning == [f"Linkwaarde '3,x' voor m.s niet begrepen — {_names(spec)[0]} "
                       "wordt getoond."], [w.value for w in at.warning]
    assert dict(at.query_params) == {"lang": "nl", "m.s": "3"}
    at = run_page(RG, lang="nl", **{"m.idx": "abc", "m.log": "?"})
    texts = [w.value for w in at.warning]
    assert "Linkwaarde 'abc' voor m.idx niet begrepen — geen index wordt getoond." in texts
    assert "Linkwaarde '?' voor m.log niet begrepen — lineaire schaal wordt getoond." in texts


def test_a_picked_series_stays_picked_when_the_language_is_switched():
    from pages import specs

    at = run_page(RG)
    by_key(at, "pick-return_gap_NL").set_value(["Ordered to leave"])
    at.run()
    from dashboard import i18n

    # what the sidebar switch does (its state and its "chosen" mark; its own test is in
    # test_i18n.py)
    at.session_state[i18n.KEY] = "nl"
    at.session_state[i18n.EXPLICIT] = True
    at.run()
    assert not at.exception
    assert _names(specs(at)[0]) == ["Vertrekplicht opgelegd"]
    assert by_key(at, "pick-return_gap_NL").value == ["Vertrekplicht opgelegd"]
    params = {k: v[0] if isinstance(v, list) else v for k, v in at.query_params.items()}
    assert params == {"lang": "nl", "m.s": "3"}
