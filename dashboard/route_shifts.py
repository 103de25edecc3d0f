"""Route shifts (waterbed effect): the view's state, cached analysis, and figures.

The statistics are ``analysis.route_event.analyse_route_event``; this module only loads the data through the
app's read-only connection, caches per warehouse build, and draws.
"""
from __future__ import annotations

import datetime as dt
import re
import textwrap
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import analysis
from analysis import events as analysis_events
from analysis import route_event
from analysis.leads_lags import EventStudy, fit_event_study
from analysis.panel import PanelResult, PanelSpec, specifications
from analysis.placebo import Calibration
from analysis.route_event import RouteEvent
from analysis.synth import SynthResult
from core import paths
from babel.dates import format_date

from dashboard import alt_text, arrivals, charts, db, i18n, layout, memo, names
from dashboard.i18n import N_, _

STORE = paths.DATA_DIR / ".warehouse-placebo"

DEFAULT_EVENT = "eu-turkey-statement-2016"

#: The headline's reading per verdict code (``analysis.route_event.VERDICTS``, the same
#: English words), translated where shown.
READINGS = {
    "unbounded": N_("the fall itself is not distinguishable from zero, so the share displaced "
                    "cannot be bounded"),
    "displacement": N_("part of the fall reappeared on the other routes (the ratio's interval "
                       "lies above 0)"),
    "negative": N_("the exposed nationalities fell on the other routes too (the ratio's "
                   "interval lies below 0): no waterbed"),
    "none": N_("no displacement distinguishable from zero (the ratio's interval contains 0)"),
    "no-fall": N_("the treated route did not fall, so there is nothing to displace"),
}
#: Why the reading is not established (``analysis.route_event.CAVEATS``), in words; the
#: headline and the effects chart print these, so a verdict never stands alone when the
#: data cannot support it.
CAVEATS = {
    "uncalibrated": N_("the intervals are not calibrated on placebo dates (nominal clustered "
                       "errors, known to be too narrow)"),
    "calibration-off-target": N_("the placebo calibration of {route} misses its 3–7 {pct} "
                                 "target out of sample ({loo} leave-one-out, {split} split by "
                                 "period), so the intervals are too narrow"),
    "pre-trend": N_("the exposed nationalities' quarters before the event are not zero on "
                    "{routes} (event study), so the design's parallel-trends assumption "
                    "fails"),
    "pretrend-untested": N_("the pre-trend test could not be run for this window"),
    "counterfactual": N_("the counterfactual leaves the range observed before the event "
                         "({cf} detections a month on {route} without the event, against "
                         "at most {max} in any month before)"),
    "not-robust": N_("the reading depends on the specification (see the sensitivity "
                     "table)"),
}
#: The sensitivity strip's specifications (``analysis.panel.specifications``).
SPECIFICATIONS = {
    "default": N_("default"), "6 months after": N_("6 months after"),
    "24 months after": N_("24 months after"), "12 months before": N_("12 months before"),
    "36 months before": N_("36 months before"), "with pre-trend": N_("with pre-trend"),
}
#: Headers of the routes table and of the sensitivity strip (their frames keep these English
#: names, the CSV's), translated where shown.
COLUMNS = {
    "Route": N_("Route"), "Route code": N_("Route code"), "Role": N_("Role"),
    "Change in detections": N_("Change in detections"), "Interval low": N_("Interval low"),
    "Interval high": N_("Interval high"), "Specification": N_("Specification"),
    "Fall on the treated route": N_("Fall on the treated route"),
    "Extra on the other routes": N_("Extra on the other routes"),
    "Displacement ratio": N_("Displacement ratio"),
    "Inside the headline interval": N_("Inside the headline interval"), "Details": N_("Details"),
}
ROLES = {"treated": N_("treated (all nationalities)"),
         "receiving": N_("receiving (exposed nationalities)")}
ROLES_EVENT_STUDY = {"treated": N_("treated (all nationalities)"),
                     "receiving": N_("receiving (most exposed nationality)")}


def crit_basis(basis: str) -> str:
    """Where the intervals' critical values come from, in the interface language."""
    if basis == "placebo-calibrated":
        return _("placebo-calibrated")
    if m := re.fullmatch(r"nominal CRV1 t\((\d+)\)", basis):
        return _("nominal CRV1 t({df})").format(df=m.group(1))
    return basis


def month(value) -> str:
    """June 2016 · juni 2016."""
    return format_date(pd.Timestamp(value).date(), "MMMM y", locale=i18n.locale())


