"""Claim checker: published statements against the warehouse, with computed verdicts.

A claim is data (``analysis/claim_sets/*.yml``, plus a local user file): what is claimed, where,
the quantity, and for each number a **structured query** — a mart, filters, a value column and
an aggregation — never SQL. ``evaluate`` computes the data value(s) each time and returns a
verdict; nothing here stores a verdict.

Verdicts, best to worst (a claim with several values gets the worst of its values):

- ``supported``: the data value lies in the claim's tolerance band ``[claimed − tol,
  claimed + tol)`` (tolerance from the wording: "about 19 thousand" → 18,500–19,499);
- ``close``: within twice the tolerance;
- ``definition_differs``: the series that can be loaded measures something else (explained);
- ``not_testable``: the loaded data lack the dataset or years (named, with the fetch command);
- ``contradicted``: outside twice the tolerance, or the opposite direction / trend.

Quantity types: ``value`` (one number per check; several checks = a set of values),
``share`` (numerator ÷ denominator), ``direction`` (after vs before: up or down, optionally by
at least a relative size), ``trend`` (a yearly series: ``stable`` when its range max − min is
within ``max_range``; the slope and its 95 % interval are reported), ``peak`` (the year of the
maximum lies in a claimed span).

The engine is pure: it reads data through a ``Source`` (``value(spec)`` → evidence rows,
``coverage(codes)``); ``analysis.claims_data.WarehouseSource`` is the DuckDB one.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd
import yaml

from analysis.periods import spans

VERDICTS = ("supported", "close", "definition_differs", "not_testable", "contradicted")
VERDICT_LABELS = {"supported": "supported", "close": "close",
                  "definition_differs": "definition differs",
                  "not_testable": "not testable with loaded data",
                  "contradicted": "contradicted"}
QUANTITIES = ("value", "share", "direction", "trend", "peak")
AGGREGATES = ("sum", "mean", "max", "min", "value")
CLAIM_SETS = Path(__file__).resolve().parent / "claim_sets"


class ClaimError(ValueError):
    """A claim file or a claim entered by a user is not valid; the message says why."""


# ----------------------------------------------------------------------------- model
@dataclass(frozen=True)
class Query:
    """A structured query: ``aggregate(value)`` over the rows of ``mart`` matching ``where``.

    ``where`` maps a column to a scalar (equality), a list (any of) or ``{from, to}``
    (inclusive range)."""
    mart: str
    value: str
    where: dict
    aggregate: str = "sum"

    @classmethod
    def parse(cls, raw, where_: str) -> "Query":
        if not isinstance(raw, dict):
            raise ClaimError(f"{where_}: a query is a mapping with mart, value, where")
        unknown = set(raw) - {"mart", "value", "where", "aggregate"}
        if unknown:
            raise ClaimError(f"{where_}: unknown query keys {sorted(unknown)}")
        for key in ("mart", "value"):
            if not isinstance(raw.get(key), str) or not raw[key]:
                raise ClaimError(f"{where_}: query needs '{key}' (a name)")
        where = raw.get("where") or {}
        if not isinstance(where, dict):
            raise ClaimError(f"{where_}: 'where' must map columns to values")
        for col, cond in where.items():
            if isinstance(cond, dict) and set(cond) != {"from", "to"}:
                raise ClaimError(f"{where_}: filter on {col!r} must be a value, a list or "
                                 "{from, to}")
        aggregate = raw.get("aggregate", "sum")
        if aggregate not in AGGREGATES:
            raise ClaimError(f"{where_}: aggregate must be one of {AGGREGATES}")
        return cls(raw["mart"], raw["value"], dict(where), aggregate)


@dataclass(frozen=True)
class Check:
    """One number (or direction, trend, peak) of a claim and how to test it."""
    label: str
    claimed: object                  # number, 'up'/'down', 'stable', or [from, to] (peak)
    tolerance: float | None = None
    query: Query | None = None       # value, trend, peak
    numerator: Query | None = None   # share
    denominator: Query | None = None
    before: Query | None = None      # direction
    after: Query | None = None
    min_change: float | None = None  # direction: relative size, e.g. 0.5 = at least 50 %
    by: str | None = None            # trend, peak: the series' period column (e.g. year)
    max_range: float | None = None   # trend 'stable': max − min allowed


@dataclass(frozen=True)
class Claim:
    id: str
    claim: str
    document: str
    location: str
    quantity: str
    unit: str
    period: str
    checks: tuple[Check, ...]
    datasets: tuple[str, ...]        # publisher dataset codes that can test it
    geo: str | None = None           # coverage lookup (e.g. NL)
    tolerance_basis: str = ""
    test: str = ""                   # how a trend/direction/peak is tested, in words
    definition: str = ""             # non-empty: the loadable series measures something else
    notes: str = ""
    claim_set: str = ""


def _num(value, where_: str, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ClaimError(f"{where_}: {name} must be a number, got {value!r}")
    return float(value)


def _check(raw: dict, quantity: str, where_: str) -> Check:
    if not isinstance(raw, dict):
        raise ClaimError(f"{where_}: a check is a mapping")
    label = str(raw.get("label") or "").strip()
    if not label:
        raise ClaimError(f"{where_}: a check needs a label (e.g. the year)")
    where_ = f"{where_} ({label})"
    q = lambda key: Query.parse(raw[key], f"{where_}.{key}") if key in raw else None  # noqa: E731
    claimed = raw.get("claimed")
    if quantity in ("value", "share"):
        claimed = _num(claimed, where_, "claimed")
        tol = _num(raw.get("tolerance"), where_, "tolerance")
        if tol <= 0:
            raise ClaimError(f"{where_}: tolerance must be positive")
        if quantity == "value" and "query" not in raw:
            raise ClaimError(f"{where_}: a value check needs a query")
        if quantity == "share" and not ("numerator" in raw and "denominator" in raw):
            raise ClaimError(f"{where_}: a share check needs numerator and denominator")
        return Check(label, claimed, tol, query=q("query"), numerator=q("numerator"),
                     denominator=q("denominator"))
    if quantity == "direction":
        if claimed not in ("up", "down"):
            raise ClaimError(f"{where_}: a direction is 'up' or 'down'")
        if not ("before" in raw and "after" in raw):
            raise ClaimError(f"{where_}: a direction check needs before and after")
        size = raw.get("min_change")
        return Check(label, claimed, before=q("before"), after=q("after"),
                     min_change=None if size is None else _num(size, where_, "min_change"))
    if quantity == "trend":
        if claimed != "stable":
            raise ClaimError(f"{where_}: the trend test knows 'stable'")
        return Check(label, claimed, query=q("query"), by=str(raw.get("by") or "year"),
                     max_range=_num(raw.get("max_range"), where_, "max_range"))
    if quantity == "peak":
        if not (isinstance(claimed, list) and len(claimed) == 2):
            raise ClaimError(f"{where_}: a peak is claimed as [first, last] period")
        return Check(label, [int(claimed[0]), int(claimed[1])], query=q("query"),
                     by=str(raw.get("by") or "year"))
    raise ClaimError(f"{where_}: unknown quantity {quantity!r}")


REQUIRED = ("id", "claim", "document", "location", "quantity", "period", "checks", "datasets")


def parse_claim(raw: dict, claim_set: str = "") -> Claim:
    where_ = f"claim {raw.get('id', '?')}" + (f" in {claim_set}" if claim_set else "")
    if not isinstance(raw, dict):
        raise ClaimError(f"{where_}: a claim is a mapping")
    missing = [k for k in REQUIRED if not raw.get(k)]
    if missing:
        raise ClaimError(f"{where_}: missing {missing}")
    if raw["quantity"] not in QUANTITIES:
        raise ClaimError(f"{where_}: quantity must be one of {QUANTITIES}")
    checks = raw["checks"]
    if not isinstance(checks, list) or not checks:
        raise ClaimError(f"{where_}: checks must be a non-empty list")
    return Claim(
        id=str(raw["id"]), claim=str(raw["claim"]).strip(), document=str(raw["document"]),
        location=str(raw["location"]), quantity=raw["quantity"], unit=str(raw.get("unit", "")),
        period=str(raw["period"]),
        checks=tuple(_check(c, raw["quantity"], where_) for c in checks),
        datasets=tuple(str(d) for d in raw["datasets"]), geo=raw.get("geo"),
        tolerance_basis=str(raw.get("tolerance_basis", "")).strip(),
        test=str(raw.get("test", "")).strip(), definition=str(raw.get("definition", "")).strip(),
        notes=str(raw.get("notes", "")).strip(), claim_set=claim_set)


def load(path: Path) -> list[Claim]:
    """Claims of one claim-set file; refuses duplicates and invalid entries."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ClaimError(f"{path.name}: not valid YAML: {exc}") from exc
    raws = doc.get("claims") if isinstance(doc, dict) else None
    if not isinstance(raws, list):
        raise ClaimError(f"{path.name}: expected a mapping with a 'claims' list")
    claims = [parse_claim(r, path.name) for r in raws]
    ids = [c.id for c in claims]
    if dup := sorted({i for i in ids if ids.count(i) > 1}):
        raise ClaimError(f"{path.name}: duplicate claim ids {dup}")
    return claims


