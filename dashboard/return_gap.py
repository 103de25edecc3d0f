"""Return gap: the view's state, its data and its figures, with no widgets.

Eurostat's enforcement statistics: ordered to leave (migr_eiord) vs returned (migr_eirtn),
beside asylum applicants (migr_asyappctza) and persons found illegally present
(migr_eipre), as in the report's Figures 2 (NL) and 3 (EU); return rates in three
definitions; the citizenships with the most orders.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from analysis.periods import spans
from core import registry
from dashboard import charts, db, i18n, memo
from dashboard.i18n import N_, _

DATASET = "eurostat_migr"
# Labels and notes are marked here (N_) and translated where shown (_).
MEASURES = {
    "asylum_applicants": (N_("Asylum applicants"), "migr_asyappctza"),
    "illegally_present": (N_("Found illegally present"), "migr_eipre"),
    "ordered_to_leave": (N_("Ordered to leave"), "migr_eiord"),
    "returned": (N_("Returned (any country)"), "migr_eirtn"),
    "returned_third_country": (N_("Returned to a third country"), "migr_eirtn"),
}
RATES = {
    "return_rate_total": N_("Returned (any country) ÷ ordered, same year"),
    "return_rate_third_country": N_("Returned to a third country ÷ ordered, same year"),
    "return_rate_lagged": N_("Returned ÷ mean of orders in t−1 and t"),
}
RATE_CAVEAT = N_("Returns in year t are not the returns of year t's orders: the same-year ratio "
               "is not a cohort rate; the lag-aware rate divides by the mean of the orders of "
               "t−1 and t.")
COMPUTED_CAVEAT = N_("EU27_2020 is computed: the sum of the 27 member states, not Eurostat's "
                   "published aggregate (missing where a member state is missing).")
RATE_FLAGS = N_("Eurostat flags of the counts behind a rate (open diamonds)")
FETCH = registry.fetch_command("eurostat_migr")
PER_100K_UNIT = N_("persons per 100,000 residents")
PER_100K_NOTE = N_("Per 100,000 residents: the count ÷ the geography's population on 1 January of "
                 "the same year (demo_pjan) × 100,000; missing where either is not loaded.")
# The map's series: label, d3 format (colour bar), Python format (hover, list), caveat.
MAP_SERIES = {
    "asylum_applicants_per_100k": (N_("Asylum applicants per 100,000 residents"), ",.0f",
                                   ",.1f", N_("Per 100,000 residents: population on 1 January "
                                              "(demo_pjan).")),
    "ordered_to_leave_per_100k": (N_("Ordered to leave per 100,000 residents"), ",.0f", ",.1f",
                                  N_("Per 100,000 residents: population on 1 January "
                                     "(demo_pjan).")),
    "return_rate_total": (N_("Return rate: returned (any country) ÷ ordered, same year"),
                          ".0%", ".1%", RATE_CAVEAT),
    "return_rate_third_country": (N_("Return rate: returned to a third country ÷ ordered, "
                                     "same year"), ".0%", ".1%", RATE_CAVEAT),
}


@dataclass(frozen=True)
class ReturnGapView:
    """One view of the return gap. Defaults answer 'NL vs EU, 2008 to latest'."""

    geo: str = "NL"
    compare: str = "EU27_2020"     # second geography; "" = none
    start: int = 2008
    end: int = 2024
    year: int = 0                  # year of the by-citizenship chart; 0 = latest with data
    top_n: int = 10
    per_100k: bool = False         # the counts per 100,000 residents of the geography
    map_series: str = "asylum_applicants_per_100k"  # the map's series (MAP_SERIES)
    map_year: int = 0              # the map's year; 0 = latest with data
    # the rate across several geographies: which geographies, which definition (RATES)
    across: tuple[str, ...] = ("NL", "BE", "DE", "FR", "EU27_2020")
    across_rate: str = "return_rate_total"


ACROSS_MAX = 8  # geographies on the across-geographies chart (more lines cannot be told apart)


def geographies() -> dict[str, str]:
    geos = db.query("return_gap_geos")
    return dict(zip(geos["geo"], geos["name"]))


def resolve(view: ReturnGapView, geos: dict[str, str]) -> ReturnGapView:
    geo = view.geo if view.geo in geos else ("NL" if "NL" in geos else next(iter(geos)))
    compare = view.compare if view.compare in geos and view.compare != geo else ""
    start, end = sorted((int(view.start), int(view.end)))
    start, end = max(2000, start), min(dt.date.today().year, end)
    years = citizenship_years(geo)
    year = int(view.year) if int(view.year) in years else (years[-1] if years else 0)
    series = view.map_series if view.map_series in MAP_SERIES else ReturnGapView.map_series
    map_year_list = map_years(series)
    map_year = (int(view.map_year) if int(view.map_year) in map_year_list
                else (map_year_list[-1] if map_year_list else 0))
    across = tuple(dict.fromkeys(g for g in view.across if g in geos))[:ACROSS_MAX]
    return ReturnGapView(geo=geo, compare=compare, start=start, end=max(start, end), year=year,
                         top_n=max(1, min(int(view.top_n), 30)), per_100k=bool(view.per_100k),
                         map_series=series, map_year=map_year,
                         across=across or tuple(g for g in ReturnGapView.across if g in geos),
                         across_rate=(view.across_rate if view.across_rate in RATES
                                      else ReturnGapView.across_rate))


def citizenship_years(geo: str) -> list[int]:
    return [int(y) for y in db.query("return_gap_citizenship_years", geo=geo)["year"]]


def measures(geo: str, view: ReturnGapView) -> pd.DataFrame:
    """Exactly the plotted rows of one geography's chart: one row per measure × year of the
    view's span, value NaN where Eurostat data for that year is not loaded."""
    rows = db.query("return_gap_measures", geo=geo)
    years = range(view.start, view.end + 1)
    grid = pd.MultiIndex.from_product([list(MEASURES), years], names=["measure", "year"])
    data = rows.set_index(["measure", "year"]).reindex(grid).reset_index()
    data.insert(0, "geo", geo)
    data["series"] = data["measure"].map(lambda m: _(MEASURES[m][0]))
    data["period"] = pd.to_datetime(data["year"].astype(str) + "-01-01")
    data["source_dataset"] = data["measure"].map(lambda m: MEASURES[m][1])
    columns = ["geo", "year", "measure", "series", "value", "is_computed", "basis", "flag",
               "source_dataset", "source_file", "vintage", "period"]
    if view.per_100k:
        return per_100k(data[columns], geo)
    return data[columns]


