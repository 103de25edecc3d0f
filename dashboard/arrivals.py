"""Irregular arrivals: the view's state, its data and its figure, with no widgets.

``ArrivalsView`` is everything the page lets a user choose; ``series`` returns exactly the
rows that are plotted; ``figure`` draws them. Pages and tests use these same functions.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from dashboard import charts, db, i18n, maps, memo
from dashboard.i18n import N_, _
from core import reference

DATASET = "frontex_ibc"
# labels are translated where shown: _(BREAKDOWNS[key])
BREAKDOWNS = {"route": N_("Route"), "nationality": N_("Nationality"),
              "border_type": N_("Border type")}
GRAINS = {"year": N_("Annual"), "month": N_("Monthly")}
STYLES = {"stacked": N_("Stacked bars"), "lines": N_("Lines")}
NATIONALITY_MODES = {"all": N_("All nationalities"), "top": N_("Top N nationalities"),
                     "chosen": N_("Chosen nationalities")}
# the title's "by …" part, per breakdown
_BY = {"route": N_("by route"), "nationality": N_("by nationality"),
       "border_type": N_("by border type")}


@dataclass(frozen=True)
class ArrivalsView:
    """One view of the arrivals data. Defaults reproduce the report's Figure 1."""

    routes: tuple[str, ...] = ()          # route codes; empty = all
    border_types: tuple[str, ...] = ("Land", "Sea")
    nationality_mode: str = "all"
    top_n: int = 10
    nationalities: tuple[str, ...] = ()   # ISO-3, with nationality_mode == "chosen"
    by: str = "route"
    grain: str = "year"
    style: str = "stacked"
    start: str = "2009-01"
    end: str = "2024-12"
    vintage: str = ""                     # empty = latest
    events: bool = False                  # overlay policy events


@dataclass(frozen=True)
class Options:
    vintages: list[str]
    routes: dict[str, str]
    border_types: list[str]
    nationalities: dict[str, str]
    months: list[str]


@memo.per_build(max_entries=4)
def vintages() -> list[str]:
    prov = db.query("provenance")
    rows = prov[prov["dataset"] == DATASET]
    return sorted(pd.to_datetime(rows["vintage"]).dt.strftime("%Y-%m-%d"), reverse=True)


@memo.per_build(max_entries=8)
def options(vintage: str) -> Options:
    dims = db.query("arrivals_dimensions", vintage=vintage)
    by_kind = {k: dict(zip(g["code"], g["label"])) for k, g in dims.groupby("kind")}
    order = list(dict.fromkeys(reference.routes()["route_code"]))
    routes = dict(sorted(by_kind.get("route", {}).items(), key=lambda kv: order.index(kv[0])))
    nats = dict(sorted(by_kind.get("nationality", {}).items(), key=lambda kv: kv[1]))
    return Options(vintages(), routes, sorted(by_kind.get("border_type", {})), nats,
                   sorted(by_kind.get("month", {})))


def _month(text: str) -> dt.date:
    year, month = text.split("-")
    return dt.date(int(year), int(month), 1)


def resolve(view: ArrivalsView, opts: Options) -> ArrivalsView:
    """Fill 'all'/'latest' defaults and clamp choices to what the vintage holds."""
    months = opts.months
    start = min(max(view.start, months[0]), months[-1])
    end = max(min(view.end, months[-1]), start)
    return ArrivalsView(
        routes=tuple(r for r in view.routes if r in opts.routes) or tuple(opts.routes),
        border_types=tuple(b for b in view.border_types if b in opts.border_types)
        or tuple(opts.border_types),
        nationality_mode=view.nationality_mode if view.nationality_mode in NATIONALITY_MODES else "all",
        top_n=max(1, min(int(view.top_n), 50)),
        nationalities=tuple(n for n in view.nationalities if n in opts.nationalities),
        by=view.by if view.by in BREAKDOWNS else "route",
        grain=view.grain if view.grain in GRAINS else "year",
        style=view.style if view.style in STYLES else "stacked",
        start=start, end=end,
        vintage=view.vintage if view.vintage in opts.vintages else opts.vintages[0],
        events=bool(view.events),
    )


def nationality_filter(view: ArrivalsView) -> list[str]:
    if view.nationality_mode == "chosen":
        return list(view.nationalities)
    if view.nationality_mode == "top":
        top = db.query("top_nationalities", vintage=view.vintage, routes=list(view.routes),
                       border_types=list(view.border_types), start=_month(view.start),
                       end=_month(view.end), n=view.top_n)
        return list(top["nationality_iso3"])
    return []


def series(view: ArrivalsView) -> pd.DataFrame:
    """Exactly the plotted rows: period, series, series_code, detections, months_in_period."""
    nats = nationality_filter(view)
    if view.nationality_mode != "all" and not nats:
        return pd.DataFrame(columns=["period", "series", "series_code", "detections",
                                     "months_in_period"])
    return db.query("arrivals_series", vintage=view.vintage, routes=list(view.routes),
                    border_types=list(view.border_types), nationalities=nats,
                    start=_month(view.start), end=_month(view.end), grain=view.grain, by=view.by)


def vintage_label(vintage: str) -> str:
    return _("FRAN data as of {date}").format(date=i18n.date(dt.date.fromisoformat(vintage)))


