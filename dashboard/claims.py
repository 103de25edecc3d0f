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
from dashboard import charts, db, flags, i18n, memo
from dashboard.i18n import N_, _
from core import paths

BADGES = {"supported": N_("✓ supported"), "close": N_("≈ close"),
          "computed": N_("∑ computed, published series not loaded"),
          "definition_differs": N_("≠ definition differs"),
          "not_testable": N_("? not testable with loaded data"),
          "contradicted": N_("✗ contradicted")}
#: Headers of the claims table and of the checks table (their frames keep the English
#: names), translated where shown.
TABLE_COLUMNS = {"id": N_("id"), "verdict": N_("verdict"), "when stated": N_("when stated"),
                 "revised since": N_("revised since"), "deviation": N_("deviation"),
                 "claim": N_("claim"), "document": N_("document"), "stated on": N_("stated on"),
                 "period": N_("period"), "series": N_("series"), "claim set": N_("claim set")}
CHECK_COLUMNS = {"check": N_("check"), "claimed": N_("claimed"), "data value": N_("data value"),
                 "band": N_("band"), "deviation": N_("deviation"), "verdict": N_("verdict"),
                 "vintage": N_("vintage"), "data value when stated": N_("data value when stated"),
                 "verdict when stated": N_("verdict when stated"), "why": N_("why")}
PRECISION = {"day": N_("day"), "month": N_("month"), "year": N_("year")}


def badge(verdict: str) -> str:
    """A verdict code's badge in the interface language."""
    return _(BADGES[verdict])


def headers(columns: dict[str, str], pinned: tuple[str, ...] = ()) -> dict:
    """``st.dataframe`` column labels in the interface language; ``pinned`` columns stay in
    view while the others scroll sideways (a narrow window)."""
    return {c: st.column_config.TextColumn(_(label), pinned=True) if c in pinned else _(label)
            for c, label in columns.items()}


def localized(text: str) -> str:
    """A number as ``analysis.claims`` writes it (7,000 · 21.90 % · 1.2 bn) in the interface
    language (7.000 · 21,90 % · 1,2 mld)."""
    if i18n.current() == "en" or not isinstance(text, str):
        return text
    swap = {",": ".", ".": ","}
    text = re.sub(r"\d[\d,]*(?:\.\d+)?",
                  lambda m: "".join(swap.get(ch, ch) for ch in m.group(0)), text)
    return re.sub(r"(?<=\d) mn\b", " mln", re.sub(r"(?<=\d) bn\b", " mld", text))


def shown(value, claim: engine.Claim, check=None) -> str:
    """``analysis.claims.shown`` in the interface language."""
    if isinstance(value, str) and value in DIRECTIONS:
        return _(DIRECTIONS[value])
    return localized(engine.shown(value, claim, check))


def band_words(check, claim: engine.Claim) -> str:
    """``Band.describe`` of a check's band, its numbers as the wording states them, in the
    interface language ('' without a band)."""
    if check.band is None:
        return ""
    return describe_band(check.band, lambda v: shown(v, claim, check))


def describe_band(b: tolerance.Band, f) -> str:
    """``Band.describe(f)`` in the interface language."""
    if not math.isfinite(b.low):
        return (_("at most {value}") if b.high_closed else _("below {value}")).format(
            value=f(b.high))
    if not math.isfinite(b.high):
        return (_("at least {value}") if b.low_closed else _("more than {value}")).format(
            value=f(b.low))
    if b.low_closed:
        text = _("{low} to up to {high}") if b.high_closed else _("{low} to below {high}")
    else:
        text = (_("above {low} to up to {high}") if b.high_closed
                else _("above {low} to below {high}"))
    return text.format(low=f(b.low), high=f(b.high))


def tolerance_basis(claim: engine.Claim) -> str:
    """``Claim.tolerance_basis`` in the interface language."""
    return "; ".join(f'"{c.stated}" → {band_words(c, claim)}'
                     for c in claim.checks if c.band is not None)


