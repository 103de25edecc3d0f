"""Figure builders: pure functions from tidy frames to Plotly figures.

Every figure carries its title and its source footer inside the figure itself, so an
exported or pasted image still cites publisher, dataset and vintage.
"""
from __future__ import annotations

import datetime as dt
import re
import textwrap
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from core import metadata
from dashboard import flags, i18n, palette, layout

PALETTE = palette.SERIES  # Okabe–Ito, colour-blind safe

# The house template, set once: naming it on every figure costs ~8 ms a figure (the named
# template is looked up and merged each time) against ~1 ms for the default.
pio.templates.default = "plotly_white"


@dataclass(frozen=True)
class Source:
    publisher: str
    dataset: str
    vintage: dt.date
    unit: str
    footer: str  # full footer sentence(s), e.g. "Source: Frontex … Detections, not persons."
    caveats: tuple[str, ...] = ()  # caveats that apply to this chart (e.g. a computed value)
    vintages: tuple[tuple[str, dt.date], ...] = ()  # (dataset code, vintage) of each code

    def footer_line(self) -> str:
        extra = "".join(f" {c}" for c in self.caveats)
        return (f"{self.footer} "
                + i18n._("Dataset: {dataset}. Unit: {unit}.").format(dataset=self.dataset,
                                                                     unit=self.unit)
                + extra)


def source_for(dataset: str, vintages: dt.date | dict[str, dt.date], *,
               caveats: tuple[str, ...] | list[str] = (), unit: str | None = None) -> Source:
    """A chart's Source rendered from ``etl/metadata/<dataset>.yml`` (never typed per page).

    ``vintages`` is one date, or publisher dataset code → vintage when a chart combines
    several codes of one metadata file (e.g. migr_eiord and migr_eirtn)."""
    meta = metadata.dataset(dataset)
    if isinstance(vintages, dict):
        items = sorted(vintages.items())
        latest = max(v for _, v in items)
        codes = ", ".join(i18n._("{code} (vintage {date})").format(code=code, date=i18n.date(v))
                          for code, v in items)
        label = ", ".join(code for code, _ in items)
    else:
        latest, codes, label = vintages, dataset, dataset
    footer = localized(meta, "footer").strip().format(vintage=i18n.date(latest), datasets=codes)
    return Source(publisher=meta["publisher"], dataset=label, vintage=latest,
                  unit=i18n._(unit) if unit else localized(meta, "unit"),
                  footer=" ".join(footer.split()), caveats=tuple(caveats),
                  vintages=tuple(items) if isinstance(vintages, dict) else ((dataset, latest),))


def localized(meta: dict, key: str) -> str:
    """A metadata text in the interface's language: ``<key>_nl`` in Dutch where the metadata
    file has one, else ``<key>`` (English)."""
    lang = i18n.current()
    if lang != i18n.DEFAULT and meta.get(f"{key}_{lang}"):
        return meta[f"{key}_{lang}"]
    return meta[key]


ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def dated(text: str) -> str:
    """A text's ISO dates written as the interface writes dates ("agreed 2016-03-18" →
    "agreed 18 Mar 2016" · "overeengekomen 18 mrt 2016"), so a title never mixes the two."""
    return ISO_DATE.sub(lambda m: i18n.date(dt.date(*map(int, m.groups()))), text)


def titled_date(title: str, date) -> str:
    """An event's title with its date, one pair of brackets: "EU–Turkey Statement applies
    (20 Mar 2016; agreed 18 Mar 2016)", never "(agreed 18 Mar 2016) (20 Mar 2016)"."""
    when = i18n.date(date)
    if title.endswith(")") and " (" in title:
        head, inner = title[:-1].rsplit(" (", 1)
        return f"{head} ({when}; {inner})"
    return f"{title} ({when})"


def localized_titles(events: pd.DataFrame) -> pd.DataFrame:
    """Policy events with ``title`` in the interface's language (``title_nl`` in Dutch, where
    the event has one; the English title otherwise), dates in it as the interface writes
    them."""
    if events.empty or "title" not in events:
        return events
    lang = i18n.current()
    column = f"title_{lang}"
    out = events.copy()
    if lang != i18n.DEFAULT and column in events:
        out["title"] = out[column].where(out[column].notna() & (out[column] != ""),
                                         out["title"])
    out["title"] = out["title"].map(lambda t: dated(t) if isinstance(t, str) else t)
    return out


