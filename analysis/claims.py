"""Claim checker: published statements against the warehouse, with computed verdicts.

A claim is data (``analysis/claim_sets/*.yml``, plus a local user file): what is claimed, where
and when, the quantity, and for each number a **structured query** — a mart, filters, a value
column and an aggregation — never SQL. ``evaluate`` computes the data value(s) each time and
returns a verdict; nothing here stores a verdict.

Verdicts, best to worst (a claim with several values gets the worst of its values):

- ``supported``: the data value lies in the band the claim's wording stands for
  (``analysis.tolerance``: "about 4,200" → 4,100 to below 4,300);
- ``close``: within one more margin beyond the band (twice the tolerance);
- ``computed``: the data value is the project's own computation (e.g. received ÷ GDP) and
  misses the band by less than the plausible revision range of such a value
  (``REVISION_RANGE`` of the claimed value); the publisher's own series is not loaded, so the
  miss cannot be told from a revision;
- ``definition_differs``: the series that can be loaded measures something else, or the
  period crosses a series break (explained);
- ``not_testable``: the loaded data lack the dataset or years (named, with the fetch command);
- ``contradicted``: outside, or the opposite direction / trend.

Quantity types: ``value`` (one number per check), ``share`` (numerator ÷ denominator),
``direction`` (after vs before, every part of a claim on one ``baseline``), ``trend`` (a
yearly series, optionally a difference ``query − minus`` and a ratio ``÷ over``: ``stable``
when its range is within ``max_range`` — or ``max_relative_range`` of its mean —, never
across a series break), ``peak`` (the year of the maximum lies in a claimed span).

Each claim has ``stated_on``, the date of its document; ``evaluate_all`` judges it against the
newest data and against the newest vintage held that was published by then.

The engine is pure: it reads data through a ``Source`` (``rows(query)``, ``coverage(codes)``,
``vintages(marts)``); ``analysis.claims_data.WarehouseSource`` is the DuckDB one.
"""
from __future__ import annotations

import datetime as dt
import math
import os
import re
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Protocol

import numpy as np
import pandas as pd
import yaml

from analysis import tolerance as tol
from analysis.periods import spans


def N_(message: str) -> str:
    """Mark an English message of the reports for the interface's catalog (``babel.cfg``
    extracts this module); the reports translate it with the caller's ``Words.gettext``."""
    return message


VERDICTS = ("supported", "close", "computed", "definition_differs", "not_testable",
            "contradicted")
VERDICT_LABELS = {"supported": N_("supported"), "close": N_("close"),
                  "computed": N_("computed, published series not loaded"),
                  "definition_differs": N_("definition differs"),
                  "not_testable": N_("not testable with loaded data"),
                  "contradicted": N_("contradicted")}
QUANTITIES = ("value", "share", "direction", "trend", "peak")
AGGREGATES = ("sum", "mean", "max", "min", "value")
CLAIM_SETS = Path(__file__).resolve().parent / "claim_sets"
SERIES_BREAKS = Path(__file__).resolve().parent / "series_breaks.csv"
# A value the project computes from two published series (received ÷ GDP) moves when either
# is revised; a miss smaller than this share of the claimed value is not read as a
# contradiction while the publisher's own series is not loaded. A stated assumption (WDI
# GDP and remittance revisions of a few percent between releases are common), not a measure.
REVISION_RANGE = 0.05
TEXT_LIMIT = 2000  # characters of a claim's free text


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

    def narrowed(self, extra: dict) -> "Query":
        return replace(self, where={**self.where, **extra})


@dataclass(frozen=True)
class Check:
    """One number (or direction, trend, peak) of a claim and how to test it."""
    label: str
    claimed: object                  # number (data units), 'up'/'down', 'stable', [from, to]
    stated: str = ""                 # the wording of the number ("about 4,200")
    band: tol.Band | None = None     # value, share: the band in the data's units
    scale: float = 1.0               # stated unit → data unit (0.01: % held as a fraction)
    query: Query | None = None       # value, trend, peak
    numerator: Query | None = None   # share
    denominator: Query | None = None
    before: Query | None = None      # direction
    after: Query | None = None
    min_change: float | None = None  # direction: relative size, e.g. 0.5 = at least 50 %
    by: str | None = None            # trend, peak: the series' period column (e.g. year)
    max_range: float | None = None   # trend 'stable': max − min allowed
    max_relative_range: float | None = None  # … or (max − min) ÷ mean allowed
    minus: Query | None = None       # trend: series = (query − minus) ÷ over
    over: Query | None = None
    label_nl: str = ""               # the label in Dutch, for the Dutch interface

    def queries(self) -> list[Query]:
        return [q for q in (self.query, self.numerator, self.denominator, self.before,
                            self.after, self.minus, self.over) if q is not None]


