"""Irregular arrivals: Frontex detections by route, border type, nationality and month."""
from dataclasses import asdict

import streamlit as st

from dashboard import arrivals, components

DEFAULTS = asdict(arrivals.ArrivalsView())
state = components.restore(DEFAULTS)
opts = arrivals.options(st.session_state.get("arr_vintage") or state["vintage"]
                        or arrivals.vintages()[0])
view = arrivals.resolve(arrivals.ArrivalsView(**state), opts)
for key, value in asdict(view).items():
    st.session_state.setdefault(f"arr_{key}", list(value) if isinstance(value, tuple) else value)

st.title("Irregular arrivals")
st.markdown("Detections of illegal border crossings at the EU's external borders, reported by "
            "Frontex. **Detections, not persons**: one person can be detected more than once.")

with st.sidebar:
    st.header("Filters")
    st.selectbox("Data vintage", opts.vintages, key="arr_vintage",
                 format_func=arrivals.vintage_label)
    st.multiselect("Routes", list(opts.routes), key="arr_routes",
                   format_func=opts.routes.get)
    st.multiselect("Border type", opts.border_types, key="arr_border_types")
    st.radio("Nationalities", list(arrivals.NATIONALITY_MODES), key="arr_nationality_mode",
             format_func=arrivals.NATIONALITY_MODES.get)
    if st.session_state["arr_nationality_mode"] == "top":
        st.number_input("N", min_value=1, max_value=50, step=1, key="arr_top_n")
    elif st.session_state["arr_nationality_mode"] == "chosen":
        st.multiselect("Chosen nationalities", list(opts.nationalities),
                       key="arr_nationalities", format_func=opts.nationalities.get)
    st.radio("Colour by", list(arrivals.BREAKDOWNS), key="arr_by",
             format_func=arrivals.BREAKDOWNS.get, horizontal=True)
    st.radio("Frequency", list(arrivals.GRAINS), key="arr_grain",
             format_func=arrivals.GRAINS.get, horizontal=True)
    st.radio("Chart", list(arrivals.STYLES), key="arr_style",
             format_func=arrivals.STYLES.get, horizontal=True)
    st.select_slider("Period", options=opts.months, value=(view.start, view.end), key="arr_period")
    st.toggle("Show policy events", key="arr_events")

chosen = {k: st.session_state[f"arr_{k}"] for k in DEFAULTS if k not in ("start", "end")}
chosen["start"], chosen["end"] = st.session_state["arr_period"]
view = arrivals.resolve(arrivals.ArrivalsView(**{k: tuple(v) if isinstance(v, list) else v
                                                 for k, v in chosen.items()}), opts)
query = components.publish(asdict(view), asdict(arrivals.resolve(arrivals.ArrivalsView(), opts)))

data = arrivals.series(view)
fig = arrivals.figure(data, view, opts)
source = arrivals.source(view)
components.chart(fig, data, source, arrivals.title(view, opts), "frontex_arrivals")
if view.grain == "year" and (partial := arrivals.partial_periods(data, view)):
    st.info(f"Not a full year in this vintage: {', '.join(partial)}. Newer months come with "
            "a newer workbook: `python -m etl fetch frontex`.")
if view.events:
    components.events_table(arrivals.events(view))
components.permalink_box(query)
