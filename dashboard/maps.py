"""Maps: which codes Plotly's geography can draw, and the split of a frame into the codes on
the map and the codes listed under it (Unknown, Stateless, Kosovo, aggregates …).

The geometry is the bundled ``static/topojson/world_50m.json`` (see its README); its
country ids are the ISO-3 codes a map knows.
"""
from __future__ import annotations

import json
from functools import cache

import pandas as pd

from core import paths
from dashboard import i18n
from dashboard.i18n import _

TOPOJSON = paths.ROOT / "static" / "topojson" / "world_50m.json"


@cache
def known_codes() -> frozenset[str]:
    """ISO-3 ids of the countries and territories the map geometry holds."""
    topo = json.loads(TOPOJSON.read_text(encoding="utf-8"))
    return frozenset(g["id"] for g in topo["objects"]["countries"]["geometries"] if g.get("id"))


def split(data: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows the map draws, rows it cannot: listed under it), by the ``iso3`` column."""
    on_map = data["iso3"].isin(known_codes())
    return data[on_map].reset_index(drop=True), data[~on_map].reset_index(drop=True)


def not_on_map_note(off: pd.DataFrame, value_format: str = ",.0f") -> str:
    """The codes no map knows, in words, for the figure's footer (so an exported image
    still says what it leaves out)."""
    if off.empty:
        return ""
    parts = [f"{r.name} ({r.code}) " + (_("no value") if pd.isna(r.value)
                                         else i18n.pyformat(r.value, value_format))
             for r in off.rename(columns={"iso3": "code"}).itertuples(index=False)]
    shown = "; ".join(parts[:8])
    if len(parts) > 8:
        shown += "; " + _("and {n} more").format(n=len(parts) - 8)
    return _("Not on the map (no geometry for the code): {codes}.").format(codes=shown)