def month_short(value) -> str:
    """Jun 2016 · jun 2016."""
    return format_date(pd.Timestamp(value).date(), "MMM y", locale=i18n.locale())


def reading(result: "RouteEvent") -> str:
    """The headline's reading in the interface language (its verdict code's words)."""
    return _(READINGS[result.verdict])


def describe_spec(s: PanelSpec) -> str:
    """``PanelSpec.describe`` in the interface language."""
    trend = _("pre-trend on the treated route") if s.trend else _("no trend")
    return _("{after} months after, {before} before; {trend}; top {top} nationalities").format(
        after=s.months_after, before=s.months_before, trend=trend, top=s.top)


def model_text(h: PanelResult) -> str:
    """``PanelResult.model_text`` in the interface language."""
    return _("Poisson PML (pyfixest) on nationality × route × month counts, {start}..{end}; "
             "treatment = after the event × route × the nationality's pre-event share of "
             "{treated}; {spec}; errors clustered by nationality ({clusters} clusters, "
             "small-sample corrected: CR1 with G/(G − 1) · (N − 1)/(N − k) and t({df}) "
             "critical values; no wild bootstrap, which pyfixest offers for OLS only); "
             "intervals with critical values {crit} (fall) and {crit_extra} (extra "
             "crossings; the ratio's Fieller interval uses the larger), {basis}.").format(
        start=f"{h.window.pre_start:%Y-%m}", end=f"{h.window.post_end:%Y-%m}",
        treated=h.treated, spec=describe_spec(h.spec), clusters=h.n_clusters,
        df=h.n_clusters - 1, crit=i18n.number(h.crit, 2), crit_extra=i18n.number(h.crit_extra, 2),
        basis=crit_basis(h.crit_basis))


@dataclass(frozen=True)
class ShiftView:
    """One route-shift question. Defaults: EU–Turkey Statement, Eastern Mediterranean, the
    pre-registered window (12 months after, 24 before)."""

    event: str = DEFAULT_EVENT   # an event id, or "date" to use ``date``
    date: str = ""               # YYYY-MM-DD, with event == "date"
    treated: str = "EMR"
    before: int = 24
    after: int = 12
    nationality: str = ""        # ISO-3, series chart only; empty = all nationalities
    scale: str = "linear"        # series chart: "linear" or "log"


@st.cache_data(show_spinner=False, max_entries=4)
def _monthly(build_key: str) -> pd.DataFrame:
    return db.run_alone(analysis.load_monthly)


def monthly() -> pd.DataFrame:
    """Route × nationality × month detections, latest vintage (Sea and Land summed)."""
    return _monthly(db.build_key())


def events() -> pd.DataFrame:
    """Every policy event, titles as recorded (English): what the analysis reads."""
    return db.query("policy_events_all")


def shown_events() -> pd.DataFrame:
    """Every policy event with its title in the interface's language: what a reader sees."""
    return charts.localized_titles(events())


@st.cache_data(show_spinner=False, max_entries=4)
def _names(build_key: str) -> tuple[dict[str, str], dict[str, str]]:
    frame = monthly()
    names = frame.drop_duplicates("route_code").set_index("route_code")["route"]
    routes = {code: names[code] for code in analysis.ROUTE_CODES if code in names}
    totals = frame.groupby(["nationality_iso3", "nationality"])["detections"].sum()
    totals = totals[totals > 0].reset_index().sort_values("nationality")
    return routes, dict(zip(totals["nationality_iso3"], totals["nationality"]))


def routes() -> dict[str, str]:
    """Route code → name in the interface language, in the project's route order."""
    return {code: names.route(name) for code, name in _names(db.build_key())[0].items()}


def nationalities() -> dict[str, str]:
    """ISO-3 → name (interface language) of every nationality with at least one detection,
    by name."""
    shown = db.name_map()
    out = {iso: shown.get(name, name) for iso, name in _names(db.build_key())[1].items()}
    return dict(sorted(out.items(), key=lambda kv: kv[1]))


def resolve(view: ShiftView) -> ShiftView:
    """The view with every value checked: unknown values fall back to the defaults."""
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
        before=min(max(int(view.before), 12), 36), after=min(max(int(view.after), 6), 24),
        nationality=view.nationality if view.nationality in nationalities() else "",
        scale=view.scale if view.scale in ("linear", "log") else "linear",
    )


def event_treated(event_id: str) -> str | None:
    """The route an event targets (its single listed route), None for several or all."""
    if event_id == "date":
        return None
    typed = analysis_events.parse_events(events()[events()["id"] == event_id])
    return route_event.default_treated(typed["routes"].iloc[0]) if len(typed) else None


