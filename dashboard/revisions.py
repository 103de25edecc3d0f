"""Data revisions: the view's state, its data and its figure, with no widgets.

Two vintages of the same series side by side: Frontex detections by route (2018 workbook vs
2025 workbook, over the months both hold), Eurostat's persons found illegally present by
reporting country, World Bank remittances paid by economy. Revision = new − old; relative
revision = (new − old) ÷ old. Only key × year values present in both vintages are compared.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.periods import spans
from dashboard import charts, db, i18n, memo
from dashboard.i18n import N_, _
from core import metadata

DEFAULT_CASE = "frontex_routes"


@dataclass(frozen=True)
class Case:
    """One series that can be compared across vintages."""

    label: str          # the case picker's label
    dataset: str        # etl/metadata/<dataset>.yml (the footer)
    query: str          # named query: key × year rows of $old and $new
    table: str          # warehouse table the query reads
    subject: str        # what is counted, for titles
    key_name: str       # one key, e.g. "route"
    keys_name: str      # several keys, e.g. "routes"
    x_title: str
    x_format: str       # d3 format of the values
    code: str | None = None       # publisher dataset code named in the footer (Eurostat)
    indicator: str | None = None  # World Bank indicator (its unit comes from the metadata)
    monthly: bool = False         # compared over the months both vintages hold

    @property
    def vintages_query(self) -> str:
        return f"{self.query}_vintages"


CASES = {
    "frontex_routes": Case(
        label=N_("Frontex: detections of illegal border crossings, by route"),
        dataset="frontex_ibc", query="revisions_frontex",
        table="arrivals_monthly_all_vintages",
        subject=N_("Detections of illegal border crossings"), key_name=N_("route"),
        keys_name=N_("routes"), x_title=N_("Detections (count)"), x_format=",d", monthly=True),
    "eurostat_illegally_present": Case(
        label=N_("Eurostat: third-country nationals found illegally present (migr_eipre), "
                 "by reporting country"),
        dataset="eurostat_migr", query="revisions_eurostat_illegally_present",
        table="stg_eurostat__migr",
        subject=N_("Third-country nationals found illegally present"),
        key_name=N_("reporting country"), keys_name=N_("reporting countries"),
        x_title=N_("Persons"),
        x_format=",d", code="migr_eipre"),
    "worldbank_remittances_paid": Case(
        label=N_("World Bank: personal remittances paid (BM.TRF.PWKR.CD.DT), by economy"),
        dataset="worldbank_wdi", query="revisions_worldbank_remittances_paid",
        table="stg_worldbank__wdi", subject=N_("Personal remittances paid"),
        key_name=N_("economy"), keys_name=N_("economies"), x_title=N_("Current US$"),
        x_format=",.0f",
        indicator="BM.TRF.PWKR.CD.DT"),
}


@dataclass(frozen=True)
class RevisionsView:
    """One comparison. Defaults: Frontex, oldest vs newest vintage, latest year compared."""

    case: str = DEFAULT_CASE
    old: str = ""       # vintage (YYYY-MM-DD); empty = the oldest loaded
    new: str = ""       # vintage (YYYY-MM-DD); empty = the newest loaded
    year: int = 0       # year of the chart; 0 = latest year compared
    top_n: int = 10     # bars in the chart, rows in the largest-revisions table


COLUMNS = ["key", "label", "is_aggregate", "year", "months", "first_month", "last_month",
           "months_old", "months_new", "old", "new", "revision", "relative_revision",
           "flag_old", "flag_new"]


def available_cases() -> dict[str, str]:
    """Case id → label, for the cases whose table is in this warehouse build."""
    present = set(db.query("tables")["table_name"])
    return {k: _(c.label) for k, c in CASES.items() if c.table in present}


def vintages(case: str) -> list[str]:
    """The case's vintages loaded, oldest first (YYYY-MM-DD)."""
    rows = db.query(CASES[case].vintages_query)
    return [f"{pd.Timestamp(v):%Y-%m-%d}" for v in rows["vintage"]]


def resolve(view: RevisionsView) -> RevisionsView:
    """Clamp choices to what the warehouse holds: a known case, loaded vintages (default
    oldest vs newest), a year compared (default the latest)."""
    cases = available_cases()
    if not cases:
        return RevisionsView(case="", old="", new="", year=0, top_n=10)
    case = view.case if view.case in cases else (
        DEFAULT_CASE if DEFAULT_CASE in cases else next(iter(cases)))
    loaded = vintages(case)
    old = view.old if view.old in loaded else (loaded[0] if loaded else "")
    new = view.new if view.new in loaded else (loaded[-1] if loaded else "")
    top_n = max(1, min(int(view.top_n), 50))
    years = compared_years(RevisionsView(case=case, old=old, new=new))
    year = int(view.year) if int(view.year) in years else (years[-1] if years else 0)
    return RevisionsView(case=case, old=old, new=new, year=year, top_n=top_n)


