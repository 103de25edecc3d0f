"""Migration-flows dashboard: official migration statistics with their sources."""
import streamlit as st

from dashboard import db

st.set_page_config(page_title="Migration flows", page_icon="🧭", layout="wide")
db.ensure_warehouse()

page = st.navigation([
    st.Page("pages/arrivals.py", title="Irregular arrivals", icon="🌊", default=True),
    st.Page("pages/route_shifts.py", title="Route shifts", icon="🔀"),
    st.Page("pages/return_gap.py", title="Return gap", icon="↩️"),
])
page.run()