def load_all(extra: Path | None = None) -> list[Claim]:
    """Every shipped claim set, then the user's own claims file if it exists."""
    claims = [c for f in sorted(CLAIM_SETS.glob("*.yml")) for c in load(f)]
    if extra is not None and extra.exists():
        claims += load(extra)
    ids = [c.id for c in claims]
    if dup := sorted({i for i in ids if ids.count(i) > 1}):
        raise ClaimError(f"claim ids used twice across claim sets: {dup}")
    return claims


def append_claim(path: Path, raw: dict, existing_ids: set[str]) -> Claim:
    """Validate one claim (as the YAML mapping) and add it to a user claims file, atomically.

    Raises ClaimError, and writes nothing, when the claim is invalid or its id is taken."""
    import os
    import tempfile

    claim = parse_claim(raw, path.name)
    if claim.id in existing_ids:
        raise ClaimError(f"claim id {claim.id!r} is already used; choose another")
    doc = {"claims": []}
    if path.exists():
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {"claims": []}
    doc.setdefault("claims", []).append(raw)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            yaml.safe_dump(doc, fh, sort_keys=False, allow_unicode=True)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return claim


# ----------------------------------------------------------------------------- evaluation
class Source(Protocol):
    def rows(self, query: Query) -> pd.DataFrame:
        """The mart rows matching the query's filters (with the value column)."""

    def coverage(self, datasets: tuple[str, ...]) -> pd.DataFrame:
        """Coverage rows (dataset, geo, first_year, last_year, loaded, fetch_command)."""


