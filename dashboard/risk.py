"""Risk on the routes: recorded dead and missing (IOM Missing Migrants Project) per 1,000
Frontex detections, by route and year, and before/after an event; with no widgets.

The ratio is ours: its numerator (IOM, recorded deaths: a minimum) and denominator (Frontex,
detections: not persons) come from different publishers and definitions. Every chart and
table here says so in its footer.
"""
from __future__ import annotations

import datetime as dt
import textwrap

import pandas as pd
import plotly.graph_objects as go

from babel.dates import format_date

from dashboard import charts, db, i18n
from dashboard.i18n import N_, _

DATASET = "iom_mmp"
CAVEAT = N_("Ratio computed here: recorded dead and missing per 1,000 detections; numerator and "
          "denominator come from different publishers and definitions (MMP counts are "
          "minimums; detections are not persons).")
UNIT = N_("dead and missing per 1,000 detections")
#: Column headers of the before/after table (``windows_table``), translated where shown.
WINDOW_COLUMNS = {
    "route": N_("Route"), "route_code": N_("Route code"),
    "dead_and_missing_before": N_("Dead and missing, before"),
    "detections_before": N_("Detections, before"),
    "per_1000_before": N_("Per 1,000 detections, before"),
    "dead_and_missing_after": N_("Dead and missing, after"),
    "detections_after": N_("Detections, after"),
    "per_1000_after": N_("Per 1,000 detections, after"),
    "change_per_1000": N_("Change per 1,000 detections"),
}


def window_columns() -> dict[str, str]:
    """The before/after table's column headers in the interface language."""
    return {c: _(label) for c, label in WINDOW_COLUMNS.items()}


def _month_short(value) -> str:
    """Jun 2016 · jun 2016."""
    return format_date(pd.Timestamp(value).date(), "MMM y", locale=i18n.locale())


def available() -> bool:
    return db.has_table("route_risk_yearly")


def first_year() -> int:
    """The first year with a ratio: the first year both publishers' files cover."""
    return int(db.query("risk_routes")["first_year"].min())


def mapped_routes() -> list[str]:
    """Frontex route codes an MMP route maps to (etl/reference/mmp_routes.csv)."""
    return list(db.query("risk_routes")["route_code"])


def yearly(routes: list[str], start_year: int, end_year: int) -> pd.DataFrame:
    """Exactly the plotted rows: period, year, route_code, series, dead_and_missing,
    detections, value (the ratio), months_covered, mmp_vintage, frontex_vintage."""
    return db.query("risk_yearly", routes=list(routes), start_year=max(start_year, first_year()),
                    end_year=end_year)


def unmapped(start_year: int, end_year: int) -> pd.DataFrame:
    """MMP routes with no Frontex route: dead and missing, records and why, in the years."""
    return db.query("risk_unmapped", start_year=max(start_year, first_year()), end_year=end_year)


def source(mmp_vintage: dt.date, frontex_vintage: dt.date) -> charts.Source:
    """Both publishers' footers (from their metadata), the ratio's caveat, the ratio's unit."""
    iom = charts.source_for(DATASET, mmp_vintage)
    frontex = charts.source_for("frontex_ibc", frontex_vintage)
    return charts.Source(publisher=f"{iom.publisher}; {frontex.publisher}",
                         dataset=f"{iom.dataset}, {frontex.dataset}",
                         vintage=max(mmp_vintage, frontex_vintage), unit=_(UNIT),
                         footer=f"{iom.footer} {frontex.footer}", caveats=(_(CAVEAT),),
                         vintages=iom.vintages + frontex.vintages)


def vintages(data: pd.DataFrame | None = None) -> tuple[dt.date, dt.date]:
    """(MMP vintage, Frontex vintage) of the plotted rows, or of the mart."""
    if data is None or data.empty:
        data = db.query("risk_routes")
    return (pd.Timestamp(data["mmp_vintage"].max()).date(),
            pd.Timestamp(data["frontex_vintage"].max()).date())


def gaps(data: pd.DataFrame, start_year: int) -> list[str]:
    """What the chart cannot show, in words (also written inside the figure)."""
    out = []
    if start_year < (first := first_year()):
        out.append(_("No ratio before {first}: the MMP records begin in {first}.").format(
            first=first))
    partial = sorted({(int(y), int(m)) for y, m in zip(data["year"], data["months_covered"])
                      if m < 12})
    if partial:
        out.append(_("Part of a year only: {years}.").format(years=", ".join(
            _("{year} ({months} months, in both files)").format(year=y, months=m)
            for y, m in partial)))
    missing = data[data["value"].isna()]
    if len(missing):
        out.append(_("No ratio (no detections): {which}.").format(which=", ".join(
            f"{r.series} {r.year}" for r in missing.itertuples(index=False))))
    return out


