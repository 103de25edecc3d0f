"""Remittances: the view's state, its data and its figures, with no widgets.

World Bank WDI: personal remittances paid by the Netherlands since 1970 (the report's
Figure 4), received as % of GDP by origin country; Eurostat bop_rem6 (NL → partner personal
transfers) when loaded.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from analysis.periods import spans
from core import registry
from dashboard import chart_data, charts, db, i18n, memo
from dashboard.i18n import N_, _

DATASET = "worldbank_wdi"
MODES = {"latest": N_("Latest value per year"), "vintages": N_("Each vintage separately")}
# "% of GDP" stays out of the messages: a "%" before a letter reads as a printf format
COMPUTED_CAVEAT = N_("Hatched bars: {pct_of_gdp} computed here as received ÷ GDP (current "
                     "US$) from the same World Bank table, not the World Bank's published "
                     "series.")


def pct_of_gdp() -> str:
    """'% of GDP' · '% van het bbp'."""
    return {"nl": "% van het bbp"}.get(i18n.current(), "% of GDP")
FETCH = registry.fetch_command("worldbank_wdi")


@dataclass(frozen=True)
class RemittancesView:
    country: str = "NLD"
    start: int = 1970
    end: int = 2024
    mode: str = "latest"
    year: int = 0      # year of the % of GDP ranking; 0 = latest with data
    top_n: int = 20


def payers() -> dict[str, str]:
    rows = db.query("remittances_payers")
    return dict(zip(rows["country_iso3"], rows["country_name"].fillna(rows["country_iso3"])))


def pct_years() -> list[int]:
    return [int(y) for y in db.query("remittances_pct_years")["year"]]


def resolve(view: RemittancesView, countries: dict[str, str]) -> RemittancesView:
    country = view.country if view.country in countries else "NLD"
    start, end = sorted((int(view.start), int(view.end)))
    years = pct_years()
    year = int(view.year) if int(view.year) in years else (years[-1] if years else 0)
    return RemittancesView(
        country=country, start=max(1960, start), end=min(dt.date.today().year, max(start, end)),
        mode=view.mode if view.mode in MODES else "latest", year=year,
        top_n=max(5, min(int(view.top_n), 60)))


def paid(view: RemittancesView) -> pd.DataFrame:
    """Exactly the plotted rows: series × year of the span, value_usd (NaN = not loaded),
    value_bn (billions), vintage and source file of each value."""
    rows = db.query("remittances_paid", country=view.country)
    rows = rows[rows["series"] == "latest"] if view.mode == "latest" else \
        rows[rows["series"] != "latest"]
    years = range(view.start, view.end + 1)
    series = sorted(rows["series"].unique()) or ["latest"]
    grid = pd.MultiIndex.from_product([series, years], names=["series", "year"])
    data = rows.set_index(["series", "year"]).reindex(grid).reset_index()
    data = data.rename(columns={"value": "value_usd"})
    data["value"] = data["value_usd"] / 1e9
    data["period"] = pd.to_datetime(data["year"].astype(str) + "-01-01")
    data["series"] = data["series"].map(
        lambda s: _("Paid (latest vintage per year)") if s == "latest"
        else _("Paid, {vintage}").format(vintage=s))
    data = data[["series", "year", "value_usd", "value", "vintage", "source_file", "period"]]
    data.attrs[chart_data.LABELS] = {"value": N_("Value (US$ bn)")}
    return data


def vintage_caveat(data: pd.DataFrame) -> str | None:
    """Which years come from which file when the latest-per-year line mixes vintages."""
    known = data.dropna(subset=["value_usd"])
    files = known.groupby("source_file")["year"].apply(list)
    if len(files) < 2:
        return None
    parts = [_("{years} from {file}").format(years=spans(years), file=name)
             for name, years in files.items()]
    return _("Values from different vintages: {parts}. The World Bank revises back years "
             "between vintages.").format(parts="; ".join(parts))


def paid_source(data: pd.DataFrame) -> charts.Source:
    known = data.dropna(subset=["value_usd"])
    vintage = pd.Timestamp(known["vintage"].max()).date() if len(known) else dt.date.today()
    caveats = [c for c in (vintage_caveat(data),) if c]
    return charts.source_for(DATASET, {"BM.TRF.PWKR.CD.DT": vintage}, caveats=caveats,
                             unit=N_("current US$"))


def paid_title(view: RemittancesView, countries: dict[str, str]) -> str:
    return _("Personal remittances paid, {country}, {start}–{end}, current US$").format(
        country=countries.get(view.country, view.country), start=view.start, end=view.end)


def paid_figure(data: pd.DataFrame, view: RemittancesView,
                countries: dict[str, str]) -> go.Figure:
    return charts.time_series(
        data, title=paid_title(view, countries), source=paid_source(data), grain="year",
        stacked=False, y_title=_("Current US$ (billions)"), y_format=",.1f",
        hover_format=",.2f", order=sorted(data["series"].unique()), values="amount")


def gaps(data: pd.DataFrame, view: RemittancesView, countries: dict[str, str]) -> str | None:
    known = data.dropna(subset=["value_usd"])
    missing = sorted(set(range(view.start, view.end + 1)) - set(known["year"].astype(int)))
    if not missing:
        return None
    return _("Not in the loaded data for {country}: {years} (drawn as a gap, never filled). "
             "Run `{command}` for the World Bank's current series. Constant-price figures "
             "need a deflator series, which is not loaded.").format(
        country=countries.get(view.country, view.country), years=spans(missing),
        command=FETCH)


def pct_gdp(view: RemittancesView) -> pd.DataFrame:
    """Exactly the plotted rows: the top N economies by received % of GDP in the year."""
    data = db.query("remittances_pct_gdp", year=view.year, n=view.top_n)
    data["computed"] = data["pct_gdp_is_computed"].astype(bool)
    data["label"] = data["received_pct_gdp"].map(lambda v: f"{i18n.number(v, 1)} %")
    data.attrs["unranked"] = unranked_note(view.year)
    return data


def unranked_note(year: int) -> str:
    """The economies the ranking cannot place (remittances received, no GDP for the year),
    in words, with their latest earlier share; '' if there are none."""
    rows = db.query("remittances_pct_unranked", year=year)
    if rows.empty:
        return ""
    names = [_("{economy} ({share} % in {year})").format(
        economy=r.country, share=i18n.number(r.last_pct_gdp, 1), year=int(r.last_year))
        if pd.notna(r.last_pct_gdp) else str(r.country) for r in rows.itertuples()]
    return _("Not ranked, GDP {year} not available: {economies}.").format(
        year=year, economies=", ".join(names))


def pct_source(data: pd.DataFrame) -> charts.Source:
    vintage = pd.Timestamp(data["vintage"].max()).date() if len(data) else dt.date.today()
    caveats = ([_(COMPUTED_CAVEAT).format(pct_of_gdp=pct_of_gdp())]
               if data["computed"].any() else [])
    if data.attrs.get("unranked"):
        caveats.append(data.attrs["unranked"])
    codes = {"BX.TRF.PWKR.DT.GD.ZS": vintage}
    if data["computed"].any():
        codes |= {"BX.TRF.PWKR.CD.DT": vintage, "NY.GDP.MKTP.CD": vintage}
    return charts.source_for(DATASET, codes, caveats=caveats, unit=N_("percent of GDP"))


def pct_title(view: RemittancesView) -> str:
    return _("Personal remittances received as {pct_of_gdp}, top {n} economies, "
             "{year}").format(pct_of_gdp=pct_of_gdp(), n=view.top_n, year=view.year)


def pct_figure(data: pd.DataFrame, view: RemittancesView) -> go.Figure:
    return charts.bar_chart(data, label="country",
                            bars={"received_pct_gdp": _("Received, {pct_of_gdp}").format(
                                pct_of_gdp=pct_of_gdp())},
                            title=pct_title(view), x_title=pct_of_gdp(), source=pct_source(data),
                            text="label", x_format=",.1f", hatched="computed")


def partner_transfers() -> pd.DataFrame:
    """Coverage of Eurostat bop_rem6 (NL → partner personal transfers), loaded or not."""
    return db.query("coverage", datasets=["bop_rem6"], geo="NL")


@dataclass(frozen=True)
class PartnerView:
    """One view of bop_rem6. Defaults prefer Eurostat's 'Personal transfers' item, debits
    (paid), million euro and the extra-EU27 partner where those codes are present."""
    item: str = ""
    flow: str = "DEB"
    currency: str = "MIO_EUR"
    partners: tuple[str, ...] = ("EXT_EU27_2020",)


def partner_options() -> dict[str, dict[str, str]]:
    if not db.has_table("remittances_nl_by_partner"):
        return {}
    rows = db.query("remittances_partner_options")
    return {k: dict(zip(g["code"], g["label"])) for k, g in rows.groupby("kind")}


def resolve_partner(view: PartnerView, opts: dict[str, dict[str, str]]) -> PartnerView:
    items = opts["item"]
    default_item = next((c for c, label in items.items() if label == "Personal transfers"),
                        next(iter(items)))
    pick = lambda value, kind: value if value in opts[kind] else next(iter(opts[kind]))  # noqa: E731
    partners = tuple(p for p in view.partners if p in opts["partner"]) or (
        next(iter(opts["partner"])),)
    return PartnerView(item=view.item if view.item in items else default_item,
                       flow=pick(view.flow, "flow"), currency=pick(view.currency, "currency"),
                       partners=partners)


def partner_series(view: PartnerView) -> pd.DataFrame:
    data = db.query("remittances_partner_series", item=view.item, flow=view.flow,
                    currency=view.currency, partners=list(view.partners))
    data["series"] = data["partner"]
    data["period"] = pd.to_datetime(data["year"].astype(str) + "-01-01")
    return data


def partner_source(data: pd.DataFrame) -> charts.Source:
    vintage = pd.Timestamp(data["vintage"].max()).date() if len(data) else dt.date.today()
    currency = data["currency"].iat[0] if len(data) else ""
    return charts.source_for("eurostat_bop", {"bop_rem6": vintage}, unit=currency)


def partner_title(view: PartnerView, opts: dict[str, dict[str, str]]) -> str:
    return _("{item}, Netherlands, flow {flow}, by partner ({currency})").format(
        item=opts["item"].get(view.item, view.item), flow=view.flow, currency=view.currency)


def partner_figure(data: pd.DataFrame, view: PartnerView,
                   opts: dict[str, dict[str, str]]) -> go.Figure:
    return charts.time_series(data, title=partner_title(view, opts), source=partner_source(data),
                              grain="year", stacked=False, y_title=view.currency,
                              y_format=",.0f", hover_format=",.1f", values="amount")


# ----------------------------------------------------------------------------- the charts
# The page's charts with their rows, source and title, built once per (view, language,
# warehouse build) for every session (dashboard.memo).
@memo.per_build(max_entries=32)
def paid_chart(view: RemittancesView) -> memo.ChartParts:
    data = paid(view)
    countries = payers()
    return memo.ChartParts(paid_figure(data, view, countries), data, paid_source(data),
                           paid_title(view, countries))


@memo.per_build(max_entries=32)
def pct_chart(view: RemittancesView) -> memo.ChartParts:
    data = pct_gdp(view)
    return memo.ChartParts(pct_figure(data, view), data, pct_source(data), pct_title(view))


@memo.per_build(max_entries=32)
def partner_chart(view: PartnerView) -> memo.ChartParts:
    data = partner_series(view)
    opts = partner_options()
    return memo.ChartParts(partner_figure(data, view, opts), data, partner_source(data),
                           partner_title(view, opts))
