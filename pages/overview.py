"""Overview: the latest figure of each theme, with its change on the year before."""
import streamlit as st

from dashboard import overview
from dashboard.i18n import _

st.title(_("Migration flows: the latest figures"))
st.markdown(_("Official statistics with their source and vintage. Each figure links to the "
              "page that shows the whole series, its definitions and its downloads."))

tiles = overview.tiles()
for row_start in range(0, len(tiles), 3):
    cols = st.columns(3)
    for col, tile in zip(cols, tiles[row_start:row_start + 3]):
        with col.container(border=True):
            # A change is not good or bad in itself: neutral delta colours. The label is
            # shown in full (wrapped) above the value, never cut.
            st.markdown(f"**{tile.label}**".replace("$", r"\$"))
            st.metric(tile.label, tile.value, tile.delta, delta_color="off",
                      label_visibility="collapsed")
            st.caption(tile.caption)
            st.page_link(tile.page, label=_("Open the series →"))
