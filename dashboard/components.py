"""Shared page pieces: every chart with its table, series picker, downloads (CSV, Excel, PNG,
SVG) and citation; source footer; the share link."""
from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboard import alt_text, chart_data, charts, export
from dashboard.charts import Source
from dashboard.i18n import _


def csv_bytes(data: pd.DataFrame, source: Source, title: str,
              series: chart_data.Series | None = None) -> bytes:
    """The plotted rows as CSV, one row per point with dataset code, vintage and the reason
    of a missing value, behind a '#' header block naming title, source, vintages and the
    export time."""
    return chart_data.csv_bytes(chart_data.rows(data, source, series), source, title)


def source_footer(source: Source) -> None:
    st.caption(source.footer_line())


def csv_download(data: pd.DataFrame, source: Source, title: str, file_stem: str) -> None:
    st.download_button(_("Download CSV of the plotted data"), csv_bytes(data, source, title),
                       file_name=f"{file_stem}.csv", mime="text/csv", key=f"csv-{file_stem}",
                       on_click="ignore")


def permalink() -> str:
    """The link to the view being drawn (its page's choices and language)."""
    from dashboard import binding

    base = ""
    try:
        base = (st.context.url or "").split("?")[0]
    except AttributeError:
        pass
    query = binding.current_query()
    if query is None:
        query = urlencode(dict(st.query_params), safe=",")
    return f"{base}?{query}" if query else base


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def chart(fig, data: pd.DataFrame, source: Source, title: str, file_stem: str, *,
          series: chart_data.Series | None = None, scale: bool = True) -> None:
    """Every chart of the product: a Chart tab (the figure, title and footer inside it) and
    a Table tab (exactly the plotted data, formatted), the footer and the text alternative
    as text, a series picker (two or more series) that the downloads follow, a log/linear
    switch for lines of counts over time (``scale=False``: the page has its own), downloads
    of the plotted points (CSV, Excel) and of the image (PNG, SVG), and "Cite this chart".

    ``series`` says how the frame's rows belong to the figure's series where no column of
    the frame names them (see :class:`dashboard.chart_data.Series`)."""
    series = series.bound(fig) if series else chart_data.find_series(fig, data)
    names = chart_data.trace_names(fig)
    controls = []
    if len(names) >= 2 and not any(t.type.startswith("choropleth") for t in fig.data):
        controls.append("pick")
    if scale and chart_data.is_count_time_series(fig):
        controls.append("log")
    chosen = None
    if controls:
        cols = st.columns(([3] if "pick" in controls else []) + ([1.2, 1.2] if "log" in controls
                                                                   else []))
        if "pick" in controls:
            chosen = cols[0].multiselect(
                _("Series shown (and exported)"), names, default=names,
                key=f"pick-{file_stem}")
        if "log" in controls:
            cols[-2].toggle(_("Log scale"), key=f"log-{file_stem}")
            cols[-1].selectbox(_("Index (= 100 in)"), [None] + chart_data.index_years(fig),
                               key=f"index-{file_stem}",
                               format_func=lambda y: _("off") if y is None else str(y))
    fig, data = chart_data.pick(fig, data, chosen, series)
    if "log" in controls and (year := st.session_state.get(f"index-{file_stem}")):
        fig = chart_data.index_figure(fig, year)
        data = chart_data.index_column(data, series, year)
    if "log" in controls and st.session_state.get(f"log-{file_stem}"):
        fig = chart_data.log_scale(fig)
    table = chart_data.rows(data, source, series)
    chart_tab, table_tab, cite_tab = st.tabs([_("Chart"), _("Table"), _("Cite this chart")])
    with chart_tab:
        st.plotly_chart(fig, key=f"chart-{file_stem}", config=charts.export_config(file_stem))
    with table_tab:
        st.dataframe(chart_data.readable(table), hide_index=True, width="stretch",
                     key=f"table-{file_stem}")
    link = permalink()
    source_footer(source)
    # the chart's text alternative: one sentence on what it shows, for screen readers and
    # for anyone who cannot read the colours
    st.caption(alt_text.describe(fig))
    cols = st.columns(4)
    cols[0].download_button(
        _("Download CSV of the plotted data"), chart_data.csv_bytes(table, source, title),
        file_name=f"{file_stem}.csv", mime="text/csv", key=f"csv-{file_stem}",
        on_click="ignore")
    cols[1].download_button(
        _("Download Excel (.xlsx)"),
        lambda: chart_data.xlsx_bytes(table, source, title, permalink=link),
        file_name=f"{file_stem}.xlsx", mime=XLSX, key=f"xlsx-{file_stem}", on_click="ignore")
    if export.available():
        for col, fmt in zip(cols[2:], ("png", "svg")):
            col.download_button(
                _("Download {format}").format(format=fmt.upper()),
                lambda fmt=fmt: export.image_bytes(fig, fmt),
                file_name=f"{file_stem}.{fmt}", mime="image/png" if fmt == "png"
                else "image/svg+xml", key=f"{fmt}-{file_stem}", on_click="ignore")
    else:
        cols[2].caption(_("PNG/SVG export on the server needs chromium (see README); the "
                          "chart's camera button saves a PNG with the same title and footer."))
    with cite_tab:
        st.code(chart_data.cite_text(source, title, table, permalink=link), language=None,
                wrap_lines=True)


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
    label = _("Share this view")
    st.markdown(f"**{label}**")
    st.code(f"{base}?{query}" if query else base or _("(default view)"), language=None)
    st.caption(_("The link restores every choice on this page."))
