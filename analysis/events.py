"""Policy events (``etl/reference/policy_events.csv`` or the warehouse table ``policy_events``)."""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from analysis.data import ROUTE_CODES

EVENT_KINDS = ("agreement", "operation", "border-closure", "law", "policy", "other")


def _routes(value) -> tuple[str, ...]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ()
    if isinstance(value, str):
        return tuple(r.strip() for r in value.split(";") if r.strip())
    return tuple(str(r) for r in value)


def _bool(value) -> bool:
    if isinstance(value, str):
        if value.strip().lower() not in ("true", "false"):
            raise ValueError(f"confirmed must be true or false, not {value!r}")
        return value.strip().lower() == "true"
    return bool(value)


def parse_events(frame: pd.DataFrame) -> pd.DataFrame:
    """Typed events: ``date``/``end_date`` Timestamps, ``routes`` a tuple of route codes
    (``("ALL",)`` for every route, ``()`` for none), ``confirmed`` bool. Accepts the CSV
    read as strings or the warehouse table (routes as a list)."""
    events = frame.copy()
    events["date"] = pd.to_datetime(events["date"], format="ISO8601")
    events["end_date"] = pd.to_datetime(events["end_date"].replace("", None), format="ISO8601")
    events["routes"] = events["routes"].map(_routes)
    events["confirmed"] = events["confirmed"].map(_bool)
    bad = {r for rs in events["routes"] for r in rs} - set(ROUTE_CODES) - {"ALL"}
    if bad:
        raise ValueError(f"unknown route codes in events: {sorted(bad)}")
    return events.sort_values(["date", "id"]).reset_index(drop=True)


def events_between(events: pd.DataFrame, start, end, *, routes: Iterable[str] | None = None,
                   exclude_ids: Iterable[str] = ()) -> pd.DataFrame:
    """Events dated in ``start``..``end`` (inclusive; events with an end date count if they
    overlap), concerning any of ``routes`` or all routes, less ``exclude_ids``."""
    typed = events["routes"].map(lambda v: isinstance(v, tuple)).all() \
        and pd.api.types.is_datetime64_any_dtype(events["date"])
    ev = events if typed else parse_events(events)
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    last = ev["end_date"].fillna(ev["date"])
    keep = (ev["date"] <= end) & (last >= start) & ~ev["id"].isin(list(exclude_ids))
    if routes is not None:
        wanted = set(routes)
        keep &= ev["routes"].map(lambda rs: "ALL" in rs or bool(wanted & set(rs)))
    return ev.loc[keep]