def per_100k(data: pd.DataFrame, geo: str) -> pd.DataFrame:
    """The counts as persons per 100,000 residents of the geography (population on 1 January
    of the same year, demo_pjan): ``value`` is the rate, ``count`` and ``population`` its
    parts, ``missing`` which part is not loaded ('count', 'population', 'count and
    population'; None where the rate exists). A rate is never computed from a filled part."""
    pop = db.query("return_gap_population", geo=geo).set_index("year")
    out = data.rename(columns={"value": "count"})
    out["population"] = out["year"].map(pop["population"]).astype(float)
    out["population_file"] = out["year"].map(pop["source_file"])
    out["population_vintage"] = out["year"].map(pop["vintage"])
    no_count, no_pop = out["count"].isna(), out["population"].isna()
    out["missing"] = None
    out.loc[no_count & ~no_pop, "missing"] = "count"
    out.loc[~no_count & no_pop, "missing"] = "population"
    out.loc[no_count & no_pop, "missing"] = "count and population"
    out["value"] = out["count"] * 100_000 / out["population"].where(out["population"] > 0)
    return out


def rates(view: ReturnGapView, geos: list[str] | None = None) -> pd.DataFrame:
    """Exactly the plotted rows of the rate chart: geo × year × definition, NaN where missing
    (``geos``: these geographies instead of the view's geography and comparison)."""
    geos = geos or [g for g in (view.geo, view.compare) if g]
    rows = db.query("return_gap_rates", geos=geos)
    long = rows.melt(id_vars=["geo", "year", "flags", "is_computed", "source_file", "vintage"],
                     value_vars=list(RATES), var_name="definition", value_name="value")
    grid = pd.MultiIndex.from_product([geos, list(RATES), range(view.start, view.end + 1)],
                                      names=["geo", "definition", "year"])
    data = long.set_index(["geo", "definition", "year"]).reindex(grid).reset_index()
    data["period"] = pd.to_datetime(data["year"].astype(str) + "-01-01")
    return data