def event_row(view: ShiftView) -> dict:
    """Date, precision and title of the view's event."""
    if view.event == "date":
        return {"id": None, "date": pd.Timestamp(view.date), "date_precision": "day",
                "title": _("chosen date {date}").format(date=i18n.date(view.date)),
                "confirmed": True}
    row = shown_events().set_index("id").loc[view.event]
    return {"id": view.event, "date": pd.Timestamp(row["date"]),
            "date_precision": row["date_precision"], "title": row["title"],
            "confirmed": bool(row["confirmed"])}


def spec(view: ShiftView) -> PanelSpec:
    return PanelSpec(months_before=view.before, months_after=view.after)


@st.cache_data(show_spinner=False, max_entries=4)
def _build_fingerprint(build_key: str) -> str:
    return str(db.run(lambda con: con.execute("SELECT fingerprint FROM build_info").fetchone()[0]))


def _fingerprint() -> str:
    """The build's input fingerprint, which names its stored calibrations (read once per
    build: every chart of a rerun asks whether its view is calibrated)."""
    return _build_fingerprint(db.build_key())


def calibration(view: ShiftView) -> Calibration | None:
    """The stored placebo calibration of this build for the view's route and window."""
    return route_event.load_calibration(STORE, _fingerprint(), view.treated, spec(view))


def calibrate(view: ShiftView) -> Calibration:
    """Compute and store the placebo calibration (tens of seconds; one button press)."""
    cal, _ = route_event.compute_calibration(monthly(), events(), view.treated, spec(view),
                                             store=STORE, fingerprint=_fingerprint())
    _analyse.clear()
    _event_study.clear()
    for builder in (_series_chart, _effects_chart, _event_study_chart):
        builder.clear()
    return cal


@st.cache_data(show_spinner=False, max_entries=64)
def _analyse(view: ShiftView, build_key: str, calibrated: bool) -> RouteEvent | str:
    ev = event_row(view)
    try:
        return route_event.analyse_route_event(
            monthly(), events(), event_id=ev["id"],
            event_date=None if ev["id"] else ev["date"], treated=view.treated,
            spec=spec(view), calibration=calibration(view) if calibrated else None)
    except ValueError as err:
        return str(err)


def analyse(view: ShiftView) -> RouteEvent | str:
    """The page's one result object, or the reason the event cannot be analysed."""
    with st.spinner(_("Estimating …")):
        return _analyse(view, db.build_key(), calibration(view) is not None)


@st.cache_data(show_spinner=False, max_entries=64)
def _event_study(view: ShiftView, build_key: str, calibrated: bool) -> EventStudy | str:
    result = _analyse(view, build_key, calibrated)
    if isinstance(result, str):
        return result
    try:
        return fit_event_study(result.headline)
    except ValueError as err:
        return str(err)


def event_study(view: ShiftView) -> EventStudy | str:
    """Leads and lags by quarter, fitted on the headline's own panel (``analysis.leads_lags``)."""
    with st.spinner(_("Estimating the event study …")):
        return _event_study(view, db.build_key(), calibration(view) is not None)


def quarter_label(q: int) -> str:
    return _("Q{n}").format(n=f"{q:+d}".replace("-", "−") if q else "0")


def event_study_table(result: RouteEvent, es: EventStudy) -> pd.DataFrame:
    """Exactly the plotted coefficients. Treated route: its log level against the same season
    of the last pre-event year; receiving routes: the log change for the most exposed
    nationality (the coefficient per unit of exposure × its exposure), against the last
    pre-event quarter."""
    names = routes()
    e_max = float(result.headline.exposure.max())
    c = es.coefficients
    scale = np.where(c["role"] == "treated", 1.0, e_max)
    return pd.DataFrame({
        "Route": [names.get(r, r) for r in c["route_code"]],
        "Route code": c["route_code"],
        "Role": c["role"].map(lambda r: _(ROLES_EVENT_STUDY[r])),
        "Quarter": c["quarter"],
        "Quarter label": [quarter_label(q) for q in c["quarter"]],
        "Log change": (c["estimate"] * scale).round(4),
        "Interval low": (c["lo"] * scale).round(4),
        "Interval high": (c["hi"] * scale).round(4),
        "Coefficient": c["estimate"].round(4),
        "Standard error": c["se"].round(4),
    })


