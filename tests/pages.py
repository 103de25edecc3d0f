"""Helpers shared by the page tests (AppTest): run a page, read its charts back."""
from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def decode(values):
    """Plotly JSON arrays: plain lists or {'dtype', 'bdata'} base64 typed arrays."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return values


def run_page(page: str, timeout: int = 90, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.switch_page(page)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def specs(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def title(spec: dict) -> str:
    return spec["layout"]["title"]["text"].replace("<br>", " ")


def footer(spec: dict) -> str:
    return spec["layout"]["annotations"][0]["text"].replace("<br>", " ")


def line_traces(spec: dict) -> dict[str, dict]:
    """name → {x (YYYY-MM-DD) → y} of a figure's traces (NaN for a gap)."""
    return {t["name"]: dict(zip([str(x)[:10] for x in t["x"]],
                                [np.nan if v is None else v for v in decode(t["y"])]))
            for t in spec["data"] if t.get("x") is not None and t.get("type") == "scatter"}


def csv_table(data: pd.DataFrame, source, title: str) -> tuple[list[str], pd.DataFrame]:
    """The bytes a page's CSV download serves for these rows, split into the '#' header
    lines and the table read back."""
    from dashboard import components

    text = components.csv_bytes(data, source, title).decode()
    header = [line for line in text.splitlines() if line.startswith("#")]
    return header, pd.read_csv(io.StringIO(text), comment="#")


MISSING_REASON = (["Missing reason"], ["Reden ontbreken"])  # a chart table's last column


def page_tables(at: AppTest) -> list[pd.DataFrame]:
    """The page's own tables (st.dataframe), without the Table tab of each chart (whose last
    column is the chart table's "Missing reason")."""
    return [d.value for d in at.dataframe if list(d.value.columns)[-1:] not in MISSING_REASON]


def chart_tables(at: AppTest) -> list[pd.DataFrame]:
    """The Table tab of each chart, in the order of the charts."""
    return [d.value for d in at.dataframe if list(d.value.columns)[-1:] in MISSING_REASON]