def stated_words(stated_on) -> str:
    """``StatedOn.words``: '2016-06-07 (day)', '2026 (year, not before 2026-06-12)'."""
    english = stated_on.words()
    m = re.fullmatch(r"(.*) \((day|month|year)(?:, not before (\S+))?\)", english)
    if not m:
        return english
    text, precision, after = m.groups()
    if after:
        return _("{text} ({precision}, not before {date})").format(
            text=text, precision=_(PRECISION[precision]), date=after)
    return _("{text} ({precision})").format(text=text, precision=_(PRECISION[precision]))


#: The words a check claims or finds instead of a number (direction, trend).
DIRECTIONS = {"up": N_("up"), "down": N_("down"), "flat": N_("flat"),
              "stable": N_("stable")}
_NUM = r"[+−-]?[\d.,]+(?: (?:bn|mn|%|pp))?"
_RUN = r"(?P<how> — run `[^`]+`| — no fetcher for it yet)"


def _how(how: str) -> str:
    if how == " — no fetcher for it yet":
        return _(" — no fetcher for it yet")
    return _(" — run {command}").format(command=how[len(" — run "):])


def _missing_part(part: str) -> str | None:
    """One part of ``analysis.claims._missing`` in the interface language (None: a form
    this does not know, shown as the engine wrote it)."""
    if m := re.fullmatch(r"(?P<code>\S+) is not loaded" + _RUN, part):
        return _("{code} is not loaded").format(code=m["code"]) + _how(m["how"])
    if m := re.fullmatch(r"(?P<code>\S+) is loaded, but not for (?P<geo>\S+)" + _RUN, part):
        return _("{code} is loaded, but not for {geo}").format(
            code=m["code"], geo=m["geo"]) + _how(m["how"])
    if m := re.fullmatch(r"(?P<code>\S+) is loaded for (?P<listed>[^;]+?), not for "
                         r"(?P<years>[\d–, ]+)" + _RUN, part):
        return _("{code} is loaded for {listed}, not for {years}").format(
            code=m["code"], listed=m["listed"], years=m["years"]) + _how(m["how"])
    if m := re.fullmatch(r"(?P<code>\S+) for (?P<geo>\S+) — (?P<body>.+?)" + _RUN + "?", part):
        series = [_series_part(s) for s in _segments(m["body"])]
        if not all(series):
            return None
        return (_("{code} for {geo}").format(code=m["code"], geo=m["geo"]) + " — "
                + "; ".join(series) + (_how(m["how"]) if m["how"] else ""))
    if m := re.fullmatch(r"(?P<code>\S+) is loaded for (?P<listed>[^;]+?), but has no value "
                         r"matching this check's filters for (?P<label>.+)", part):
        return _("{code} is loaded for {listed}, but has no value matching this check's "
                 "filters for {label}").format(**m.groupdict())
    return None


def why(result, check, claim: engine.Claim) -> str:
    """A check's explanation (``CheckResult.explanation``) in the interface language, for
    the forms the engine writes most; any other form is shown as the engine wrote it."""
    text = result.explanation
    if i18n.current() == "en" or not text:
        return text
    definition = ""
    if claim.definition and text.startswith(claim.definition + " (") and text.endswith(")"):
        definition, text = claim.definition, text[len(claim.definition) + 2:-1]
    out = _why(text, check, claim)
    if out is None:
        return result.explanation
    return f"{definition} ({out})" if definition else out