def pretrend_words(es: EventStudy) -> list[str]:
    """One sentence per route: the joint test that its leads are zero."""
    names = routes()
    out = []
    for r, t in es.pretrend.items():
        role = _("treated route") if r == es.treated else _("exposed nationalities")
        verdict = (_("no pre-trend detected") if t.p_value >= 0.05 else
                   _("pre-trend: the leads are not zero"))
        out.append(f"{names.get(r, r)} ({role}): F({t.df_num}, {t.df_den}) = "
                   f"{i18n.number(t.statistic, 2)}, {p_text(t.p_value)} — {verdict}")
    return out


def pct(x: float) -> str:
    """A share as a percentage, or "not computed" when missing (an older stored calibration)."""
    return _("not computed") if x is None or np.isnan(x) else pct_of(x)


def pct_of(x: float, digits: int = 1) -> str:
    """A share as '12.3 %' · '12,3 %'."""
    return i18n.number(100 * x, digits) + " %"


def fmt_p(p: float) -> str:
    return "< " + i18n.number(0.001, 3) if p < 0.001 else i18n.number(p, 3)


def p_text(p: float) -> str:
    """'p = 0.123', or 'p < 0.001' (never 'p = < 0.001')."""
    return "p " + fmt_p(p) if p < 0.001 else "p = " + fmt_p(p)


def event_study_figure(result: RouteEvent, es: EventStudy, table: pd.DataFrame,
                       source: charts.Source) -> go.Figure:
    """Coefficients by quarter with 95 % intervals, one line per route, the event between
    Q−1 and Q0; the axis fits the treated route and values beyond it are written out."""
    treated = table[table["Route code"] == result.treated]
    span = treated[["Log change", "Interval low", "Interval high"]].abs().to_numpy()
    limit = max(float(np.nanmax(span)) * 1.3 if len(treated) else 1.0, 2.0)
    fig = go.Figure()
    clipped, true_y = [], []
    for i, (code, g) in enumerate(table.groupby("Route code", sort=False)):
        g = g.sort_values("Quarter")
        true_y.append(g["Log change"].to_numpy())
        others = [c for c in charts.PALETTE if c != "#c55a11"]
        colour = "#c55a11" if code == result.treated else others[i % len(others)]
        y = g["Log change"].clip(-limit, limit)
        hi = g["Interval high"].clip(-limit, limit)
        lo = g["Interval low"].clip(-limit, limit)
        over = g["Log change"].abs() > limit
        if over.any():
            clipped.append(_("{route}: {n} quarter(s) beyond the axis, drawn at its edge "
                             "(largest {largest})").format(
                route=g["Route"].iloc[0], n=over.sum(),
                largest=i18n.number(g.loc[over, "Log change"].abs().max(), 1)))
        fig.add_trace(go.Scatter(
            x=g["Quarter"], y=y, mode="lines+markers", name=g["Route"].iloc[0],
            line=dict(color=colour, width=3 if code == result.treated else 1.5),
            marker=dict(symbol=np.where(over, np.where(g["Log change"] > 0, "triangle-up",
                                                       "triangle-down"), "circle").tolist()),
            error_y=dict(type="data", symmetric=False, array=hi - y, arrayminus=y - lo,
                         color=colour, thickness=1),
            customdata=g[["Log change", "Interval low", "Interval high"]].to_numpy(),
            hovertemplate="%{x}: %{customdata[0]:.2f} (%{customdata[1]:.2f} " + _("to")
                          + " %{customdata[2]:.2f})<extra>%{fullData.name}</extra>"))
    fig.add_vline(x=-0.5, line=dict(color="#555", width=1, dash="dot"),
                  annotation_text=_("event"), annotation_position="top")
    fig.add_hline(y=0, line=dict(color="#333", width=1))
    quarters = sorted(table["Quarter"].unique())
    charts._frame(fig, title=_("Event study by quarter around {event}").format(
                      event=event_row_from(result)),
                  footer=source.footer_line(), plot_height=charts.PLOT_HEIGHT, left=70,
                  legend=[t.name for t in fig.data],
                  x_title=_("Quarter relative to the event (Q0 = the first three full months "
                            "after it)"))
    fig.update_layout(
        xaxis=dict(tickvals=quarters, ticktext=[quarter_label(q) for q in quarters]),
        yaxis=dict(title=_("Log change (95 {pct} interval)").format(pct="%"),
                   range=[-limit * 1.05, limit * 1.05]))
    names = routes()
    tests = "; ".join(f"{names.get(r, r)} {p_text(t.p_value)}" for r, t in es.pretrend.items())
    notes = [_("Pre-trend test (quarters before the event = 0): {tests}.").format(tests=tests),
             *clipped]
    # the text alternative tells the true values, also of those drawn clipped at the axis
    unclipped = go.Figure(fig)
    for trace, y in zip(unclipped.data, true_y):
        trace.y = y
    fig.update_layout(meta={**(fig.layout.meta or {}), "alt": alt_text.describe(unclipped)})
    return _notes_above_plot(fig, notes)


