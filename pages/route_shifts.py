"""Route shifts: did closing one route push crossings onto others (the waterbed effect)?"""
from dataclasses import asdict

import streamlit as st

from dashboard import components
from dashboard import route_shifts as rs

DEFAULTS = asdict(rs.ShiftView())
view = rs.resolve(rs.ShiftView(**components.restore(DEFAULTS)))
for key, value in asdict(view).items():
    st.session_state.setdefault(f"rs_{key}", value)
events = rs.events()
labels = dict(zip(events["id"], events["date"].astype(str).str[:10] + " · " + events["title"]
                  + events["confirmed"].map({True: "", False: " (unconfirmed)"})))
labels["date"] = "A date of my choice …"
route_names = rs.routes()
nat_names = {"": "All nationalities"} | rs.nationalities()

st.title("Route shifts")
st.markdown("When a policy closes one route, do crossings rise on another? Pick an event and "
            "the route it targeted: the page estimates the change on every route, the share of "
            "the fall that reappeared elsewhere, and whether the same nationalities moved.")

with st.sidebar:
    st.header("Question")
    st.selectbox("Policy event", list(labels), key="rs_event", format_func=labels.get)
    if st.session_state["rs_event"] == "date":
        st.text_input("Event date (YYYY-MM-DD)", key="rs_date")
    st.selectbox("Treated route", list(route_names), key="rs_treated",
                 format_func=route_names.get)
    st.slider("Months before", 6, 36, key="rs_before")
    st.slider("Months after", 6, 36, key="rs_after")
    st.selectbox("Nationality", list(nat_names), key="rs_nationality",
                 format_func=nat_names.get)

view = rs.resolve(rs.ShiftView(**{k: st.session_state[f"rs_{k}"] for k in DEFAULTS}))
query = components.publish(asdict(view), DEFAULTS)
result = rs.analyse(view)
source = rs.source(view)

data = rs.series(view, result)
components.chart(rs.series_figure(data, view, result, source), data, source, rs.title(view),
                 "route_shifts")

st.subheader("Change on each route after the event")
effects = rs.effects_table(result)
components.chart(rs.effects_figure(effects, view, source), effects, source,
                 f"Change on each route after the event, {rs.title(view)}", "route_shifts_effects")
st.markdown(result.readings["event_study"])
with st.expander("Model"):
    st.write(result.event_study["model"].iloc[0])
    st.dataframe(effects, hide_index=True)

st.subheader("Displacement ratio")
d = result.displacement.summary()
c1, c2, c3 = st.columns(3)
c1.metric(f"Fall on {route_names[view.treated]}", rs.fmt(d['fall'], 0),
          help=f"95% interval {rs.fmt(d['fall_ci_low'], 0)} to {rs.fmt(d['fall_ci_high'], 0)} detections")
c2.metric("Rise on the other routes", rs.fmt(d['rise'], 0),
          help=f"95% interval {rs.fmt(d['rise_ci_low'], 0)} to {rs.fmt(d['rise_ci_high'], 0)} detections")
c3.metric("Ratio (1 = full waterbed, 0 = none)", rs.fmt(d['ratio'], 3),
          help=f"95% interval {rs.fmt(d['ci_low'], 3)} to {rs.fmt(d['ci_high'], 3)}")
st.markdown(result.readings["displacement"])
st.caption(d['method'])

st.subheader("Did the same nationalities move?")
if result.composition is None:
    st.info("The composition test needs more than one nationality: choose all nationalities.")
else:
    st.markdown(result.readings["composition"])
    left, right = st.columns(2)
    left.markdown(f"**Fell most on {route_names[view.treated]}**")
    left.dataframe(result.composition.fell_on_treated, hide_index=True)
    right.markdown("**Rose most on the other routes**")
    right.dataframe(result.composition.rose_elsewhere, hide_index=True)

st.subheader("Co-movement between routes")
if result.comovement is not None:
    st.markdown(result.readings["comovement"])

st.subheader("Limits of this reading")
st.markdown("\n".join(f"- {line}" for line in result.limits))
components.permalink_box(query)