def defaults_for(view: RevisionsView) -> dict:
    """What the view would be with nothing chosen but its case (and, for the year, its
    vintages): the values a permalink leaves out."""
    base = resolve(RevisionsView(case=view.case))
    year = resolve(RevisionsView(case=view.case, old=view.old, new=view.new)).year
    return {"case": DEFAULT_CASE, "old": base.old, "new": base.new, "year": year,
            "top_n": RevisionsView.top_n}


def _date(vintage: str) -> dt.date:
    return dt.date.fromisoformat(vintage)


def rows(view: RevisionsView) -> pd.DataFrame:
    """Every key × year in either vintage (old or new NaN where one has no value)."""
    if not (view.case and view.old and view.new):
        return pd.DataFrame(columns=[c for c in COLUMNS
                                     if c not in ("revision", "relative_revision")])
    return db.query(CASES[view.case].query, old=_date(view.old), new=_date(view.new))


def comparison(view: RevisionsView) -> pd.DataFrame:
    """Key × year values present in both vintages, with the absolute and relative revision
    (relative NaN where the old value is 0). Shared (built once per build): not to be
    changed in place."""
    return _comparison(view.case, view.old, view.new)


@memo.per_build(max_entries=16)
def _comparison(case: str, old: str, new: str) -> pd.DataFrame:
    view = RevisionsView(case=case, old=old, new=new)
    data = rows(view).dropna(subset=["old", "new"]).copy()
    data["revision"] = data["new"] - data["old"]
    old = data["old"].astype(float)
    data["relative_revision"] = np.where(old != 0, data["revision"] / old.where(old != 0),
                                         np.nan)
    return data[COLUMNS].reset_index(drop=True)


def compared_years(view: RevisionsView) -> list[int]:
    return sorted(int(y) for y in comparison(view)["year"].unique())


def by_year(view: RevisionsView) -> pd.DataFrame:
    """One row per year compared: months compared (monthly series), keys compared and
    revised, and totals over the keys that are not aggregates. Shared (built once per
    build): not to be changed in place."""
    return _by_year(view.case, view.old, view.new)


@memo.per_build(max_entries=16)
def _by_year(case: str, old: str, new: str) -> pd.DataFrame:
    view = RevisionsView(case=case, old=old, new=new)
    data = comparison(view)
    parts = data[~data["is_aggregate"].astype(bool)]
    counts = data.groupby("year").agg(
        months=("months", "first"), first_month=("first_month", "first"),
        last_month=("last_month", "first"), months_old=("months_old", "first"),
        months_new=("months_new", "first"), compared=("key", "nunique"),
        revised=("revision", lambda r: int((r != 0).sum())))
    totals = parts.groupby("year").agg(old=("old", "sum"), new=("new", "sum"))
    out = counts.join(totals).reset_index()
    out["revision"] = out["new"] - out["old"]
    out["relative_revision"] = np.where(out["old"] != 0,
                                        out["revision"] / out["old"].where(out["old"] != 0),
                                        np.nan)
    if not (view.case and CASES[view.case].monthly):
        out = out.drop(columns=["months", "first_month", "last_month", "months_old",
                                "months_new"])
    return out


def chart_data(view: RevisionsView) -> pd.DataFrame:
    """Exactly the plotted rows: the view's year, the ``top_n`` keys with the largest
    absolute revision (then the largest new value), with the relative revision as text."""
    data = comparison(view)
    data = data[data["year"] == view.year].assign(abs_revision=lambda d: d["revision"].abs())
    data = data.sort_values(["abs_revision", "new", "key"], ascending=[False, False, True])
    data = data.head(view.top_n).drop(columns="abs_revision").reset_index(drop=True)
    data["rate_label"] = data["relative_revision"].map(
        lambda r: "" if pd.isna(r) else i18n.percent(r, 1, sign=True))
    return data


def largest(view: RevisionsView) -> pd.DataFrame:
    """The ``top_n`` largest revisions by absolute value over all years compared (zero
    revisions left out)."""
    data = comparison(view)
    data = data[data["revision"] != 0].assign(abs_revision=lambda d: d["revision"].abs())
    data = data.sort_values(["abs_revision", "key", "year"], ascending=[False, True, True])
    return data.head(view.top_n).drop(columns="abs_revision").reset_index(drop=True)


def unmatched(view: RevisionsView) -> str | None:
    """A sentence on the key × year values only one vintage has (not compared), or None."""
    data = rows(view)
    parts = []
    for side, other, vintage in (("old", "new", view.old), ("new", "old", view.new)):
        only = data[data[side].notna() & data[other].isna()]
        if len(only):
            years = sorted(only["year"].astype(int).unique())
            parts.append(_("{n} only in the vintage of {vintage} (years {years})").format(
                n=i18n.number(len(only)), vintage=vintage_label(vintage), years=spans(years)))
    if not parts:
        return None
    case = CASES[view.case]
    return _("Not compared: {parts} — {key} × year values that one vintage does not "
             "publish.").format(parts=_(" and ").join(parts), key=_(case.key_name))


