"""Migration-flows dashboard: official migration statistics with their sources."""
import streamlit as st

from dashboard import boundary, db, entry, i18n
from dashboard.i18n import _

st.set_page_config(page_title="Migration flows", page_icon=":material/dashboard:", layout="wide")
entry.app_ran()
i18n.setup()
status = None
with boundary.page_guard("app"):
    status = db.ensure_warehouse()
if status is None:  # the boundary has said why
    st.stop()
if status.warning:
    (st.warning if status.ok else st.error)(status.warning, icon=":material/warning:")
if not status.ok:
    st.stop()

page = st.navigation([
    st.Page("pages/overview.py", title=_("Overview"), icon=":material/dashboard:", default=True),
    st.Page("pages/arrivals.py", title=_("Irregular arrivals"), icon=":material/sailing:"),
    st.Page("pages/route_shifts.py", title=_("Route shifts"), icon=":material/alt_route:"),
    st.Page("pages/return_gap.py", title=_("Return gap"), icon=":material/undo:"),
    st.Page("pages/remittances.py", title=_("Remittances"), icon=":material/payments:"),
    st.Page("pages/claims.py", title=_("Claim check"), icon=":material/fact_check:"),
    st.Page("pages/sources.py", title=_("Sources & provenance"), icon=":material/source:"),
    st.Page("pages/revisions.py", title=_("Data revisions"), icon=":material/history:"),
])
# The browser tab names the view and the product, in the interface language.
st.set_page_config(page_title=page.title + " · " + _("Migration flows"))
with boundary.page_guard(page.title):
    page.run()
