"""Irregular arrivals: Frontex detections by route, border type, nationality and month."""
from dataclasses import asdict

import streamlit as st

from dashboard import arrivals, binding, components, maps, names, risk
from dashboard.binding import Binding
from dashboard.entry import through_app
from dashboard.i18n import _

through_app()


def options(vintage: str) -> arrivals.Options:
    """The options of a loaded vintage (the latest for one not loaded)."""
    loaded = arrivals.vintages()
    return arrivals.options(vintage if vintage in loaded else loaded[0])


def period_changed() -> None:
    st.session_state["arr_start"], st.session_state["arr_end"] = st.session_state["arr_period"]


bind = Binding("arr", asdict(arrivals.ArrivalsView()), lambda s: asdict(
    arrivals.resolve(arrivals.ArrivalsView(**s), options(s["vintage"]))))
view = arrivals.ArrivalsView(**bind.values)
opts = options(view.vintage)
# The period is one range widget over two bound choices (start, end): drawn from them.
if tuple(st.session_state.get("arr_period", ())) != (view.start, view.end):
    st.session_state.pop("arr_period", None)

st.title(_("Irregular arrivals"))
st.markdown(_("Detections of illegal border crossings at the EU's external borders, reported by "
              "Frontex. **Detections, not persons**: one person can be detected more than once."))

with st.sidebar:
    st.header(_("Filters"))
    st.selectbox(_("Data vintage"), opts.vintages, key="arr_vintage",
                 format_func=arrivals.vintage_label)
    st.multiselect(_("Routes"), list(opts.routes), key="arr_routes",
                   format_func=opts.routes.get, placeholder=_("All routes"))
    st.multiselect(_("Border type"), opts.border_types, key="arr_border_types",
                   format_func=names.border_type, placeholder=_("All border types"))
    st.radio(_("Nationalities"), list(arrivals.NATIONALITY_MODES), key="arr_nationality_mode",
             format_func=lambda m: _(arrivals.NATIONALITY_MODES[m]))
    if st.session_state["arr_nationality_mode"] == "top":
        st.number_input(_("N"), min_value=1, max_value=50, step=1, key="arr_top_n")
    elif st.session_state["arr_nationality_mode"] == "chosen":
        st.multiselect(_("Chosen nationalities"), list(opts.nationalities),
                       key="arr_nationalities", format_func=opts.nationalities.get,
                       placeholder=_("Choose nationalities"))
    st.radio(_("Colour by"), list(arrivals.BREAKDOWNS), key="arr_by",
             format_func=lambda b: _(arrivals.BREAKDOWNS[b]), horizontal=True)
    st.radio(_("Frequency"), list(arrivals.GRAINS), key="arr_grain",
             format_func=lambda g: _(arrivals.GRAINS[g]), horizontal=True)
    st.radio(_("Chart"), list(arrivals.STYLES), key="arr_style",
             format_func=lambda s: _(arrivals.STYLES[s]), horizontal=True)
    st.select_slider(_("Period"), options=opts.months, value=(view.start, view.end), key="arr_period",
                     on_change=period_changed)
    st.toggle(_("Show policy events"), key="arr_events")
    # no denominator exists for detections by nationality or route: shown off, with the reason
    no_rate = arrivals.per_capita_reason(view.vintage)
    st.toggle(_("Per 100,000 residents"), value=False, disabled=True, help=no_rate)
    st.caption(no_rate)


# only the open tab is built; a closed tab's charts keep their choices in the link
detections_tab, risk_tab, map_tab = st.tabs([_("Detections"), _("Risk"), _("Map")],
                                            key="tabs-arrivals", on_change="rerun")
for tab, link in ((detections_tab, "det"), (risk_tab, "risk"), (map_tab, "map")):
    if not tab.open:
        binding.keep_chart(link)

if detections_tab.open:
    with detections_tab:
        c = arrivals.detections_chart(view)
        components.chart(c.fig, c.data, c.source, c.title, "frontex_arrivals", link="det")
        if view.grain == "year" and (partial := arrivals.partial_periods(c.data, view)):
            st.info(_("Not a full year in this vintage: {years}. Newer months come with a newer "
                      "workbook: `python -m etl fetch frontex`.").format(years=", ".join(partial)))
        if view.events:
            components.events_table(arrivals.events(view))

if risk_tab.open:
    with risk_tab:
        if not risk.available():
            st.info(_("The risk view needs IOM's Missing Migrants Project data: "
                      "`python -m etl import ../shared/data/iom` or `python -m etl fetch iom`."))
        else:
            st.markdown(_("Recorded **dead and missing** (IOM Missing Migrants Project) per 1,000 "
                          "Frontex **detections**, by route and year, for the routes and years "
                          "chosen in the sidebar. Latest vintage of both publishers."))
            chosen = [r for r in view.routes if r in risk.mapped_routes()]
            first, last = int(view.start[:4]), int(view.end[:4])
            left_out = [opts.routes[r] for r in view.routes if r not in chosen]
            if left_out:
                st.caption(_("No MMP route maps to: {routes} (no ratio).").format(
                    routes=", ".join(left_out)))
            if not chosen or last < risk.first_year():
                st.info(_("No ratio for this selection: the risk view covers {routes} from "
                          "{year}.").format(routes=", ".join(opts.routes.get(r, r)
                                                             for r in risk.mapped_routes()),
                                            year=risk.first_year()))
            else:
                rdata = risk.yearly(chosen, first, last)
                rsource = risk.source(*risk.vintages(rdata))
                rtitle = risk.title(chosen, opts.routes, first, last)
                notes = risk.gaps(rdata, first)
                components.chart(risk.figure(rdata, title=rtitle, source=rsource, notes=notes),
                                 risk.table(rdata), rsource, rtitle, "route_risk", link="risk")
                for note in notes:
                    st.caption(note)
                st.dataframe(risk.table(rdata), hide_index=True, width="stretch")
            unmapped = risk.unmapped(first, last)
            with st.expander(_("MMP routes not mapped to a Frontex route ({n})").format(
                    n=len(unmapped))):
                st.caption(_("Their dead and missing are not counted on any route above "
                             "(etl/reference/mmp_routes.csv)."))
                st.dataframe(unmapped, hide_index=True, width="stretch")

if map_tab.open:
    with map_tab:
        c = arrivals.map_chart(view)
        off_map = maps.split(c.data)[1]
        components.chart(c.fig, c.data, c.source, c.title, "frontex_nationality_map",
                         link="map")
        if len(off_map):
            st.caption(_("Not on the map (codes no map geometry knows), with their detections:"))
            count = _("detections")
            st.dataframe(components.as_text(off_map, {"value": 0}).rename(
                columns={"iso3": _("code"), "name": _("name"), "value": count}),
                hide_index=True, width="stretch",
                column_config={count: components.number_column(count)})
bind.permalink_box()
