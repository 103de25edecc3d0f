"""Route shifts: did closing one route push the same people onto others (the waterbed effect)?"""
from dataclasses import asdict

import streamlit as st

from dashboard import components, risk
from dashboard import route_shifts as rs
from dashboard.binding import Binding
from dashboard.entry import through_app
from dashboard.i18n import _

through_app()

bind = Binding("rs", asdict(rs.ShiftView()), lambda s: asdict(rs.resolve(rs.ShiftView(**s))))
events = rs.events()
labels = dict(zip(events["id"], events["date"].astype(str).str[:10] + " · " + events["title"]
                  + events["confirmed"].map({True: "", False: " (unconfirmed)"})))
labels["date"] = "A date of my choice …"
route_names = rs.routes()
nat_names = {"": "All nationalities"} | rs.nationalities()


def on_event_change():
    treated = rs.event_treated(st.session_state["rs_event"])
    if treated in route_names:
        st.session_state["rs_treated"] = treated


st.title(_("Route shifts"))
st.markdown(
    "When a policy closes one route, do the same people cross elsewhere? The estimate is a "
    "Poisson model of detections by nationality, route and month: the fall on the treated "
    "route against its own seasonally adjusted pre-event level, and the extra crossings on "
    "every other route by the nationalities that used the treated route before (their share "
    "of it), compared with the other nationalities on the same route and month. "
    "Pre-registered default: 12 months after the event (from its first full month), "
    "24 months before; intervals calibrated on placebo dates of the same route.")

with st.sidebar:
    st.header(_("Question"))
    st.selectbox(_("Policy event"), list(labels), key="rs_event", format_func=labels.get,
                 on_change=on_event_change)
    if st.session_state["rs_event"] == "date":
        st.text_input(_("Event date (YYYY-MM-DD)"), key="rs_date")
    st.selectbox(_("Treated route"), list(route_names), key="rs_treated",
                 format_func=route_names.get)
    st.slider(_("Months after"), 6, 24, key="rs_after")
    st.slider(_("Months before"), 12, 36, key="rs_before")
    st.header(_("Series chart"))
    st.radio(_("Scale"), ["linear", "log"], key="rs_scale", horizontal=True)
    st.selectbox(_("Nationality"), list(nat_names), key="rs_nationality",
                 format_func=nat_names.get)

view = rs.ShiftView(**bind.values)
source = rs.source(view)
result = rs.analyse(view)
ok = not isinstance(result, str)

data = rs.series(view, result if ok else None)
components.chart(rs.series_figure(data, view, result if ok else None, source), data, source,
                 rs.title(view), "route_shifts", scale=False)  # the page's own linear/log

if not ok:
    st.warning(f"This event cannot be analysed: {result}. {rs.window_message(view)}")
    bind.permalink_box()
    st.stop()

h = result.headline
st.subheader(_("Headline"))
st.markdown(f"**{result.title}**, treated route **{route_names[result.treated]}**, post window "
            f"{h.window.first_post:%B %Y} to {h.window.post_end:%B %Y}: {result.reading}.")
for gap in rs.gaps(result):
    st.info(gap)
if result.calibration is None:
    if st.button(f"Calibrate on placebo dates of {route_names[view.treated]} (takes about a "
                 "minute, stored for this data build)"):
        with st.spinner("Fitting the model on every placebo date …"):
            rs.calibrate(view)
        st.rerun()
c1, c2, c3 = st.columns(3)
c1.metric(f"Fall on {route_names[result.treated]}", f"{h.fall_treated.estimate:,.0f}",
          help=f"interval {h.fall_treated.lo:,.0f} to {h.fall_treated.hi:,.0f} detections")
c2.metric("Extra crossings on the other routes", f"{h.extra_total.estimate:,.0f}",
          help=f"interval {h.extra_total.lo:,.0f} to {h.extra_total.hi:,.0f} detections")
c3.metric("Displacement ratio", f"{h.ratio:,.3f}" if h.ratio == h.ratio else "undefined",
          help="extra crossings of the exposed nationalities elsewhere ÷ the fall; 1 = all of "
               "the fall reappeared elsewhere, 0 = none")
st.markdown(f"Displacement ratio: {rs.ratio_words(result)}.")

st.subheader(_("Change on each route"))
table = rs.routes_table(result)
components.chart(rs.effects_figure(result, table, source), table, source,
                 f"Change on each route, {rs.title(view)}", "route_shifts_effects")
st.dataframe(table, hide_index=True, column_config={
    c: st.column_config.NumberColumn(format="localized")
    for c in ("Change in detections", "Interval low", "Interval high")})