def _notes_above_plot(fig: go.Figure, notes: list[str]) -> go.Figure:
    """Write ``notes`` between the title and the plot, from the figure's left edge and
    wrapped as its footer is (so they fit an 800 px window); the figure grows by their
    height."""
    if notes:
        wrapped = [textwrap.fill(n, layout.FOOTER_CHARS).replace("\n", "<br>") for n in notes]
        extra = 15 * sum(w.count("<br>") + 1 for w in wrapped) + 10
        fig.add_annotation(text="<br>".join(wrapped), xref="paper", yref="paper", x=0, y=1,
                           yshift=8, xanchor="left", yanchor="bottom", showarrow=False,
                           xshift=layout.TEXT_INSET - (fig.layout.margin.l or 0),
                           align="left", font=dict(size=11, color="#8a1c1c"))
        fig.update_layout(height=fig.layout.height + extra,
                          margin=dict(t=fig.layout.margin.t + extra),
                          title=dict(y=1, yref="container", yanchor="top", pad=dict(t=12)))
    return fig


def window_message(view: ShiftView) -> str:
    """Plain words for an event the data cannot analyse (too close to the edges)."""
    first, last = monthly()["month"].min(), monthly()["month"].max()
    return _("The data run from {first} to {last}; the analysis needs {before} months before "
             "the event (at least 12) and {after} after it (at least 6). Choose a later or "
             "earlier event, or shorter windows.").format(
        first=month(first), last=month(last), before=view.before, after=view.after)


def series(view: ShiftView, result: RouteEvent | None) -> pd.DataFrame:
    """Exactly the plotted monthly rows: every route over the pre and post windows (or the
    two years around the date when the event cannot be analysed)."""
    wide = analysis.route_month_matrix(monthly(), view.nationality or None)
    if result is not None:
        w = result.headline.window
        wide = wide.loc[w.pre_start: w.post_end]
    else:
        d = event_row(view)["date"]
        wide = wide.loc[d - pd.DateOffset(months=24): d + pd.DateOffset(months=24)]
    names = routes()
    long = wide.reset_index().melt(id_vars="month", var_name="series_code", value_name="detections")
    long["series"] = long["series_code"].map(names)
    long["detections"] = long["detections"].astype("int64")
    long = long.rename(columns={"month": "period"})
    return long[["period", "series", "series_code", "detections"]]


def title(view: ShiftView) -> str:
    ev = event_row(view)
    who = (_(", {nationality} nationals").format(nationality=nationalities()[view.nationality])
           if view.nationality else "")
    if ev["id"] is None:  # "chosen date 20 Mar 2016" names its date already
        return _("Monthly detections by route around {event}{who}").format(
            event=ev["title"], who=who)
    return _("Monthly detections by route around {event}{who}").format(
        event=charts.titled_date(ev["title"], ev["date"]), who=who)


def series_figure(data: pd.DataFrame, view: ShiftView, result: RouteEvent | None,
                  source: charts.Source) -> go.Figure:
    order = list(data.groupby("series")["detections"].sum().sort_values(ascending=False).index)
    log = view.scale == "log"
    plotted = data.assign(detections=data["detections"].where(data["detections"] > 0)) \
        if log else data
    fig = charts.time_series(plotted, title=title(view), source=source, grain="month",
                             stacked=False, order=order,
                             y_title=_("Detections per month (count, log scale; months "
                                       "with 0 not drawn)") if log else
                             _("Detections per month (count)"), values="count")
    if log:
        fig.update_yaxes(type="log")
    if result is not None:
        w = result.headline.window
        fig.add_vrect(x0=w.pre_start, x1=w.first_post - pd.DateOffset(days=1),
                      fillcolor="#1f4e79", opacity=0.06, line_width=0,
                      annotation_text=_("pre window"), annotation_position="top left")
        fig.add_vrect(x0=w.first_post, x1=w.post_end + pd.offsets.MonthEnd(0),
                      fillcolor="#c55a11", opacity=0.06, line_width=0,
                      annotation_text=_("post window"), annotation_position="top left")
    ev = event_row(view)
    charts.add_events(fig, pd.DataFrame([{"date": ev["date"], "title": ev["title"],
                                          "confirmed": ev["confirmed"]}]))
    return fig


