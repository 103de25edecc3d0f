"""Shared page pieces: every chart with its table, series picker, downloads (CSV, Excel, PNG,
SVG) and citation; source footer; the share link."""
from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboard import alt_text, chart_data, charts, export, i18n
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
    st.download_button(_("Download CSV of the plotted data"),
                       i18n.deferred(lambda: csv_bytes(data, source, title)),
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


OFF = 0  # the index box's "off" (not None: a None value would show as an empty box)
INDEX_WIDTH = 180  # px of the "Index (= 100 in)" box: its label and a year in full
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


SEEN = "_chart_links_read"  # session-state key: the chart ids whose link has been read


def _link_state(link: str, keys: dict[str, str], names: list[str], years: list[int],
                controls: list[str]) -> None:
    """Put a chart's controls into the session before they are drawn: from the link on the
    chart's first draw in this session (with a notice for what it cannot use), from its last
    draw when it comes back (a tab that was closed: Streamlit forgot its widgets), else the
    default view; a choice that no longer fits the chart (its series or years changed) goes
    back to the default."""
    from dashboard import binding

    ss = st.session_state
    seen = ss.setdefault(SEEN, set())
    if not any(keys[c] in ss for c in controls):
        if link not in seen:
            params = {k: st.query_params[k] for k in st.query_params}
        else:  # drawn before, then hidden (a closed tab): the choices it had
            params = binding.last_chart_params(link) or {}
        state, notices = chart_data.read_link(link, params, names, years,
                                              pick="pick" in controls, scale="log" in controls)
        for notice in notices if link not in seen else ():
            st.warning(notice.text())
        if "shown" in state:
            ss[keys["pick"]] = state["shown"]
        if "log" in state:
            ss[keys["log"]] = state["log"]
        if "index" in state:
            ss[keys["index"]] = state["index"] or OFF
    seen.add(link)
    if "pick" in controls:
        kept = [n for n in ss.get(keys["pick"], names) if n in names]
        legend = ss.get(f"{keys['pick']}:legend")  # (series count, positions) last shown
        if keys["pick"] in ss and len(kept) < len(ss[keys["pick"]]) and legend \
                and legend[0] == len(names):
            # the same series under other names (the language was switched): by position
            kept = [names[i] for i in legend[1] if i < len(names)]
        if keys["pick"] not in ss or (not kept and ss[keys["pick"]]):
            kept = list(names)
        if ss.get(keys["pick"]) != kept:
            ss[keys["pick"]] = kept
    if "log" in controls:
        if keys["log"] not in ss:
            ss[keys["log"]] = False
        if ss.get(keys["index"]) not in [OFF, *years]:
            ss[keys["index"]] = OFF


def chart(fig, data: pd.DataFrame, source: Source, title: str, file_stem: str, *,
          series: chart_data.Series | None = None, scale: bool = True,
          link: str | None = None) -> None:
    """Every chart of the product: a Chart tab (the figure, title and footer inside it) and
    a Table tab (exactly the plotted data, formatted), the footer and the text alternative
    as text, a series picker (two or more series) that the downloads follow, a log/linear
    switch for lines of counts over time (``scale=False``: the page has its own), downloads
    of the plotted points (CSV, Excel) and of the image (PNG, SVG), and "Cite this chart".

    ``series`` says how the frame's rows belong to the figure's series where no column of
    the frame names them (see :class:`dashboard.chart_data.Series`). ``link``: the chart's
    short id in the page's link, where its series, log and index choices are written
    (``<link>.s``, ``<link>.log``, ``<link>.idx``) and restored from; default the file stem."""
    series = series.bound(fig) if series else chart_data.find_series(fig, data)
    names = chart_data.trace_names(fig)
    link = link or file_stem
    controls = []
    if len(names) >= 2 and not any(t.type.startswith("choropleth") for t in fig.data):
        controls.append("pick")
    if scale and chart_data.is_count_time_series(fig):
        controls.append("log")
    keys = {"pick": f"pick-{file_stem}", "log": f"log-{file_stem}",
            "index": f"index-{file_stem}"}
    years = chart_data.index_years(fig) if "log" in controls else []
    chosen = None
    if controls:
        _link_state(link, keys, names, years, controls)
        # the picker on its own row, the log and index controls on the next (wrapping on a
        # narrow window): every label shows in full at 800 px in both languages
        if "pick" in controls:
            chosen = st.multiselect(_("Series shown (and exported)"), names, key=keys["pick"],
                                    placeholder=_("Choose series"))
        if "log" in controls:
            row = st.container(horizontal=True, gap="medium", vertical_alignment="bottom")
            row.toggle(_("Log scale"), key=keys["log"], width="content")
            row.selectbox(_("Index (= 100 in)"), [OFF, *years], key=keys["index"],
                          format_func=lambda y: _("off") if y == OFF else str(y),
                          width=INDEX_WIDTH)
    ss = st.session_state
    log = "log" in controls and bool(ss.get(keys["log"]))
    year = (ss.get(keys["index"]) or None) if "log" in controls else None
    from dashboard import binding

    binding.set_chart_params(link, chart_data.link_params(link, names, chosen, log, year))
    if chosen is not None:
        ss[f"{keys['pick']}:legend"] = (len(names), [i for i, n in enumerate(names)
                                                     if n in chosen])
    fig, data = chart_data.pick(fig, data, chosen, series)
    if year:
        fig = chart_data.index_figure(fig, year)
        data = chart_data.index_column(data, series, year)
    if log:
        fig = chart_data.log_scale(fig)
    lang = i18n.current()
    memo: list[pd.DataFrame] = []

    def table() -> pd.DataFrame:  # the plotted rows, built once and only when something needs them
        if not memo:
            memo.append(chart_data.rows(data, source, series))
        return memo[0]

    chart_tab, table_tab, cite_tab = st.tabs(
        [_("Chart"), _("Table"), _("Cite this chart")], key=f"tabs-{file_stem}",
        on_change="rerun")
    # only the open tab is built and sent (``.open`` is None outside a tracked run)
    if chart_tab.open is not False:
        with chart_tab:
            st.plotly_chart(fig, key=f"chart-{file_stem}", config=charts.export_config(file_stem))
    if table_tab.open:
        with table_tab:
            st.dataframe(chart_data.readable(table()), hide_index=True, width="stretch",
                         key=f"table-{file_stem}")
    link = permalink()
    source_footer(source)
    # the chart's text alternative: one sentence on what it shows, for screen readers and
    # for anyone who cannot read the colours
    st.caption(alt_text.describe(fig))
    # the downloads in one wrapping row, each button as wide as its label: at 800 px a
    # label is never cut
    row = st.container(horizontal=True, gap="small")
    # the files are made when their button is clicked, in the language of this page
    row.download_button(
        _("Download CSV of the plotted data"),
        i18n.deferred(lambda: chart_data.csv_bytes(table(), source, title), lang),
        file_name=f"{file_stem}.csv", mime="text/csv", key=f"csv-{file_stem}",
        on_click="ignore", width="content")
    row.download_button(
        _("Download Excel (.xlsx)"),
        i18n.deferred(lambda: chart_data.xlsx_bytes(table(), source, title, permalink=link),
                      lang),
        file_name=f"{file_stem}.xlsx", mime=XLSX, key=f"xlsx-{file_stem}", on_click="ignore",
        width="content")
    if export.available():
        for fmt in ("png", "svg"):
            row.download_button(
                _("Download {format}").format(format=fmt.upper()),
                lambda fmt=fmt: export.image_bytes(fig, fmt),
                file_name=f"{file_stem}.{fmt}", mime="image/png" if fmt == "png"
                else "image/svg+xml", key=f"{fmt}-{file_stem}", on_click="ignore",
                width="content")
    else:
        st.caption(_("PNG/SVG export on the server needs chromium (see README); the "
                          "chart's camera button saves a PNG with the same title and footer."))
    if cite_tab.open:
        with cite_tab:
            st.code(chart_data.cite_text(source, title, table(), permalink=link), language=None,
                    wrap_lines=True)


def missing_note(gaps: list[str]) -> None:
    """Say which years are missing from a chart and how to fetch them."""
    for gap in gaps:
        st.info(gap, icon=":material/help_outline:")


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


def metric(label: str, value: str, *, help: str | None = None, delta: str | None = None) -> None:
    """A figure with its label in full above it (wrapped, never cut with "…" as
    ``st.metric``'s own label is in a narrow column), its help beside the label, and a
    change in neutral colours (a fall is not "bad")."""
    st.markdown(f"**{label}**".replace("$", r"\$"), help=help or None)
    st.metric(label, value, delta, delta_color="off", label_visibility="collapsed")


def as_text(frame: pd.DataFrame, digits: dict[str, int] | None = None,
            percent: dict[str, int] | None = None, blank: tuple[str, ...] = (),
            months: tuple[str, ...] = ()) -> pd.DataFrame:
    """``frame`` for ``st.dataframe`` with numbers written as the interface language writes
    them (Streamlit's own "localized" format follows the browser, not the page's language):
    ``digits`` {column: decimals}, ``percent`` {column: decimals} for shares, and ``blank``
    columns whose missing values show as an empty cell rather than "None", ``months`` columns
    of dates written as months ("Jun 2016" · "jun 2016"). Show the written number columns
    with ``number_column``."""
    out = frame.copy()
    for col in months:
        if col in out:
            out[col] = out[col].map(lambda v: "" if pd.isna(v) else i18n.month_year(v))
    for col, d in (digits or {}).items():
        if col in out:
            out[col] = out[col].map(lambda v, d=d: "" if pd.isna(v) else i18n.number(v, d))
    for col, d in (percent or {}).items():
        if col in out:
            out[col] = out[col].map(
                lambda v, d=d: "" if pd.isna(v) else i18n.number(100 * v, d) + " %")
    for col in blank:
        if col in out:
            out[col] = out[col].map(lambda v: "" if v is None or (not isinstance(v, str)
                                                                  and pd.isna(v)) else v)
    return out


def number_column(label: str, **kwargs):
    """A column of numbers written by ``as_text``: right-aligned like numbers."""
    return st.column_config.TextColumn(label, alignment="right", **kwargs)