def file_notes(dataset: str, files) -> list[str]:
    """The metadata's ``file_notes`` for the files behind a chart's values (``files``: file
    names, or '; '-joined lists of them), each once, in the metadata's order."""
    meta = metadata.dataset(dataset)
    notes = (meta.get(f"file_notes_{i18n.current()}") if i18n.current() != i18n.DEFAULT
             else None) or meta.get("file_notes") or {}
    used = {part for f in files if isinstance(f, str) for part in f.split("; ")}
    return [" ".join(text.split()) for name, text in notes.items() if name in used]


PLOT_HEIGHT = 480  # title + plot area; the footer's height is added below it
FOOTER_GAP = 58    # px from the plot area's bottom edge to the footer (below the axis title)


def _wrap(text: str, width: int = 130) -> str:
    return "<br>".join(textwrap.wrap(text, width))


def _frame(fig: go.Figure, *, title: str, footer: str, plot_height: int, left: int,
           legend: list[str] | None = None, title_width: int | None = None,
           footer_width: int | None = None, x_title: str | None = None) -> None:
    """Title, house style and the source footer inside the figure (below the x-axis title),
    with the figure's height grown by the footer's lines so nothing is clipped.

    Title and footer wrap to fit an 800 px window; ``legend`` (the entry names) puts a
    horizontal legend below the plot, above the footer, so it never covers plot or title;
    ``title_width`` / ``footer_width`` (characters) wrap narrower (e.g. a map's). The footer
    starts at the figure's left edge, under the title, whatever the left margin; ``x_title``
    is the x-axis title, wrapped to the plot area's width at 800 px."""
    axis = layout.wrap(x_title, layout.axis_title_chars(left)) if x_title else []
    frame = layout.frame(title, footer, plot_height, legend or [], title_chars=title_width,
                         footer_chars=footer_width, axis_lines=len(axis) or 1, left=left)
    if axis:
        fig.update_xaxes(title_text="<br>".join(axis))
    fig.update_layout(
        title=dict(text="<br>".join(frame.title_lines), x=0, xanchor="left",
                   font=dict(size=17)),
        separators=i18n.separators(), height=frame.height,
        margin=dict(l=left, r=20, t=frame.top, b=frame.bottom),
        annotations=[dict(text="<br>".join(frame.footer_lines), xref="paper", yref="paper",
                          x=0, y=0, yshift=-frame.footer_offset, xanchor="left",
                          xshift=layout.TEXT_INSET - left,
                          yanchor="top", showarrow=False, align="left",
                          font=dict(size=11, color=palette.TEXT_MUTED))],
    )
    if legend:
        # at the plot area's left edge (a legend placed by the container's edge makes Plotly
        # widen the left margin by the legend's width); its rows are counted for that width
        fig.update_layout(legend=dict(orientation="h", x=0, xanchor="left",
                                      y=frame.legend_y, yanchor="top"))


# What a figure's values are, written by the code that builds it into the figure's
# ``layout.meta["values"]`` (never read from its axis title, which is in the reader's
# language): counts of persons or events, amounts of money, rates (per 100,000, per 1,000,
# ÷), shares, model estimates, or a claim's own series. A log scale and an index (= 100 in a
# year) are offered only for counts and amounts (``dashboard.chart_data``).
VALUE_KINDS = ("count", "amount", "rate", "share", "estimate", "claim")


def mark_values(fig: go.Figure, kind: str) -> go.Figure:
    """Write what the figure's values are (one of :data:`VALUE_KINDS`) into the figure."""
    if kind not in VALUE_KINDS:
        raise ValueError(f"values must be one of {VALUE_KINDS}, not {kind!r}")
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    fig.update_layout(meta={**meta, "values": kind})
    return fig


def value_kind(fig: go.Figure) -> str | None:
    """What the figure's values are, as its builder marked them (None: not marked)."""
    meta = fig.layout.meta
    return meta.get("values") if isinstance(meta, dict) else None


def _keep_flag_note(fig: go.Figure, note: str | None) -> None:
    """Record the flag note on the figure, for its text alternative (``alt_text``)."""
    if note:
        meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
        fig.update_layout(meta={**meta, "flag_note": note.replace(flags.NBSP, " ")})


