"""Claim check: verdicts computed from the warehouse now and as it stood when each claim was
made, evidence figures, adding, editing and deleting the user's own claims.

No widgets here; ``pages/claims.py`` holds them. Verdicts are computed per warehouse build
(cached on the build key) and never stored.
"""
from __future__ import annotations

import datetime as dt
import math
import re

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analysis import claims as engine
from analysis import claims_data, claims_report
from analysis import tolerance
from analysis.claims_data import MARTS, WarehouseSource
from dashboard import charts, db
from core import paths

BADGES = {"supported": "🟢 supported", "close": "🟡 close",
          "computed": "🟣 computed, published series not loaded",
          "definition_differs": "🔵 definition differs",
          "not_testable": "⚪ not testable with loaded data",
          "contradicted": "🔴 contradicted"}
YEARS_BEFORE_DATA = 10  # a claim may name a year this far before a series' first loaded year
fmt = engine.format_number


def user_file_problem() -> str | None:
    """Why the user's claims file cannot be read (hand-edited into invalid YAML, say), in
    plain words, or None when it is fine or absent."""
    if not paths.USER_CLAIMS.exists():
        return None
    try:
        engine.load(paths.USER_CLAIMS)
    except (engine.ClaimError, OSError, UnicodeDecodeError) as exc:
        reason = " ".join(str(exc).split())[:300]
        return (f"Your own claims (data/{paths.USER_CLAIMS.name}) cannot be read, so only the "
                f"published claims are shown: {reason}. Correct the file by hand or move it "
                "away; nothing in it has been changed.")
    return None


def _evaluate_all(cur, with_user: bool = True) -> list[engine.Verdict]:
    return claims_data.evaluate_all(
        cur, engine.load_all(paths.USER_CLAIMS if with_user else None))


@st.cache_data(max_entries=4, show_spinner="Checking the claims against the data, now and "
               "as it stood when each was made …")
def _verdicts(build_key: str, user_file_key: str) -> list[engine.Verdict]:
    return db.run(_evaluate_all, user_file_key != "broken")


def verdicts() -> list[engine.Verdict]:
    user = paths.USER_CLAIMS
    user_key = f"{user.stat().st_mtime_ns}:{user.stat().st_size}" if user.exists() else ""
    if problem := user_file_problem():
        st.warning(problem, icon="⚠️")
        user_key = "broken"
    return _verdicts(db.build_key(), user_key)


def document_key(document: str) -> str:
    """A URL-safe key for a source document (names can hold commas and spaces)."""
    return re.sub(r"[^a-z0-9]+", "-", document.lower()).strip("-")


def documents(verdicts_: list[engine.Verdict]) -> dict[str, str]:
    """document key → document name, sorted by name."""
    return {document_key(d): d for d in sorted({v.claim.document for v in verdicts_})}


def has_evidence(verdict: engine.Verdict) -> bool:
    return any(r.data_value is not None for r in verdict.results)


def default_claim(verdicts_: list[engine.Verdict]) -> str:
    """The first claim whose verdict rests on data (else the first claim)."""
    return next((v.claim.id for v in verdicts_ if has_evidence(v)),
                verdicts_[0].claim.id if verdicts_ else "")


def _pct(value) -> str:
    return "–" if value is None else f"{value:+.1f} %".replace("-", "−")


def table(verdicts_: list[engine.Verdict]) -> pd.DataFrame:
    return pd.DataFrame([{
        "id": v.claim.id, "verdict": BADGES[v.verdict],
        "when stated": BADGES[v.verdict_at_statement],
        "revised since": "yes" if v.revised else "",
        "deviation": _pct(v.deviation_pct), "claim": v.claim.claim,
        "document": v.claim.document,
        "stated on": v.claim.stated_on.text if v.claim.stated_on else "–",
        "period": v.claim.period, "series": ", ".join(v.claim.datasets),
        "claim set": v.claim.claim_set,
    } for v in verdicts_])


def checks_table(verdict: engine.Verdict) -> pd.DataFrame:
    """The numbers behind both verdicts: one row per check."""
    c = verdict.claim
    then = verdict.at_statement.results if verdict.at_statement else [None] * len(
        verdict.results)
    rows = []
    for r, t, check in zip(verdict.results, then, c.checks):
        rows.append({
            "check": r.label, "claimed": engine.shown(r.claimed, c, check),
            "data value": engine.shown(r.data_value, c, check), "band": r.band_text or "–",
            "deviation": _pct(r.deviation_pct), "verdict": BADGES[r.verdict],
            "vintage": r.vintage or "–",
            "data value when stated": engine.shown(t.data_value, c, check) if t else "–",
            "verdict when stated": BADGES[t.verdict] if t else BADGES["not_testable"],
            "why": r.explanation,
        })
    return pd.DataFrame(rows)