@dataclass(frozen=True)
class StatedOn:
    """When a claim was made: ``text`` as given ('2026', '2024-09', '2016-06-07'), its
    precision, and the earliest day it can be (``earliest``, the cut-off for vintages)."""
    text: str
    precision: str                   # day, month, year
    earliest: dt.date
    note: str = ""

    @classmethod
    def parse(cls, raw, where_: str) -> "StatedOn | None":
        if raw is None or raw == "":
            return None
        not_before = None
        note = ""
        if isinstance(raw, dict):
            not_before, note = raw.get("not_before"), str(raw.get("note") or "")
            raw = raw.get("date")
        text = raw.isoformat() if isinstance(raw, dt.date) else str(raw).strip()
        m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", text)
        if not m:
            raise ClaimError(f"{where_}: stated_on is a date: YYYY, YYYY-MM or YYYY-MM-DD, "
                             f"got {text!r}")
        year, month, day = m.groups()
        try:
            earliest = dt.date(int(year), int(month or 1), int(day or 1))
        except ValueError as exc:
            raise ClaimError(f"{where_}: stated_on {text!r} is not a calendar date") from exc
        precision = "day" if day else "month" if month else "year"
        if not_before is not None:
            if not isinstance(not_before, dt.date):
                try:
                    not_before = dt.date.fromisoformat(str(not_before))
                except ValueError as exc:
                    raise ClaimError(f"{where_}: not_before is a date (YYYY-MM-DD)") from exc
            earliest = max(earliest, not_before)
        return cls(text, precision, earliest, note)

    def words(self) -> str:
        """'2016-06-07 (day)', '2026 (year, not before 2026-06-12)'."""
        start = dt.date(int(self.text[:4]), int(self.text[5:7] or 1), 1) if len(
            self.text) >= 7 else dt.date(int(self.text[:4]), 1, 1)
        after = f", not before {self.earliest:%Y-%m-%d}" if (
            self.precision != "day" and self.earliest > start) else ""
        return f"{self.text} ({self.precision}{after})"


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
    stated_on: StatedOn | None = None
    baseline: str = ""               # direction: the one baseline of every part, in words
    test: str = ""                   # how a trend/direction/peak is tested, in words
    definition: str = ""             # non-empty: the loadable series measures something else
    notes: str = ""
    claim_set: str = ""
    #: the claim's own texts in Dutch (keys of ``DUTCH_TEXTS``), for the Dutch interface;
    #: the verdict never reads them
    nl: tuple[tuple[str, str], ...] = ()

    def text(self, key: str, lang: str = "en") -> str:
        """One of the claim's texts (``claim``, ``test``, ``unit`` …) in ``lang`` where the
        claim set gives it, in English otherwise."""
        if lang == "nl" and (said := dict(self.nl).get(key)):
            return said
        return str(getattr(self, key))

    @property
    def tolerance_basis(self) -> str:
        """The band of each stated number, from the one tolerance rule."""
        return "; ".join(f'"{c.stated}" → {_band_text(c)}'
                         for c in self.checks if c.band is not None)


def format_number(value, *, percent_of_one: bool = False, signed: bool = False,
                  decimals: int | None = None) -> str:
    """A number for people: thousands separators, no scientific notation; billions and
    millions in words; ``percent_of_one`` renders a fraction as % with one decimal."""
    if value is None or isinstance(value, bool):
        return "–" if value is None else str(value)
    if isinstance(value, (list, tuple)):
        return "–".join(str(v) for v in value)
    if not isinstance(value, (int, float, np.integer, np.floating)):
        return str(value)
    v = float(value)
    if math.isnan(v):
        return "–"
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    sign = "+" if signed and v > 0 else ""
    if percent_of_one:
        return f"{sign}{v * 100:,.{1 if decimals is None else decimals}f} %".replace("-", "−")
    if decimals is not None:
        return f"{sign}{v:,.{decimals}f}".replace("-", "−")
    a = abs(v)
    if a >= 1e9:
        text = f"{v / 1e9:,.2f}".rstrip("0").rstrip(".") + " bn"
    elif a >= 1e6:
        text = f"{v / 1e6:,.2f}".rstrip("0").rstrip(".") + " mn"
    elif a >= 100 or v.is_integer():
        text = f"{v:,.0f}"
    elif a >= 1:
        text = f"{v:,.2f}".rstrip("0").rstrip(".")
    else:
        text = f"{v:.4f}".rstrip("0").rstrip(".")
    return (sign + text).replace("-", "−")