def time_series(
    data: pd.DataFrame,
    *,
    title: str,
    source: Source,
    grain: str,
    stacked: bool,
    y_title: str,
    note: str = "",
    order: list[str] | None = None,
    y_format: str = ",d",
    hover_format: str = ",.0f",
    dashed: tuple[str, ...] = (),
    values: str | None = None,
    flag_intro: str | None = None,
) -> go.Figure:
    """Columns used: period (date), series (label), detections or value (number), and the
    publisher's flag where the frame has one (``flag`` or ``flags``).

    ``values``: what the numbers are (:data:`VALUE_KINDS`), marked in the figure; a figure
    not marked gets no log scale or index switch.

    A missing value (NaN) is drawn as a gap in a line, never bridged. ``y_format`` and
    ``hover_format`` are d3 formats (",d" counts, ".0%" fractions as percent); series named
    in ``dashed`` are drawn dashed (e.g. a computed or alternative definition). A flagged
    value gets an open marker and its flag in words on hover, and the footer lists the flags
    drawn (``flag_intro`` words that sentence's start, e.g. for a rate's inputs)."""
    value = "detections" if "detections" in data else "value"
    order = order or sorted(data["series"].unique())
    fig = go.Figure()
    # months are named by the interface language (Plotly's own "%b" is English only)
    hover_period = "%{x|%Y}" if grain == "year" else "%{text}"
    flag_col = flags.column(data)
    flagged_points, drawn = [], {}
    for i, name in enumerate(order):
        rows = data[data["series"] == name].sort_values("period")
        x = pd.to_datetime(rows["period"])
        colour, dash = palette.series_style(i)
        marks = ([f if pd.notna(v) else None for f, v in zip(rows[flag_col], rows[value])]
                 if flag_col else [None] * len(rows))
        flagged = [bool(flags.codes(f)) for f in marks]
        flagged_points += [(name, w.year, f) for w, f, on in zip(x, marks, flagged) if on]
        drawn[str(name)] = int(rows[value].notna().sum())
        extra = "%{customdata}" if any(flagged) else ""
        common = dict(
            x=x, y=rows[value], name=layout.legend_label(str(name)),
            hovertemplate=(f"{hover_period}<br>{name}: %{{y:{hover_format}}}{extra}"
                           "<extra></extra>"),
        )
        if grain != "year":
            common["text"] = [i18n.month_year(p) for p in x]
        if any(flagged):
            common["customdata"] = [flags.hover(f, source.publisher) for f in marks]
        if stacked:
            bar_marker = dict(color=colour)
            if any(flagged):
                bar_marker.update(line=dict(color=[palette.TEXT_MUTED if f else colour
                                                   for f in flagged],
                                            width=[2 if f else 0 for f in flagged]),
                                  pattern=dict(shape=["." if f else "" for f in flagged]))
            fig.add_trace(go.Bar(marker=bar_marker, textposition="none", **common))
        else:
            point = 6 if grain == "year" else 0
            marker = (dict(symbol=[flags.MARKER if f else "circle" for f in flagged],
                           size=[flags.MARKER_SIZE if f else point for f in flagged],
                           line=dict(width=[2 if f else 0 for f in flagged], color=colour))
                      if any(flagged) else None)
            fig.add_trace(go.Scatter(mode="lines+markers" if grain == "year" or any(flagged)
                                     else "lines",
                                     connectgaps=False, marker=marker,
                                     line=dict(color=colour, width=2,
                                               dash="dash" if name in dashed else dash),
                                     **common))
    flag_note = flags.note(flagged_points, source.publisher, intro=flag_intro, drawn=drawn)
    footer = " ".join([source.footer_line(), *(n for n in (note, flag_note) if n)])
    _frame(fig, title=title, footer=footer,
           plot_height=PLOT_HEIGHT, left=70, legend=[layout.legend_label(str(n)) for n in order])
    _keep_flag_note(fig, flag_note)
    years = (pd.to_datetime(data["period"]).dt.year.nunique() if len(data) else 0)
    fig.update_layout(
        barmode="stack" if stacked else None,
        legend=dict(traceorder="reversed" if stacked else "normal"),
        yaxis=dict(title=y_title, tickformat=y_format, rangemode="tozero"),
        # every year labelled only while that stays readable at 800 px; longer spans get
        # Plotly's own spacing (every 2, 5, 10 … years), never rotated
        xaxis=dict(title=i18n._("Year") if grain == "year" else i18n._("Month"),
                   dtick="M12" if grain == "year" and years <= 14 else None,
                   nticks=None if grain == "year" and years <= 14 else 10, tickangle=0,
                   tickformat="%Y" if grain == "year" else "%b %Y"),
    )
    if grain != "year" and len(data):
        vals, text = month_ticks(pd.to_datetime(data["period"]))
        fig.update_xaxes(tickmode="array", tickvals=vals, ticktext=text)
    if data.empty:
        fig.add_annotation(text=i18n._("No data for this selection"), xref="paper", yref="paper",
                           x=0.5, y=0.5, showarrow=False, font=dict(size=16))
    if values is not None:
        mark_values(fig, values)
    return fig