@dataclass
class CheckResult:
    label: str
    claimed: object
    data_value: object
    verdict: str
    band: tuple[float, float] | None = None
    explanation: str = ""
    evidence: pd.DataFrame = field(default_factory=pd.DataFrame)


@dataclass
class Verdict:
    claim: Claim
    verdict: str
    results: list[CheckResult]
    explanation: str

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self.verdict]


def worst(verdicts) -> str:
    return max(verdicts, key=VERDICTS.index)


def aggregate(rows: pd.DataFrame, query: Query) -> float | None:
    """The query's aggregate over rows; None when no row has a value."""
    values = pd.to_numeric(rows[query.value], errors="coerce").dropna() if len(rows) else []
    if len(values) == 0:
        return None
    if query.aggregate == "value":
        if len(values) != 1:
            raise ClaimError(f"query on {query.mart} expects one row, found {len(values)}")
        return float(values.iloc[0])
    return float(getattr(values, query.aggregate)())


def band(claimed: float, tolerance: float, factor: int = 1) -> tuple[float, float]:
    return claimed - factor * tolerance, claimed + factor * tolerance


def in_band(value: float, bounds: tuple[float, float]) -> bool:
    """Half-open band: 'about 19 thousand' accepts 18,500 and rejects 19,500."""
    low, high = bounds
    eps = 1e-9 * max(1.0, abs(low), abs(high))
    return low - eps <= value < high - eps


def grade(value: float, claimed: float, tolerance: float) -> str:
    if in_band(value, band(claimed, tolerance)):
        return "supported"
    if in_band(value, band(claimed, tolerance, 2)):
        return "close"
    return "contradicted"


GEO_COLUMNS = ("geo", "country_iso3")


def _geo(check: Check, claim: Claim) -> str | None:
    """The geography a check asks about (its query's geo filter), else the claim's."""
    for q in (check.query, check.numerator, check.before):
        for col in GEO_COLUMNS:
            if q is not None and isinstance(q.where.get(col), str):
                return q.where[col]
    return claim.geo


def _missing(claim: Claim, source: Source, label: str, geo: str | None = None) -> str:
    """Which dataset lacks what, and the command that would load it."""
    cov = source.coverage(claim.datasets)
    parts = []
    for code in claim.datasets:
        rows = cov[cov["dataset"] == code]
        loaded = rows[rows["loaded"].astype(bool)]
        fetch = next((f for f in rows["fetch_command"].dropna() if f), None)
        how = f" — run `{fetch}`" if fetch else " — no fetcher for it yet"
        here = loaded[loaded["geo"] == geo] if geo else loaded
        if loaded.empty:
            parts.append(f"{code} is not loaded{how}")
        elif here.empty:
            parts.append(f"{code} is loaded, but not for {geo}{how}")
        else:
            spans = ", ".join(f"{r.geo or 'all'} {int(r.first_year)}–{int(r.last_year)}"
                              for r in here.itertuples())
            parts.append(f"{code} is loaded for {spans}, not for {label}{how}")
    return "; ".join(parts) or f"no data for {label}"