def by_citizenship(view: ReturnGapView) -> pd.DataFrame:
    if not view.year:
        return pd.DataFrame(columns=["citizenship_iso3", "citizenship", "ordered_to_leave",
                                     "returned_total", "return_rate_total", "flag_ordered",
                                     "flag_returned", "source_dataset", "vintage"])
    data = db.query("return_gap_by_citizenship", geo=view.geo, year=view.year, n=view.top_n)
    data["rate_label"] = data["return_rate_total"].map(
        lambda r: "" if pd.isna(r) else _("{rate} returned").format(rate=i18n.percent(r, 0)))
    return data


def _file_vintages() -> dict[str, dt.date]:
    """Each loaded publisher file's vintage (the provenance table)."""
    prov = db.query("provenance")
    return {f: pd.Timestamp(v).date() for f, v in zip(prov["file_name"], prov["vintage"])}


def _vintages(data: pd.DataFrame) -> dict[str, dt.date]:
    """Dataset code → the newest vintage of the values shown. A row computed from two codes
    (a rate: migr_eirtn ÷ migr_eiord) has one ``vintage``, the newer; each code gets the
    vintage of its own files where the row names them (a file is a code's when its name holds
    the code), else the row's."""
    known = data.dropna(subset=["value", "vintage"])
    files = _file_vintages()
    sources = known["source_file"] if "source_file" in known else [None] * len(known)
    out = {}
    for code, v, names in zip(known["source_dataset"], known["vintage"], sources):
        names = str(names).split("; ") if isinstance(names, str) else []
        for part in str(code).split(", "):
            own = [files[n] for n in names if n in files and part in n]
            when = max(own) if own else pd.Timestamp(v).date()
            out[part] = max(out.get(part, when), when)
    if "population_vintage" in known and known["population_vintage"].notna().any():
        out["demo_pjan"] = pd.Timestamp(known["population_vintage"].max()).date()
    return out


def _caveats(data: pd.DataFrame, *extra: str) -> list[str]:
    caveats = list(extra)
    if "source_file" in data:
        caveats += charts.file_notes(DATASET, data.dropna(subset=["value"])["source_file"]
                                     if "value" in data else data["source_file"])
    if "population" in data:
        caveats.append(_(PER_100K_NOTE))
    if _eu27_summed(data):
        caveats.append(_(COMPUTED_CAVEAT))
    return caveats


def _eu27_summed(data: pd.DataFrame) -> bool:
    """True if a plotted value is our EU27_2020 sum of the member states (other computed
    values, e.g. sums over citizenships, are named by their file's note)."""
    if "basis" in data:
        return bool(data["basis"].eq("sum of the 27 member states").any())
    if {"geo", "is_computed"} <= set(data.columns):
        return bool((data["is_computed"].fillna(False).astype(bool)
                     & data["geo"].eq("EU27_2020")).any())
    return False


def source(data: pd.DataFrame, *extra: str) -> charts.Source:
    vintages = _vintages(data)
    unit = _(PER_100K_UNIT) if "population" in data else None
    if not vintages:
        return charts.source_for(DATASET, dt.date.today(), unit=unit,
                                 caveats=(*extra, _("No data loaded.")))
    return charts.source_for(DATASET, vintages, caveats=_caveats(data, *extra), unit=unit)


def name(geo: str, geos: dict[str, str]) -> str:
    return geos.get(geo, geo)


def measures_title(geo: str, view: ReturnGapView, geos: dict[str, str]) -> str:
    text = (_("Asylum applicants, persons found illegally present, ordered to leave and "
              "returned per 100,000 residents") if view.per_100k
            else _("Asylum applicants, persons found illegally present, ordered to leave and "
                   "returned"))
    return f"{text}, {name(geo, geos)}, {view.start}–{view.end}"


def _missing_rates(data: pd.DataFrame) -> list[str]:
    """Per 100,000 view: the years with no population (every rate missing) once, then the
    years each count lacks where the population exists."""
    no_pop = sorted(data.loc[data["population"].isna(), "year"].astype(int).unique())
    parts = [_("population on 1 January (demo_pjan) {years}, so every rate then").format(
        years=spans(no_pop))] if no_pop else []
    for measure, (label, _code) in MEASURES.items():
        rows = data[(data["measure"] == measure) & (data["missing"] == "count")]
        if len(rows):
            parts.append(f"{_(label).lower()} {spans(rows['year'].astype(int).tolist())}")
    return parts