#: month steps between the ticks of a monthly axis, the first that gives at most MAX_TICKS
MONTH_STEPS = (1, 2, 3, 6, 12, 24, 36, 60, 120)
MAX_TICKS = 8


def month_ticks(periods: pd.Series) -> tuple[list[pd.Timestamp], list[str]]:
    """Tick positions and labels of a monthly axis in the interface language ("jun 2016"),
    at most ``MAX_TICKS``: Plotly writes month names in English whatever ``separators`` say.
    Steps of a year or more are labelled by the year alone, on January."""
    first, last = periods.min(), periods.max()
    n = (last.year - first.year) * 12 + last.month - first.month + 1
    step = next((s for s in MONTH_STEPS if n / s <= MAX_TICKS), MONTH_STEPS[-1])
    months = pd.date_range(first.to_period("M").to_timestamp(), last, freq="MS")
    if step >= 12:
        years = step // 12
        ticks = [m for m in months if m.month == 1 and m.year % years == 0]
        return ticks, [str(m.year) for m in ticks]
    ticks = [m for m in months if (m.month - 1) % step == 0]
    return ticks, [i18n.month_year(m) for m in ticks]


def bar_chart(data: pd.DataFrame, *, label: str, bars: dict[str, str], title: str,
              x_title: str, source: Source, text: str | None = None,
              x_format: str = ",d", hatched: str | None = None,
              flag_columns: dict[str, str] | None = None) -> go.Figure:
    """Horizontal grouped bars, one row per ``label`` (largest first, top to bottom).

    ``bars`` maps a value column to its legend name; ``text`` names a column shown at the end
    of each row (e.g. a rate); rows where the boolean column ``hatched`` is true get a hatched
    bar (e.g. a computed value) and the legend says so. ``flag_columns`` maps a value column
    to the column of its publisher's flags: a flagged bar is outlined, its hover says the
    flag in words and the footer lists the flags drawn."""
    fig = go.Figure()
    flagged_points = []
    drawn = {name: int(data[column].notna().sum()) for column, name in bars.items()}
    for i, (column, name) in enumerate(bars.items()):
        pattern = (dict(shape=["/" if h else "" for h in data[hatched]])
                   if hatched is not None else None)
        colour = PALETTE[i % len(PALETTE)]
        marker = dict(color=colour, pattern=pattern)
        extra = {}
        flag_col = (flag_columns or {}).get(column)
        if flag_col in data:
            marks = [f if pd.notna(v) else None for f, v in zip(data[flag_col], data[column])]
            on = [bool(flags.codes(f)) for f in marks]
            if any(on):
                flagged_points += [(name, lab, f) for lab, f, o in zip(data[label], marks, on)
                                   if o]
                extra = dict(customdata=[flags.hover(f, source.publisher) for f in marks])
        fig.add_trace(go.Bar(
            y=data[label], x=data[column], name=name, orientation="h", marker=marker,
            text=data[text] if text and i == len(bars) - 1 else None,
            textposition="outside", cliponaxis=False, offsetgroup=str(i), legendgroup=name,
            hovertemplate=(f"%{{y}}<br>{name}: %{{x:{x_format}}}"
                           + ("%{customdata}" if extra else "") + "<extra></extra>"),
            **extra))
        if extra:  # the outline of the flagged bars, drawn over them (the legend stays plain)
            fig.add_trace(go.Bar(
                y=data[label], x=[v if o else None for v, o in zip(data[column], on)],
                name=name, orientation="h", offsetgroup=str(i), legendgroup=name,
                showlegend=False,
                hoverinfo="skip", marker=dict(color="rgba(0,0,0,0)",
                                              line=dict(color=palette.TEXT_MUTED, width=2.5))))
    # hatching says something only where computed and published values are side by side
    mixed = hatched is not None and data[hatched].any() and not data[hatched].all()
    if hatched is not None and not mixed:
        for trace in fig.data:
            trace.marker.pattern = None
    if mixed:
        fig.add_trace(go.Bar(y=[None], x=[None], name=i18n._("hatched: computed"),
                             orientation="h",
                             marker=dict(color="white", line=dict(color="#444", width=1),
                                         pattern=dict(shape="/"))))
    flag_note = flags.note(flagged_points, source.publisher,
                           intro=i18n._("{publisher} flags (outlined bars)").format(
                               publisher=source.publisher), drawn=drawn)
    _frame(fig, title=title, footer=" ".join([source.footer_line(), *([flag_note] if flag_note
                                                                      else [])]),
           plot_height=120 + 34 * len(data), left=200, legend=[t.name for t in fig.data],
           x_title=x_title)
    _keep_flag_note(fig, flag_note)
    fig.update_layout(barmode="group", xaxis=dict(tickformat=x_format),
                      yaxis=dict(autorange="reversed"))
    if data.empty:
        fig.add_annotation(text=i18n._("No data for this selection"), xref="paper", yref="paper",
                           x=0.5, y=0.5, showarrow=False, font=dict(size=16))
    return fig


