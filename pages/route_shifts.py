"""Route shifts: did closing one route push the same people onto others (the waterbed effect)?"""
from dataclasses import asdict

import streamlit as st

from dashboard import components, i18n, risk
from dashboard import route_shifts as rs
from dashboard.binding import Binding
from dashboard.entry import through_app
from dashboard.i18n import _

through_app()
METRIC_WIDTH = 230  # px: "Extra grensoverschrijdingen" in one line

bind = Binding("rs", asdict(rs.ShiftView()), lambda s: asdict(rs.resolve(rs.ShiftView(**s))))
events = rs.shown_events()
labels = dict(zip(events["id"], events["date"].astype(str).str[:10] + " · " + events["title"]
                  + events["confirmed"].map({True: "", False: " " + _("(unconfirmed)")})))
labels["date"] = _("A date of my choice …")
route_names = rs.routes()
nat_names = {"": _("All nationalities")} | rs.nationalities()
scales = {"linear": _("linear"), "log": _("log")}


def on_event_change():
    treated = rs.event_treated(st.session_state["rs_event"])
    if treated in route_names:
        st.session_state["rs_treated"] = treated


st.title(_("Route shifts"))
st.markdown(_(
    "When a policy closes one route, do the same people cross elsewhere? The estimate is a "
    "Poisson model of detections by nationality, route and month: the fall on the treated "
    "route against its own seasonally adjusted pre-event level, and the extra crossings on "
    "every other route by the nationalities that used the treated route before (their share "
    "of it), compared with the other nationalities on the same route and month. "
    "Pre-registered default: 12 months after the event (from its first full month), "
    "24 months before. The intervals are nominal until you calibrate them on placebo "
    "dates of the same route (the button below the headline); the headline says when the "
    "data cannot support its reading."))

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
    st.radio(_("Scale"), list(scales), key="rs_scale", horizontal=True,
             format_func=scales.get)
    st.selectbox(_("Nationality"), list(nat_names), key="rs_nationality",
                 format_func=nat_names.get)

view = rs.ShiftView(**bind.values)
source = rs.source(view)
result = rs.analyse(view)
ok = not isinstance(result, str)

c = rs.series_chart(view)
components.chart(c.fig, c.data, c.source, c.title, "route_shifts",
                 scale=False, link="series")  # the page's own linear/log switch

if not ok:
    st.warning(_("This event cannot be analysed: {reason}. {window}").format(
        reason=result, window=rs.window_message(view)))
    bind.permalink_box()
    st.stop()

h = result.headline
es = rs.event_study(view)  # its pre-trend tests qualify the headline
st.subheader(_("Headline"))
st.markdown(rs.headline(result, es))
if result.calibration is None:
    if st.button(_("Calibrate on placebo dates of {route} (takes about a minute, stored for "
                   "this data build)").format(route=route_names[view.treated])):
        with st.spinner(_("Fitting the model on every placebo date …")):
            rs.calibrate(view)
        st.rerun()
# three figures of one width in a wrapping row: side by side on a wide window, two and
# one on a narrow one, so a label is never broken inside a word
row = st.container(horizontal=True, gap="medium")
c1, c2, c3 = (row.container(width=METRIC_WIDTH) for _i in range(3))
interval = _("interval {lo} to {hi} detections")
with c1:
    components.metric(_("Fall on {route}").format(route=route_names[result.treated]),
                      i18n.number(h.fall_treated.estimate),
                      help=interval.format(lo=i18n.number(h.fall_treated.lo),
                                           hi=i18n.number(h.fall_treated.hi)))
with c2:
    components.metric(_("Extra crossings on the other routes"),
                      i18n.number(h.extra_total.estimate),
                      help=interval.format(lo=i18n.number(h.extra_total.lo),
                                           hi=i18n.number(h.extra_total.hi)))
with c3:
    components.metric(_("Displacement ratio"), i18n.number(h.ratio, 3) if h.ratio == h.ratio
                      else _("undefined"),
                      help=_("extra crossings of the exposed nationalities elsewhere ÷ the "
                             "fall; 1 = all of the fall reappeared elsewhere, 0 = none"))
st.markdown(_("Displacement ratio: {words}.").format(words=rs.ratio_words(result)))

st.subheader(_("Change on each route"))
c = rs.effects_chart(view)
table = c.data
components.chart(c.fig, table, c.source, c.title, "route_shifts_effects", link="effects")
NUMBERS = ("Change in detections", "Interval low", "Interval high")
st.dataframe(components.as_text(table, dict.fromkeys(NUMBERS, 0)), hide_index=True,
             column_config={c: components.number_column(_(rs.COLUMNS[c])) for c in NUMBERS} | {
    "Route": st.column_config.TextColumn(_(rs.COLUMNS["Route"]), pinned=True)} | {
    c: _(rs.COLUMNS[c]) for c in ("Route code", "Role")})

