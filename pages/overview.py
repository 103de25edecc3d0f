"""Overview: the latest figure of each theme, with its change on the year before."""
import streamlit as st

from dashboard import overview
from dashboard.entry import through_app
from dashboard.i18n import _

through_app()

st.title(_("Migration flows: the latest figures"))
st.markdown(_("Official statistics with their source and vintage. Each figure links to the "
              "page that shows the whole series, its definitions and its downloads."))

# Tiles of one fixed width in a wrapping row: three a row on a wide window, one on a
# narrow one, so a value or its change is never cut.
row = st.container(horizontal=True, gap="medium")
for tile in overview.tiles():
    with row.container(border=True, width=330):
        # A change is not good or bad in itself: neutral delta colours. The label is
        # shown in full (wrapped) above the value, never cut.
        st.markdown(f"**{tile.label}**".replace("$", r"\$"), help=tile.help or None)
        st.metric(tile.label, tile.value, tile.delta, delta_color="off",
                  label_visibility="collapsed")
        # commands as plain text: code spans inside a caption are drawn faded, below
        # 4.5:1 contrast
        st.caption(tile.caption.replace("`", ""))
        st.page_link(tile.page, label=_("Open the series →"))