def claim_chart(data: pd.DataFrame, *, title: str, x_title: str, source: Source,
                x_format: str = ",.4g") -> go.Figure:
    """Claimed value with its tolerance band against the data value, one row per check.

    Columns: check, claimed, low, high (the band), data_value (NaN = not in the data) and,
    where the publisher flags the data value, ``flag``: a flagged value is an open circle, its
    hover says the flag in words and the footer lists the flags drawn."""
    fig = go.Figure()
    marks = list(data["flag"]) if "flag" in data else [None] * len(data)
    on = [bool(flags.codes(f)) and pd.notna(v) for f, v in zip(marks, data["data_value"])]
    flagged_points = [("", lab, f) for lab, f, o in zip(data["check"], marks, on) if o]
    fig.add_trace(go.Scatter(
        x=data["claimed"], y=data["check"], mode="markers",
        name=i18n._("claimed (band = tolerance)"),
        marker=dict(size=11, color=palette.HIGHLIGHT, symbol="diamond"),
        error_x=dict(type="data", symmetric=False, array=data["high"] - data["claimed"],
                     arrayminus=data["claimed"] - data["low"], color=palette.HIGHLIGHT,
                     thickness=2),
        hovertemplate="%{y}: " + i18n._("claimed") + f" %{{x:{x_format}}}<extra></extra>"))
    marker = dict(size=11, color=palette.REFERENCE)
    extra = {}
    if any(on):
        marker.update(symbol=["circle-open" if o else "circle" for o in on],
                      size=[flags.MARKER_SIZE if o else 11 for o in on],
                      line=dict(width=[2.5 if o else 0 for o in on], color=palette.REFERENCE))
        extra = dict(customdata=[flags.hover(f, source.publisher) if o else "" for f, o
                                 in zip(marks, on)])
    fig.add_trace(go.Scatter(
        x=data["data_value"], y=data["check"], mode="markers", name=i18n._("data"),
        marker=marker, hovertemplate=("%{y}: " + i18n._("data") + f" %{{x:{x_format}}}"
                                      + ("%{customdata}" if extra else "") + "<extra></extra>"),
        **extra))
    flag_note = flags.note(flagged_points, source.publisher,
                           intro=i18n._("{publisher} flags (open circles)").format(
                               publisher=source.publisher))
    _frame(fig, title=title, footer=" ".join([source.footer_line(), *([flag_note] if flag_note
                                                                      else [])]),
           plot_height=150 + 50 * len(data), left=230, legend=[t.name for t in fig.data],
           x_title=x_title)
    _keep_flag_note(fig, flag_note)
    fig.update_layout(xaxis=dict(tickformat=x_format),
                      yaxis=dict(autorange="reversed", type="category"))
    return fig


