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
partner_opts = rm.partner_options()
if partner_opts:
    pv = rm.resolve_partner(rm.PartnerView(), partner_opts)
    left, mid, right = st.columns(3)
    item = left.selectbox("Item", list(partner_opts["item"]), key="rm_item",
                          index=list(partner_opts["item"]).index(pv.item),
                          format_func=partner_opts["item"].get)
    flow = mid.selectbox("Flow (CRE credit, DEB debit, BAL balance)", list(partner_opts["flow"]),
                         key="rm_flow", index=list(partner_opts["flow"]).index(pv.flow))
    partners = right.multiselect("Partners", list(partner_opts["partner"]),
                                 default=list(pv.partners), key="rm_partners")
    pv = rm.resolve_partner(rm.PartnerView(item=item, flow=flow, currency=pv.currency,
                                           partners=tuple(partners)), partner_opts)
    transfers = rm.partner_series(pv)
    components.chart(rm.partner_figure(transfers, pv, partner_opts), transfers,
                     rm.partner_source(transfers), rm.partner_title(pv, partner_opts),
                     "bop_rem6_nl_by_partner")
else:
    for row in rm.partner_transfers().itertuples():
        st.info(f"Eurostat {row.dataset} (personal transfers by partner country) is not "
                f"loaded — fetch it with `{row.fetch_command}`.", icon="🕳️")

query = components.publish(asdict(view), DEFAULTS)
components.permalink_box(query)