def _num(value, where_: str, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ClaimError(f"{where_}: {name} must be a number, got {value!r}")
    return float(value)


def _check(raw: dict, quantity: str, where_: str, band: tol.Band | None,
           baseline: dict | None) -> Check:
    label = str(raw.get("label") or "").strip()
    where_ = f"{where_} ({label})"
    q = lambda key: Query.parse(raw[key], f"{where_}.{key}") if key in raw else None  # noqa: E731
    claimed = raw.get("claimed")
    if quantity in ("value", "share"):
        if "tolerance" in raw:
            raise ClaimError(f"{where_}: the band comes from the wording; give 'stated' "
                             "(e.g. 'about 19 thousand'), not a tolerance")
        if quantity == "value" and "query" not in raw:
            raise ClaimError(f"{where_}: a value check needs a query")
        if quantity == "share" and not ("numerator" in raw and "denominator" in raw):
            raise ClaimError(f"{where_}: a share check needs numerator and denominator")
        return Check(label, band.claimed, str(raw["stated"]), band,
                     float(raw.get("scale", 1)), query=q("query"),
                     numerator=q("numerator"), denominator=q("denominator"))
    if quantity == "direction":
        if claimed not in ("up", "down"):
            raise ClaimError(f"{where_}: a direction is 'up' or 'down'")
        size = raw.get("min_change")
        size = None if size is None else _num(size, where_, "min_change")
        if baseline is not None:
            if "before" in raw or "after" in raw or "query" not in raw:
                raise ClaimError(f"{where_}: with a claim baseline, a part gives only its "
                                 "query (the baseline sets before and after)")
            series = q("query")
            return Check(label, claimed, query=series, before=series.narrowed(baseline["before"]),
                         after=series.narrowed(baseline["after"]), min_change=size)
        if not ("before" in raw and "after" in raw):
            raise ClaimError(f"{where_}: a direction check needs before and after")
        return Check(label, claimed, before=q("before"), after=q("after"), min_change=size)
    if quantity == "trend":
        if claimed != "stable":
            raise ClaimError(f"{where_}: the trend test knows 'stable'")
        if ("max_range" in raw) == ("max_relative_range" in raw):
            raise ClaimError(f"{where_}: 'stable' needs max_range or max_relative_range")
        limit = lambda k: _num(raw[k], where_, k) if k in raw else None  # noqa: E731
        return Check(label, claimed, query=q("query"), by=str(raw.get("by") or "year"),
                     max_range=limit("max_range"),
                     max_relative_range=limit("max_relative_range"),
                     minus=q("minus"), over=q("over"))
    if quantity == "peak":
        if not (isinstance(claimed, list) and len(claimed) == 2):
            raise ClaimError(f"{where_}: a peak is claimed as [first, last] period")
        return Check(label, [int(claimed[0]), int(claimed[1])], query=q("query"),
                     by=str(raw.get("by") or "year"))
    raise ClaimError(f"{where_}: unknown quantity {quantity!r}")


REQUIRED = ("id", "claim", "document", "location", "quantity", "period", "checks", "datasets")
#: the texts a claim may give in Dutch too, under ``nl:``
DUTCH_TEXTS = ("claim", "unit", "test", "baseline", "definition", "notes")


def _bands(checks: list, quantity: str, where_: str) -> list[tol.Band | None]:
    if quantity not in ("value", "share"):
        return [None] * len(checks)
    stated = []
    for raw in checks:
        label = str(raw.get("label") or "").strip()
        if not isinstance(raw.get("stated"), str) or not raw["stated"].strip():
            raise ClaimError(f"{where_} ({label}): give the number as stated, e.g. "
                             "'about 19 thousand' (the band comes from the wording)")
        stated.append(raw["stated"])
    try:
        bands = tol.shared_bands(stated)
    except tol.ToleranceError as exc:
        raise ClaimError(f"{where_}: {exc}") from exc
    out = []
    for raw, b in zip(checks, bands):
        scale = raw.get("scale", 1)
        scale = _num(scale, where_, "scale")
        if scale <= 0:
            raise ClaimError(f"{where_}: scale must be positive")
        out.append(b.scaled(scale))
    return out


def parse_claim(raw: dict, claim_set: str = "") -> Claim:
    if not isinstance(raw, dict):
        raise ClaimError(f"claim in {claim_set or '?'}: a claim is a mapping")
    where_ = f"claim {raw.get('id', '?')}" + (f" in {claim_set}" if claim_set else "")
    missing = [k for k in REQUIRED if not raw.get(k)]
    if missing:
        raise ClaimError(f"{where_}: missing {missing}")
    if raw["quantity"] not in QUANTITIES:
        raise ClaimError(f"{where_}: quantity must be one of {QUANTITIES}")
    checks = raw["checks"]
    if not isinstance(checks, list) or not checks:
        raise ClaimError(f"{where_}: checks must be a non-empty list")
    for c in checks:
        if not isinstance(c, dict):
            raise ClaimError(f"{where_}: a check is a mapping")
        if not str(c.get("label") or "").strip():
            raise ClaimError(f"{where_}: a check needs a label (e.g. the year)")
    baseline = raw.get("baseline")
    if baseline is not None:
        if raw["quantity"] != "direction":
            raise ClaimError(f"{where_}: a baseline belongs to a direction claim")
        if not (isinstance(baseline, dict) and isinstance(baseline.get("before"), dict)
                and isinstance(baseline.get("after"), dict) and baseline.get("label")):
            raise ClaimError(f"{where_}: a baseline has a label and before/after filters")
    elif raw["quantity"] == "direction" and len(checks) > 1:
        raise ClaimError(f"{where_}: a claim with several directions states one baseline "
                         "for all its parts")
    bands = _bands(checks, raw["quantity"], where_)
    for key in ("claim", "document", "location", "notes", "unit", "period"):
        if len(str(raw.get(key) or "")) > TEXT_LIMIT:
            raise ClaimError(f"{where_}: the {key} text is longer than {TEXT_LIMIT:,} "
                             "characters")
    return Claim(
        id=str(raw["id"]), claim=str(raw["claim"]).strip(), document=str(raw["document"]),
        location=str(raw["location"]), quantity=raw["quantity"], unit=str(raw.get("unit", "")),
        period=str(raw["period"]),
        checks=tuple(replace(_check(c, raw["quantity"], where_, b, baseline),
                             label_nl=str(c.get("label_nl") or "").strip())
                     for c, b in zip(checks, bands)),
        datasets=tuple(str(d) for d in raw["datasets"]), geo=raw.get("geo"),
        stated_on=StatedOn.parse(raw.get("stated_on"), where_),
        baseline=str(baseline["label"]).strip() if baseline else "",
        test=str(raw.get("test", "")).strip(), definition=str(raw.get("definition", "")).strip(),
        notes=str(raw.get("notes", "")).strip(), claim_set=claim_set, nl=_dutch(raw, where_))


def _dutch(raw: dict, where_: str) -> tuple[tuple[str, str], ...]:
    """A claim's ``nl:`` texts, checked: known keys only, each within the text limit."""
    nl = raw.get("nl") or {}
    if not isinstance(nl, dict):
        raise ClaimError(f"{where_}: 'nl' holds the claim's texts in Dutch, by key")
    unknown = set(nl) - set(DUTCH_TEXTS)
    if unknown:
        raise ClaimError(f"{where_}: 'nl' knows {', '.join(DUTCH_TEXTS)}, not "
                         f"{', '.join(sorted(map(str, unknown)))}")
    out = []
    for key in DUTCH_TEXTS:
        if key in nl:
            text = str(nl[key]).strip()
            if len(text) > TEXT_LIMIT:
                raise ClaimError(f"{where_}: the Dutch {key} text is longer than "
                                 f"{TEXT_LIMIT:,} characters")
            out.append((key, text))
    return tuple(out)


def _read(path: Path) -> list:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ClaimError(f"{path.name}: not valid YAML: {exc}") from exc
    raws = doc.get("claims") if isinstance(doc, dict) else None
    if not isinstance(raws, list):
        raise ClaimError(f"{path.name}: expected a mapping with a 'claims' list")
    return raws


def load(path: Path) -> list[Claim]:
    """Claims of one claim-set file; refuses duplicates and invalid entries."""
    claims = [parse_claim(r, path.name) for r in _read(path)]
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


def _write(path: Path, raws: list) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            yaml.safe_dump({"claims": raws}, fh, sort_keys=False, allow_unicode=True)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def save_claim(path: Path, raw: dict, existing_ids: set[str], replaces: str | None = None
               ) -> Claim:
    """Validate one claim (as the YAML mapping) and write it to a user claims file,
    atomically: added, or in place of the claim ``replaces`` (an edit).

    Raises ClaimError, and writes nothing, when the claim is invalid or its id is taken."""
    claim = parse_claim(raw, path.name)
    raws = _read(path) if path.exists() else []
    if claim.id in existing_ids and claim.id != replaces:
        raise ClaimError(f"the id {claim.id} is already used; choose another")
    if replaces is None:
        raws.append(raw)
    else:
        at = [i for i, r in enumerate(raws) if str(r.get("id")) == replaces]
        if not at:
            raise ClaimError(f"there is no claim {replaces} of your own to change")
        raws[at[0]] = raw
    _write(path, raws)
    return claim


def append_claim(path: Path, raw: dict, existing_ids: set[str]) -> Claim:
    return save_claim(path, raw, existing_ids)


def user_claim_raw(path: Path, claim_id: str) -> dict | None:
    """The stored mapping of one of the user's claims (for editing), or None."""
    if not path.exists():
        return None
    return next((r for r in _read(path) if str(r.get("id")) == claim_id), None)


def delete_claim(path: Path, claim_id: str) -> None:
    raws = _read(path) if path.exists() else []
    kept = [r for r in raws if str(r.get("id")) != claim_id]
    if len(kept) == len(raws):
        raise ClaimError(f"there is no claim {claim_id} of your own to delete")
    _write(path, kept)


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
    band_text: str = ""
    deviation: float | None = None       # data − claimed, in the data's units
    deviation_pct: float | None = None   # … in % of the claimed value
    series: pd.Series | None = None      # trend, peak: the tested series by period

    @property
    def vintage(self) -> str:
        ev = self.evidence
        if "vintage" in ev and ev["vintage"].notna().any():
            return str(pd.Timestamp(ev["vintage"].max()).date())
        return ""


@dataclass
class Verdict:
    claim: Claim
    verdict: str
    results: list[CheckResult]
    explanation: str
    at_statement: "Verdict | None" = None   # against the vintage held when it was stated
    vintage_at_statement: str = ""
    statement_note: str = ""               # why there is no verdict then, or what was used

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self.verdict]

    @property
    def verdict_at_statement(self) -> str:
        return self.at_statement.verdict if self.at_statement else "not_testable"

    @property
    def vintage(self) -> str:
        return max((r.vintage for r in self.results), default="")

    @property
    def revised(self) -> bool:
        """The data value of a check differs between the vintage of then and now."""
        if self.at_statement is None:
            return False
        for now, then in zip(self.results, self.at_statement.results):
            a, b = now.data_value, then.data_value
            if isinstance(a, (int, float)) and isinstance(b, (int, float)):
                if not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12):
                    return True
            elif (a is None) != (b is None):
                return True
        return self.verdict != self.at_statement.verdict

    @property
    def deviation_pct(self) -> float | None:
        """The largest deviation (in % of the claim) among the checks, by size."""
        values = [r.deviation_pct for r in self.results if r.deviation_pct is not None]
        return max(values, key=abs) if values else None


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