def _why(text: str, check, claim: engine.Claim) -> str | None:
    if m := re.fullmatch(r'data (?P<value>.+?) against the band .+? \("(?P<stated>.*)"\); '
                         r"deviation (?P<dev>" + _NUM + r")(?: \((?P<pct>\S+) % of the "
                         r"claim\))?(?P<rest>.*)", text):
        out = _('data {value} against the band {band} ("{stated}"); deviation {dev}').format(
            value=localized(m["value"]), band=band_words(check, claim), stated=m["stated"],
            dev=localized(m["dev"]))
        if m["pct"]:
            out += _(" ({pct} of the claim)").format(pct=localized(m["pct"]) + " %")
        rest = m["rest"]
        if c := re.match(r"; the data value is computed, not published \((?P<basis>[^)]*)\)",
                         rest):
            out += _("; the data value is computed, not published ({basis})").format(
                basis=_("received ÷ GDP") if c["basis"] == "received ÷ GDP" else c["basis"])
            rest = rest[c.end():]
        if c := re.fullmatch(r"; the miss \((?P<miss>[^)]*)\) is within (?P<within>\d+)% of "
                             r"the claim, the plausible revision of a value computed from two "
                             r"separately revised series, and the published series is not "
                             r"loaded", rest):
            out += _("; the miss ({miss}) is within {within} of the claim, the plausible "
                     "revision of a value computed from two separately revised series, and "
                     "the published series is not loaded").format(
                miss=localized(c["miss"]), within=c["within"] + " %")
            rest = ""
        return out if not rest else None
    if m := re.fullmatch(r"(?P<before>" + _NUM + r") before, (?P<after>" + _NUM + r") after "
                         r"\((?P<change>" + _NUM + r")\)(?P<rest>.*)", text):
        out = _("{before} before, {after} after ({change})").format(
            **{k: localized(v) for k, v in m.groupdict().items() if k != "rest"})
        rest = m["rest"]
        if c := re.match(r"; the claim needs at least (?P<n>\d+)%", rest):
            out += _("; the claim needs at least {n}").format(n=c["n"] + " %")
            rest = rest[c.end():]
        if rest.startswith("; baseline: "):
            out += _("; baseline: {baseline}").format(baseline=rest[len("; baseline: "):])
            rest = ""
        return out if not rest else None
    if m := re.fullmatch(r"the maximum, (?P<value>.+?), is in (?P<peak>\d+); claimed peak "
                         r"(?P<first>\d+)–(?P<last>\d+)", text):
        return _("the maximum, {value}, is in {peak}; claimed peak {first}–{last}").format(
            value=localized(m["value"]), peak=m["peak"], first=m["first"], last=m["last"])
    if m := re.fullmatch(r"series break in (?P<years>[\d, ]+): (?P<notes>.+); no trend is "
                         r"read across a break(?:\. Also missing: (?P<missing>.+))?", text):
        # the notes are the documented breaks' own texts (analysis/series_breaks.csv): data
        notes = m["notes"].replace(FLAGGED_BREAK, _(FLAGGED_BREAK))
        out = _("series break in {years}: {notes}; no trend is read across a break").format(
            years=m["years"], notes=notes)
        if m["missing"]:
            missing = _missing_text(m["missing"])
            if missing is None:
                return None
            out += _(". Also missing: {missing}").format(missing=missing)
        return out
    return _missing_text(text)


FLAGGED_BREAK = N_("the publisher flags a break in series (b)")
#: How a value in the coverage was made (``basis`` of the marts, besides 'published').
BASES = {"published": N_("published"), "sum over sex": N_("sum over sex"),
         "sum of four quarters": N_("sum of four quarters"),
         "sum over citizenships": N_("sum over citizenships"),
         "sum of the 27 member states": N_("sum of the 27 member states")}
_SERIES = "|".join(re.escape(label) for label in sorted(engine.MEASURE_LABELS.values(),
                                                        key=len, reverse=True))


def _segments(text: str) -> list[str]:
    """``text`` split at '; ' outside parentheses ('(published; sum over citizenships)')."""
    out, depth, start, i = [], 0, 0, 0
    while i < len(text):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
        elif depth == 0 and text.startswith("; ", i):
            out.append(text[start:i])
            start = i = i + 2
            continue
        i += 1
    return out + [text[start:]]


def _missing_text(text: str) -> str | None:
    """``analysis.claims._missing`` (one part per dataset code, joined by '; '; a code's
    coverage series by series is one part) in the interface language, or None."""
    groups: list[list[str]] = []
    for segment in _segments(text):
        head = re.split(r": | \(a different series", segment, maxsplit=1)[0]
        if groups and head in engine.MEASURE_LABELS.values():
            groups[-1].append(segment)  # the next series of the same code
        else:
            groups.append([segment])
    parts = [_missing_part("; ".join(g)) for g in groups]
    return "; ".join(parts) if parts and all(parts) else None


def _basis(basis: str | None) -> str | None:
    """' (sum over citizenships)' in the interface language ('' without; None: unknown)."""
    if not basis:
        return ""
    words = basis.split("; ")
    if not all(w in BASES for w in words):
        return None
    return " (" + "; ".join(_(BASES[w]) for w in words) + ")"