def routes_table(result: RouteEvent) -> pd.DataFrame:
    """Change per route over the post window, in detections, with its interval (the
    headline fit: the treated route's fall and the exposed nationalities' extra crossings)."""
    t = result.headline.routes_table()
    names = routes()
    return pd.DataFrame({
        "Route": [names.get(r, r) for r in t["route_code"]],
        "Route code": t["route_code"],
        "Role": t["role"].map(lambda r: _(ROLES[r])),
        "Change in detections": t["change"].round(0),
        "Interval low": t["lo"].round(0),
        "Interval high": t["hi"].round(0),
    })


def strip_table(result: RouteEvent) -> pd.DataFrame:
    s = result.strip
    specs = specifications(result.headline.spec)
    details = [describe_spec(specs[name]) if name in specs and note == specs[name].describe()
               else note for name, note in zip(s["specification"], s["note"])]
    # a fall that rests on a counterfactual beyond anything seen before is flagged, not listed
    details = [d + " — " + _("counterfactual beyond the observed range: {cf} a month, at most "
                             "{max} in any month before").format(
                   cf=i18n.number(row.counterfactual_month), max=i18n.number(row.pre_max_month))
               if row.counterfactual_beyond_pre else d
               for d, row in zip(details, s.itertuples(index=False))]
    return pd.DataFrame({
        "Specification": s["specification"].map(
            lambda n: _(SPECIFICATIONS[n]) if n in SPECIFICATIONS else n),
        "Fall on the treated route": s["fall"].round(0),
        "Extra on the other routes": s["extra"].round(0),
        "Displacement ratio": s["ratio"].round(3),
        "Inside the headline interval": s["inside_headline_interval"].map(
            lambda inside: _("yes") if inside else _("no")),
        "Details": details,
    })


def strip_warnings(result: RouteEvent) -> list[str]:
    """One sentence per specification whose counterfactual leaves the observed range, for
    under the sensitivity table (its Details column says it too, but sits off screen on a
    narrow window)."""
    out = []
    for row in result.strip.itertuples(index=False):
        if row.counterfactual_beyond_pre:
            name = row.specification
            spec_name = _(SPECIFICATIONS[name]) if name in SPECIFICATIONS else name
            out.append(_("{spec}: the counterfactual leaves the range observed before the "
                         "event ({cf} detections a month, at most {max} in any month before), "
                         "so its fall of {fall} rests on an extrapolation, not on the "
                         "data.").format(
                spec=spec_name[:1].upper() + spec_name[1:],
                cf=i18n.number(row.counterfactual_month), max=i18n.number(row.pre_max_month),
                fall=i18n.number(row.fall)))
    return out


def pretrend_p(es: EventStudy | str) -> dict[str, float] | None:
    """The event study's pre-trend p-value per route; None when it could not be fitted."""
    return None if isinstance(es, str) else {r: t.p_value for r, t in es.pretrend.items()}


def caveats(result: RouteEvent, es: EventStudy | str) -> list[str]:
    """Why the headline's reading is not established, one clause per reason, in the
    interface language (``RouteEvent.caveats``: the same codes the command line prints)."""
    names, h = routes(), result.headline
    out = []
    for code in result.caveats(pretrend_p(es)):
        text = _(CAVEATS[code])
        if code == "calibration-off-target":
            c = result.calibration
            text = text.format(route=names.get(result.treated, result.treated), pct="%",
                               loo=pct_of(c.loo_rejection_fall, 0),
                               split=pct_of(c.split_rejection_fall, 0))
        elif code == "pre-trend":
            shown = [names.get(r, r) for r, p in pretrend_p(es).items()
                     if r != result.treated and p < 0.05]
            text = text.format(routes=", ".join(shown))
        elif code == "counterfactual":
            text = text.format(cf=i18n.number(h.counterfactual_month),
                               route=names.get(result.treated, result.treated),
                               max=i18n.number(h.pre_max_month_treated))
        out.append(text)
    return out


def headline(result: RouteEvent, es: EventStudy | str) -> str:
    """The headline sentence: the reading, stated as established only when nothing in
    ``caveats`` holds; otherwise the reasons come first, in the same sentence."""
    h, names = result.headline, routes()
    lead = _("**{event}**, treated route **{route}**, post window {first} to {last}").format(
        event=event_row_from(result).rsplit(" (", 1)[0],
        route=names.get(result.treated, result.treated), first=month(h.window.first_post),
        last=month(h.window.post_end))
    why = caveats(result, es)
    if not why:
        return _("{lead}: {reading}. Established on this design: calibrated intervals "
                 "within their target, no pre-trend on the receiving routes, the same "
                 "reading in every specification.").format(lead=lead, reading=reading(result))
    return _("{lead}. **Not established**: the point estimates read “{reading}”, but "
             "{reasons}. Read it as a description of these data, not as a finding.").format(
        lead=lead, reading=reading(result), reasons="; ".join(why))


