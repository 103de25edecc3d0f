"""Cross-route co-movement of deseasonalised month-on-month changes."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

NOTE = ("Correlation is not displacement: routes can move together or against each other "
        "because of common drivers (weather, conflict and policy in origin and transit "
        "countries, reporting practice) or by chance. A negative correlation is at most "
        "consistent with substitution; the event models and the composition test are the "
        "evidence. Changes are Δ log(1 + detections) from one month to the next, minus their "
        "month-of-year mean over the span; p-values ignore autocorrelation and multiple "
        "comparisons.")


@dataclass
class CoMovement:
    pairs: pd.DataFrame       # route_a, route_b, r, p, n
    matrix: pd.DataFrame      # route × route correlation
    start: pd.Timestamp
    end: pd.Timestamp
    note: str = NOTE


def deseasonalised_changes(wide: pd.DataFrame) -> pd.DataFrame:
    """Δ log(1 + y) month on month, minus the mean change of its month of year."""
    d = np.log1p(wide).diff().iloc[1:]
    return d - d.groupby(d.index.month).transform("mean")


def comovement(wide: pd.DataFrame, routes: Iterable[str] | None = None, *, start=None,
               end=None, min_monthly_mean: float = 10.0) -> CoMovement:
    """Pearson correlations between routes of deseasonalised month-on-month changes over
    ``start``..``end`` (default: all months; use at least three years, or the seasonal
    means are noise). Routes averaging fewer than ``min_monthly_mean`` detections a month
    over the span are dropped (their log changes are mostly counting noise)."""
    routes = list(wide.columns if routes is None else routes)
    data = wide.loc[start:end, routes]
    if len(data) < 25:
        raise ValueError(f"{len(data)} months: use at least 25 for month-of-year means")
    data = data.loc[:, (data.nunique() > 1) & (data.mean() >= min_monthly_mean)]
    d = deseasonalised_changes(data)
    d = d.loc[:, d.std() > 0]
    rows = []
    for a, b in combinations(d.columns, 2):
        from scipy import stats

        r, p = stats.pearsonr(d[a], d[b])
        rows.append({"route_a": a, "route_b": b, "r": float(r), "p": float(p), "n": len(d)})
    return CoMovement(pairs=pd.DataFrame(rows, columns=["route_a", "route_b", "r", "p", "n"]),
                      matrix=d.corr(), start=data.index.min(), end=data.index.max())