def _queries(verdict: engine.Verdict) -> list[engine.Query]:
    return [q for c in verdict.claim.checks for q in c.queries()]


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


def _finite(value, fallback):
    return value if value is not None and math.isfinite(value) else fallback


def evidence(verdict: engine.Verdict) -> pd.DataFrame:
    """Exactly the plotted rows of the evidence figure."""
    q = verdict.claim.quantity
    if q in ("value", "share"):
        rows = []
        for r in verdict.results:
            low, high = r.band if r.band else (None, None)
            ref = r.data_value if r.data_value is not None else r.claimed
            rows.append({"check": r.label, "claimed": r.claimed,
                         "low": _finite(low, min(ref, r.claimed)),
                         "high": _finite(high, max(ref, r.claimed)),
                         "data_value": r.data_value, "verdict": r.verdict})
        return pd.DataFrame(rows)
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
        if r.series is None or r.series.empty:
            continue
        series = r.series.rename("value").reset_index()
        series.columns = [c.by, "value"]
        series["series"] = r.label
        series["period"] = pd.to_datetime(series[c.by].astype(int).astype(str) + "-01-01")
        frames.append(series[["series", "period", "value"]])
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["series", "period", "value"])


def title(verdict: engine.Verdict) -> str:
    return f"Claim {verdict.claim.id} against the data: {verdict.claim.unit}, {verdict.claim.period}"


def figure(verdict: engine.Verdict, data: pd.DataFrame) -> go.Figure:
    src = source(verdict)
    q = verdict.claim.quantity
    if q in ("value", "share"):
        fmt_ = ".1%" if q == "share" else ",.4~f"
        return charts.claim_chart(data, title=title(verdict), x_title=verdict.claim.unit,
                                  source=src, x_format=fmt_)
    if q == "direction":
        return charts.bar_chart(data, label="check", bars={"before": "Before", "after": "After"},
                                title=title(verdict), x_title=verdict.claim.unit, source=src)
    return charts.time_series(data, title=title(verdict), source=src, grain="year",
                              stacked=False, y_title=verdict.claim.unit,
                              y_format=",.4~f", hover_format=",.4~f")


def brief(verdicts_: list[engine.Verdict]) -> bytes:
    return claims_report.html_brief(verdicts_).encode("utf-8")


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
            raise engine.ClaimError(f"Filter line {n} should read 'column = value' "
                                    f"(for example 'year = 2024'), not {line!r}.")
        col, value = (p.strip() for p in line.split("=", 1))
        if not col or not value:
            raise engine.ClaimError(f"Filter line {n} needs a column and a value.")
        if ".." in value:
            lo, hi = (_scalar(v) for v in value.split("..", 1))
            where[col] = {"from": lo, "to": hi}
        elif "," in value:
            where[col] = [_scalar(v) for v in value.split(",") if v.strip()]
        else:
            where[col] = _scalar(value)
    return where


def filters_text(where: dict) -> str:
    """The inverse of ``parse_filters`` (to edit a saved claim)."""
    lines = []
    for col, cond in where.items():
        if isinstance(cond, dict):
            lines.append(f"{col} = {cond['from']}..{cond['to']}")
        elif isinstance(cond, list):
            lines.append(f"{col} = {', '.join(str(c) for c in cond)}")
        else:
            lines.append(f"{col} = {cond}")
    return "\n".join(lines)


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


FIELDS = {"id": "Id", "claim": "Claim", "document": "Source document",
          "location": "Where in it", "period": "Period", "stated": "Claimed number as stated",
          "value": "Value column", "datasets": "Publisher dataset codes"}


def band_preview(stated: str) -> str:
    """The band the wording stands for, in words (or why it cannot be read)."""
    try:
        b = tolerance.band(stated)
    except tolerance.ToleranceError as exc:
        return f"⚠️ {exc}"
    unit = " %" if b.percent else ""
    return (f"Band from the wording: {b.describe(lambda v: fmt(v) + unit)} "
            f"(“close” within {fmt(b.margin)}{unit} more)")


def _years(where: dict) -> list[int]:
    cond = where.get("year")
    if isinstance(cond, dict):
        return [cond["from"], cond["to"]]
    return cond if isinstance(cond, list) else [] if cond is None else [cond]