def gaps(result: RouteEvent, es: EventStudy | str) -> list[str]:
    """What the data cannot support, in words (inside the effects chart)."""
    out = [_("Not established: {reason}.").format(reason=c) for c in caveats(result, es)]
    status = result.headline.ratio_status
    if status == "no-fall":
        out.append(_("The treated route did not fall: the displacement ratio is undefined."))
    elif status == "unbounded":
        out.append(_("Ratio unbounded: the fall itself is not distinguishable from zero."))
    return out


def ratio_words(result: RouteEvent) -> str:
    """The ratio, its interval and what a value outside [0, 1] means, in words."""
    h = result.headline
    status = h.ratio_status
    if status == "no-fall":
        return _("undefined: the treated route did not fall")
    if status == "unbounded":
        return _("{ratio}, interval unbounded: the fall itself is not distinguishable "
                 "from zero").format(ratio=i18n.number(h.ratio, 3))
    text = _("{ratio} (interval {lo} to {hi})").format(
        ratio=i18n.number(h.ratio, 3), lo=i18n.number(h.ratio_lo, 3),
        hi=i18n.number(h.ratio_hi, 3))
    if status == "negative":
        text += _(" — negative: the exposed nationalities fell on the other routes too")
    elif status == "above-one":
        text += _(" — above 1: more extra crossings elsewhere than the fall itself")
    return text


def effects_figure(result: RouteEvent, table: pd.DataFrame, source: charts.Source,
                   es: EventStudy | str) -> go.Figure:
    """Change per route with its interval; the axis fits the receiving routes, and a value
    beyond it is drawn at the edge and written out."""
    data = table.copy()
    ev = event_row_from(result)
    chart = dict(
        label="Route", value="Change in detections", low="Interval low",
        high="Interval high", highlight=data["Route code"] == result.treated,
        title=_("Change in detections after {event}, by route (post window)").format(event=ev),
        x_title=_("Detections over the post window (fit − counterfactual; 95 {pct} "
                  "interval)").format(pct="%"),
        source=source)
    # the text alternative tells the true values, also of those drawn clipped at the axis
    alt = alt_text.describe(charts.interval_chart(table, **chart))
    rec = data[data["Route code"] != result.treated]
    span = rec[["Change in detections", "Interval low", "Interval high"]].abs()
    limit = float(np.nanmax(span.to_numpy())) * 1.15 if len(rec) else 1.0
    limit = max(limit, 1.0)
    clipped = []
    for col in ("Change in detections", "Interval low", "Interval high"):
        over = data[col].abs() > limit
        clipped.extend(data.loc[over, "Route"])
        data[col] = data[col].clip(-limit, limit)
    fig = charts.interval_chart(data, **chart)
    fig.update_xaxes(range=[-limit * 1.05, limit * 1.05])
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    fig.update_layout(meta={**meta, "alt": alt})
    notes = []
    for row in table.itertuples(index=False):
        if row.Route in set(clipped):
            notes.append(_("{route}: {change} ({lo} to {hi}), beyond the axis").format(
                route=row.Route, change=i18n.number(row[3]), lo=i18n.number(row[4]),
                hi=i18n.number(row[5])))
    notes.extend(gaps(result, es))
    return _notes_above_plot(fig, notes)


def event_row_from(result: RouteEvent) -> str:
    if result.event_id is not None:
        shown = shown_events().set_index("id")["title"]
        title = shown.get(result.event_id, result.title)
    else:
        return _("chosen date {date}").format(date=i18n.date(result.event_date))
    return charts.titled_date(title, result.event_date)


# ------------------------------------------------------------- the page's charts, cached
# Each chart's figure, rows, source and title once per (view, calibrated or not, language,
# build): the figures are drawn from the cached result, so a rerun draws nothing anew.
def _calibrated(view: ShiftView) -> bool:
    return calibration(view) is not None


def series_chart(view: ShiftView) -> memo.ChartParts:
    """The monthly series around the event (drawn also when the event cannot be analysed)."""
    return _series_chart(view, _calibrated(view))


