"""A chart's text alternative: one sentence saying what the figure shows, read from the
figure itself (its title, its series and their latest or largest values), so it always
matches what is drawn. Shown under every chart (``components.chart``)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import i18n
from dashboard.i18n import _, ngettext

MAX_ITEMS = 4  # series or rows named in the sentence


def _values(values) -> list:
    if values is None:
        return []
    return list(values.tolist() if isinstance(values, np.ndarray) else values)


def _number(value: float, percent: bool) -> str:
    if percent:
        return i18n.percent(value, 1)
    return i18n.number(value, 0 if abs(value) >= 100 or float(value).is_integer() else 1)


def _period(x, labels: dict | None = None) -> str:
    """A year, a date, or for a numeric axis (e.g. quarters of event time) its tick label."""
    if isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool):
        return str((labels or {}).get(x, x))
    stamp = pd.Timestamp(x)
    if stamp.day != 1:
        return i18n.date(stamp)
    # the first of a month stands for the month (or, in January, for a yearly value's year)
    return str(stamp.year) if stamp.month == 1 else i18n.month_year(stamp)


def _finite(v) -> bool:
    return v is not None and not (isinstance(v, float) and math.isnan(v))


def describe(fig: go.Figure) -> str:
    """The sentence, followed by the publisher's flags the figure marks (if any). A figure
    that draws some values clipped at its axis carries the sentence of its true values in
    ``layout.meta["alt"]``, which is used instead."""
    meta = fig.layout.meta
    text = meta.get("alt") if isinstance(meta, dict) and meta.get("alt") else _describe(fig)
    note = meta.get("flag_note") if isinstance(meta, dict) else None
    return f"{text} {note}" if note else text


def _describe(fig: go.Figure) -> str:
    layout = fig.layout
    title = (layout.title.text or "").replace("<br>", " ").strip()
    traces = [t for t in fig.data if t.showlegend is not False and t.name
              and not str(t.name).startswith("event ")] or [
        t for t in fig.data if not str(t.name or "").startswith("event ")]
    maps = [t for t in traces if t.type == "choropleth"]
    if maps:  # shading may be on a log scale: the sentence counts, the CSV has the values
        shaded = sum(_finite(z) for t in maps for z in _values(t.z))
        return ngettext("Map: {title}. {n} country or area is shaded; its value is in the CSV "
                        "download.", "Map: {title}. {n} countries or areas are shaded; their "
                        "values are in the CSV download.", shaded).format(title=title, n=shaded)
    traces = [t for t in traces if hasattr(t, "y")]
    horizontal = [t for t in traces if getattr(t, "orientation", None) == "h"
                  or (_values(t.y) and all(isinstance(v, str) for v in _values(t.y)))]
    if horizontal:
        fmt = (layout.xaxis.tickformat or "")
        first = next((t for t in horizontal if any(_finite(x) for x in _values(t.x))),
                     horizontal[-1])
        pairs = [(y, x) for y, x in zip(_values(first.y), _values(first.x)) if _finite(x)]
        items = "; ".join(f"{label} {_number(value, '%' in fmt)}"
                          for label, value in pairs[:MAX_ITEMS])
        if not pairs:
            return _("Bar chart: {title}. It shows no values for this selection.").format(
                title=title)
        count = ngettext("{n} row", "{n} rows", len(pairs)).format(n=len(pairs))
        return _("Bar chart: {title}. {count}, in the chart's order: {items}{more}.").format(
            title=title, count=count, items=items,
            more="; …" if len(pairs) > MAX_ITEMS else "")
    fmt = layout.yaxis.tickformat or ""
    ticks = dict(zip(_values(layout.xaxis.tickvals), _values(layout.xaxis.ticktext)))
    latest = []
    for t in traces:
        points = [(x, y) for x, y in zip(_values(t.x), _values(t.y)) if _finite(y)]
        if points and t.x is not None:
            x, y = points[-1]
            try:
                when = _period(x, ticks)
            except (ValueError, TypeError):
                when = str(x)
            latest.append(_("{series} {value} ({period})").format(
                series=str(t.name).replace("<br>", " "), value=_number(y, "%" in fmt),
                period=when))
    if not latest:
        return _("Chart: {title}. It shows no values for this selection.").format(title=title)
    kind = _("Bar chart") if any(isinstance(t, go.Bar) for t in traces) else _("Line chart")
    count = ngettext("{n} series", "{n} series", len(latest)).format(n=len(latest))
    return _("{kind}: {title}. {count}; the latest value of each: {items}{more}.").format(
        kind=kind, title=title, count=count, items="; ".join(latest[:MAX_ITEMS]),
        more="; …" if len(latest) > MAX_ITEMS else "")