GEO_COLUMNS = ("geo", "country_iso3")


def _geo(check: Check, claim: Claim) -> str | None:
    """The geography a check asks about (its query's geo filter), else the claim's."""
    for q in check.queries():
        for col in GEO_COLUMNS:
            if isinstance(q.where.get(col), str):
                return q.where[col]
    return claim.geo


def _years(check: Check) -> list[int]:
    """The years a check's queries ask for (year filters), if any."""
    out: set[int] = set()
    for q in check.queries():
        cond = q.where.get("year")
        if isinstance(cond, dict):
            out |= set(range(int(cond["from"]), int(cond["to"]) + 1))
        elif isinstance(cond, list):
            out |= {int(c) for c in cond}
        elif isinstance(cond, (int, float)) and not isinstance(cond, bool):
            out.add(int(cond))
    return sorted(out)


# Which series of a dataset code a mart column reads (a code can hold several, each loaded
# for its own years: migr_eirtn holds returns to any country and to a third country).
MART_MEASURES = {
    "return_gap": {"ordered_to_leave": ("ordered_to_leave",), "returned_total": ("returned",),
                   "returned_to_third_country": ("returned_third_country",),
                   "return_rate_total": ("returned", "ordered_to_leave"),
                   "return_rate_third_country": ("returned_third_country", "ordered_to_leave"),
                   "return_rate_lagged": ("returned", "ordered_to_leave")},
    "asylum_applications": {"applicants": ("asylum_applicants",)},
    "illegally_present": {"persons": ("illegally_present",)},
    "refused_entry": {"persons": ("refused_entry",)},
}
MEASURE_LABELS = {"ordered_to_leave": N_("ordered to leave"),
                  "returned": N_("returned (any country)"),
                  "returned_third_country": N_("returned to a third country"),
                  "illegally_present": N_("found illegally present"),
                  "refused_entry": N_("refused entry"), "population": N_("population"),
                  ("asylum_applicants", "all"): N_("asylum applicants (all)"),
                  ("asylum_applicants", "first_time"): N_("first-time asylum applicants"),
                  ("asylum_applicants", "subsequent"): N_("subsequent asylum applicants")}


def _measure_key(measure: str, applicant_type) -> object:
    return (measure, applicant_type) if isinstance(applicant_type, str) else measure