def _computed_note(rows: pd.DataFrame) -> str:
    for col in ("is_computed", "pct_gdp_is_computed"):
        if col in rows and rows[col].fillna(False).astype(bool).any():
            basis = f": {rows['basis'].dropna().iat[0]}" if "basis" in rows and \
                rows["basis"].notna().any() else ""
            return f"; the data value is computed, not published{basis}"
    return ""


def _value_check(check: Check, claim: Claim, source: Source) -> CheckResult:
    rows = source.rows(check.query)
    value = aggregate(rows, check.query)
    if value is None:
        return CheckResult(check.label, check.claimed, None, "not_testable",
                           explanation=_missing(claim, source, check.label,
                                                _geo(check, claim)), evidence=rows)
    return _graded(check, claim, value, rows)


def _graded(check: Check, claim: Claim, value: float, rows: pd.DataFrame) -> CheckResult:
    verdict = grade(value, check.claimed, check.tolerance)
    low, high = band(check.claimed, check.tolerance)
    explanation = (f"data {value:,.4g} against the band {low:,.4g} to below {high:,.4g}"
                   if verdict != "supported" else f"data {value:,.4g} within {low:,.4g}–{high:,.4g}"
                   ) + _computed_note(rows)
    if claim.definition:
        verdict, explanation = "definition_differs", f"{claim.definition} ({explanation})"
    return CheckResult(check.label, check.claimed, value, verdict, (low, high), explanation, rows)


def _share_check(check: Check, claim: Claim, source: Source) -> CheckResult:
    num_rows, den_rows = source.rows(check.numerator), source.rows(check.denominator)
    num, den = aggregate(num_rows, check.numerator), aggregate(den_rows, check.denominator)
    evidence = pd.concat([num_rows.assign(part="numerator"), den_rows.assign(part="denominator")],
                         ignore_index=True)
    if num is None or den is None or den == 0:
        return CheckResult(check.label, check.claimed, None, "not_testable",
                           explanation=_missing(claim, source, check.label,
                                                _geo(check, claim)), evidence=evidence)
    return _graded(check, claim, num / den, evidence)


def _direction_check(check: Check, claim: Claim, source: Source) -> CheckResult:
    b_rows, a_rows = source.rows(check.before), source.rows(check.after)
    before, after = aggregate(b_rows, check.before), aggregate(a_rows, check.after)
    evidence = pd.concat([b_rows.assign(part="before"), a_rows.assign(part="after")],
                         ignore_index=True)
    if before is None or after is None:
        return CheckResult(check.label, check.claimed, None, "not_testable",
                           explanation=_missing(claim, source, check.label,
                                                _geo(check, claim)), evidence=evidence)
    change = (after - before) / before if before else math.inf
    went = "up" if after > before else "down" if after < before else "flat"
    ok = went == check.claimed
    size_ok = check.min_change is None or abs(change) >= check.min_change
    text = (f"{before:,.0f} before, {after:,.0f} after ({change:+.1%})"
            + (f"; the claim needs at least {check.min_change:.0%}" if check.min_change else ""))
    verdict = "supported" if ok and size_ok else ("close" if ok else "contradicted")
    if claim.definition:
        verdict, text = "definition_differs", f"{claim.definition} ({text})"
    return CheckResult(check.label, check.claimed, change, verdict, None, text, evidence)


def _series(check: Check, source: Source) -> tuple[pd.DataFrame, pd.Series]:
    rows = source.rows(check.query)
    if rows.empty:
        return rows, pd.Series(dtype=float)
    series = (rows.assign(_v=pd.to_numeric(rows[check.query.value], errors="coerce"))
              .groupby(check.by)["_v"].agg(check.query.aggregate if check.query.aggregate
                                           != "value" else "sum")
              .sort_index())
    return rows, series


def _expected_periods(query: Query, by: str) -> list[int] | None:
    cond = query.where.get(by)
    if isinstance(cond, dict):
        return list(range(int(cond["from"]), int(cond["to"]) + 1))
    return None


