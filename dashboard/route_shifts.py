"""Route shifts (waterbed effect): the view's state, cached analysis, and figures.

The statistics are ``analysis.analyse_event``; this module only loads the data through the
app's read-only connection, caches per warehouse build, and draws.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import analysis
from dashboard import arrivals, charts, db

DEFAULT_EVENT = "eu-turkey-statement-2016"


@dataclass(frozen=True)
class ShiftView:
    """One route-shift question. Defaults: EU–Turkey Statement, Eastern Mediterranean."""

    event: str = DEFAULT_EVENT   # an event id, or "date" to use ``date``
    date: str = ""               # YYYY-MM-DD, with event == "date"
    treated: str = "EMR"
    before: int = 12
    after: int = 12
    nationality: str = ""        # ISO-3; empty = all nationalities


@st.cache_data(show_spinner=False, max_entries=4)
def _monthly(build_key: str) -> pd.DataFrame:
    return db.run(analysis.load_monthly)


def monthly() -> pd.DataFrame:
    """Route × nationality × month detections, latest vintage (Sea and Land summed)."""
    return _monthly(db.build_key())


def events() -> pd.DataFrame:
    return db.query("policy_events_all")


@st.cache_data(show_spinner=False, max_entries=4)
def _names(build_key: str) -> tuple[dict[str, str], dict[str, str]]:
    frame = monthly()
    names = frame.drop_duplicates("route_code").set_index("route_code")["route"]
    routes = {code: names[code] for code in analysis.ROUTE_CODES if code in names}
    totals = frame.groupby(["nationality_iso3", "nationality"])["detections"].sum()
    totals = totals[totals > 0].reset_index().sort_values("nationality")
    return routes, dict(zip(totals["nationality_iso3"], totals["nationality"]))


def routes() -> dict[str, str]:
    """Route code → name, in the project's route order."""
    return _names(db.build_key())[0]


def nationalities() -> dict[str, str]:
    """ISO-3 → name of every nationality with at least one detection, by name."""
    return _names(db.build_key())[1]


def resolve(view: ShiftView) -> ShiftView:
    ev = events()
    event = view.event if view.event in set(ev["id"]) or view.event == "date" else DEFAULT_EVENT
    date = view.date
    if event == "date":
        try:
            date = dt.date.fromisoformat(view.date).isoformat()
        except ValueError:
            event, date = DEFAULT_EVENT, ""
    return ShiftView(
        event=event, date=date if event == "date" else "",
        treated=view.treated if view.treated in routes() else "EMR",
        before=min(max(int(view.before), 6), 36), after=min(max(int(view.after), 6), 36),
        nationality=view.nationality if view.nationality in nationalities() else "",
    )


def event_row(view: ShiftView) -> dict:
    """Date, precision and title of the view's event."""
    if view.event == "date":
        return {"id": None, "date": pd.Timestamp(view.date), "date_precision": "day",
                "title": f"chosen date {view.date}", "confirmed": True}
    row = events().set_index("id").loc[view.event]
    return {"id": view.event, "date": pd.Timestamp(row["date"]),
            "date_precision": row["date_precision"], "title": row["title"],
            "confirmed": bool(row["confirmed"])}


@st.cache_data(show_spinner="Estimating …", max_entries=32)
def _analyse(view: ShiftView, build_key: str) -> analysis.WaterbedResult:
    ev = event_row(view)
    return analysis.analyse_event(
        monthly(), view.treated, ev["date"], event_id=ev["id"], events=events(),
        nationalities=view.nationality or None, months_before=view.before,
        months_after=view.after, date_precision=ev["date_precision"])


def analyse(view: ShiftView) -> analysis.WaterbedResult:
    return _analyse(view, db.build_key())


def series(view: ShiftView, result: analysis.WaterbedResult) -> pd.DataFrame:
    """Exactly the plotted monthly rows: every route from the seasonality period to the end of
    the post window (month, route, detections)."""
    wide = analysis.route_month_matrix(monthly(), view.nationality or None)
    w = result.window
    wide = wide.loc[w.pre_start - pd.DateOffset(months=12): w.post_end]
    names = routes()
    long = wide.reset_index().melt(id_vars="month", var_name="series_code", value_name="detections")
    long["series"] = long["series_code"].map(names)
    long["detections"] = long["detections"].astype("int64")
    long = long.rename(columns={"month": "period"})
    return long[["period", "series", "series_code", "detections"]]


def title(view: ShiftView) -> str:
    ev = event_row(view)
    who = f", {nationalities()[view.nationality]} nationals" if view.nationality else ""
    return (f"Monthly detections by route around {ev['title']} "
            f"({ev['date']:%-d %b %Y}){who}")


def series_figure(data: pd.DataFrame, view: ShiftView, result: analysis.WaterbedResult,
                  source: charts.Source) -> go.Figure:
    order = list(data.groupby("series")["detections"].sum().sort_values(ascending=False).index)
    fig = charts.time_series(data, title=title(view), source=source, grain="month",
                             stacked=False, y_title="Detections per month (count)", order=order)
    w = result.window
    fig.add_vrect(x0=w.pre_start, x1=w.first_post - pd.DateOffset(days=1),
                  fillcolor="#1f4e79", opacity=0.06, line_width=0,
                  annotation_text="pre window", annotation_position="top left")
    fig.add_vrect(x0=w.first_post, x1=w.post_end + pd.offsets.MonthEnd(0),
                  fillcolor="#c55a11", opacity=0.06, line_width=0,
                  annotation_text="post window", annotation_position="top left")
    ev = event_row(view)
    charts.add_events(fig, pd.DataFrame([{"date": ev["date"], "title": ev["title"],
                                          "confirmed": ev["confirmed"]}]))
    return fig


def effects_table(result: analysis.WaterbedResult) -> pd.DataFrame:
    """Post-event level change per route, in % with its interval (from the event study)."""
    table = result.event_study
    pct = table[table["effect"] == "level_pct"].set_index("route")
    names = routes()
    out = pd.DataFrame({
        "route": [names.get(r, r) for r in pct.index],
        "route_code": pct.index,
        "level change %": pct["estimate"].round(1),
        "95% CI low": pct["ci_low"].round(1),
        "95% CI high": pct["ci_high"].round(1),
        "p": pct["p"].round(3),
    })
    return out.sort_values("level change %").reset_index(drop=True)


def effects_figure(effects: pd.DataFrame, view: ShiftView, source: charts.Source) -> go.Figure:
    ev = event_row(view)
    return charts.interval_chart(
        effects, label="route", value="level change %", low="95% CI low",
        high="95% CI high", highlight=effects["route_code"] == view.treated,
        title=f"Estimated post-event level change by route, {ev['title']}",
        x_title="Level change after the event (%; 95% interval, log scale model)",
        source=source)


def source(view: ShiftView) -> charts.Source:
    return arrivals.source(arrivals.ArrivalsView(vintage=arrivals.vintages()[0]))


def fmt(x: float, digits: int = 2) -> str:
    return "—" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{x:,.{digits}f}"