def _measure_label(key) -> str:
    return MEASURE_LABELS.get(key, str(key[0] if isinstance(key, tuple) else key)
                              .replace("_", " "))


def _asked_measures(check: Check) -> set:
    """The series (measure, or measure × applicant type) a check's queries read."""
    out = set()
    for q in check.queries():
        value = q.value.removesuffix("_per_100k")
        for measure in MART_MEASURES.get(q.mart, {}).get(value, ()):
            if measure == "asylum_applicants":
                kind = q.where.get("applicant_type", "all")
                out.add((measure, kind if isinstance(kind, str) else "all"))
            else:
                out.add(measure)
    return out


def _missing_by_measure(code: str, rows: pd.DataFrame, asked: set, years: list[int] | None,
                        label: str, how: str) -> str:
    """One dataset code's coverage for one geography, stated series by series: the years
    each series is loaded, and which of the check's years the series it reads lack."""
    parts, lacking = [], False
    years = [int(y) for y in years or [] if isinstance(y, (int, np.integer))]
    keys = {_measure_key(r.measure, r.applicant_type): r for r in rows.itertuples()}
    for key in sorted(asked - set(keys), key=str):
        parts.append(f"{_measure_label(key)}: not loaded")
        lacking = True
    for key, r in sorted(keys.items(), key=lambda kv: (kv[0] not in asked, str(kv[0]))):
        span = f"{int(r.first_year)}–{int(r.last_year)}"
        basis = (f" ({r.basis})" if isinstance(r.basis, str) and r.basis != "published"
                 else "")
        if asked and key not in asked:
            parts.append(f"{_measure_label(key)} (a different series, not read by this check): "
                         f"loaded {span}{basis}")
            continue
        text = f"{_measure_label(key)}: loaded {span}{basis}"
        out = [y for y in years or [] if not r.first_year <= y <= r.last_year]
        if out:
            text += f", not for {spans(out)}"
            lacking = True
        elif years:
            text += f", but no value matching this check's filters for {label}"
        parts.append(text)
    return f"{code} — " + "; ".join(parts) + (how if lacking else "")


def _missing(claim: Claim, source: Source, label: str, geo: str | None = None,
             years: list[int] | None = None, asked: set | None = None) -> str:
    """Which dataset lacks what, and the command that would load it; for a dataset code
    that holds several series, coverage is stated per series (measure)."""
    cov = source.coverage(claim.datasets)
    by_measure = getattr(source, "coverage_measures", None)
    measures = by_measure(claim.datasets) if by_measure and geo else None
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
        elif measures is not None and len(m := measures[(measures["dataset"] == code)
                                                         & (measures["geo"] == geo)]):
            of_code = measures[measures["dataset"] == code]  # the series this code holds
            held = {_measure_key(r.measure, r.applicant_type) for r in of_code.itertuples()}
            parts.append(_missing_by_measure(f"{code} for {geo}", m, (asked or set()) & held,
                                             years, label, how))
        else:
            listed = ", ".join(
                f"{r.geo or 'all'} {int(r.first_year)}–{int(r.last_year)}"
                + (f" ({r.basis})" if isinstance(getattr(r, "basis", None), str)
                   and r.basis != "published" else "")
                for r in here.itertuples())
            inside = years and all(any(r.first_year <= y <= r.last_year
                                       for r in here.itertuples()) for y in years)
            if inside:
                parts.append(f"{code} is loaded for {listed}, but has no value matching this "
                             f"check's filters for {label}")
            else:
                parts.append(f"{code} is loaded for {listed}, not for "
                             f"{spans(years) if years else label}{how}")
    return "; ".join(parts) or f"no data for {label}"


def _computed_basis(rows: pd.DataFrame) -> str | None:
    """The basis of a value the project computed (None when the value is published)."""
    for col in ("is_computed", "pct_gdp_is_computed"):
        if col in rows and rows[col].fillna(False).astype(bool).any():
            if "basis" in rows and rows["basis"].notna().any():
                return str(rows["basis"].dropna().iat[0])
            return "received ÷ GDP" if col == "pct_gdp_is_computed" else "computed"
    return None


def _not_testable(check: Check, claim: Claim, source: Source, evidence, label=None):
    return CheckResult(check.label, check.claimed, None, "not_testable",
                       explanation=_missing(claim, source, label or check.label,
                                            _geo(check, claim), _years(check),
                                            _asked_measures(check)),
                       evidence=evidence, band_text=_band_text(check))


def _band_text(check: Check) -> str:
    return check.band.describe(_formatter(check)) if check.band is not None else ""


def _formatter(check: Check):
    """Numbers of a check as its wording states them: a percentage held as a fraction is
    shown in %, a percentage held in % gets its unit."""
    b = check.band
    if b is not None and b.percent:
        in_pct = b.margin * (100 if check.scale == 0.01 else 1)
        places = max(1, -math.floor(math.log10(in_pct))) if in_pct > 0 else 1
        if check.scale == 0.01:
            return lambda v, signed=False: format_number(v, percent_of_one=True, signed=signed,
                                                         decimals=places)
        return lambda v, signed=False: format_number(v, signed=signed, decimals=places) + " %"
    return lambda v, signed=False: format_number(v, signed=signed)


def _value_check(check: Check, claim: Claim, source: Source) -> CheckResult:
    rows = source.rows(check.query)
    value = aggregate(rows, check.query)
    if value is None:
        return _not_testable(check, claim, source, rows)
    return _graded(check, claim, value, rows)