st.subheader(_("Risk on the routes, before and after"))
if risk.available():
    w = h.window
    shown = [result.treated] + [r for r in table["Route code"] if r != result.treated]
    windows = risk.windows(shown, (w.pre_start.date(), w.pre_end.date()),
                           (w.first_post.date(), w.post_end.date()))
    risk_rows = risk.windows_table(windows, route_names, result.treated)
    risk_title = _("Recorded dead and missing per {thousand} detections, pre window "
                   "{pre_start}–{pre_end} and post window {post_start}–{post_end}, "
                   "{title}").format(
        thousand=i18n.number(1000), pre_start=rs.month_short(w.pre_start),
        pre_end=rs.month_short(w.pre_end), post_start=rs.month_short(w.first_post),
        post_end=rs.month_short(w.post_end), title=rs.title(view))
    risk_source = risk.source(*risk.vintages())
    left_out = [route_names.get(r, r) for r in shown if r not in set(risk_rows.get("route_code", []))]
    st.markdown(_("The same windows as the estimate above. Routes no MMP route maps to are "
                  "left out") + (f" ({', '.join(left_out)})" if left_out else "") + ".")
    if risk_rows.empty:
        st.info(_("No route of this event has MMP data mapped to it."))
    else:
        headers = risk.window_columns()
        counts = [c for c in risk_rows.columns if c.startswith(("dead", "detections"))]
        rates = [c for c in risk_rows.columns if "per_1000" in c]
        shown = components.as_text(risk_rows, dict.fromkeys(counts, 0) | dict.fromkeys(rates, 1))
        st.dataframe(shown, hide_index=True, column_config={
            c: components.number_column(headers.get(c)) for c in counts + rates} | {
            c: headers[c] for c in ("route", "route_code") if c in risk_rows.columns})
        for note in risk.window_gaps(windows):
            st.caption(note)
        components.source_footer(risk_source)
        components.csv_download(risk_rows, risk_source, risk_title, "route_shifts_risk")
else:
    st.info(_("The risk comparison needs IOM's Missing Migrants Project data: "
              "`python -m etl import ../shared/data/iom`."))

st.subheader(_("Before and after, by quarter"))
c = rs.event_study_chart(view)
if isinstance(c, str):
    st.info(_("The event study cannot be estimated for this window: {reason}").format(reason=c))
else:
    components.chart(c.fig, c.data, c.source, c.title, "route_shifts_event_study", link="es")
    st.markdown(_(
        "The same model with one term per quarter instead of a single 'after' term. Treated "
        "route: its level in each quarter against the same season of the last year before "
        "the event. Other routes: the change for the most exposed nationality against the "
        "last quarter before the event, compared with the other nationalities on the same "
        "route and month. Joint test that the quarters before the event are zero "
        "(clustered by nationality, small-sample corrected):"))
    for line in rs.pretrend_words(es):
        st.markdown(f"- {line}")
    st.caption(_("The treated route's test uses errors that cannot see shocks common to the "
                 "whole route, so it rejects too easily; the other routes' tests are the ones "
                 "that bear on displacement."))

st.subheader(_("Sensitivity"))
st.markdown(_("The headline is **robust**: every other specification's ratio lies inside its "
              "interval.") if result.robust else
            _("The reading **depends on the specification**: not every specification's ratio "
              "lies inside the headline's interval (or the headline is unbounded)."))
strip = rs.strip_table(result)
STRIP_NUMBERS = ("Fall on the treated route", "Extra on the other routes")
st.dataframe(components.as_text(strip, dict.fromkeys(STRIP_NUMBERS, 0)
                                | {"Displacement ratio": 3}), hide_index=True, column_config={
    c: components.number_column(_(rs.COLUMNS[c]))
    for c in (*STRIP_NUMBERS, "Displacement ratio")} | {
    "Specification": st.column_config.TextColumn(_(rs.COLUMNS["Specification"]),
                                                 pinned=True)} | {
    c: _(rs.COLUMNS[c]) for c in ("Inside the headline interval", "Details")})
for warning in rs.strip_warnings(result):
    st.warning(warning, icon=":material/warning:")
components.csv_download(strip, source, _("Sensitivity, {title}").format(title=rs.title(view)),
                        "route_shifts_sensitivity")

st.subheader(_("Second opinion: synthetic control"))
if st.toggle(_("Fit the synthetic control (about a second)"), key="rs_synth"):
    sc = rs.synthetic_control(view)
    st.markdown(sc if isinstance(sc, str) else rs.synth_words(sc))

with st.expander(_("Model and calibration")):
    st.write(rs.model_text(h))
    cal = result.calibration
    if cal is not None:
        st.write(_("Placebo dates: {n} ({first} to {last}), months whose post window holds "
                   "no listed event of {route}. Rejection of 'no change' at nominal {nominal}: "
                   "uncalibrated {uncalibrated}; calibrated, leave-one-out {loo}, split by "
                   "period {split} (target {target}). The block-t rule (placebo spread × a t "
                   "quantile for few independent windows): leave-one-out {loo_t}, split by "
                   "period {split_t}.").format(
            n=cal.n, first=cal.first_date, last=cal.last_date,
            route=route_names[cal.route], nominal=rs.pct_of(0.05, 0),
            uncalibrated=rs.pct_of(cal.rejection_rate_5pct),
            loo=rs.pct_of(cal.loo_rejection_fall), split=rs.pct_of(cal.split_rejection_fall),
            target="3–7 %", loo_t=rs.pct(cal.loo_rejection_fall_t),
            split_t=rs.pct(cal.split_rejection_fall_t)))
bind.permalink_box()
