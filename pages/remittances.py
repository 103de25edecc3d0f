"""Remittances: NL outflow since 1970, inflows as % of GDP, NL → partner transfers."""
from dataclasses import asdict

import streamlit as st

from dashboard import components
from dashboard import remittances as rm
from dashboard.binding import Binding
from dashboard.entry import through_app
from dashboard.i18n import _

through_app()

MAIN, PARTNER = asdict(rm.RemittancesView()), asdict(rm.PartnerView())
countries = rm.payers()
partner_opts = rm.partner_options()


def resolve(s: dict) -> dict:
    main = asdict(rm.resolve(rm.RemittancesView(**{k: s[k] for k in MAIN}), countries))
    pv = rm.PartnerView(**{k: s[k] for k in PARTNER})
    return main | asdict(rm.resolve_partner(pv, partner_opts) if partner_opts else pv)


bind = Binding("rm", MAIN | PARTNER, resolve)
view = rm.RemittancesView(**{k: bind.values[k] for k in MAIN})

st.title(_("Remittances"))
st.markdown(_("Money sent home by migrants, from the World Bank's World Development Indicators. "
              "The World Bank's **personal remittances** add personal transfers and compensation "
              "of employees, so they are larger than personal transfers alone."))

with st.sidebar:
    st.header(_("Filters"))
    st.selectbox(_("Sending country"), list(countries), key="rm_country", format_func=countries.get)
    st.slider(_("From"), 1960, 2030, key="rm_start")
    st.slider(_("To"), 1960, 2030, key="rm_end")
    st.radio(_("Vintages"), list(rm.MODES), key="rm_mode", format_func=lambda m: _(rm.MODES[m]))

c = rm.paid_chart(view)
components.chart(c.fig, c.data, c.source, c.title, f"remittances_paid_{view.country}",
                 link="paid")
if gap := rm.gaps(c.data, view, countries):
    components.missing_note([gap])

st.subheader(_("Received as a share of GDP (%)"))
years = rm.pct_years()
left, right = st.columns(2)
left.selectbox(_("Year"), years, key="rm_year")
right.number_input(_("Top N economies"), 5, 60, key="rm_top_n")
c = rm.pct_chart(view)
components.chart(c.fig, c.data, c.source, c.title, f"remittances_pct_gdp_{view.year}",
                 link="pct")

st.subheader(_("From the Netherlands to countries outside the EU"))
if partner_opts:
    pv = rm.PartnerView(**{k: bind.values[k] for k in PARTNER})
    left, mid, right = st.columns(3)
    left.selectbox(_("Item"), list(partner_opts["item"]), key="rm_item",
                   format_func=partner_opts["item"].get)
    mid.selectbox(_("Flow (CRE credit, DEB debit, BAL balance)"), list(partner_opts["flow"]),
                  key="rm_flow")
    right.multiselect(_("Partners"), list(partner_opts["partner"]), key="rm_partners",
                      placeholder=_("Choose partners"))
    c = rm.partner_chart(pv)
    components.chart(c.fig, c.data, c.source, c.title, "bop_rem6_nl_by_partner",
                     link="partner")
else:
    for row in rm.partner_transfers().itertuples():
        st.info(_("Eurostat {dataset} (personal transfers by partner country) is not loaded "
                  "— fetch it with `{command}`.").format(dataset=row.dataset,
                                                         command=row.fetch_command),
                icon=":material/help_outline:")

bind.permalink_box()