def _graded(check: Check, claim: Claim, value: float, rows: pd.DataFrame) -> CheckResult:
    b = check.band
    verdict = b.grade(value)
    deviation = value - b.claimed
    pct = deviation / b.claimed * 100 if b.claimed else None
    fmt = _formatter(check)
    dev = fmt(deviation, signed=True)
    if b.percent:
        dev = dev.replace(" %", " pp")
    explanation = (f"data {fmt(value)} against the band {b.describe(fmt)} (\"{check.stated}\"); "
                   f"deviation {dev}"
                   + (f" ({pct:+.1f} % of the claim)".replace("-", "−") if pct is not None
                      else ""))
    basis = _computed_basis(rows)
    if basis:
        explanation += f"; the data value is computed, not published ({basis})"
        miss = max(b.low - value, value - b.high, 0.0) if verdict != "supported" else 0.0
        if verdict != "supported" and miss <= REVISION_RANGE * abs(b.claimed):
            verdict = "computed"
            explanation += (f"; the miss ({fmt(miss)}) is within {REVISION_RANGE:.0%} of the "
                            "claim, the plausible revision of a value computed from two "
                            "separately revised series, and the published series is not loaded")
    if claim.definition:
        verdict, explanation = "definition_differs", f"{claim.definition} ({explanation})"
    return CheckResult(check.label, check.claimed, value, verdict, (b.low, b.high),
                       explanation, rows, band_text=_band_text(check), deviation=deviation,
                       deviation_pct=pct)


def _share_check(check: Check, claim: Claim, source: Source) -> CheckResult:
    num_rows, den_rows = source.rows(check.numerator), source.rows(check.denominator)
    num, den = aggregate(num_rows, check.numerator), aggregate(den_rows, check.denominator)
    evidence = pd.concat([num_rows.assign(part="numerator"), den_rows.assign(part="denominator")],
                         ignore_index=True)
    if num is None or den is None or den == 0 or not _complete(check, evidence):
        return _not_testable(check, claim, source, evidence)
    return _graded(check, claim, num / den, evidence)


def _complete(check: Check, evidence: pd.DataFrame) -> bool:
    """A yearly-share check needs every year of its range in the data (a vintage that stops
    earlier would give a share of a shorter period)."""
    years = _years(check)
    if not years or "year" not in evidence:
        return True
    if "months_covered" in evidence:
        full = evidence.groupby("year")["months_covered"].max()
        have = set(full[full >= 12].index)
    else:
        have = set(evidence["year"].dropna().astype(int))
    return set(years) <= have


def _direction_check(check: Check, claim: Claim, source: Source) -> CheckResult:
    b_rows, a_rows = source.rows(check.before), source.rows(check.after)
    before, after = aggregate(b_rows, check.before), aggregate(a_rows, check.after)
    evidence = pd.concat([b_rows.assign(part="before"), a_rows.assign(part="after")],
                         ignore_index=True)
    if before is None or after is None:
        return _not_testable(check, claim, source, evidence)
    change = (after - before) / before if before else math.inf
    went = "up" if after > before else "down" if after < before else "flat"
    ok = went == check.claimed
    size_ok = check.min_change is None or abs(change) >= check.min_change
    text = (f"{format_number(before)} before, {format_number(after)} after "
            f"({format_number(change, percent_of_one=True, signed=True)})"
            + (f"; the claim needs at least {check.min_change:.0%}" if check.min_change else "")
            + (f"; baseline: {claim.baseline}" if claim.baseline else ""))
    verdict = "supported" if ok and size_ok else ("close" if ok else "contradicted")
    if claim.definition:
        verdict, text = "definition_differs", f"{claim.definition} ({text})"
    return CheckResult(check.label, check.claimed, change, verdict, None, text, evidence)


def _by_period(rows: pd.DataFrame, query: Query, by: str) -> pd.Series:
    if rows.empty:
        return pd.Series(dtype=float)
    how = query.aggregate if query.aggregate != "value" else "sum"
    return (rows.assign(_v=pd.to_numeric(rows[query.value], errors="coerce"))
            .dropna(subset=["_v"]).groupby(by)["_v"].agg(how).sort_index())


def _series(check: Check, source: Source) -> tuple[pd.DataFrame, pd.Series]:
    """The check's yearly series: query, or (query − minus) ÷ over, with the rows read."""
    rows = source.rows(check.query)
    series = _by_period(rows, check.query, check.by)
    frames = [rows.assign(part="query")]
    if check.minus is not None:
        m_rows = source.rows(check.minus)
        frames.append(m_rows.assign(part="minus"))
        series = (series - _by_period(m_rows, check.minus, check.by)).dropna()
    if check.over is not None:
        o_rows = source.rows(check.over)
        frames.append(o_rows.assign(part="over"))
        series = (series / _by_period(o_rows, check.over, check.by)).replace(
            [np.inf, -np.inf], np.nan).dropna()
    evidence = pd.concat(frames, ignore_index=True) if len(frames) > 1 else rows
    return evidence, series


def _expected_periods(query: Query, by: str) -> list[int] | None:
    cond = query.where.get(by)
    if isinstance(cond, dict):
        return list(range(int(cond["from"]), int(cond["to"]) + 1))
    return None


def series_breaks() -> pd.DataFrame:
    """Documented breaks in series (``analysis/series_breaks.csv``): mart, columns, geo, year
    (the first year on the new basis), note, source."""
    return pd.read_csv(SERIES_BREAKS, dtype=str, keep_default_na=False)


def _breaks(check: Check, evidence: pd.DataFrame, periods: list[int] | None,
            source: Source) -> list[tuple[int, str]]:
    """Breaks inside the check's period: documented ones, and Eurostat 'b' flags on a row of
    the series (not on its first year)."""
    if not periods:
        return []
    first, last = min(periods), max(periods)
    found: dict[int, str] = {}
    known = getattr(source, "series_breaks", series_breaks)()
    for q in check.queries():
        geo = next((q.where[c] for c in GEO_COLUMNS if isinstance(q.where.get(c), str)), None)
        for b in known.itertuples():
            cols = b.columns.split()
            if (b.mart == q.mart and q.value in cols and (not b.geo or b.geo == geo)
                    and first < int(b.year) <= last):
                found.setdefault(int(b.year), f"{b.note} ({b.source})")
    for col in ("flags", "flag"):
        if col in evidence and check.by in evidence:
            flagged = evidence[evidence[col].fillna("").astype(str).str.contains("b")]
            for year in flagged[check.by].dropna().astype(int):
                if first < year <= last:
                    found.setdefault(year, "the publisher flags a break in series (b)")
    return sorted(found.items())


