"""The charts built once per (choices, language, warehouse build) and shared by every session
(dashboard.memo): the same as building them afresh, never changed by a page that draws them,
another language another build."""
from __future__ import annotations

import plotly.io as pio
import pytest

from dashboard import i18n

pytestmark = pytest.mark.usefixtures("built_warehouse")


def same(parts, fig, data, source, title) -> None:
    assert pio.to_json(parts.fig, validate=False) == pio.to_json(fig, validate=False)
    assert parts.data.equals(data)
    assert parts.source == source and parts.title == title


@pytest.fixture(scope="module")
def view():
    """Return gap with every choice away from its default."""
    from dashboard import return_gap as rg

    geos = rg.geographies()
    return rg.resolve(rg.ReturnGapView(
        geo="BE", compare="DE", start=2012, end=2020, year=2014, top_n=5, per_100k=True,
        map_series="return_rate_total", map_year=2015, across=("NL", "SE"),
        across_rate="return_rate_lagged"), geos)


def test_return_gap_charts_are_those_built_from_the_whole_view(view):
    """Each chart is cached under the choices it reads: what it holds is what the page's
    builders make from the whole view."""
    from dashboard import return_gap as rg

    geos = rg.geographies()
    assert (view.geo, view.year, view.map_year) == ("BE", 2014, 2015)  # the view resolved
    for geo in ("BE", "DE"):
        data = rg.measures(geo, view)
        same(rg.measures_chart(geo, view), rg.measures_figure(data, geo, view, geos), data,
             rg.measures_source(data), rg.measures_title(geo, view, geos))
    data = rg.rates(view)
    same(rg.rates_chart(view), rg.rates_figure(data, view, geos), data,
         rg.rates_source(data, geos),
         rg.rates_title(view, geos))
    data = rg.by_citizenship(view)
    same(rg.citizenship_chart(view), rg.citizenship_figure(data, view, geos), data,
         rg.citizenship_source(data), rg.citizenship_title(view, geos))
    data = rg.across(view)
    same(rg.across_chart(view), rg.across_figure(data, view, geos), data,
         rg.across_source(data, geos), rg.across_title(view))
    data = rg.map_data(view)
    same(rg.map_chart(view), rg.map_figure(data, view), data, rg.map_source(data, view),
         rg.map_title(view))
    # a per-100,000 view of Belgium: the counts behind it are the warehouse's
    from core import warehouse

    with warehouse.connect_readonly() as con:
        (count,), = con.execute(
            "SELECT value FROM eurostat_annual WHERE geo = 'BE' AND year = 2016 AND "
            "citizenship_iso3 = 'TOTAL' AND measure = 'ordered_to_leave'").fetchall()
    be = rg.measures_chart("BE", view).data.set_index(["measure", "year"])
    assert count > 0 and be.loc[("ordered_to_leave", 2016), "count"] == count


def test_a_chart_is_built_once_and_per_language(view):
    from dashboard import return_gap as rg

    first = rg.measures_chart("BE", view)
    assert rg.measures_chart("BE", view) is first  # shared, not rebuilt
    # a choice the chart does not read leaves it as it is; one it reads builds another
    other_map = rg.ReturnGapView(**{**view.__dict__, "map_year": 2016})
    assert rg.measures_chart("BE", other_map) is first
    assert rg.measures_chart("BE", rg.ReturnGapView(**{**view.__dict__, "start": 2013})) \
        is not first
    with i18n.use("nl"):
        dutch = rg.measures_chart("BE", view)
    assert dutch is not first
    assert first.title.startswith("Asylum applicants, persons found illegally present")
    assert dutch.title.startswith("Asielaanvragers, personen aangetroffen zonder "
                                  "verblijfsrecht, vertrekplichtigen en teruggekeerden per "
                                  "100.000 inwoners")


def test_drawing_a_picked_indexed_log_chart_leaves_the_shared_figure_as_it_was():
    """The page drops series, indexes and rescales a copy: the cached figure keeps every
    series on a linear axis."""
    from dashboard import return_gap as rg
    from pages import run_page, specs

    at = run_page("pages/return_gap.py", **{"m.s": "3,4", "m.log": "1", "m.idx": "2014"})
    assert [t["name"] for t in specs(at)[0]["data"] if t.get("type") == "scatter"] == [
        "Ordered to leave", "Returned (any country)"]
    shared = rg.measures_chart("NL", rg.resolve(rg.ReturnGapView(), rg.geographies())).fig
    assert len([t for t in shared.data if t.type == "scatter"]) >= 5
    assert shared.layout.yaxis.type != "log"
    assert "Index" not in (shared.layout.yaxis.title.text or "")