st.subheader("Risk on the routes, before and after")
if risk.available():
    w = h.window
    shown = [result.treated] + [r for r in table["Route code"] if r != result.treated]
    windows = risk.windows(shown, (w.pre_start.date(), w.pre_end.date()),
                           (w.first_post.date(), w.post_end.date()))
    risk_rows = risk.windows_table(windows, route_names, result.treated)
    risk_title = (f"Recorded dead and missing per 1,000 detections, pre window "
                  f"{w.pre_start:%b %Y}–{w.pre_end:%b %Y} and post window "
                  f"{w.first_post:%b %Y}–{w.post_end:%b %Y}, {rs.title(view)}")
    risk_source = risk.source(*risk.vintages())
    left_out = [route_names.get(r, r) for r in shown if r not in set(risk_rows.get("route_code", []))]
    st.markdown("The same windows as the estimate above. Routes no MMP route maps to are "
                "left out" + (f" ({', '.join(left_out)})" if left_out else "") + ".")
    if risk_rows.empty:
        st.info("No route of this event has MMP data mapped to it.")
    else:
        st.dataframe(risk_rows, hide_index=True, column_config={
            c: st.column_config.NumberColumn(format="localized")
            for c in risk_rows.columns if c.startswith(("dead", "detections"))} | {
            c: st.column_config.NumberColumn(format="%.1f")
            for c in risk_rows.columns if "per_1000" in c})
        for note in risk.window_gaps(windows):
            st.caption(note)
        components.source_footer(risk_source)
        components.csv_download(risk_rows, risk_source, risk_title, "route_shifts_risk")
else:
    st.info("The risk comparison needs IOM's Missing Migrants Project data: "
            "`python -m etl import ../shared/data/iom`.")

st.subheader("Before and after, by quarter")
es = rs.event_study(view)
if isinstance(es, str):
    st.info(f"The event study cannot be estimated for this window: {es}")
else:
    es_table = rs.event_study_table(result, es)
    components.chart(rs.event_study_figure(result, es, es_table, source), es_table, source,
                     f"Event study by quarter, {rs.title(view)}", "route_shifts_event_study")
    st.markdown(
        "The same model with one term per quarter instead of a single 'after' term. Treated "
        "route: its level in each quarter against the same season of the last year before "
        "the event. Other routes: the change for the most exposed nationality against the "
        "last quarter before the event, compared with the other nationalities on the same "
        "route and month. Joint test that the quarters before the event are zero "
        "(clustered by nationality, small-sample corrected):")
    for line in rs.pretrend_words(es):
        st.markdown(f"- {line}")
    st.caption("The treated route's test uses errors that cannot see shocks common to the "
               "whole route, so it rejects too easily; the other routes' tests are the ones "
               "that bear on displacement.")

st.subheader(_("Sensitivity"))
st.markdown("The headline is **robust**: every other specification's ratio lies inside its "
            "interval." if result.robust else
            "The reading **depends on the specification**: not every specification's ratio "
            "lies inside the headline's interval (or the headline is unbounded).")
strip = rs.strip_table(result)
st.dataframe(strip, hide_index=True, column_config={
    c: st.column_config.NumberColumn(format="localized")
    for c in ("Fall on the treated route", "Extra on the other routes")})
components.csv_download(strip, source, f"Sensitivity, {rs.title(view)}", "route_shifts_sensitivity")

with st.expander(_("Model and calibration")):
    st.write(h.model_text())
    cal = result.calibration
    if cal is not None:
        st.write(f"Placebo dates: {cal.n} ({cal.first_date} to {cal.last_date}), months whose "
                 f"post window holds no listed event of {route_names[cal.route]}. Rejection of "
                 f"'no change' at nominal 5 %: uncalibrated {100 * cal.rejection_rate_5pct:.1f} %; "
                 f"calibrated, leave-one-out {100 * cal.loo_rejection_fall:.1f} %, split by "
                 f"period {100 * cal.split_rejection_fall:.1f} % (target 3–7 %). The block-t "
                 f"rule (placebo spread × a t quantile for few independent windows): "
                 f"leave-one-out {rs.pct(cal.loo_rejection_fall_t)}, split by period "
                 f"{rs.pct(cal.split_rejection_fall_t)}.")
    st.write("No synthetic-control second opinion: its donor routes must be free of "
             "spillover, and every other Frontex route can receive displaced crossings, so "
             "no sound donor pool exists in these data.")
bind.permalink_box()