def validate_form(form: dict, source: WarehouseSource) -> dict:
    """The claim's YAML mapping from the form, or ClaimError with a message in plain words."""
    missing = [FIELDS[k] for k in FIELDS if not str(form.get(k) or "").strip()]
    if missing:
        raise engine.ClaimError("Please fill in: " + ", ".join(missing) + ".")
    for key in ("claim", "document", "location", "unit", "period"):
        if len(str(form.get(key) or "")) > engine.TEXT_LIMIT:
            raise engine.ClaimError(f"The {FIELDS.get(key, key).lower()} is longer than "
                                    f"{engine.TEXT_LIMIT:,} characters; shorten it.")
    claim_id = form["id"].strip()
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,20}", claim_id):
        raise engine.ClaimError("The id is one short word of letters, digits, - or _ "
                                "(for example U01).")
    stated = form["stated"].strip()
    if stated.lstrip("~ ").startswith(("-", "−")):
        raise engine.ClaimError("The claimed number cannot be negative: the series hold "
                                "counts, amounts and rates.")
    try:
        tolerance.band(stated)
    except tolerance.ToleranceError as exc:
        raise engine.ClaimError(f"The claimed number could not be read: {exc}.") from exc
    where = parse_filters(form["filters"])
    span = source.year_span(form["mart"])
    first = (span[0] if span else 1950) - YEARS_BEFORE_DATA
    last = dt.date.today().year
    for year in _years(where):
        if not isinstance(year, int) or not first <= year <= last:
            start = (f"this series starts in {span[0]}, so a year more than "
                     f"{YEARS_BEFORE_DATA} years earlier is taken for a typing error"
                     if span else "this series has no year column")
            raise engine.ClaimError(f"The year {year} is outside {first}–{last}: {start}, "
                                    "and a claim cannot be about the future.")
    return {
        "id": claim_id, "claim": form["claim"].strip(),
        "document": form["document"].strip(), "location": form["location"].strip(),
        "quantity": "value", "unit": form["unit"].strip(), "period": form["period"].strip(),
        **({"stated_on": form["stated_on"].isoformat()} if form.get("stated_on") else {}),
        "datasets": [d.strip() for d in form["datasets"].split(",") if d.strip()],
        "checks": [{"label": form["period"].strip(), "stated": stated,
                    "query": {"mart": form["mart"], "value": form["value"].strip(),
                              "aggregate": form["aggregate"], "where": where}}],
    }


def _plain_error(exc: Exception) -> str:
    """An engine message without file names or the claim's internal address."""
    text = re.sub(r"^claim [^:]*: ", "", str(exc))
    text = text.replace(paths.USER_CLAIMS.name, "your claims")
    return text[:1].upper() + text[1:]


def save(form: dict, replaces: str | None = None) -> engine.Claim:
    """Validate a claim entered on the page against the marts' columns and codes, then save
    it (added, or in place of ``replaces``). Raises ClaimError (nothing saved)."""
    def check(cur):
        source = WarehouseSource(cur)
        raw = validate_form(form, source)
        claim = engine.parse_claim(raw)
        source.validate_claim(claim)
        return raw

    try:
        raw = db.run(check)
        existing = {c.id for c in engine.load_all(paths.USER_CLAIMS)}
        return engine.save_claim(paths.USER_CLAIMS, raw, existing, replaces)
    except engine.ClaimError as exc:
        raise engine.ClaimError(_plain_error(exc)) from exc
    except OSError as exc:  # a read-only data folder, a full disk
        raise engine.ClaimError(_disk_error(exc)) from exc


def _disk_error(exc: OSError) -> str:
    return (f"Your claims file could not be written ({exc.strerror or type(exc).__name__}): "
            "the data folder may be read-only or the disk full. Nothing was changed.")


def add(form: dict) -> engine.Claim:
    return save(form)


def user_claim_ids() -> list[str]:
    if not paths.USER_CLAIMS.exists() or user_file_problem():
        return []
    return [c.id for c in engine.load(paths.USER_CLAIMS)]


def form_values(claim_id: str) -> dict:
    """The form's values of a saved user claim (to edit it)."""
    raw = engine.user_claim_raw(paths.USER_CLAIMS, claim_id) or {}
    check = (raw.get("checks") or [{}])[0]
    query = check.get("query") or {}
    stated_on = raw.get("stated_on")
    return {
        "id": raw.get("id", ""), "claim": raw.get("claim", ""),
        "document": raw.get("document", ""), "location": raw.get("location", ""),
        "period": raw.get("period", ""), "unit": raw.get("unit", ""),
        "stated": check.get("stated", ""), "datasets": ", ".join(raw.get("datasets", [])),
        "mart": query.get("mart"), "aggregate": query.get("aggregate", "sum"),
        "value": query.get("value", ""), "filters": filters_text(query.get("where") or {}),
        "stated_on": dt.date.fromisoformat(str(stated_on)) if stated_on and len(
            str(stated_on)) == 10 else None,
    }


def delete(claim_id: str) -> None:
    try:
        engine.delete_claim(paths.USER_CLAIMS, claim_id)
    except engine.ClaimError as exc:
        raise engine.ClaimError(_plain_error(exc)) from exc
    except OSError as exc:
        raise engine.ClaimError(_disk_error(exc)) from exc