def missing_in_figure(data: pd.DataFrame) -> str | None:
    """The years each series lacks, in one sentence for the figure's own footer (so a
    pasted image does not read a line that stops as a trend that ends); per 100,000
    residents, which part of the rate is missing (the count or the population)."""
    if "population" in data:
        parts = _missing_rates(data)
        return (_("Rate missing (drawn as gaps) where a part is not loaded: {parts}.").format(
            parts="; ".join(parts)) if parts else None)
    parts = []
    for measure, (label, _code) in MEASURES.items():
        missing = data.loc[(data["measure"] == measure) & data["value"].isna(), "year"]
        if len(missing):
            parts.append(f"{_(label).lower()} {spans(missing.astype(int).tolist())}")
    return (_("Not loaded (drawn as gaps): {parts}.").format(parts="; ".join(parts))
            if parts else None)


def measures_source(data: pd.DataFrame) -> charts.Source:
    return source(data, *(n for n in (missing_in_figure(data),) if n), _(RATE_CAVEAT))


def measures_figure(data: pd.DataFrame, geo: str, view: ReturnGapView,
                    geos: dict[str, str]) -> go.Figure:
    rate = "population" in data
    return charts.time_series(
        data, title=measures_title(geo, view, geos), source=measures_source(data),
        grain="year", stacked=False,
        y_title=_("Per 100,000 residents") if rate else _("Persons"),
        y_format=",.0f" if rate else ",d", hover_format=",.1f" if rate else ",.0f",
        order=[_(MEASURES[m][0]) for m in MEASURES], values="rate" if rate else "count")


def rates_title(view: ReturnGapView, geos: dict[str, str]) -> str:
    where = _(" and ").join(name(g, geos) for g in (view.geo, view.compare) if g)
    return _("Return rate in three definitions, {where}, {start}–{end}").format(
        where=where, start=view.start, end=view.end)


#: Eurostat geography kinds (``eurostat_geo.kind``), in words.
KINDS = {"aggregate": N_("aggregate"), "member_state": N_("EU member state"),
         "efta": N_("EFTA country"), "other": N_("other")}


def off_map_table(off: pd.DataFrame) -> pd.DataFrame:
    """The values the map cannot draw, as a reader reads them: plain headers, the kind in
    words, numbers in the interface language, an empty cell for no flag."""
    from dashboard import components

    values = off["value"].dropna()
    digits = 0 if len(values) and (values == values.round()).all() else 1
    shown = components.as_text(off[["geo", "name", "kind", "value", "flag", "is_computed"]],
                               {"value": digits}, blank=("flag",))
    shown["kind"] = shown["kind"].map(lambda k: _(KINDS[k]) if k in KINDS else k)
    shown["is_computed"] = off["is_computed"].map(lambda c: _("yes") if c else _("no"))
    return shown.rename(columns={"geo": _("code"), "name": _("name"), "kind": _("kind"),
                                 "value": _("value"), "flag": _("Flag"),
                                 "is_computed": _("computed")})


def rates_source(data: pd.DataFrame, geos: dict[str, str] | None = None) -> charts.Source:
    notes = [n for n in (third_over_total(data, geos or {}),) if n]
    return source(data.assign(source_dataset="migr_eiord, migr_eirtn"), _(RATE_CAVEAT),
                  *notes)


def third_over_total(data: pd.DataFrame, geos: dict[str, str]) -> str:
    """A note where the rate to a third country exceeds the rate to any country: within one
    file that cannot happen (a third country is one of all countries), so the two counts come
    from files of different vintages (the third-country extract is newer than the 2017
    export), and the gap is a revision, not a finding."""
    if data.empty or not {"definition", "geo", "year", "value"} <= set(data.columns):
        return ""
    wide = data.pivot_table(index=["geo", "year"], columns="definition", values="value")
    if not {"return_rate_total", "return_rate_third_country"} <= set(wide.columns):
        return ""
    over = wide[wide["return_rate_third_country"] > wide["return_rate_total"] + 1e-12]
    if over.empty:
        return ""
    items = []
    for geo, rows in over.reset_index().groupby("geo", sort=False):
        items.append(f"{name(geo, geos)} " + ", ".join(str(int(y)) for y in rows["year"]))
    return _("Returned to a third country is above returned to any country in {items}: one "
             "file cannot say so, since a third country is one of all countries. The two "
             "counts come from files of different vintages (see the file notes), so the "
             "difference is a revision between them, not a real one.").format(
        items="; ".join(items))


