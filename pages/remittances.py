"""Remittances: NL outflow since 1970, inflows as % of GDP, NL → partner transfers."""
from dataclasses import asdict

import streamlit as st

from dashboard import components
from dashboard import remittances as rm

DEFAULTS = asdict(rm.RemittancesView())
countries = rm.payers()
view = rm.resolve(rm.RemittancesView(**components.restore(DEFAULTS)), countries)
for key, value in asdict(view).items():
    st.session_state.setdefault(f"rm_{key}", value)

st.title("Remittances")
st.markdown("Money sent home by migrants, from the World Bank's World Development Indicators. "
            "The World Bank's **personal remittances** add personal transfers and compensation "
            "of employees, so they are larger than personal transfers alone.")

with st.sidebar:
    st.header("Filters")
    st.selectbox("Sending country", list(countries), key="rm_country", format_func=countries.get)
    st.slider("From", 1960, 2030, key="rm_start")
    st.slider("To", 1960, 2030, key="rm_end")
    st.radio("Vintages", list(rm.MODES), key="rm_mode", format_func=rm.MODES.get)

view = rm.resolve(rm.RemittancesView(**{k: st.session_state[f"rm_{k}"] for k in DEFAULTS}),
                  countries)
data = rm.paid(view)
components.chart(rm.paid_figure(data, view, countries), data, rm.paid_source(data),
                 rm.paid_title(view, countries), f"remittances_paid_{view.country}")
if gap := rm.gaps(data, view, countries):
    components.missing_note([gap])

st.subheader("Received as % of GDP")
years = rm.pct_years()
left, right = st.columns(2)
left.selectbox("Year", years, key="rm_year")
right.number_input("Top N economies", 5, 60, key="rm_top_n")
view = rm.resolve(rm.RemittancesView(**{k: st.session_state[f"rm_{k}"] for k in DEFAULTS}),
                  countries)
pct = rm.pct_gdp(view)
components.chart(rm.pct_figure(pct, view), pct, rm.pct_source(pct), rm.pct_title(view),
                 f"remittances_pct_gdp_{view.year}")

st.subheader("From the Netherlands to countries outside the EU")
for row in rm.partner_transfers().itertuples():
    if row.loaded:
        st.caption(f"Eurostat {row.dataset} loaded: {row.first_year}–{row.last_year}.")
    else:
        st.info(f"Eurostat {row.dataset} (personal transfers by partner country) is not "
                "loaded, and this version has no fetcher for it yet.", icon="🕳️")

query = components.publish(asdict(view), DEFAULTS)
components.permalink_box(query)