def per_capita_reason(vintage: str) -> str:
    """Why the per-100,000-residents option is off for these data (one line): a rate needs
    the population of the detected nationalities' countries, and the loaded population
    (Eurostat demo_pjan) covers European reporting countries only."""
    row = db.query("arrivals_population_coverage",
                   vintage=dt.date.fromisoformat(vintage)).iloc[0]
    share = float(row["share_of_detections"] or 0)
    return _("Per 100,000 residents is not available: no population is loaded for the "
             "countries of {without} of the {n} nationalities detected (demo_pjan covers "
             "European reporting countries; those with one account for {share} of "
             "detections), and a route has no resident population.").format(
        without=int(row["nationalities"]) - int(row["with_population"]),
        n=int(row["nationalities"]), share=i18n.percent(share, 3))


def source(view: ArrivalsView) -> charts.Source:
    return charts.source_for(DATASET, dt.date.fromisoformat(view.vintage))


def _scope(view: ArrivalsView, opts: Options) -> str:
    """", all routes" or the chosen routes, then the border type if only one is chosen."""
    scope = (_("all routes") if len(view.routes) == len(opts.routes)
             else ", ".join(opts.routes[r] for r in view.routes))
    if len(view.border_types) != len(opts.border_types):
        border = {"land": _("land borders"), "sea": _("sea borders")}.get(
            view.border_types[0].lower(), view.border_types[0].lower())
        scope += f", {border}"
    return scope


def title(view: ArrivalsView, opts: Options) -> str:
    who = {"all": "", "top": ", " + _("top {n} nationalities").format(n=view.top_n),
           "chosen": ", " + ", ".join(opts.nationalities.get(n, n) for n in view.nationalities[:4])
           + (" …" if len(view.nationalities) > 4 else "")}[view.nationality_mode]
    start, end = view.start[:4], view.end[:4]
    span = start if start == end else f"{start}–{end}"
    text = (_("Annual detections of illegal border crossings") if view.grain == "year"
            else _("Monthly detections of illegal border crossings"))
    return f"{text} {_(_BY[view.by])}, {_scope(view, opts)}{who}, {span}"


def partial_periods(data: pd.DataFrame, view: ArrivalsView) -> list[str]:
    """Years shown that the vintage does not cover in full (months in the range < 12)."""
    if view.grain != "year" or data.empty:
        return []
    months = data.groupby("period")["months_in_period"].max()
    return [_("{year} ({n} months)").format(year=p.year, n=n)
            for p, n in months.items() if n < 12]


def events(view: ArrivalsView) -> pd.DataFrame:
    """Policy events in the view's period that concern its routes (empty if not loaded)."""
    if not db.has_table("policy_events"):
        return pd.DataFrame(columns=["id", "date", "title", "routes", "confirmed"])
    end = _month(view.end)
    end = dt.date(end.year + (end.month == 12), end.month % 12 + 1, 1) - dt.timedelta(days=1)
    return charts.localized_titles(db.query("policy_events", start=_month(view.start), end=end,
                                            routes=list(view.routes)))


def figure(data: pd.DataFrame, view: ArrivalsView, opts: Options) -> go.Figure:
    partial = partial_periods(data, view)
    note = (_("Incomplete year(s) in the data: {years}.").format(years=", ".join(partial))
            if partial else "")
    fig = charts.time_series(
        data, title=title(view, opts), source=source(view), grain=view.grain,
        stacked=view.style == "stacked", y_title=_("Detections (count)"), note=note,
        order=_series_order(data), values="count",
    )
    if view.events:
        charts.add_events(fig, events(view))
    return fig


def _series_order(data: pd.DataFrame) -> list[str]:
    totals = data.groupby("series")["detections"].sum().sort_values(ascending=False)
    return list(totals.index)


# ----------------------------------------------------------------------------- map
def nationality_map(view: ArrivalsView) -> pd.DataFrame:
    """Detections by nationality under the view's vintage, routes, border types and period
    (every nationality, whatever the nationality filter): iso3, name, value."""
    return db.query("map_nationalities", vintage=view.vintage, routes=list(view.routes),
                    border_types=list(view.border_types), start=_month(view.start),
                    end=_month(view.end))


def map_title(view: ArrivalsView, opts: Options) -> str:
    span = (view.start if view.start == view.end
            else _("{start} to {end}").format(start=view.start, end=view.end))
    return (_("Detections of illegal border crossings by nationality") + f", "
            f"{_scope(view, opts)}, {span}")


def map_figure(data: pd.DataFrame, view: ArrivalsView, opts: Options) -> go.Figure:
    on_map, off = maps.split(data)
    return charts.choropleth(on_map, title=map_title(view, opts), source=source(view),
                             value_title=_("Detections (count, log scale)"),
                             note=maps.not_on_map_note(off), log=True)


# ----------------------------------------------------------------------------- the charts
# The page's charts with their rows, source and title, built once per (view, language,
# warehouse build) for every session (dashboard.memo). The view is resolved: its vintage is
# loaded.
@memo.per_build(max_entries=64)
def detections_chart(view: ArrivalsView) -> memo.ChartParts:
    opts = options(view.vintage)
    data = series(view)
    return memo.ChartParts(figure(data, view, opts), data, source(view), title(view, opts))


@memo.per_build(max_entries=32)
def map_chart(view: ArrivalsView) -> memo.ChartParts:
    opts = options(view.vintage)
    data = nationality_map(view)
    return memo.ChartParts(map_figure(data, view, opts), data, source(view),
                           map_title(view, opts))