def rate_series(data: pd.DataFrame, geos: dict[str, str]) -> pd.Series:
    """Each row's series (legend) name on the rate chart: 'geography: definition'."""
    return (data["geo"].map(lambda g: name(g, geos)) + ": "
            + data["definition"].map(lambda d: _(RATES[d])))


def across_series(data: pd.DataFrame, geos: dict[str, str]) -> pd.Series:
    """Each row's series name on the across-geographies chart: the geography."""
    return data["geo"].map(lambda g: name(g, geos))


def rates_figure(data: pd.DataFrame, view: ReturnGapView, geos: dict[str, str]) -> go.Figure:
    plot = data.assign(series=rate_series(data, geos))
    dashed = tuple(plot.loc[plot["definition"] != "return_rate_total", "series"].unique())
    return charts.time_series(plot, title=rates_title(view, geos),
                              source=rates_source(data, geos),
                              grain="year",
                              stacked=False, y_title=_("Returned ÷ ordered (%)"),
                              y_format=".0%",
                              hover_format=".1%", order=list(dict.fromkeys(plot["series"])),
                              dashed=dashed, values="rate", flag_intro=_(RATE_FLAGS))


def across(view: ReturnGapView) -> pd.DataFrame:
    """Exactly the plotted rows of the across-geographies chart: one rate definition,
    geography × year of the view's span, NaN where missing."""
    data = rates(view, list(view.across))
    return data[data["definition"] == view.across_rate].reset_index(drop=True)


def across_title(view: ReturnGapView) -> str:
    return _("{definition}: {n} geographies, {start}–{end}").format(
        definition=_(RATES[view.across_rate]), n=len(view.across), start=view.start,
        end=view.end)


def across_missing(data: pd.DataFrame, geos: dict[str, str]) -> str | None:
    """The years each geography lacks, in one sentence for the figure's own footer."""
    parts = []
    for geo, rows in data.groupby("geo", sort=False):
        missing = rows.loc[rows["value"].isna(), "year"].astype(int).tolist()
        if missing:
            parts.append(f"{name(geo, geos)} {spans(missing)}")
    return (_("Rate missing (drawn as gaps): {parts}.").format(parts="; ".join(parts))
            if parts else None)


def across_source(data: pd.DataFrame, geos: dict[str, str]) -> charts.Source:
    notes = [n for n in (across_missing(data, geos),) if n]
    return source(data.assign(source_dataset="migr_eiord, migr_eirtn"), *notes, _(RATE_CAVEAT))


def across_figure(data: pd.DataFrame, view: ReturnGapView, geos: dict[str, str]) -> go.Figure:
    plot = data.assign(series=across_series(data, geos))
    return charts.time_series(plot, title=across_title(view), source=across_source(data, geos),
                              grain="year", stacked=False, y_title=_("Returned ÷ ordered (%)"),
                              y_format=".0%", hover_format=".1%",
                              order=[name(g, geos) for g in view.across], values="rate",
                              flag_intro=_(RATE_FLAGS))


def citizenship_title(view: ReturnGapView, geos: dict[str, str]) -> str:
    return _("Top {n} citizenships by orders to leave, {geo}, {year}: ordered to leave and "
             "returned").format(n=view.top_n, geo=name(view.geo, geos), year=view.year)


def citizenship_source(data: pd.DataFrame) -> charts.Source:
    return source(data.rename(columns={"ordered_to_leave": "value"}), _(RATE_CAVEAT))


