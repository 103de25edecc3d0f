"""Migration-flows dashboard: official migration statistics with their sources."""
import streamlit as st

from dashboard import boundary, db, entry, i18n
from dashboard.i18n import _

st.set_page_config(page_title="Migration flows", page_icon="🧭", layout="wide")
entry.app_ran()
i18n.setup()
status = None
with boundary.page_guard("app"):
    status = db.ensure_warehouse()
if status is None:  # the boundary has said why
    st.stop()
if status.warning:
    (st.warning if status.ok else st.error)(status.warning, icon="⚠️")
if not status.ok:
    st.stop()

page = st.navigation([
    st.Page("pages/overview.py", title=_("Overview"), icon="🧭", default=True),
    st.Page("pages/arrivals.py", title=_("Irregular arrivals"), icon="🌊"),
    st.Page("pages/route_shifts.py", title=_("Route shifts"), icon="🔀"),
    st.Page("pages/return_gap.py", title=_("Return gap"), icon="↩️"),
    st.Page("pages/remittances.py", title=_("Remittances"), icon="💸"),
    st.Page("pages/claims.py", title=_("Claim check"), icon="⚖️"),
    st.Page("pages/sources.py", title=_("Sources & provenance"), icon="📚"),
    st.Page("pages/revisions.py", title=_("Data revisions"), icon="🔁"),
])
# The browser tab names the view and the product, in the interface language.
st.set_page_config(page_title=page.title + " · " + _("Migration flows"))
with boundary.page_guard(page.title):
    page.run()