def _trend_check(check: Check, claim: Claim, source: Source) -> CheckResult:
    rows, have = _series(check, source)
    expected = _expected_periods(check.query, check.by)
    lacking = [p for p in (expected or []) if p not in set(have.index)]
    breaks = _breaks(check, rows, expected, source)
    if breaks:
        years = ", ".join(str(y) for y, _ in breaks)
        text = (f"series break in {years}: " + "; ".join(n for _, n in breaks)
                + "; no trend is read across a break")
        if lacking:
            text += ". Also missing: " + _missing(claim, source, spans(lacking),
                                                  _geo(check, claim), lacking,
                                                  _asked_measures(check))
        return CheckResult(check.label, check.claimed, None, "definition_differs",
                           explanation=text, evidence=rows, series=have)
    if have.empty or lacking:
        label = spans(lacking) if lacking else check.label
        return CheckResult(check.label, check.claimed, None, "not_testable",
                           explanation=_missing(claim, source, label, _geo(check, claim),
                                                lacking or None, _asked_measures(check)),
                           evidence=rows, series=have)
    spread = float(have.max() - have.min())
    slope, low, high = _slope(have)
    ratio = check.over is not None or check.query.value.startswith("return_rate")
    f = (lambda v, s=False: format_number(v, percent_of_one=True, signed=s)) if ratio else (
        lambda v, s=False: format_number(v, signed=s))
    if check.max_range is not None:
        limit, measured, rule = check.max_range, spread, f"max − min ≤ {f(check.max_range)}"
    else:
        mean = float(have.mean())
        measured = spread / mean if mean else math.inf
        limit = check.max_relative_range
        rule = f"(max − min) ÷ mean ≤ {limit:.0%}; here {measured:.0%}"
    text = (f"range {f(have.min())} to {f(have.max())} (max − min {f(spread)}; stable if "
            f"{rule}); slope {f(slope, True)} per {check.by} "
            f"(95 % interval {f(low, True)} to {f(high, True)})")
    verdict = "supported" if measured <= limit else (
        "close" if measured <= 2 * limit else "contradicted")
    if claim.definition:
        verdict, text = "definition_differs", f"{claim.definition} ({text})"
    return CheckResult(check.label, check.claimed, spread, verdict,
                       (0.0, check.max_range) if check.max_range is not None else None,
                       text, rows, series=have)


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
    rows, have = _series(check, source)
    expected = _expected_periods(check.query, check.by)
    lacking = [p for p in (expected or []) if p not in set(have.index)]
    if "months_covered" in rows and expected:
        full = rows.groupby(check.by)["months_covered"].max()
        lacking += [p for p in expected if p in full.index and full[p] < 12]
    if have.empty or lacking:
        return CheckResult(check.label, check.claimed, None, "not_testable",
                           explanation=_missing(claim, source, spans(lacking) or
                                                check.label, _geo(check, claim),
                                                lacking or None, _asked_measures(check)),
                           evidence=rows)
    peak = int(have.idxmax())
    first, last = check.claimed
    verdict = "supported" if first <= peak <= last else "contradicted"
    text = f"the maximum, {format_number(have.max())}, is in {peak}; claimed peak {first}–{last}"
    return CheckResult(check.label, check.claimed, peak, verdict, None, text, rows, series=have)


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


def _held(claim: Claim, source: Source) -> list[dt.date]:
    """Vintages held of the datasets the claim's marts are built from."""
    marts = sorted({q.mart for c in claim.checks for q in c.queries()})
    vintages = getattr(source, "vintages", None)
    return sorted(vintages(marts)) if vintages else []


def evaluate_all(claims: list[Claim], source: Source,
                 as_of: Callable[[dt.date], Source | None] | None = None) -> list[Verdict]:
    """Every claim against the newest data (``source``) and, when it has ``stated_on``,
    against the newest vintage held that was published on or before that date
    (``as_of(cut_off)`` gives the data as it stood then)."""
    out = []
    for claim in claims:
        verdict = evaluate(claim, source)
        if claim.stated_on is None:
            verdict.statement_note = "the claim gives no date (stated_on)"
        else:
            cut = claim.stated_on.earliest
            held = _held(claim, source)
            then = [v for v in held if v <= cut]
            if not held:
                verdict.statement_note = "no vintage of its series is held"
            elif not then:
                verdict.statement_note = (f"no vintage held from then ({cut:%Y-%m-%d}); the "
                                          f"earliest is {held[0]:%Y-%m-%d}")
            else:
                old = as_of(cut) if as_of else None
                if old is None:
                    verdict.statement_note = "the data as of then could not be built"
                else:
                    verdict.at_statement = evaluate(claim, old)
                    verdict.vintage_at_statement = verdict.at_statement.vintage
                    verdict.statement_note = (f"data as held on {cut:%Y-%m-%d} (vintages up "
                                              f"to {max(then):%Y-%m-%d})")
        out.append(verdict)
    return out


# ----------------------------------------------------------------------------- report
REPORT_COLUMNS = ["id", "verdict", "claimed", "data_value", "stated_on", "vintage_at_statement",
                  "verdict_at_statement", "deviation_pct", "check", "check_verdict", "band",
                  "deviation", "data_value_at_statement", "check_verdict_at_statement",
                  "claim", "document", "location", "datasets", "vintage", "explanation",
                  "explanation_at_statement"]


