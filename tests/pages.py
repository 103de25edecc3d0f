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
    return {t["name"].replace("<br>", " "): dict(zip([str(x)[:10] for x in t["x"]],
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


ENGLISH_NUMBER = r"-?\d{1,3}(,\d{3})*(\.\d+)?"


def as_numbers(table: pd.DataFrame) -> pd.DataFrame:
    """A page table with the columns it writes as English text numbers ("1,060,293",
    "-0.067"; ``components.as_text``) read back as numbers (an empty cell = missing)."""
    out = table.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype.kind not in "OUT" and str(s.dtype) not in ("str", "string"):
            continue
        text = s.dropna().astype(str)
        text = text[text != ""]
        if text.empty or not text.str.fullmatch(ENGLISH_NUMBER).all():
            continue
        clean = s.astype(str).str.replace(",", "", regex=False).replace({"": None, "nan": None})
        values = pd.to_numeric(clean, errors="coerce")
        whole = values.dropna()
        out[col] = (values.astype("Int64") if not text.str.contains(r"\.").any()
                    and (whole == whole.round()).all() else values)
    return out


def page_tables(at: AppTest) -> list[pd.DataFrame]:
    """The page's own tables (st.dataframe), without the Table tab of each chart (whose last
    column is the chart table's "Missing reason"); numbers written as text read back as
    numbers (``as_numbers``)."""
    return [as_numbers(d.value) for d in at.dataframe
            if list(d.value.columns)[-1:] not in MISSING_REASON]


def chart_stems(at: AppTest) -> list[str]:
    """The file stem of each chart drawn by ``components.chart`` (its CSV button's key)."""
    ids = [b.proto.id for b in at.get("download_button")]
    return [i.split("-csv-", 1)[1] for i in ids if "-csv-" in i]


def open_tab(at: AppTest, label: str, *stems: str) -> AppTest:
    """Open one tab ("Table", "Cite this chart", or in the page's language) of the named
    charts (their file stems; default: every chart on the page), or of a page's own tabs
    (``open_tab(at, "Risk", "arrivals")``), as a click would, and rerun: only the open tab
    is built."""
    from dashboard import i18n

    for stem in stems or chart_stems(at):
        at.session_state[f"tabs-{stem}"] = label
    # AppTest formats the choices of the widgets it sends back in the test's thread: in the
    # page's language, as the page formatted them
    lang = at.session_state[i18n.KEY] if i18n.KEY in at.session_state else i18n.DEFAULT
    with i18n.use(lang):
        at.run()
    assert not at.exception, at.exception
    return at


def chart_tables(at: AppTest) -> list[pd.DataFrame]:
    """The Table tab of each chart whose Table tab is open, in the order of the charts."""
    return [d.value for d in at.dataframe if list(d.value.columns)[-1:] in MISSING_REASON]
