"""Names of routes, countries and Eurostat aggregates in the interface language.

The warehouse keeps the publishers' English names (Frontex route names, World Bank and
Eurostat country names), which CSV exports in English and every join use. What a reader
sees is translated here, at the last step: Frontex's route names through the message
catalog, country names from the Unicode CLDR territory names that Babel ships (the names
Dutch government documents use: "Syrië", "Marokko", "Turkije"), keyed by the country's ISO
code so a publisher's spelling ("Syrian Arab Republic", "Turkiye") does not matter. A name
CLDR does not know (a World Bank region, "Channel Islands") stays as the publisher wrote it.
"""
from __future__ import annotations

import functools

import pandas as pd
from babel import Locale

from dashboard import i18n
from dashboard.i18n import N_, _

#: Frontex's route names (``core.reference.routes``), translated where shown.
ROUTES = {
    "Eastern Mediterranean Route": N_("Eastern Mediterranean Route"),
    "Central Mediterranean Route": N_("Central Mediterranean Route"),
    "Western Mediterranean Route": N_("Western Mediterranean Route"),
    "Western Balkan Route": N_("Western Balkan Route"),
    "Western African Route": N_("Western African Route"),
    "Eastern Borders Route": N_("Eastern Borders Route"),
    "Black Sea Route": N_("Black Sea Route"),
    "Circular Route from Albania to Greece": N_("Circular Route from Albania to Greece"),
    "Other": N_("Other"),
}
#: Frontex's border types.
BORDER_TYPES = {"Land": N_("Land"), "Sea": N_("Sea")}
#: Eurostat's aggregates and totals (``eurostat_geo``), translated where shown.
AGGREGATES = {
    "European Union - 27 countries (from 2020)": N_("European Union - 27 countries (from 2020)"),
    "European Union - 27 countries (2007-2013)": N_("European Union - 27 countries (2007-2013)"),
    "European Union - 28 countries (2013-2020)": N_("European Union - 28 countries (2013-2020)"),
    "Total (all countries reporting in the file)": N_("Total (all countries reporting in the "
                                                      "file)"),
}
#: Eurostat's own geo codes that are not ISO 3166 (Greece, the United Kingdom).
EUROSTAT_ISO2 = {"EL": "GR", "UK": "GB"}

#: Columns of query results that hold a name a reader sees.
NAME_COLUMNS = ("route", "nationality", "series", "country_name", "name", "country",
                "citizenship_name", "geo_name", "label", "Route", "Country", "Nationality")


def route(name: str) -> str:
    """A Frontex route name in the interface language."""
    return _(ROUTES[name]) if name in ROUTES else name


def border_type(name: str) -> str:
    """A Frontex border type ("Land", "Sea") in the interface language."""
    return _(BORDER_TYPES[name]) if name in BORDER_TYPES else name


def country(iso2: str | None, name: str) -> str:
    """A country's name in the interface language (CLDR), the publisher's name otherwise."""
    lang = i18n.current()
    if lang == i18n.DEFAULT or not iso2:
        return name
    return _territories(lang).get(EUROSTAT_ISO2.get(iso2, iso2), name)


@functools.cache
def _territories(lang: str) -> dict[str, str]:
    return dict(Locale.parse(lang).territories)


def translations(pairs: pd.DataFrame) -> dict[str, str]:
    """{English name: shown name} for the interface language, from ``pairs`` (columns
    ``name`` and ``iso2``: every country name in the warehouse with its code)."""
    if i18n.current() == i18n.DEFAULT:
        return {}
    out = {n: country(c, n) for n, c in zip(pairs["name"], pairs["iso2"])}
    out.update({n: _(m) for n, m in (ROUTES | BORDER_TYPES | AGGREGATES).items()})
    return {k: v for k, v in out.items() if k != v}


def localize(frame: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    """``frame`` with its name columns (``NAME_COLUMNS``) in the interface language. The
    frame is changed in place (a cached query hands out a copy) and returned."""
    if not mapping or frame.empty:
        return frame
    for col in NAME_COLUMNS:
        if col in frame.columns and (frame[col].dtype == object
                                     or pd.api.types.is_string_dtype(frame[col])):
            s = frame[col]
            frame[col] = s.map(mapping).fillna(s)  # vectorised: runs on every Dutch rerun
    return frame