def vintage_label(vintage: str) -> str:
    return i18n.date(_date(vintage)) if vintage else _("(none)")


def months_text(row) -> str:
    """E.g. '5 months (Jan–May 2018)' for a year compared over part of its months."""
    if pd.isna(row["months"]):
        return ""
    first, last = pd.Timestamp(row["first_month"]), pd.Timestamp(row["last_month"])
    month = lambda d: i18n.month_abbr(d)  # noqa: E731
    span = month(first) if first == last else f"{month(first)}–{month(last)}"
    return _("{n} months ({span} {year})").format(n=int(row["months"]), span=span,
                                                   year=first.year)


def partial_years(view: RevisionsView) -> list[str]:
    """Years compared over fewer than 12 months, with the months each vintage has."""
    if not (view.case and CASES[view.case].monthly):
        return []
    out = []
    for _i, row in by_year(view).iterrows():
        if row["months"] < 12:
            out.append(_("{year}: {months} compared — the vintage of {old} has {n_old} months "
                         "of it, the vintage of {new} {n_new}").format(
                year=row["year"], months=months_text(row), old=vintage_label(view.old),
                n_old=row["months_old"], new=vintage_label(view.new), n_new=row["months_new"]))
    return out


def _vs(view: RevisionsView) -> str:
    return _("vintage of {old} vs {new}").format(old=vintage_label(view.old),
                                                 new=vintage_label(view.new))


def _period(view: RevisionsView, data: pd.DataFrame) -> str:
    if CASES[view.case].monthly and not data.empty and data["months"].iloc[0] < 12:
        return _("{year}, {months} in both vintages").format(year=view.year,
                                                             months=months_text(data.iloc[0]))
    return str(view.year)


def source(view: RevisionsView) -> charts.Source:
    """The footer: the newer vintage's source line, naming the older vintage compared."""
    case = CASES[view.case]
    new = _date(view.new)
    meta = metadata.dataset(case.dataset)
    unit = meta["indicators"][case.indicator]["unit"] if case.indicator else None
    caveats = [_("Compared with the vintage of {old}: revision = new − old, relative revision "
                 "= (new − old) ÷ old.").format(old=vintage_label(view.old))]
    if case.monthly:
        caveats.append(_("Only the months present in both vintages are compared."))
    return charts.source_for(case.dataset, {case.code: new} if case.code else new,
                             caveats=caveats, unit=unit)


def chart_title(view: RevisionsView, data: pd.DataFrame) -> str:
    case = CASES[view.case]
    compared = comparison(view)
    total = compared.loc[compared["year"] == view.year, "key"].nunique()
    which = (_("the {n} {keys} with the largest revisions").format(n=len(data),
                                                                    keys=_(case.keys_name))
             if len(data) < total else _("by {key}").format(key=_(case.key_name)))
    return f"{_(case.subject)}, {_period(view, data)}: {_vs(view)}, {which}"


def figure(data: pd.DataFrame, view: RevisionsView) -> go.Figure:
    case = CASES[view.case]
    return charts.bar_chart(
        data, label="label",
        bars={"old": _("Vintage of {date}").format(date=vintage_label(view.old)),
              "new": _("Vintage of {date}").format(date=vintage_label(view.new))},
        title=chart_title(view, data), x_title=_(case.x_title), source=source(view),
        text="rate_label", x_format=case.x_format,
        flag_columns={"old": "flag_old", "new": "flag_new"})


def by_year_title(view: RevisionsView) -> str:
    case = CASES[view.case]
    return _("{subject} by year, {vs}: totals over the {keys} (not aggregates) with a value "
             "in both").format(subject=_(case.subject), vs=_vs(view), keys=_(case.keys_name))


def largest_title(view: RevisionsView) -> str:
    case = CASES[view.case]
    return _("{subject}: the {n} largest revisions by {key} and year, {vs}").format(
        subject=_(case.subject), n=view.top_n, key=_(case.key_name), vs=_vs(view))


def file_stem(view: RevisionsView, part: str) -> str:
    return f"revisions_{view.case}_{view.old}_{view.new}_{part}"


@memo.per_build(max_entries=32)
def year_chart(view: RevisionsView) -> memo.ChartParts:
    """The chart of one year, its rows, source and title, built once per (view, language,
    warehouse build) for every session (dashboard.memo)."""
    data = chart_data(view)
    return memo.ChartParts(figure(data, view), data, source(view), chart_title(view, data))
