"""Return gap: ordered to leave vs returned, beside asylum applications and irregular stay."""
from dataclasses import asdict

import streamlit as st

from dashboard import components, i18n
from dashboard.chart_data import Series
from dashboard import return_gap as rg
from dashboard.binding import Binding
from dashboard.entry import through_app
from dashboard.i18n import _

through_app()

geos = rg.geographies()
bind = Binding("rg", asdict(rg.ReturnGapView()),
               lambda s: asdict(rg.resolve(rg.ReturnGapView(**s), geos)))
view = rg.ReturnGapView(**bind.values)

st.title(_("Return gap"))
st.markdown(_("Third-country nationals **ordered to leave** and **returned** following an order, "
              "beside asylum applicants and persons found illegally present (Eurostat). "
              "The rate comes in three definitions, because returns in a year are not the "
              "returns of that year's orders."))

with st.sidebar:
    st.header(_("Filters"))
    st.selectbox(_("Geography"), list(geos), key="rg_geo", format_func=geos.get)
    st.selectbox(_("Compare with"), [""] + list(geos), key="rg_compare",
                 format_func=lambda g: geos.get(g, _("(none)")))
    st.slider(_("From"), 2000, 2030, key="rg_start")
    st.slider(_("To"), 2000, 2030, key="rg_end")
    st.toggle(_("Per 100,000 residents"), key="rg_per_100k",
              help=_("The counts of the first charts ÷ the population on 1 January × 100,000."))


for geo in (g for g in (view.geo, view.compare) if g):
    c = rg.measures_chart(geo, view)
    components.chart(c.fig, c.data, c.source, c.title, f"return_gap_{geo}",
                     link="m" if geo == view.geo else "mc")
    if gap := rg.gaps(c.data, geo, geos):
        components.missing_note([gap])

st.subheader(_("Return rate"))
c = rg.rates_chart(view)
components.chart(c.fig, c.data, c.source, c.title, "return_rate", link="rate",
                 series=Series(of_rows=lambda d: rg.rate_series(d, geos)))

st.subheader(_("By citizenship"))
years = rg.citizenship_years(view.geo)
if years:
    left, right = st.columns(2)
    left.selectbox(_("Year"), years, key="rg_year")
    right.number_input(_("Top N citizenships"), 1, 30, key="rg_top_n")
    c = rg.citizenship_chart(view)
    components.chart(c.fig, c.data, c.source, c.title,
                     f"return_gap_citizenship_{view.geo}_{view.year}", link="cit",
                     series=Series(columns=("ordered_to_leave", "returned_total")))
else:
    st.info(_("No orders to leave by citizenship are loaded for {geo}: run `{command}`.").format(
        geo=geos.get(view.geo), command=rg.FETCH))

st.subheader(_("Return rate across geographies"))
left, right = st.columns([2, 1])
left.multiselect(_("Geographies (up to {n})").format(n=rg.ACROSS_MAX), list(geos),
                 key="rg_across", format_func=geos.get, max_selections=rg.ACROSS_MAX,
                 placeholder=_("Choose geographies"))
right.selectbox(_("Definition"), list(rg.RATES), key="rg_across_rate",
                format_func=lambda d: _(rg.RATES[d]))
c = rg.across_chart(view)
components.chart(c.fig, c.data, c.source, c.title, "return_rate_across", link="across",
                 series=Series(of_rows=lambda d: rg.across_series(d, geos)))

st.subheader(_("Map"))
left, right = st.columns(2)
left.selectbox(_("Series"), list(rg.MAP_SERIES), key="rg_map_series",
               format_func=lambda s: _(rg.MAP_SERIES[s][0]))
map_years = rg.map_years(view.map_series)
if map_years:
    right.selectbox(_("Year"), map_years, key="rg_map_year")
    c = rg.map_chart(view)
    components.chart(c.fig, c.data, c.source, c.title,
                     f"return_gap_map_{view.map_series}_{view.map_year}", link="map")
    off_map = rg.map_split(c.data)[1]
    if len(off_map):
        st.caption(_("Not on the map (aggregates and codes no map geometry knows):"))
        table = rg.off_map_table(off_map)
        value = _("value")
        st.dataframe(table, hide_index=True, width="stretch",
                     column_config={value: components.number_column(value)})
else:
    st.info(_("No values of this series are loaded: run `{command}`.").format(command=rg.FETCH))

with st.expander(_("Definitions: Eurostat and national counts")):
    st.markdown(_(rg.DEFINITIONS))
    national = rg.national_counts()
    for row in national.itertuples():
        if row.loaded:
            st.caption(_("CBS {dataset} loaded: {first}–{last} (vintage {vintage}).").format(
                dataset=row.dataset, first=row.first_year, last=row.last_year,
                vintage=i18n.date(row.vintage)))
        else:
            st.caption(_("CBS {dataset} ({description}) is not loaded — fetch with "
                         "`{command}`.").format(dataset=row.dataset, description=row.description,
                                                command=row.fetch_command))

bind.permalink_box()
