"""Overview: latest-year headline figures with the change on the year before, no widgets.

Each tile says what it counts, its year, its vintage, and which page shows the series.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from core import registry
from dashboard import db, flags, i18n
from dashboard.i18n import N_, _


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    delta: str | None        # change vs the year before, as text; None if no prior year
    year: int | None
    source: str              # publisher, dataset code and vintage
    page: str                # the page that shows the series
    note: str = ""
    help: str = ""           # the tile's help text (e.g. the publisher's flag on the value)

    @property
    def caption(self) -> str:
        year = "" if self.year is None else str(self.year)
        return " · ".join(p for p in (year, self.source, self.note) if p)


def _date(value) -> str:
    return i18n.date(value)


def _count(v: float) -> str:
    return i18n.number(v)


def _change(new: float, old: float | None, *, points: bool = False) -> str | None:
    if old is None or pd.isna(old):
        return None
    if points:
        return f"{i18n.signed((new - old) * 100, 1)} pp"
    if not old:
        return i18n.signed(new - old)
    return f"{i18n.signed(new - old)} ({i18n.percent((new - old) / old, 1, sign=True)})"


def _missing(label: str, page: str, fetch: str) -> Tile:
    return Tile(label, _("not loaded"), None, None, _("run `{command}`").format(command=fetch),
                page)


def arrivals_tiles() -> list[Tile]:
    rows = db.query("overview_arrivals")
    page = "pages/arrivals.py"
    if rows.empty:
        return [_missing(_("Irregular border crossings (detections)"), page,
                         registry.fetch_command("frontex_ibc"))]
    years = sorted(rows["year"].unique(), reverse=True)
    year, prev = int(years[0]), (int(years[1]) if len(years) > 1 else None)
    this = rows[rows["year"] == year]
    total = float(this["year_total"].iat[0])
    before = rows[rows["year"] == prev]
    total_prev = float(before["year_total"].iat[0]) if len(before) else None
    src = _("Frontex, frontex_ibc, FRAN data as of {date}").format(
        date=_date(this['vintage'].iat[0]))
    top = this.iloc[0]
    top_prev = before.loc[before["route_code"] == top["route_code"], "detections"]
    return [
        Tile(_("Irregular border crossings, all routes (detections)"), _count(total),
             _change(total, total_prev), year, src, page, _("detections, not persons")),
        Tile(_("Busiest route: {route}").format(route=top['route']),
             _count(top["detections"]),
             _change(float(top["detections"]),
                     float(top_prev.iat[0]) if len(top_prev) else None),
             year, src, page, _("{share} of all detections").format(
                 share=i18n.percent(top['detections'] / total, 0))),
    ]


STALE_AFTER = 2  # years behind the newest year held for any Eurostat series


def eurostat_tiles() -> list[Tile]:
    rows = db.query("overview_eurostat")
    out = []
    specs = [
        ("returned_third_country", "NL", N_("Returned to a third country, Netherlands (persons)"),
         "migr_eirtn"),
        ("return_rate", "NL", N_("Return rate, Netherlands (returned ÷ ordered, same year)"),
         "migr_eiord, migr_eirtn"),
        ("return_rate", "EU27_2020", N_("Return rate, EU27 (returned ÷ ordered, same year)"),
         "migr_eiord, migr_eirtn"),
        ("asylum_applicants", "NL", N_("Asylum applicants, Netherlands (all applicants)"),
         "migr_asyappctza")]
    fetch = registry.fetch_command("eurostat_migr")
    for tile, geo, label, code in specs:
        label = _(label)
        sel = rows[(rows["tile"] == tile) & (rows["geo"] == geo)]
        if sel.empty:
            out.append(_missing(label, "pages/return_gap.py", fetch))
            continue
        latest = sel.iloc[0]
        year, newest = int(latest["year"]), int(latest["newest_year"])
        prev = sel[sel["year"] == year - 1]["value"]
        prev_value = float(prev.iat[0]) if len(prev) else None
        rate = tile == "return_rate"
        notes = []
        if latest["is_computed"]:
            notes.append(_("EU27_2020 computed: sum of the 27 member states")
                         if geo == "EU27_2020"
                         else _("computed: sum over citizenships of a third-party extract"))
        if newest - year > STALE_AFTER:
            # the label itself says the figure is old: a tile is read by its label and number
            label = _("{label}: {year}, out of date").format(label=label, year=year)
            notes.append(_("out of date: {year} is the latest year loaded, {behind} years "
                           "behind the newest Eurostat year held ({newest}); "
                           "newer years need `{command}`").format(
                year=year, behind=newest - year, newest=newest, command=fetch))
        out.append(Tile(
            label, i18n.percent(latest["value"], 1) if rate else _count(latest["value"]),
            _change(float(latest["value"]), prev_value, points=rate), year,
            _("Eurostat, {code}, vintage {date}").format(code=code,
                                                          date=_date(latest['vintage'])),
            "pages/return_gap.py", "; ".join(notes), flag_help(latest.get("flag"), year)))
    return out


def flag_help(flag, year: int) -> str:
    """The help text of a tile whose latest figure carries Eurostat flags; "" without."""
    if not flags.codes(flag):
        return ""
    return _("Eurostat flags the {year} figure: {flags}.").format(year=year,
                                                                  flags=flags.words(flag))


def remittance_tiles() -> list[Tile]:
    rows = db.query("overview_remittances")
    label = _("Personal remittances paid by the Netherlands (current US$)")
    if rows.empty:
        return [_missing(label, "pages/remittances.py",
                         registry.fetch_command("worldbank_wdi"))]
    latest = rows.iloc[0]
    prev = rows[rows["year"] == latest["year"] - 1]["value"]
    prev_value = float(prev.iat[0]) if len(prev) else None
    delta = None
    if prev_value:
        delta = (f"{i18n.billions(latest['value'] - prev_value, sign=True)} "
                 f"({i18n.percent(latest['value'] / prev_value - 1, 1, sign=True)})")
    return [Tile(label, i18n.billions(latest["value"]), delta, int(latest["year"]),
                 _("World Bank, BM.TRF.PWKR.CD.DT, vintage {date}").format(
                     date=_date(latest['vintage'])),
                 "pages/remittances.py", _("transfers + compensation of employees"))]


def tiles() -> list[Tile]:
    return arrivals_tiles() + eurostat_tiles() + remittance_tiles()