def _plain(value):
    """A number as written (7000, not 7000.0); lists as 'a–b'; None stays empty."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return "–".join(str(v) for v in value)
    return value


def shown(value, claim: Claim, check: Check | None = None) -> str:
    """A claimed or data value for people: shares and rates as %, directions as +x %."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return format_number(value)
    if claim.quantity == "peak":
        return str(int(value))
    if check is not None and check.band is not None:
        return _formatter(check)(value)
    if claim.quantity == "share" or claim.quantity == "direction":
        return format_number(value, percent_of_one=True, signed=claim.quantity == "direction")
    return format_number(value)


def _deviation_pct(value: float) -> str:
    return f"{value:+.1f} %".replace("-", "−")


@dataclass(frozen=True)
class Words:
    """The words and formats the reports write (``report``, ``markdown``,
    ``claims_report.html_brief``). The defaults are the command line's English; the
    dashboard passes those of the interface language (``dashboard.claims.words``).

    ``gettext`` translates the reports' English messages (marked ``N_`` or ``_`` here and in
    ``claims_report``; the interface's catalog holds them); the other fields rewrite what the
    engine wrote: a check's explanation ``why(result, check, claim)``, a verdict's
    ``statement_note(verdict)``, a value ``shown(value, claim, check)``, a check's band
    ``band(result, check, claim)``, a deviation in % ``percent(value)``, a vintage
    ``date('YYYY-MM-DD')``; ``lang`` is the HTML's language (and the chart links')."""
    gettext: Callable[[str], str] = lambda text: text
    why: Callable[["CheckResult", Check, Claim], str] = lambda result, check, claim: (
        result.explanation)
    statement_note: Callable[["Verdict"], str] = lambda verdict: verdict.statement_note
    shown: Callable[[object, Claim, Check | None], str] = shown
    band: Callable[["CheckResult", Check, Claim], str] = lambda result, check, claim: (
        result.band_text)
    percent: Callable[[float], str] = _deviation_pct
    date: Callable[[str], str] = lambda iso: iso
    lang: str = "en"

    def verdict(self, code: str) -> str:
        """A verdict code's label ('supported', 'not testable with loaded data')."""
        return self.gettext(VERDICT_LABELS[code])

    def claim(self, claim: Claim) -> str:
        """The claim's own words in ``lang`` where its claim set gives them."""
        return claim.text("claim", self.lang)

    def label(self, check: Check) -> str:
        """A check's label in ``lang`` where its claim set gives it."""
        return check.label_nl if self.lang == "nl" and check.label_nl else check.label


ENGLISH = Words()


def report(verdicts: list[Verdict], words: Words = ENGLISH) -> pd.DataFrame:
    """One row per check: id, verdict (of the claim), claimed, data_value, when stated and the
    verdict then, the deviation, then the check's own numbers, document, series, vintage.

    Column names, verdict codes, numbers and dates stay as they are for every language;
    the free text (band, explanation, explanation_at_statement) is in ``words``."""
    rows = []
    for v in verdicts:
        then = v.at_statement.results if v.at_statement else [None] * len(v.results)
        for r, t, c in zip(v.results, then, v.claim.checks):
            rows.append({
                "id": v.claim.id, "verdict": v.verdict, "claimed": _plain(r.claimed),
                "data_value": _plain(r.data_value),
                "stated_on": v.claim.stated_on.text if v.claim.stated_on else "",
                "vintage_at_statement": v.vintage_at_statement,
                "verdict_at_statement": v.verdict_at_statement,
                "deviation_pct": None if r.deviation_pct is None else round(r.deviation_pct, 2),
                "check": r.label, "check_verdict": r.verdict,   # the CSV keeps its keys
                "band": words.band(r, c, v.claim),
                "deviation": _plain(r.deviation),
                "data_value_at_statement": _plain(t.data_value) if t else None,
                "check_verdict_at_statement": t.verdict if t else "not_testable",
                "claim": v.claim.claim, "document": v.claim.document,
                "location": v.claim.location, "datasets": ", ".join(v.claim.datasets),
                "vintage": r.vintage, "explanation": words.why(r, c, v.claim),
                "explanation_at_statement": (words.why(t, c, v.claim) if t
                                             else words.statement_note(v)),
            })
    return pd.DataFrame(rows, columns=REPORT_COLUMNS)


def markdown(verdicts: list[Verdict], words: Words = ENGLISH) -> str:
    """The report as a Markdown table, one row per check, in ``words``."""
    _ = words.gettext
    date = lambda iso: words.date(iso) if iso else "–"  # noqa: E731
    heads = (_("id"), _("verdict now"), _("verdict when stated"), _("check"), _("claimed"),
             _("data value"), _("deviation"), _("band"), _("series"),
             _("vintage now / then"), _("why"))
    lines = ["# " + _("Claims checked against the data"), "",
             "| " + " | ".join(heads) + " |",
             "|---|---|---|---|---:|---:|---:|---|---|---|---|"]
    for v in verdicts:
        then = words.verdict(v.verdict_at_statement)
        for r, c in zip(v.results, v.claim.checks):
            dev = "–" if r.deviation_pct is None else words.percent(r.deviation_pct)
            lines.append(
                f"| {v.claim.id} | {words.verdict(v.verdict)} | {then} | {words.label(c)} "
                f"| {words.shown(r.claimed, v.claim, c)} "
                f"| {words.shown(r.data_value, v.claim, c)} | {dev} "
                f"| {words.band(r, c, v.claim) or '–'} "
                f"| {', '.join(v.claim.datasets)} | {date(r.vintage)} / "
                f"{date(v.vintage_at_statement)} | "
                f"{str(words.why(r, c, v.claim)).replace('|', '/')} |")
    return "\n".join(lines) + "\n"
