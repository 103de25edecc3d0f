"""Overview: the latest figure of each theme, with its change on the year before."""
import streamlit as st

from dashboard import overview
from dashboard.entry import through_app

through_app()

st.title("Migration flows: the latest figures")
st.markdown("Official statistics with their source and vintage. Each figure links to the page "
            "that shows the whole series, its definitions and its downloads.")

tiles = overview.tiles()
for row_start in range(0, len(tiles), 3):
    cols = st.columns(3)
    for col, tile in zip(cols, tiles[row_start:row_start + 3]):
        with col.container(border=True):
            st.metric(tile.label, tile.value, tile.delta)
            st.caption(tile.caption)
            st.page_link(tile.page, label="Open the series →")
