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
