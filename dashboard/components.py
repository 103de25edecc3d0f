"""Shared page pieces: source footer, CSV download of the plotted data, permalinks."""
from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import streamlit as st

from dashboard import alt_text, charts, export
from dashboard.charts import Source
from dashboard.i18n import _


def csv_bytes(data: pd.DataFrame, source: Source, title: str) -> bytes:
    """The plotted rows as CSV, behind a '#' header block naming title, source and vintage."""
    out = io.StringIO()
    out.write(f"# {title}\n")
    out.write(f"# {source.footer_line()}\n")
    out.write(f"# Publisher: {source.publisher}; dataset: {source.dataset}; "
              f"vintage: {source.vintage.isoformat()}; unit: {source.unit}\n")
    out.write(f"# Exported: {dt.datetime.now(dt.timezone.utc):%Y-%m-%dT%H:%M:%SZ}\n")
    data.to_csv(out, index=False, date_format="%Y-%m-%d", lineterminator="\n")
    return out.getvalue().encode("utf-8")


def source_footer(source: Source) -> None:
    st.caption(source.footer_line())


def csv_download(data: pd.DataFrame, source: Source, title: str, file_stem: str) -> None:
    st.download_button(_("Download CSV of the plotted data"), csv_bytes(data, source, title),
                       file_name=f"{file_stem}.csv", mime="text/csv", key=f"csv-{file_stem}",
                       on_click="ignore")


def chart(fig, data: pd.DataFrame, source: Source, title: str, file_stem: str) -> None:
    """Every chart of the product: the figure (title and footer inside it), the footer as
    text, and downloads of exactly the plotted data (CSV) and of the image (PNG, SVG)."""
    st.plotly_chart(fig, key=f"chart-{file_stem}", config=charts.export_config(file_stem))
    source_footer(source)
    # the chart's text alternative: one sentence on what it shows, for screen readers and
    # for anyone who cannot read the colours
    st.caption(alt_text.describe(fig))
    cols = st.columns(3)
    with cols[0]:
        csv_download(data, source, title, file_stem)
    if export.available():
        for col, fmt in zip(cols[1:], ("png", "svg")):
            col.download_button(
                _("Download {format}").format(format=fmt.upper()),
                lambda fmt=fmt: export.image_bytes(fig, fmt),
                file_name=f"{file_stem}.{fmt}", mime="image/png" if fmt == "png"
                else "image/svg+xml", key=f"{fmt}-{file_stem}", on_click="ignore")
    else:
        cols[1].caption(_("PNG/SVG export on the server needs chromium (see README); the "
                          "chart's camera button saves a PNG with the same title and footer."))


def missing_note(gaps: list[str]) -> None:
    """Say which years are missing from a chart and how to fetch them."""
    for gap in gaps:
        st.info(gap, icon="🕳️")


def events_table(events: pd.DataFrame) -> None:
    """The numbered list of the events marked on the chart, with their sources."""
    if events.empty:
        st.caption(_("No policy events in this period for these routes."))
        return
    with st.expander(_("Policy events marked on the chart ({n})").format(n=len(events))):
        table = pd.DataFrame({
            "#": range(1, len(events) + 1),
            _("date"): pd.to_datetime(events["date"]).dt.strftime("%Y-%m-%d"),
            _("event"): events["title"],
            _("routes"): events["routes"].map(", ".join),
            _("confirmed"): events["confirmed"],
            _("source"): events["source_name"],
        })
        st.dataframe(table, hide_index=True, width="stretch")


# ----------------------------------------------------------------------------- permalinks
# The permalink box; the URL itself is written by ``dashboard.binding.Binding``.
def permalink_box(query: str) -> None:
    base = ""
    try:
        base = (st.context.url or "").split("?")[0]
    except AttributeError:
        pass
    with st.expander(_("Link to this view")):
        st.code(f"{base}?{query}" if query else base or _("(default view)"), language=None)
        st.caption(_("The link restores every choice on this page."))
