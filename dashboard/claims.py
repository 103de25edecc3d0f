"""Claim check: verdicts computed from the warehouse now, evidence figures, adding a claim.

No widgets here; ``pages/claims.py`` holds them. Verdicts are computed per warehouse build
(cached on the build key) and never stored.
"""
from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analysis import claims as engine
from analysis.claims_data import MARTS, WarehouseSource
from dashboard import charts, db
from core import paths

BADGES = {"supported": "🟢 supported", "close": "🟡 close",
          "definition_differs": "🔵 definition differs",
          "not_testable": "⚪ not testable with loaded data",
          "contradicted": "🔴 contradicted"}


def _evaluate_all(cur) -> list[engine.Verdict]:
    source = WarehouseSource(cur)
    return [engine.evaluate(c, source) for c in engine.load_all(paths.USER_CLAIMS)]


@st.cache_data(max_entries=4, show_spinner="Checking the claims against the data …")
def _verdicts(build_key: str, user_file_key: str) -> list[engine.Verdict]:
    return db.run(_evaluate_all)


def verdicts() -> list[engine.Verdict]:
    user = paths.USER_CLAIMS
    user_key = f"{user.stat().st_mtime_ns}:{user.stat().st_size}" if user.exists() else ""
    return _verdicts(db.build_key(), user_key)


def document_key(document: str) -> str:
    """A URL-safe key for a source document (names can hold commas and spaces)."""
    return re.sub(r"[^a-z0-9]+", "-", document.lower()).strip("-")


def documents(verdicts_: list[engine.Verdict]) -> dict[str, str]:
    """document key → document name, sorted by name."""
    return {document_key(d): d for d in sorted({v.claim.document for v in verdicts_})}


def table(verdicts_: list[engine.Verdict]) -> pd.DataFrame:
    return pd.DataFrame([{
        "id": v.claim.id, "verdict": BADGES[v.verdict], "claim": v.claim.claim,
        "document": v.claim.document, "period": v.claim.period,
        "series": ", ".join(v.claim.datasets), "claim set": v.claim.claim_set,
    } for v in verdicts_])


def checks_table(verdict: engine.Verdict) -> pd.DataFrame:
    """The numbers behind a verdict: one row per check."""
    return pd.DataFrame([{
        "check": r.label, "claimed": _text(r.claimed), "data value": _text(r.data_value),
        "band": "" if r.band is None else f"{_text(r.band[0])} to below {_text(r.band[1])}",
        "verdict": BADGES[r.verdict], "why": r.explanation,
    } for r in verdict.results])


def _text(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.4g}"
    return str(value)


def _queries(verdict: engine.Verdict) -> list[engine.Query]:
    return [q for c in verdict.claim.checks for q in (
        c.query, c.numerator, c.denominator, c.before, c.after) if q is not None]


def source(verdict: engine.Verdict) -> charts.Source:
    """The evidence's source, from the metadata of the mart the claim reads."""
    dataset = MARTS.get(_queries(verdict)[0].mart, "frontex_ibc")
    vintages = [pd.Timestamp(v).date() for r in verdict.results
                if "vintage" in r.evidence for v in r.evidence["vintage"].dropna()]
    vintage = max(vintages) if vintages else dt.date.today()
    codes = {code: vintage for code in verdict.claim.datasets}
    caveat = f"Claim {verdict.claim.id}: {verdict.claim.document}, {verdict.claim.location}."
    return charts.source_for(dataset, codes if dataset == "eurostat_migr" else vintage,
                             caveats=(caveat,), unit=verdict.claim.unit)