def _trend_check(check: Check, claim: Claim, source: Source) -> CheckResult:
    rows, series = _series(check, source)
    expected = _expected_periods(check.query, check.by)
    have = series.dropna()
    lacking = [p for p in (expected or []) if p not in set(have.index)]
    if have.empty or lacking:
        label = spans(lacking) if lacking else check.label
        return CheckResult(check.label, check.claimed, None, "not_testable",
                           explanation=_missing(claim, source, label, _geo(check, claim)),
                           evidence=rows)
    spread = float(have.max() - have.min())
    slope, low, high = _slope(have)
    text = (f"range {have.min():.3g} to {have.max():.3g} (max − min {spread:.3g}, stable if "
            f"≤ {check.max_range:.3g}); slope {slope:+.3g} per {check.by} "
            f"(95 % interval {low:+.3g} to {high:+.3g})")
    verdict = "supported" if spread <= check.max_range else (
        "close" if spread <= 2 * check.max_range else "contradicted")
    if claim.definition:
        verdict, text = "definition_differs", f"{claim.definition} ({text})"
    return CheckResult(check.label, check.claimed, spread, verdict, (0.0, check.max_range),
                       text, rows)


def _slope(series: pd.Series) -> tuple[float, float, float]:
    """OLS slope of the series on its index with a 95 % t interval (NaN with < 3 points)."""
    x = np.asarray(series.index, dtype=float)
    y = series.to_numpy(dtype=float)
    if len(x) < 3:
        return math.nan, math.nan, math.nan
    from scipy import stats

    fit = stats.linregress(x, y)
    t = stats.t.ppf(0.975, len(x) - 2)
    return fit.slope, fit.slope - t * fit.stderr, fit.slope + t * fit.stderr


def _peak_check(check: Check, claim: Claim, source: Source) -> CheckResult:
    rows, series = _series(check, source)
    expected = _expected_periods(check.query, check.by)
    have = series.dropna()
    lacking = [p for p in (expected or []) if p not in set(have.index)]
    if have.empty or lacking:
        return CheckResult(check.label, check.claimed, None, "not_testable",
                           explanation=_missing(claim, source, spans(lacking) or
                                                check.label, _geo(check, claim)),
                           evidence=rows)
    peak = int(have.idxmax())
    first, last = check.claimed
    verdict = "supported" if first <= peak <= last else "contradicted"
    text = (f"the maximum, {have.max():,.0f}, is in {peak}; claimed peak {first}–{last}")
    return CheckResult(check.label, check.claimed, peak, verdict, None, text, rows)


CHECKERS = {"value": _value_check, "share": _share_check, "direction": _direction_check,
            "trend": _trend_check, "peak": _peak_check}


def evaluate(claim: Claim, source: Source) -> Verdict:
    """The claim's verdict computed now from ``source``: one result per check, the worst
    of them overall."""
    results = [CHECKERS[claim.quantity](check, claim, source) for check in claim.checks]
    overall = worst(r.verdict for r in results)
    explanation = "; ".join(f"{r.label}: {VERDICT_LABELS[r.verdict]} — {r.explanation}"
                            for r in results)
    return Verdict(claim, overall, results, explanation)


# ----------------------------------------------------------------------------- report
def report(verdicts: list[Verdict]) -> pd.DataFrame:
    """One row per check: id, verdict (of the claim), claimed, data_value, then the check's
    own verdict, label, explanation, document, series and vintage."""
    rows = []
    for v in verdicts:
        for r in v.results:
            vintage = ""
            if "vintage" in r.evidence and r.evidence["vintage"].notna().any():
                vintage = str(pd.Timestamp(r.evidence["vintage"].max()).date())
            rows.append({
                "id": v.claim.id, "verdict": v.verdict, "claimed": _plain(r.claimed),
                "data_value": _plain(r.data_value), "check": r.label, "check_verdict": r.verdict,
                "claim": v.claim.claim, "document": v.claim.document,
                "location": v.claim.location, "datasets": ", ".join(v.claim.datasets),
                "vintage": vintage, "explanation": r.explanation,
            })
    return pd.DataFrame(rows)


def _plain(value):
    """A number as written (7000, not 7000.0); lists as 'a–b'; None stays empty."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return "–".join(str(v) for v in value)
    return value


def markdown(verdicts: list[Verdict]) -> str:
    table = report(verdicts)
    lines = ["# Claims checked against the data", "",
             "| id | verdict | check | claimed | data value | series | vintage | why |",
             "|---|---|---|---:|---:|---|---|---|"]
    for r in table.itertuples():
        lines.append(f"| {r.id} | {VERDICT_LABELS[r.verdict]} | {r.check} | {_fmt(r.claimed)} "
                     f"| {_fmt(r.data_value)} | {r.datasets} | {r.vintage} | "
                     f"{str(r.explanation).replace('|', '/')} |")
    return "\n".join(lines) + "\n"


def _fmt(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)