def _series_part(part: str) -> str | None:
    """One series of a code's coverage (``analysis.claims._missing_by_measure``)."""
    loaded = r"loaded (?P<span>\d{4}–\d{4})(?: \((?P<basis>[^()]*)\))?"
    if m := re.fullmatch(rf"(?P<series>{_SERIES}): not loaded", part):
        return _("{series}: not loaded").format(series=_(m["series"]))
    if m := re.fullmatch(rf"(?P<series>{_SERIES}) \(a different series, not read by this "
                         rf"check\): {loaded}", part):
        basis = _basis(m["basis"])
        return None if basis is None else _(
            "{series} (a different series, not read by this check): loaded {span}{basis}"
        ).format(series=_(m["series"]), span=m["span"], basis=basis)
    if m := re.fullmatch(rf"(?P<series>{_SERIES}): {loaded}(?:, not for (?P<years>[\d–, ]+)|"
                         r", but no value matching this check's filters for (?P<label>.+))?",
                         part):
        basis = _basis(m["basis"])
        if basis is None:
            return None
        out = _("{series}: loaded {span}{basis}").format(series=_(m["series"]),
                                                          span=m["span"], basis=basis)
        if m["years"]:
            out += _(", not for {years}").format(years=m["years"])
        elif m["label"]:
            out += _(", but no value matching this check's filters for {label}").format(
                label=m["label"])
        return out
    return None


def statement_note(verdict: engine.Verdict, date=lambda iso: iso) -> str:
    """``Verdict.statement_note`` (``analysis.claims.evaluate_all``) in the interface
    language, its dates written by ``date`` (as the engine wrote them: YYYY-MM-DD)."""
    note = verdict.statement_note
    fixed = {"the claim gives no date (stated_on)": _("the claim gives no date (stated_on)"),
             "no vintage of its series is held": _("no vintage of its series is held"),
             "the data as of then could not be built":
                 _("the data as of then could not be built")}
    if note in fixed:
        return fixed[note]
    if m := re.fullmatch(r"no vintage held from then \((\S+)\); the earliest is (\S+)", note):
        return _("no vintage held from then ({cut}); the earliest is {earliest}").format(
            cut=date(m.group(1)), earliest=date(m.group(2)))
    if m := re.fullmatch(r"data as held on (\S+) \(vintages up to (\S+)\)", note):
        return _("data as held on {cut} (vintages up to {last})").format(
            cut=date(m.group(1)), last=date(m.group(2)))
    return note
YEARS_BEFORE_DATA = 10  # a claim may name a year this far before a series' first loaded year
fmt = engine.format_number


def _file_stamp() -> str:
    """The user's claims file as it is now (path, change time, size), "" when there is none."""
    user = paths.USER_CLAIMS
    if not user.exists():
        return ""
    stat = user.stat()
    return f"{user}:{stat.st_mtime_ns}:{stat.st_size}"


@st.cache_data(max_entries=8, show_spinner=False)
def _load_error(stamp: str) -> str | None:
    """The loader's reason the file of ``stamp`` cannot be read, or None (read once per
    version of the file, not on every call of a rerun)."""
    try:
        engine.load(paths.USER_CLAIMS)
    except (engine.ClaimError, OSError, UnicodeDecodeError) as exc:
        return " ".join(str(exc).split())[:300]
    return None


def user_file_problem() -> str | None:
    """Why the user's claims file cannot be read (hand-edited into invalid YAML, say), in
    plain words, or None when it is fine or absent."""
    stamp = _file_stamp()
    reason = _load_error(stamp) if stamp else None
    if reason is None:
        return None
    return _("Your own claims (data/{file}) cannot be read, so only the published claims "
             "are shown: {reason}. Correct the file by hand or move it away; nothing in it "
             "has been changed.").format(file=paths.USER_CLAIMS.name, reason=reason)


def _evaluate_all(cur, with_user: bool = True) -> list[engine.Verdict]:
    return claims_data.evaluate_all(
        cur, engine.load_all(paths.USER_CLAIMS if with_user else None))


@st.cache_data(max_entries=4, show_spinner=False)
def _verdicts(build_key: str, user_file_key: str) -> list[engine.Verdict]:
    return db.run_alone(_evaluate_all, user_file_key != "broken")