def interval_chart(data: pd.DataFrame, *, label: str, value: str, low: str, high: str,
                   highlight: pd.Series, title: str, x_title: str, source: Source) -> go.Figure:
    """Point estimates with intervals, one row per label (a forest plot)."""
    colours = [palette.HIGHLIGHT if h else palette.REFERENCE for h in highlight]
    fig = go.Figure(go.Scatter(
        x=data[value], y=data[label], mode="markers",
        marker=dict(size=10, color=colours),
        error_x=dict(type="data", symmetric=False, array=data[high] - data[value],
                     arrayminus=data[value] - data[low], color="#777", thickness=1.5),
        hovertemplate="%{y}: %{x:,.1f}<extra></extra>", showlegend=False,
    ))
    fig.add_vline(x=0, line=dict(color="#333", width=1))
    _frame(fig, title=title, footer=source.footer_line(), plot_height=90 + 36 * len(data),
           left=230, x_title=x_title)
    fig.update_layout(xaxis=dict(tickformat=",.0f"),
                      yaxis=dict(autorange="reversed"))
    return fig


MAP_HEIGHT = 520
TOPOJSON_URL = "app/static/topojson/"  # static/topojson/ (Streamlit static serving)


MAP_COLOURS = [[0.0, "#deebf7"], [0.5, "#4292c6"], [1.0, "#08306b"]]  # light to dark blue


def choropleth(data: pd.DataFrame, *, title: str, source: Source, value_title: str,
               value_format: str = ",d", hover_format: str = ",.0f", note: str = "",
               europe: bool = False, log: bool = False,
               flag_points: list[tuple[str, object, object]] = ()) -> go.Figure:
    """A world (or Europe) map shaded by value, Plotly's own geography (ISO-3 ids), no tiles.

    Columns used: iso3 (codes the map knows; the caller lists the others in ``note``), name,
    value. A row without a value is not shaded (the land stays grey) and the footer names
    it. ``value_format`` is the colour bar's d3 format, ``hover_format`` the Python format of
    the hover values; ``log`` shades by log10 of the value (counts spanning several orders
    of magnitude), the colour bar still labelled in the values. A country whose value
    carries a publisher's flag (column ``flag``) is outlined, its hover says the flag in
    words, and the footer lists the flags drawn with ``flag_points`` ((series, place, flag)
    of values the footer names off the map)."""
    values = data["value"].astype("float64")
    shown = data[values.notna()]
    z = values[values.notna()]
    marks = list(shown["flag"]) if "flag" in shown else [None] * len(shown)
    on = [bool(flags.codes(f)) for f in marks]
    hover = [f"{n} ({c}): {i18n.pyformat(v, hover_format)}{flags.hover(f, source.publisher)}"
             for c, n, v, f in zip(shown["iso3"], shown["name"], z, marks)]
    colorbar = dict(title=dict(text=_wrap(value_title, 18)), tickformat=value_format, len=0.8,
                    thickness=14)
    if log:
        positive = z[z > 0]
        top = int(np.ceil(np.log10(positive.max()))) if len(positive) else 1
        ticks = list(range(0, top + 1))
        colorbar.update(tickvals=ticks, ticktext=[i18n.pyformat(10 ** t, ",d") for t in ticks])
        z = np.log10(z.where(z > 0))
    fig = go.Figure(go.Choropleth(
        locations=shown["iso3"], z=z, locationmode="ISO-3", text=hover,
        hovertemplate="%{text}<extra></extra>", colorscale=MAP_COLOURS,
        marker=dict(line=dict(color=["#000" if o else "#fff" for o in on],
                              width=[2 if o else 0.4 for o in on]) if any(on)
                    else dict(color="#fff", width=0.4)), colorbar=colorbar))
    missing = data.loc[values.isna(), "name"].tolist()
    words = [note] if note else []
    points = [(n, "", f) for n, f, o in zip(shown["name"], marks, on) if o] + list(flag_points)
    # (place, -, flag): a map's flags are listed by place, not by series
    flag_note = flags.note([("", n, f) for n, _p, f in points], source.publisher,
                           intro=i18n._("{publisher} flags (countries outlined)").format(
                               publisher=source.publisher))
    if missing:
        names = ", ".join(missing[:12])
        if len(missing) > 12:
            names = i18n._("{names} and {n} more").format(names=names, n=len(missing) - 12)
        words.append(i18n._("No value (grey): {names}.").format(names=names))
    if flag_note:
        words.append(flag_note)
    _keep_flag_note(fig, flag_note)
    _frame(fig, title=title, footer=" ".join([source.footer_line(), *words]),
           plot_height=MAP_HEIGHT, left=10, title_width=55, footer_width=95)
    geo = dict(resolution=50, showframe=False, showcoastlines=False, showcountries=True,
               countrycolor="#bbb", showland=True, landcolor="#e6e6e6",
               lonaxis=dict(range=[-180, 180]), lataxis=dict(range=[-58, 84]),
               projection=dict(type="natural earth", rotation=dict(lon=0)))
    if europe:
        geo.update(lataxis=dict(range=[34, 71]), lonaxis=dict(range=[-25, 45]),
                   projection=dict(type="conic conformal", parallels=[43, 62],
                                   rotation=dict(lon=10)))
    fig.update_layout(geo=geo)
    fig.layout.margin.t = 90
    if shown.empty:
        fig.add_annotation(text=i18n._("No data for this selection"), xref="paper", yref="paper",
                           x=0.5, y=0.5, showarrow=False, font=dict(size=16))
    return fig


