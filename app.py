"""Migration-flows dashboard: official migration statistics with their sources."""
import streamlit as st

from dashboard import boundary, db

st.set_page_config(page_title="Migration flows", page_icon="🧭", layout="wide")
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
    st.Page("pages/overview.py", title="Overview", icon="🧭", default=True),
    st.Page("pages/arrivals.py", title="Irregular arrivals", icon="🌊"),
    st.Page("pages/route_shifts.py", title="Route shifts", icon="🔀"),
    st.Page("pages/return_gap.py", title="Return gap", icon="↩️"),
    st.Page("pages/remittances.py", title="Remittances", icon="💸"),
    st.Page("pages/claims.py", title="Claim check", icon="⚖️"),
    st.Page("pages/sources.py", title="Sources & provenance", icon="📚"),
    st.Page("pages/revisions.py", title="Data revisions", icon="🔁"),
])
with boundary.page_guard(page.title):
    page.run()