@memo.per_build(max_entries=32)
def _series_chart(view: ShiftView, calibrated: bool) -> memo.ChartParts:
    result = _analyse(view, db.build_key(), calibrated)
    result = None if isinstance(result, str) else result
    src, data = source(view), series(view, result)
    return memo.ChartParts(series_figure(data, view, result, src), data, src, title(view))


def effects_chart(view: ShiftView) -> memo.ChartParts:
    """Change on each route (needs an analysable event)."""
    return _effects_chart(view, _calibrated(view))


@memo.per_build(max_entries=32)
def _effects_chart(view: ShiftView, calibrated: bool) -> memo.ChartParts:
    key = db.build_key()
    result, es = _analyse(view, key, calibrated), _event_study(view, key, calibrated)
    src, table = source(view), routes_table(result)
    return memo.ChartParts(effects_figure(result, table, src, es), table, src,
                           _("Change on each route, {title}").format(title=title(view)))


def event_study_chart(view: ShiftView) -> memo.ChartParts | str:
    """The event study by quarter, or the reason it cannot be estimated."""
    calibrated = _calibrated(view)
    with st.spinner(_("Estimating the event study …")):
        return _event_study_chart(view, calibrated)


@memo.per_build(max_entries=32)
def _event_study_chart(view: ShiftView, calibrated: bool) -> memo.ChartParts | str:
    key = db.build_key()
    result, es = _analyse(view, key, calibrated), _event_study(view, key, calibrated)
    if isinstance(es, str):
        return es
    src, table = source(view), event_study_table(result, es)
    return memo.ChartParts(event_study_figure(result, es, table, src), table, src,
                           _("Event study by quarter, {title}").format(title=title(view)))


# ------------------------------------------------------------- synthetic-control opinion
def synthetic_control(view: ShiftView) -> SynthResult | str:
    """The synthetic-control second opinion on the headline's fall (``analysis.synth``),
    or the reason the event cannot be analysed; about a second, once per view and build."""
    with st.spinner(_("Fitting the synthetic control …")):
        return _synthetic_control(view, _calibrated(view))


@memo.per_build(max_entries=16)
def _synthetic_control(view: ShiftView, calibrated: bool) -> SynthResult | str:
    from analysis import synth

    result = _analyse(view, db.build_key(), calibrated)
    if isinstance(result, str):
        return result
    return synth.second_opinion(monthly(), result.headline)


def synth_words(sc: SynthResult) -> str:
    """The second opinion in words, from its fields (the page and its test read these)."""
    from analysis import synth

    route = routes().get(sc.treated, sc.treated)
    design = _("Synthetic control (pysyncon): {route} rebuilt, before the event, as a "
               "weighted mix of detection series of nationalities that did not use it (less "
               "than {share} of its pre-event detections, so not the people the event could "
               "push elsewhere), each indexed to its own pre-event mean.").format(
        route=route, share=pct_of(synth.MAX_SHARE))
    if sc.pre_rmspe != sc.pre_rmspe:  # NaN: not fitted
        return design + " " + _("No second opinion: only {n} donor series pass that screen "
                                "with detections in nearly every month before the event.").format(
            n=sc.donors)
    if sc.verdict == "no second opinion":
        return design + " " + _(
            "No second opinion: built from {n} donor series, the synthetic route misses "
            "{route} before the event by {rmspe} of its pre-event level (at most {limit} "
            "counts as a fit), so its counterfactual, a fall of {fall}, says "
            "nothing.").format(n=sc.donors, route=route, rmspe=pct_of(sc.pre_rmspe, 0),
                               limit=pct_of(synth.MAX_PRE_RMSPE, 0), fall=i18n.number(sc.fall))
    text = (_("It agrees with the panel: a fall of {fall}, inside the panel's interval {lo} "
              "to {hi}") if sc.verdict == "agrees" else
            _("It disagrees with the panel: a fall of {fall}, outside the panel's interval "
              "{lo} to {hi}"))
    return design + " " + text.format(
        fall=i18n.number(sc.fall), lo=i18n.number(sc.panel_lo),
        hi=i18n.number(sc.panel_hi)) + " " + _("({n} donor series; before the event it "
                                                "misses {route} by {rmspe}).").format(
        n=sc.donors, route=route, rmspe=pct_of(sc.pre_rmspe, 0))


def source(view: ShiftView) -> charts.Source:
    return arrivals.source(arrivals.ArrivalsView(vintage=arrivals.vintages()[0]))


def fmt(x: float, digits: int = 2) -> str:
    return "—" if x is None or (isinstance(x, float) and np.isnan(x)) else i18n.number(x, digits)
