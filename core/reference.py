"""Reference mappings kept as data files: route labels and nationality/country labels."""
from __future__ import annotations

import re
from functools import cache

import pandas as pd

from core.paths import REFERENCE_DIR

# Footnote markers Frontex appends to some names (Kosovo* → UNSCR 1244, Palestine^).
FOOTNOTE_MARKERS = re.compile(r"[\*\^†‡]+$")


def clean_label(label: str) -> str:
    return FOOTNOTE_MARKERS.sub("", " ".join(str(label).split()))


@cache
def routes() -> pd.DataFrame:
    """Route labels (every spelling seen) → canonical route code and name."""
    return pd.read_csv(REFERENCE_DIR / "routes.csv", dtype=str, keep_default_na=False)


@cache
def countries() -> pd.DataFrame:
    """Country / nationality labels (every spelling seen) → ISO-3 code, name and kind.

    Non-country labels (Unknown, Stateless, …) carry codes from ISO 3166's user-assigned
    X range; ``kind`` says which rows these are.
    """
    return pd.read_csv(REFERENCE_DIR / "countries.csv", dtype=str, keep_default_na=False)


@cache
def eurostat_geo() -> pd.DataFrame:
    """Eurostat reporting geographies: label (every spelling seen) → code, name, kind and
    EU27_2020 membership."""
    return pd.read_csv(REFERENCE_DIR / "eurostat_geo.csv", dtype=str, keep_default_na=False)


@cache
def route_codes() -> tuple[str, ...]:
    """The route codes in the project's one route order: the order of first appearance in
    ``etl/reference/routes.csv``."""
    return tuple(dict.fromkeys(routes()["route_code"]))