def _user_key(problem: str | None) -> str:
    """The user's claims file as a cache key: its stamp, "broken" when it cannot be read,
    "" when there is none."""
    return "broken" if problem else _file_stamp()


def verdicts() -> list[engine.Verdict]:
    if problem := user_file_problem():
        st.warning(problem, icon=":material/warning:")
    with st.spinner(_("Checking the claims against the data, now and as it stood when each "
                      "was made …")):
        return _verdicts(db.build_key(), _user_key(problem))


def downloads(shown: list[engine.Verdict]) -> tuple[bytes, bytes, bytes]:
    """The claims report of the shown verdicts as CSV and Markdown, and the one-page brief,
    made once per (shown claims, user file, language, build)."""
    return _downloads(tuple(v.claim.id for v in shown), _user_key(user_file_problem()))


@memo.per_build(max_entries=16)
def _downloads(ids: tuple[str, ...], user_key: str) -> tuple[bytes, bytes, bytes]:
    by_id = {v.claim.id: v for v in _verdicts(db.build_key(), user_key)}
    shown = [by_id[i] for i in ids if i in by_id]
    return report_csv(shown), report_markdown(shown), brief(shown)


def evidence_chart(verdict: engine.Verdict) -> memo.ChartParts:
    """The claim's evidence figure (None: no data for it), its rows, source and title, made
    once per (claim, user file, language, build)."""
    return _evidence_chart(verdict.claim.id, _user_key(user_file_problem()))


@memo.per_build(max_entries=64)
def _evidence_chart(claim_id: str, user_key: str) -> memo.ChartParts:
    verdict = next(v for v in _verdicts(db.build_key(), user_key) if v.claim.id == claim_id)
    data = evidence(verdict)
    no_data = data.empty or ("data_value" in data and data["data_value"].isna().all())
    return memo.ChartParts(None if no_data else figure(verdict, data), data, source(verdict),
                           title(verdict))


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
    return "–" if value is None else (i18n.signed(value, 1) + " %").replace("-", "−")


def said(claim: engine.Claim, key: str) -> str:
    """A claim's own text (``claim``, ``unit``, ``test``, ``baseline`` …) in the interface
    language where the claim set gives it (``nl:``), in English otherwise."""
    return claim.text(key, i18n.current())


def check_label(check: engine.Check) -> str:
    """A check's label in the interface language where the claim set gives it."""
    return check.label_nl if i18n.current() == "nl" and check.label_nl else check.label


