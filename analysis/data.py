"""Monthly route × nationality detections from the warehouse, and the month × route matrix."""
from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from core import reference

ROUTE_CODES = reference.route_codes()  # the one route order: etl/reference/routes.csv
MAIN_ROUTES = ("WMR", "CMR", "EMR", "WBR")
SQL_DIR = Path(__file__).resolve().parent / "sql"


@cache
def sql(name: str) -> str:
    """The text of ``analysis/sql/<name>.sql``."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def load_monthly(con: duckdb.DuckDBPyConnection, *, by_nationality: bool = True) -> pd.DataFrame:
    """Monthly detections from ``arrivals_monthly`` (Sea and Land summed).

    Columns: ``route_code, route, [nationality_iso3, nationality,] month`` (Timestamp, first
    of the month) and ``detections`` (int).
    """
    name = "monthly_route_nationality" if by_nationality else "monthly_route"
    frame = con.execute(sql(name)).df()
    frame["month"] = pd.to_datetime(frame["month"])
    frame["detections"] = frame["detections"].astype("int64")
    return frame


def route_month_matrix(frame: pd.DataFrame,
                       nationalities: str | Iterable[str] | None = None) -> pd.DataFrame:
    """Month × route matrix of detections (float), optionally for some nationalities only.

    ``nationalities``: one ISO-3 code or several (a group); matched against
    ``nationality_iso3``. Months missing for a route are 0 (the mart is dense, so this only
    matters for frames built elsewhere).
    """
    data = frame
    if nationalities is not None:
        if "nationality_iso3" not in frame:
            raise ValueError("a nationality filter needs a frame loaded with by_nationality=True")
        codes = [nationalities] if isinstance(nationalities, str) else list(nationalities)
        unknown = set(codes) - set(frame["nationality_iso3"])
        if unknown:
            raise ValueError(f"nationality codes not in the data: {sorted(unknown)}")
        data = frame[frame["nationality_iso3"].isin(codes)]
    wide = data.pivot_table(index="month", columns="route_code", values="detections",
                            aggfunc="sum", fill_value=0).astype(float)
    months = pd.date_range(wide.index.min(), wide.index.max(), freq="MS")
    wide = wide.reindex(months, fill_value=0.0)
    wide.index.name = "month"
    wide.columns.name = "route_code"
    return wide