EVENT_ROWS = (1.0, 0.945, 0.89, 0.835)  # marker heights (share of the plot), top row first
EVENT_GAP = 0.035                # events nearer than this share of the time axis are staggered


def event_rows(dates: list[pd.Timestamp], start: pd.Timestamp, end: pd.Timestamp) -> list[float]:
    """A height per event marker so that numbers of events close in time never overprint:
    each event goes to the highest row whose last marker is at least ``EVENT_GAP`` of the
    time axis away (the lowest row holds the rest)."""
    span = max((end - start).days, 1)
    last: list[pd.Timestamp | None] = [None] * len(EVENT_ROWS)
    out = []
    for when in dates:
        row = next((r for r, prev in enumerate(last)
                    if prev is None or (when - prev).days / span >= EVENT_GAP),
                   len(EVENT_ROWS) - 1)
        last[row] = when
        out.append(EVENT_ROWS[row])
    return out


def add_events(fig: go.Figure, events: pd.DataFrame) -> go.Figure:
    """Mark policy events on a time axis: a dotted line per event, numbered at the top (events
    close together staggered in rows), with the title on hover. Unconfirmed events are grey
    and say so."""
    dates = [pd.Timestamp(d) for d in events["date"]] if len(events) else []
    xs = [pd.Timestamp(x) for t in fig.data if t.x is not None for x in t.x]
    start, end = (min(xs + dates), max(xs + dates)) if xs or dates else (None, None)
    heights = event_rows(dates, start, end) if dates else []
    for i, (ev, height) in enumerate(zip(events.itertuples(index=False), heights), 1):
        when = pd.Timestamp(ev.date)
        colour = "#555" if ev.confirmed else "#999"
        fig.add_vline(x=when.to_pydatetime(), line=dict(color=colour, width=1, dash="dot"))
        label = ev.title if ev.confirmed else i18n._("{title} (unconfirmed)").format(title=ev.title)
        fig.add_trace(go.Scatter(
            x=[when], y=[height], yaxis="y2", mode="markers+text", text=[str(i)],
            textposition="top center", marker=dict(size=7, color=colour, symbol="triangle-down"),
            hovertemplate=(f"{i18n.date(when)}: {label}<extra>" + i18n._("policy event")
                           + "</extra>"),
            showlegend=False, name=f"event {i}"))
    if len(events):
        fig.update_layout(yaxis2=dict(overlaying="y", range=[0, 1.08], visible=False,
                                      fixedrange=True))
    return fig


def export_config(file_stem: str) -> dict:
    """Plotly toolbar config: PNG export keeps title and footer (they are in the figure)."""
    return {
        "displaylogo": False,
        "topojsonURL": TOPOJSON_URL,  # maps draw from the bundled geometry, offline
        "toImageButtonOptions": {"format": "png", "filename": file_stem, "scale": 2,
                                 "width": 1200, "height": 700},
    }