def table(verdicts_: list[engine.Verdict]) -> pd.DataFrame:
    return pd.DataFrame([{
        "id": v.claim.id, "verdict": badge(v.verdict),
        "when stated": badge(v.verdict_at_statement),
        "revised since": _("yes") if v.revised else "",
        "deviation": _pct(v.deviation_pct), "claim": said(v.claim, "claim"),
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
            "check": check_label(check), "claimed": shown(r.claimed, c, check),
            "data value": shown(r.data_value, c, check),
            "band": (band_words(check, c) if r.band_text else "") or "–",
            "deviation": _pct(r.deviation_pct), "verdict": badge(r.verdict),
            "vintage": r.vintage or "–",
            "data value when stated": shown(t.data_value, c, check) if t else "–",
            "verdict when stated": badge(t.verdict) if t else badge("not_testable"),
            "why": why(r, check, c),
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
    caveat = _("Claim {id}: {document}, {location}.").format(
        id=verdict.claim.id, document=verdict.claim.document, location=verdict.claim.location)
    return charts.source_for(dataset, codes if dataset == "eurostat_migr" else vintage,
                             caveats=(caveat,), unit=said(verdict.claim, "unit"))


def _finite(value, fallback):
    return value if value is not None and math.isfinite(value) else fallback


def _flags_of(rows: pd.DataFrame) -> str | None:
    """The publisher's flags of the rows a value is computed from, each letter once (a sum
    or a ratio carries the flags of every value in it); None for none."""
    col = flags.column(rows)
    if col is None or rows.empty:
        return None
    letters = [c for f in rows[col] for c in flags.codes(f)]
    return "".join(dict.fromkeys(letters)) or None


def evidence(verdict: engine.Verdict) -> pd.DataFrame:
    """Exactly the plotted rows of the evidence figure, each with the publisher's flags of
    the rows it is computed from (``flag``; before/after: ``flag_before``, ``flag_after``)."""
    q = verdict.claim.quantity
    if q in ("value", "share"):
        rows = []
        for r, c in zip(verdict.results, verdict.claim.checks):
            low, high = r.band if r.band else (None, None)
            ref = r.data_value if r.data_value is not None else r.claimed
            rows.append({"check": check_label(c), "claimed": r.claimed,
                         "low": _finite(low, min(ref, r.claimed)),
                         "high": _finite(high, max(ref, r.claimed)),
                         "data_value": r.data_value, "verdict": r.verdict,
                         "flag": _flags_of(r.evidence) if r.data_value is not None else None})
        return pd.DataFrame(rows)
    if q == "direction":
        rows = []
        for r, c in zip(verdict.results, verdict.claim.checks):
            ev = r.evidence

            def part(name):
                return ev[ev["part"] == name] if "part" in ev else ev.iloc[0:0]
            rows.append({"check": check_label(c),
                         "before": engine.aggregate(part("before"), c.before),
                         "after": engine.aggregate(part("after"), c.after),
                         "claimed": c.claimed, "verdict": r.verdict,
                         "flag_before": _flags_of(part("before")),
                         "flag_after": _flags_of(part("after"))})
        return pd.DataFrame(rows)
    frames = []
    for r, c in zip(verdict.results, verdict.claim.checks):
        if r.series is None or r.series.empty:
            continue
        series = r.series.rename("value").reset_index()
        series.columns = [c.by, "value"]
        series["series"] = check_label(c)
        series["period"] = pd.to_datetime(series[c.by].astype(int).astype(str) + "-01-01")
        ev = r.evidence
        series["flag"] = ([_flags_of(ev[ev[c.by] == y]) for y in series[c.by]]
                          if c.by in ev else None)
        frames.append(series[["series", "period", "value", "flag"]])
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["series", "period", "value", "flag"])


def title(verdict: engine.Verdict) -> str:
    return _("Claim {id} against the data: {unit}, {period}").format(
        id=verdict.claim.id, unit=said(verdict.claim, "unit"), period=verdict.claim.period)


def figure(verdict: engine.Verdict, data: pd.DataFrame) -> go.Figure:
    src = source(verdict)
    q = verdict.claim.quantity
    if q in ("value", "share"):
        fmt_ = ".1%" if q == "share" else ",.4~f"
        return charts.claim_chart(data, title=title(verdict), x_title=said(verdict.claim, "unit"),
                                  source=src, x_format=fmt_)
    if q == "direction":
        return charts.bar_chart(data, label="check", bars={"before": _("Before"), "after": _("After")},
                                title=title(verdict), x_title=said(verdict.claim, "unit"),
                                source=src,
                                flag_columns={"before": "flag_before", "after": "flag_after"})
    return charts.time_series(data, title=title(verdict), source=src, grain="year",
                              stacked=False, y_title=said(verdict.claim, "unit"),
                              values="claim",  # a claim's series may mix counts and ratios
                              y_format=",.4~f", hover_format=",.4~f")


def _date(iso: str) -> str:
    """A date as the engine writes it (YYYY-MM-DD) as the interface writes dates."""
    return i18n.date(dt.date.fromisoformat(iso))


def words() -> engine.Words:
    """The words of the downloads (``analysis.claims.Words``) in the interface language:
    the engine's English in English; otherwise this module's translations of what the
    engine writes, the catalog's messages, the language's number and date formats."""
    lang = i18n.current()
    if lang == "en":
        return engine.ENGLISH
    return engine.Words(
        gettext=_, why=why, statement_note=lambda v: statement_note(v, date=_date),
        shown=shown, band=_band, percent=lambda value: localized(engine.ENGLISH.percent(value)),
        date=_date, lang=lang)


def _band(result, check, claim: engine.Claim) -> str:
    return band_words(check, claim) if result.band_text else ""


def report_csv(verdicts_: list[engine.Verdict]) -> bytes:
    """The claims report (``analysis.claims.report``) as CSV: stable English column names,
    verdict codes and plain numbers; the free text in the interface language."""
    return engine.report(verdicts_, words()).to_csv(index=False).encode("utf-8")


def report_markdown(verdicts_: list[engine.Verdict]) -> bytes:
    """The claims report as Markdown (``analysis.claims.markdown``) in the interface
    language."""
    return engine.markdown(verdicts_, words()).encode("utf-8")


def brief(verdicts_: list[engine.Verdict]) -> bytes:
    """The printable one-page brief (``analysis.claims_report.html_brief``) in the
    interface language."""
    return claims_report.html_brief(verdicts_, words=words()).encode("utf-8")


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
            raise engine.ClaimError(_("Filter line {n} should read 'column = value' (for "
                                      "example 'year = 2024'), not {line}.").format(
                                          n=n, line=repr(line)))
        col, value = (p.strip() for p in line.split("=", 1))
        if not col or not value:
            raise engine.ClaimError(_("Filter line {n} needs a column and a value.").format(n=n))
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


FIELDS = {"id": N_("Id"), "claim": N_("Claim"), "document": N_("Source document"),
          "location": N_("Where in it"), "period": N_("Period"),
          "stated": N_("Claimed number as stated"), "value": N_("Value column"),
          "datasets": N_("Publisher dataset codes")}


def band_preview(stated: str) -> str:
    """The band the wording stands for, in words (or why it cannot be read)."""
    try:
        b = tolerance.band(stated)
    except tolerance.ToleranceError as exc:
        return f"⚠ {exc}"
    unit = " %" if b.percent else ""
    return _("Band from the wording: {band} (“close” within {margin} more)").format(
        band=describe_band(b, lambda v: localized(fmt(v) + unit)),
        margin=localized(f"{fmt(b.margin)}{unit}"))


def _years(where: dict) -> list[int]:
    cond = where.get("year")
    if isinstance(cond, dict):
        return [cond["from"], cond["to"]]
    return cond if isinstance(cond, list) else [] if cond is None else [cond]


def validate_form(form: dict, source: WarehouseSource) -> dict:
    """The claim's YAML mapping from the form, or ClaimError with a message in plain words."""
    missing = [_(FIELDS[k]) for k in FIELDS if not str(form.get(k) or "").strip()]
    if missing:
        raise engine.ClaimError(_("Please fill in: {fields}.").format(fields=", ".join(missing)))
    for key in ("claim", "document", "location", "unit", "period"):
        if len(str(form.get(key) or "")) > engine.TEXT_LIMIT:
            field = _(FIELDS[key]) if key in FIELDS else _("Unit")
            raise engine.ClaimError(_("The {field} is longer than {limit} characters; shorten "
                                      "it.").format(field=field.lower(),
                                                    limit=i18n.number(engine.TEXT_LIMIT)))
    claim_id = form["id"].strip()
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,20}", claim_id):
        raise engine.ClaimError(_("The id is one short word of letters, digits, - or _ "
                                  "(for example U01)."))
    stated = form["stated"].strip()
    if stated.lstrip("~ ").startswith(("-", "−")):
        raise engine.ClaimError(_("The claimed number cannot be negative: the series hold "
                                  "counts, amounts and rates."))
    try:
        tolerance.band(stated)
    except tolerance.ToleranceError as exc:
        raise engine.ClaimError(_("The claimed number could not be read: {reason}.").format(
            reason=exc)) from exc
    where = parse_filters(form["filters"])
    span = source.year_span(form["mart"])
    first = (span[0] if span else 1950) - YEARS_BEFORE_DATA
    last = dt.date.today().year
    for year in _years(where):
        if not isinstance(year, int) or not first <= year <= last:
            start = (_("this series starts in {first}, so a year more than {n} years earlier "
                       "is taken for a typing error").format(first=span[0], n=YEARS_BEFORE_DATA)
                     if span else _("this series has no year column"))
            raise engine.ClaimError(_("The year {year} is outside {first}–{last}: {start}, "
                                      "and a claim cannot be about the future.").format(
                                          year=year, first=first, last=last, start=start))
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
    text = text.replace(paths.USER_CLAIMS.name, _("your claims"))
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
    return _("Your claims file could not be written ({reason}): the data folder may be "
             "read-only or the disk full. Nothing was changed.").format(
        reason=exc.strerror or type(exc).__name__)


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