def citizenship_figure(data: pd.DataFrame, view: ReturnGapView,
                       geos: dict[str, str]) -> go.Figure:
    src = citizenship_source(data)
    return charts.bar_chart(
        data, label="citizenship", bars={"ordered_to_leave": _("Ordered to leave"),
                                         "returned_total": _("Returned")},
        title=citizenship_title(view, geos), x_title=_("Persons"), source=src,
        text="rate_label",
        flag_columns={"ordered_to_leave": "flag_ordered", "returned_total": "flag_returned"})


def gaps(data: pd.DataFrame, geo: str, geos: dict[str, str]) -> str | None:
    """One plain paragraph naming the years each series lacks in the view, and the command
    that would fetch them; None if nothing is missing."""
    parts = []
    if "population" in data:
        rates = _missing_rates(data)
        if not rates:
            return None
        return _("Per 100,000 residents for {geo}, a rate is missing where its count or the "
                 "population is not loaded: {parts}. Missing rates are drawn as gaps, never "
                 "filled. To load what Eurostat publishes, run `{command}`.").format(
            geo=name(geo, geos), parts="; ".join(rates), command=FETCH)
    for measure, (label, code) in MEASURES.items():
        rows = data[data["measure"] == measure]
        missing = rows.loc[rows["value"].isna(), "year"].astype(int).tolist()
        if missing:
            parts.append(f"{_(label).lower()} ({code}) {spans(missing)}")
    if not parts:
        return None
    why = (" " + _("EU27_2020 is the sum of the 27 member states here, so a year is also "
                   "missing where one member state is.") if geo == "EU27_2020" else "")
    return _("Not in the loaded data for {geo}: {parts}. Missing years are drawn as gaps, "
             "never filled.{why} To load what Eurostat publishes, run `{command}`.").format(
        geo=name(geo, geos), parts="; ".join(parts), why=why, command=FETCH)


def national_counts() -> pd.DataFrame:
    """Coverage of the national (CBS) return tables, loaded or not."""
    return db.query("coverage", datasets=["85333NED"], geo="NL")


DEFINITIONS = N_("""
**Eurostat** (this page) counts third-country nationals **ordered to leave** (a return
decision, `migr_eiord`) and those **returned following an order to leave** (`migr_eirtn`),
either to any country or to a third country outside the EU/EFTA. A person returned in one
year may have been ordered to leave in an earlier year, so the same-year ratio is not the
share of orders that ended in a return; the lag-aware rate divides by the mean of the orders
of the year and the year before.

**National counts** (CBS tables 85333NED "Derdelanders; verplichting tot vertrek" and the
DT&V/CBS "aantoonbaar vertrek", demonstrable departure) follow Dutch definitions: they can
include Dublin transfers to another member state, refusals at the border and repeated
departures of the same person, which Eurostat counts differently or not at all. The two never
match exactly; compare their trends, not their levels.

From reference year 2024, Eurostat collects return statistics quarterly (Regulation (EU)
2020/851, datasets `migr_eiord1`, `migr_eirtn1`); annual figures built from quarters are
marked computed. The headline EU figures from 2024 count returns to third countries only.
""")


# ----------------------------------------------------------------------------- map
def map_years(series: str) -> list[int]:
    """Years in which the map's series has a value for some reporting country."""
    data = db.query("map_eurostat", series=series, year=0)
    return sorted({int(y) for y in data.loc[data["value"].notna(), "year"]})


def map_data(view: ReturnGapView) -> pd.DataFrame:
    """Every reporting country and aggregate with the series in the map's year: geo, iso3
    (NULL for aggregates), name, kind, year, value, flag, is_computed, source_dataset,
    source_file, vintage."""
    if not view.map_year:
        return pd.DataFrame(columns=["geo", "iso3", "name", "kind", "year", "value", "flag",
                                     "is_computed", "source_dataset", "source_file", "vintage"])
    return db.query("map_eurostat", series=view.map_series, year=view.map_year)


def map_title(view: ReturnGapView) -> str:
    return _("{series}, by reporting country, {year}").format(
        series=_(MAP_SERIES[view.map_series][0]), year=view.map_year)


MAP_UNITS = {"asylum_applicants_per_100k": N_("per 100,000 residents"),
             "ordered_to_leave_per_100k": N_("per 100,000 residents"),
             "return_rate_total": N_("returned ÷ ordered (fraction shown as %)"),
             "return_rate_third_country": N_("returned ÷ ordered (fraction shown as %)")}


