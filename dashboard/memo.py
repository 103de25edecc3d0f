"""What a page rebuilds the same way on every rerun (a chart's frame, source, title and
figure), made once per server and shared by every session.

    @memo.per_build(max_entries=32)
    def measures_chart(geo: str, view: ReturnGapView) -> memo.ChartParts: ...

caches the result per (arguments, interface language, warehouse build): the language
because titles, labels and footers are translated, the build (``db.build_key()``) because
a rebuilt warehouse holds other figures. The arguments are hashed by Streamlit (small
values and frozen dataclasses; no data frames). A cached figure or frame is shared, so
nobody may change it in place: ``components.chart`` copies a figure before it drops
series, indexes or rescales it (``chart_data.pick``, ``index_figure``, ``log_scale``).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable, TypeVar

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import db, i18n
from dashboard.charts import Source

T = TypeVar("T")


@dataclass(frozen=True)
class ChartParts:
    """What ``components.chart`` draws: the figure, exactly its rows, its source, its title."""

    fig: go.Figure
    data: pd.DataFrame
    source: Source
    title: str


def per_build(max_entries: int = 32) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Cache a builder's result per (arguments, language, warehouse build), at most
    ``max_entries`` results per builder (least recently used dropped first)."""
    def wrap(fn: Callable[..., T]) -> Callable[..., T]:
        def cached(args: tuple, kwargs: tuple, lang: str, build_key: str) -> T:
            return fn(*args, **dict(kwargs))

        # one cache per builder: Streamlit names a cache by its function's module and name
        cached.__module__, cached.__qualname__ = fn.__module__, f"{fn.__qualname__}:per_build"
        cached = st.cache_resource(max_entries=max_entries, show_spinner=False)(cached)

        @functools.wraps(fn)
        def call(*args, **kwargs) -> T:
            return cached(args, tuple(sorted(kwargs.items())), i18n.current(), db.build_key())

        call.clear = cached.clear  # type: ignore[attr-defined]
        return call

    return wrap