def title(routes: list[str], names: dict[str, str], start_year: int, end_year: int) -> str:
    scope = (_("the {n} routes with MMP data").format(n=len(routes)) if len(routes) > 2
             and set(routes) == set(mapped_routes())
             else ", ".join(names.get(r, r) for r in routes))
    start = max(start_year, first_year())
    span = str(start) if start == end_year else f"{start}–{end_year}"
    return _("Recorded dead and missing per {thousand} detections, {scope}, {span}").format(
        thousand=i18n.number(1000), scope=scope, span=span)


def figure(data: pd.DataFrame, *, title: str, source: charts.Source,
           notes: list[str]) -> go.Figure:
    order = list(dict.fromkeys(data.sort_values("route_code")["series"]))
    plot = data[["period", "series", "value"]]  # the ratio (not the detections column)
    fig = charts.time_series(plot, title=title, source=source, grain="year", stacked=False,
                             y_title=_("Dead and missing per {thousand} detections").format(
                                 thousand=i18n.number(1000)),
                             note=" ".join(notes), order=order, y_format=",.0f",
                             hover_format=",.1f", values="rate")
    # Legend inside the plot's top right (the recent years, where the ratios are low) and a
    # shorter title line: readable on a narrow screen, where four route names beside the
    # plot would take half of it.
    fig.update_layout(title_text="<br>".join(textwrap.wrap(title, 55)),
                      legend=dict(orientation="v", x=0.99, xanchor="right", y=0.99,
                                  yanchor="top", bgcolor="rgba(255,255,255,0.85)",
                                  bordercolor="#ddd", borderwidth=1))
    fig.layout.margin.t = 100
    return fig


def table(data: pd.DataFrame) -> pd.DataFrame:
    """The plotted rows as a readable table (the CSV holds exactly these columns)."""
    return data[["year", "route_code", "series", "dead_and_missing", "detections", "value",
                 "months_covered"]].rename(columns={
                     "series": "route", "value": "dead_and_missing_per_1000"})


# ----------------------------------------------------------------------------- around an event
def windows(routes: list[str], pre: tuple[dt.date, dt.date],
            post: tuple[dt.date, dt.date]) -> pd.DataFrame:
    """Dead and missing and detections per route, before and after (the displacement
    estimate's own windows), with the ratio; NULL where a file does not cover a window."""
    data = db.query("risk_windows", routes=list(routes), pre_start=pre[0], pre_end=pre[1],
                    post_start=post[0], post_end=post[1])
    ratio = data["dead_and_missing"] / data["detections"].where(data["detections"] > 0) * 1000
    return data.assign(dead_and_missing_per_1000=ratio.astype("float64"))


def windows_table(data: pd.DataFrame, names: dict[str, str], treated: str) -> pd.DataFrame:
    """One row per route: before and after side by side, the change of the ratio."""
    rows = []
    for code, part in data.groupby("route_code", sort=False):
        by = {r.window: r for r in part.itertuples(index=False)}
        before, after = by.get("before"), by.get("after")
        rows.append({
            "route": names.get(code, code) + (" " + _("(treated)") if code == treated else ""),
            "route_code": code,
            "dead_and_missing_before": before.dead_and_missing if before else None,
            "detections_before": before.detections if before else None,
            "per_1000_before": before.dead_and_missing_per_1000 if before else None,
            "dead_and_missing_after": after.dead_and_missing if after else None,
            "detections_after": after.detections if after else None,
            "per_1000_after": after.dead_and_missing_per_1000 if after else None,
        })
    out = pd.DataFrame(rows)
    if not out.empty:
        out["change_per_1000"] = out["per_1000_after"] - out["per_1000_before"]
        out = out.sort_values("route_code", key=lambda s: s != treated, kind="stable")
    return out.reset_index(drop=True)


def window_gaps(data: pd.DataFrame) -> list[str]:
    """A window that a file does not cover in full, in words (its sums are left missing)."""
    out = []
    for r in data.drop_duplicates("window").itertuples(index=False):
        which = _("Before window") if r.window == "before" else _("After window")
        for who, n in (("MMP", r.months_mmp), ("Frontex", r.months_frontex)):
            if n < r.months:
                out.append(_("{window} {first}–{last}: {who} covers {n} of its {months} months, "
                             "so its sums and the ratio are missing.").format(
                    window=which, first=_month_short(r.first_month),
                    last=_month_short(r.last_month), who=who, n=n, months=r.months))
    return out