def map_source(data: pd.DataFrame, view: ReturnGapView) -> charts.Source:
    vintages = _vintages(data)
    caveats = _caveats(data, _(MAP_SERIES[view.map_series][3]))
    if not vintages:
        return charts.source_for(DATASET, dt.date.today(), caveats=(_("No data loaded."),),
                                 unit=MAP_UNITS[view.map_series])
    return charts.source_for(DATASET, vintages, caveats=caveats, unit=MAP_UNITS[view.map_series])


def map_split(data: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(countries the map draws, the rest: aggregates and codes with no geometry)."""
    from dashboard import maps

    drawable = data.assign(iso3=data["iso3"].fillna(data["geo"]))
    return maps.split(drawable)


def map_figure(data: pd.DataFrame, view: ReturnGapView) -> go.Figure:
    from dashboard import maps

    on_map, off = map_split(data)
    label, d3_format, py_format, _caveat = MAP_SERIES[view.map_series]
    off_note = maps.not_on_map_note(off.assign(iso3=off["geo"]), py_format)
    off_flags = ([(n, "", f) for n, f, v in zip(off["name"], off["flag"], off["value"])
                  if pd.notna(v)] if "flag" in off else [])
    return charts.choropleth(on_map, title=map_title(view), source=map_source(data, view),
                             value_title=_(label), value_format=d3_format, hover_format=py_format,
                             note=off_note, europe=True, flag_points=off_flags)


# ----------------------------------------------------------------------------- the charts
# Each chart of the page with its rows, source and title, built once per (choices it uses,
# language, warehouse build) for every session (dashboard.memo): a rerun draws them again
# unchanged, and another geography leaves the charts that do not show it as they were.
USES = {  # chart → the choices of the view it reads (the rest stay at their defaults)
    "measures": ("start", "end", "per_100k"),
    "rates": ("geo", "compare", "start", "end"),
    "citizenship": ("geo", "year", "top_n"),
    "across": ("across", "across_rate", "start", "end"),
    "map": ("map_series", "map_year"),
}


def _only(view: ReturnGapView, chart: str) -> ReturnGapView:
    return ReturnGapView(**{f: getattr(view, f) for f in USES[chart]})


def measures_chart(geo: str, view: ReturnGapView) -> memo.ChartParts:
    return _measures_chart(geo, _only(view, "measures"))


@memo.per_build(max_entries=64)
def _measures_chart(geo: str, view: ReturnGapView) -> memo.ChartParts:
    data = measures(geo, view)
    geos = geographies()
    return memo.ChartParts(measures_figure(data, geo, view, geos), data,
                           measures_source(data), measures_title(geo, view, geos))


def rates_chart(view: ReturnGapView) -> memo.ChartParts:
    return _rates_chart(_only(view, "rates"))


@memo.per_build(max_entries=32)
def _rates_chart(view: ReturnGapView) -> memo.ChartParts:
    data = rates(view)
    geos = geographies()
    return memo.ChartParts(rates_figure(data, view, geos), data, rates_source(data, geos),
                           rates_title(view, geos))


def citizenship_chart(view: ReturnGapView) -> memo.ChartParts:
    return _citizenship_chart(_only(view, "citizenship"))


@memo.per_build(max_entries=32)
def _citizenship_chart(view: ReturnGapView) -> memo.ChartParts:
    data = by_citizenship(view)
    geos = geographies()
    return memo.ChartParts(citizenship_figure(data, view, geos), data,
                           citizenship_source(data), citizenship_title(view, geos))


def across_chart(view: ReturnGapView) -> memo.ChartParts:
    return _across_chart(_only(view, "across"))


@memo.per_build(max_entries=32)
def _across_chart(view: ReturnGapView) -> memo.ChartParts:
    data = across(view)
    geos = geographies()
    return memo.ChartParts(across_figure(data, view, geos), data, across_source(data, geos),
                           across_title(view))


def map_chart(view: ReturnGapView) -> memo.ChartParts:
    return _map_chart(_only(view, "map"))


@memo.per_build(max_entries=32)
def _map_chart(view: ReturnGapView) -> memo.ChartParts:
    data = map_data(view)
    return memo.ChartParts(map_figure(data, view), data, map_source(data, view),
                           map_title(view))