def evidence(verdict: engine.Verdict) -> pd.DataFrame:
    """Exactly the plotted rows of the evidence figure."""
    q = verdict.claim.quantity
    if q in ("value", "share"):
        return pd.DataFrame([{
            "check": r.label, "claimed": r.claimed, "low": r.band[0] if r.band else None,
            "high": r.band[1] if r.band else None, "data_value": r.data_value,
            "verdict": r.verdict} for r in verdict.results])
    if q == "direction":
        rows = []
        for r, c in zip(verdict.results, verdict.claim.checks):
            ev = r.evidence
            def total(part, query):
                sel = ev[ev["part"] == part] if "part" in ev else ev.iloc[0:0]
                return engine.aggregate(sel, query)
            rows.append({"check": r.label, "before": total("before", c.before),
                         "after": total("after", c.after), "claimed": c.claimed,
                         "verdict": r.verdict})
        return pd.DataFrame(rows)
    frames = []
    for r, c in zip(verdict.results, verdict.claim.checks):
        ev = r.evidence
        if ev.empty:
            continue
        series = (ev.assign(value=pd.to_numeric(ev[c.query.value], errors="coerce"))
                  .groupby(c.by, as_index=False)["value"].sum())
        series["series"] = r.label
        series["period"] = pd.to_datetime(series[c.by].astype(int).astype(str) + "-01-01")
        frames.append(series)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["series", "period", "value"])


def title(verdict: engine.Verdict) -> str:
    return f"Claim {verdict.claim.id} against the data: {verdict.claim.unit}, {verdict.claim.period}"


def figure(verdict: engine.Verdict, data: pd.DataFrame) -> go.Figure:
    src = source(verdict)
    q = verdict.claim.quantity
    if q in ("value", "share"):
        fmt = ".1%" if q == "share" else ",.4g"
        return charts.claim_chart(data, title=title(verdict), x_title=verdict.claim.unit,
                                  source=src, x_format=fmt)
    if q == "direction":
        return charts.bar_chart(data, label="check", bars={"before": "Before", "after": "After"},
                                title=title(verdict), x_title=verdict.claim.unit, source=src)
    return charts.time_series(data, title=title(verdict), source=src, grain="year",
                              stacked=False, y_title=verdict.claim.unit,
                              y_format=",.3g", hover_format=",.4g")


# ----------------------------------------------------------------------------- adding
def mart_columns() -> dict[str, list[str]]:
    """Numeric value columns and filter columns of each mart a claim may read."""
    return db.run(lambda cur: WarehouseSource(cur).columns)


def parse_filters(text: str) -> dict:
    """``column = value`` per line; ``a, b`` is a list, ``2014..2016`` a range; numbers and
    ISO dates are read as such."""
    where = {}
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        if "=" not in line:
            raise engine.ClaimError(f"filter line {n}: expected 'column = value', got {line!r}")
        col, value = (p.strip() for p in line.split("=", 1))
        if not col or not value:
            raise engine.ClaimError(f"filter line {n}: a column and a value are needed")
        if ".." in value:
            lo, hi = (_scalar(v) for v in value.split("..", 1))
            where[col] = {"from": lo, "to": hi}
        elif "," in value:
            where[col] = [_scalar(v) for v in value.split(",") if v.strip()]
        else:
            where[col] = _scalar(value)
    return where


def _scalar(text: str):
    text = text.strip()
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return text


def add(form: dict) -> engine.Claim:
    """Validate a claim entered on the page against the marts' columns and codes, then save
    it to the user's claims file. Raises ClaimError (nothing saved) on bad input."""
    query = {"mart": form["mart"], "value": form["value"], "aggregate": form["aggregate"],
             "where": parse_filters(form["filters"])}
    raw = {
        "id": form["id"].strip(), "claim": form["claim"].strip(),
        "document": form["document"].strip(), "location": form["location"].strip(),
        "quantity": "value", "unit": form["unit"].strip(), "period": form["period"].strip(),
        "datasets": [d.strip() for d in form["datasets"].split(",") if d.strip()],
        "checks": [{"label": form["period"].strip(), "claimed": form["claimed"],
                    "tolerance": form["tolerance"], "query": query}],
    }
    if not raw["id"] or any(c in raw["id"] for c in " /\\"):
        raise engine.ClaimError("the id is one word without spaces or slashes (e.g. U01)")
    claim = engine.parse_claim(raw, paths.USER_CLAIMS.name)
    db.run(lambda cur: WarehouseSource(cur).validate_claim(claim))
    existing = {c.id for c in engine.load_all(paths.USER_CLAIMS)}
    return engine.append_claim(paths.USER_CLAIMS, raw, existing)

