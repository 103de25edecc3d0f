"""Claim checker: the engine's verdict rules (synthetic sources), the seed claims' verdicts on
the bundled data, the report from the command line, and the Claim check page."""
from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis import claims as engine
from analysis.claims_data import WarehouseSource
from core import paths, warehouse

ROOT = Path(__file__).resolve().parents[1]


# ----------------------------------------------------------------------------- synthetic
class FakeSource:
    """Synthetic marts as frames; coverage says what is 'loaded'."""

    def __init__(self, marts: dict[str, pd.DataFrame], coverage: pd.DataFrame | None = None):
        self.marts = marts
        self._coverage = coverage if coverage is not None else pd.DataFrame(
            columns=["dataset", "geo", "first_year", "last_year", "loaded", "fetch_command"])

    def rows(self, query):
        frame = self.marts.get(query.mart, pd.DataFrame(columns=[query.value]))
        for col, cond in query.where.items():
            if isinstance(cond, dict):
                frame = frame[frame[col].between(cond["from"], cond["to"])]
            elif isinstance(cond, list):
                frame = frame[frame[col].isin(cond)]
            else:
                frame = frame[frame[col] == cond]
        return frame

    def coverage(self, datasets):
        return self._coverage[self._coverage["dataset"].isin(datasets)]


MART = pd.DataFrame({"geo": ["NL"] * 5 + ["BE"] * 5, "year": list(range(2014, 2019)) * 2,
                     "n": [100, 110, 120, 130, 140, 10, 20, 30, 40, 50],
                     "rate": [0.30, 0.32, 0.35, 0.31, 0.33, 0.1, 0.2, 0.3, 0.4, 0.5]})
COVERAGE = pd.DataFrame([
    {"dataset": "synthetic_a", "geo": "NL", "first_year": 2014, "last_year": 2018,
     "loaded": True, "fetch_command": "python -m etl fetch synthetic"},
    {"dataset": "synthetic_b", "geo": None, "first_year": None, "last_year": None,
     "loaded": False, "fetch_command": None}])
SRC = FakeSource({"m": MART}, COVERAGE)


def claim(quantity="value", checks=None, **extra):
    raw = {"id": "T1", "claim": "synthetic", "document": "doc", "location": "p. 1",
           "quantity": quantity, "period": "2014–2018", "datasets": ["synthetic_a"],
           "geo": "NL", "checks": checks, **extra}
    return engine.parse_claim(raw)


def value_check(stated, year=2016, geo="NL", label="c"):
    return {"label": label, "stated": stated,
            "query": {"mart": "m", "value": "n", "aggregate": "value",
                      "where": {"geo": geo, "year": year}}}


def test_value_verdicts_show_band_and_deviation():
    v = engine.evaluate(claim(checks=[value_check("about 120")]), SRC)
    r = v.results[0]
    assert (v.verdict, r.data_value, r.band) == ("supported", 120, (110, 130))
    assert (r.deviation, r.deviation_pct) == (0, 0)
    assert r.band_text == "110 to below 130"
    # "125" stands for 124.5 to below 125.5; 120 is −5 (−4.0 % of the claim)
    r = engine.evaluate(claim(checks=[value_check("125")]), SRC).results[0]
    assert (r.verdict, r.deviation, round(r.deviation_pct, 1)) == ("contradicted", -5, -4.0)
    assert "deviation −5 (−4.0 % of the claim)" in r.explanation
    assert engine.evaluate(claim(checks=[value_check("121")]), SRC).verdict == "close"
    assert engine.evaluate(claim(checks=[value_check("more than 100")]), SRC).verdict == (
        "supported")
    assert engine.evaluate(claim(checks=[value_check("almost 120")]), SRC).verdict == "close"


def test_tolerance_key_is_refused_the_band_comes_from_the_wording():
    with pytest.raises(engine.ClaimError, match="give 'stated'"):
        claim(checks=[{"label": "c", "stated": "120", "tolerance": 5,
                       "query": {"mart": "m", "value": "n"}}])
    with pytest.raises(engine.ClaimError, match="no number found"):
        claim(checks=[value_check("many")])


def test_a_claim_s_dutch_texts_are_its_own_and_never_change_the_verdict():
    check = value_check("121") | {"label_nl": "c (nl)"}
    c = claim(checks=[check], nl={"claim": "synthetisch", "unit": "personen"})
    assert (c.text("claim", "nl"), c.text("unit", "nl"), c.text("test", "nl")) == (
        "synthetisch", "personen", "")      # no Dutch test text: the English one (empty)
    assert c.text("claim", "en") == "synthetic" and c.checks[0].label_nl == "c (nl)"
    assert engine.evaluate(c, SRC).verdict == engine.evaluate(
        claim(checks=[value_check("121")]), SRC).verdict == "close"
    with pytest.raises(engine.ClaimError, match="'nl' knows claim, unit, .*not title"):
        claim(checks=[value_check("121")], nl={"title": "x"})


def test_not_testable_names_dataset_years_and_command():
    v = engine.evaluate(claim(checks=[value_check("120", year=2024, label="2024")]), SRC)
    assert v.verdict == "not_testable"
    assert v.results[0].explanation == ("synthetic_a is loaded for NL 2014–2018, not for 2024 "
                                        "— run `python -m etl fetch synthetic`")
    other = claim(checks=[value_check("1", year=2024)], datasets=["synthetic_b"])
    assert engine.evaluate(other, SRC).results[0].explanation == (
        "synthetic_b is not loaded — no fetcher for it yet")


def test_a_year_inside_the_loaded_span_without_a_row_is_not_called_unloaded():
    gap = MART[~((MART["geo"] == "NL") & (MART["year"] == 2016))]
    v = engine.evaluate(claim(checks=[value_check("120", label="2016")]),
                        FakeSource({"m": gap}, COVERAGE))
    assert v.results[0].explanation == ("synthetic_a is loaded for NL 2014–2018, but has no "
                                        "value matching this check's filters for 2016")


def test_definition_differs_keeps_the_numbers():
    v = engine.evaluate(claim(checks=[value_check("120")],
                              definition="The series counts decisions, the claim persons."), SRC)
    assert v.verdict == "definition_differs" and v.results[0].data_value == 120
    assert v.results[0].explanation.startswith("The series counts decisions")


def test_several_values_overall_is_the_worst():
    v = engine.evaluate(claim(checks=[value_check("about 120", label="a"),
                                      value_check("about 122", label="b"),
                                      value_check("about 110", year=2030, label="c")]), SRC)
    assert [r.verdict for r in v.results] == ["supported", "close", "not_testable"]
    assert v.verdict == "not_testable"
    v = engine.evaluate(claim(checks=[value_check("about 120", label="a"),
                                      value_check("about 170", label="b"),
                                      value_check("about 110", year=2030, label="c")]), SRC)
    assert v.verdict == "contradicted"


def test_numbers_of_one_claim_share_their_precision():
    c = claim(checks=[value_check("about 8,000", label="a"), value_check("about 9,400",
                                                                         label="b")])
    assert [ch.band.low for ch in c.checks] == [7_900, 9_300]


COMPUTED = pd.DataFrame({"geo": ["NL", "BE"], "year": [2016, 2016], "n": [21.9, 26.3],
                         "is_computed": [True, False]})


def test_computed_value_missing_by_less_than_a_revision_is_not_contradicted():
    src = FakeSource({"m": COMPUTED}, COVERAGE)
    r = engine.evaluate(claim(checks=[value_check("21.5 %")]), src).results[0]
    assert r.verdict == "computed"       # +1.9 % of the claim, the value is our own ratio
    assert "published series is not loaded" in r.explanation
    far = engine.evaluate(claim(checks=[value_check("62.5 %")]), src).results[0]
    assert far.verdict == "contradicted"  # −65 %: no revision explains that
    published = engine.evaluate(claim(checks=[value_check("25.8 %", geo="BE")]), src)
    assert published.verdict == "contradicted"  # a published value is judged as it is


def test_share():
    check = {"label": "s", "stated": "about 20.0 %", "scale": 0.01,
             "numerator": {"mart": "m", "value": "n", "where": {"geo": "BE"}},
             "denominator": {"mart": "m", "value": "n", "where": {}}}
    v = engine.evaluate(claim("share", [check]), SRC)
    assert v.results[0].data_value == pytest.approx(150 / 750) and v.verdict == "supported"
    assert v.results[0].band_text == "19.9 % to below 20.1 %"


def test_direction_and_size():
    def check(claimed, min_change=None):
        c = {"label": "d", "claimed": claimed,
             "before": {"mart": "m", "value": "n", "where": {"geo": "NL", "year": 2014}},
             "after": {"mart": "m", "value": "n", "where": {"geo": "NL", "year": 2018}}}
        return c | ({"min_change": min_change} if min_change is not None else {})
    assert engine.evaluate(claim("direction", [check("up")]), SRC).verdict == "supported"
    assert engine.evaluate(claim("direction", [check("down")]), SRC).verdict == "contradicted"
    assert engine.evaluate(claim("direction", [check("up", 0.4)]), SRC).verdict == "supported"
    assert engine.evaluate(claim("direction", [check("up", 0.5)]), SRC).verdict == "close"


def test_composite_direction_states_one_baseline_for_every_part():
    two = [{"label": "NL", "claimed": "up", "query": {"mart": "m", "value": "n",
                                                       "where": {"geo": "NL"}}},
           {"label": "BE", "claimed": "down", "query": {"mart": "m", "value": "n",
                                                         "where": {"geo": "BE"}}}]
    baseline = {"label": "2018 against 2014", "before": {"year": 2014},
                "after": {"year": 2018}}
    v = engine.evaluate(claim("direction", two, baseline=baseline), SRC)
    assert [r.verdict for r in v.results] == ["supported", "contradicted"]  # BE rose too
    assert all("baseline: 2018 against 2014" in r.explanation for r in v.results)
    with pytest.raises(engine.ClaimError, match="states one baseline"):
        claim("direction", [dict(t, before={"mart": "m", "value": "n", "where": {}},
                                 after={"mart": "m", "value": "n", "where": {}}) for t in two])


def test_trend_stable_by_range_with_slope():
    def check(geo, years, max_range=0.10):
        return {"label": geo, "claimed": "stable", "by": "year", "max_range": max_range,
                "query": {"mart": "m", "value": "rate",
                          "where": {"geo": geo, "year": {"from": years[0], "to": years[1]}}}}
    nl = engine.evaluate(claim("trend", [check("NL", (2014, 2018))]), SRC)
    assert nl.verdict == "supported" and nl.results[0].data_value == pytest.approx(0.05)
    assert "slope" in nl.results[0].explanation
    be = engine.evaluate(claim("trend", [check("BE", (2014, 2018))]), SRC)
    assert be.verdict == "contradicted"  # range 0.4 > 2 × 0.10
    short = engine.evaluate(claim("trend", [check("NL", (2014, 2020))]), SRC)
    assert short.verdict == "not_testable"
    assert "not for 2019–2020" in short.results[0].explanation


def test_peak():
    def check(span):
        return {"label": "p", "claimed": span, "by": "year",
                "query": {"mart": "m", "value": "n", "where": {"geo": "NL"}}}
    assert engine.evaluate(claim("peak", [check([2017, 2018])]), SRC).verdict == "supported"
    assert engine.evaluate(claim("peak", [check([2014, 2016])]), SRC).verdict == "contradicted"


def test_gap_trend_and_series_breaks():
    orders = pd.DataFrame({"geo": "NL", "year": list(range(2014, 2019)),
                           "o": [100, 110, 120, 130, 140], "r": [40, 50, 55, 70, 75],
                           "flags": [None, None, None, "b", None]})
    where = {"geo": "NL", "year": {"from": 2014, "to": 2016}}
    gap = {"label": "gap", "claimed": "stable", "max_relative_range": 0.25,
           "query": {"mart": "g", "value": "o", "where": where},
           "minus": {"mart": "g", "value": "r", "where": where}}
    src = FakeSource({"g": orders}, COVERAGE)
    v = engine.evaluate(claim("trend", [gap]), src)
    assert v.results[0].data_value == 5  # gaps 60, 60, 65
    assert v.verdict == "supported"
    share = dict(gap, max_range=0.10, over={"mart": "g", "value": "o", "where": where})
    del share["max_relative_range"]
    r = engine.evaluate(claim("trend", [share]), src).results[0]
    assert r.data_value == pytest.approx(0.6 - 65 / 120)
    # the publisher's b flag in 2017 lies inside 2014–2018: no trend across it
    where_long = {"geo": "NL", "year": {"from": 2014, "to": 2018}}
    long = dict(gap, query=dict(gap["query"], where=where_long),
                minus=dict(gap["minus"], where=where_long))
    broken = engine.evaluate(claim("trend", [long]), src).results[0]
    assert broken.verdict == "definition_differs"
    assert broken.explanation.startswith("series break in 2017")
    # a documented break (series_breaks.csv) counts too
    src.series_breaks = lambda: pd.DataFrame([{"mart": "g", "columns": "r", "geo": "NL",
                                               "year": "2016", "note": "new method",
                                               "source": "the publisher"}])
    doc = engine.evaluate(claim("trend", [gap]), src).results[0]
    assert doc.verdict == "definition_differs"
    assert "series break in 2016: new method (the publisher)" in doc.explanation


def test_documented_breaks_file_names_the_nl_2021_return_break():
    breaks = engine.series_breaks()
    nl = breaks[(breaks["geo"] == "NL") & (breaks["year"] == "2021")]
    assert "returned_total" in nl.iloc[0]["columns"].split()


class VintagedSource(FakeSource):
    def __init__(self, marts, held):
        super().__init__(marts, COVERAGE)
        self.held = held

    def vintages(self, marts):
        return self.held


def test_evaluate_all_judges_then_and_now():
    import datetime as dt

    now = VintagedSource({"m": MART}, [dt.date(2019, 5, 1), dt.date(2024, 5, 1)])
    old = FakeSource({"m": MART.assign(n=MART["n"] + 30)}, COVERAGE)
    asked = []

    def as_of(cut):
        asked.append(cut)
        return old

    c = claim(checks=[value_check("about 150")], stated_on="2020-03")
    [v] = engine.evaluate_all([c], now, as_of)
    assert asked == [dt.date(2020, 3, 1)]       # the earliest day of a month-precise date
    assert (v.verdict_at_statement, v.verdict) == ("supported", "contradicted")
    assert v.revised
    early = claim(checks=[value_check("about 150")], stated_on="2018")
    [v] = engine.evaluate_all([early], now, as_of)
    assert v.at_statement is None and v.verdict_at_statement == "not_testable"
    assert v.statement_note == "no vintage held from then (2018-01-01); the earliest is 2019-05-01"
    later = claim(checks=[value_check("about 150")],
                  stated_on={"date": "2024", "not_before": "2024-06-12"})
    assert later.stated_on.earliest == dt.date(2024, 6, 12)
    assert later.stated_on.words() == "2024 (year, not before 2024-06-12)"


@pytest.mark.parametrize("raw, message", [
    ({"quantity": "guess"}, "quantity must be one of"),
    ({"checks": []}, "missing ['checks']"),
    ({"checks": [{"label": "x", "stated": "many",
                  "query": {"mart": "m", "value": "n"}}]}, "no number found"),
    ({"checks": [{"label": "x", "stated": "1", "scale": 0,
                  "query": {"mart": "m", "value": "n"}}]}, "scale must be positive"),
    ({"checks": [{"label": "x", "stated": "1",
                  "query": {"mart": "m", "value": "n", "sql": "DROP TABLE x"}}]},
     "unknown query keys ['sql']"),
    ({"claim": "x" * 2001}, "longer than 2,000 characters"),
    ({"stated_on": "June 2016"}, "stated_on is a date"),
])
def test_invalid_claims_are_refused(raw, message):
    base = {"id": "T", "claim": "c", "document": "d", "location": "l", "quantity": "value",
            "period": "p", "datasets": ["x"],
            "checks": [value_check("1")]}
    with pytest.raises(engine.ClaimError, match=__import__("re").escape(message)):
        engine.parse_claim(base | raw)


# ----------------------------------------------------------------------------- seed claims
# (verdict now, verdict against the newest vintage held when the claim was stated)
SEED_VERDICTS = {
    "R01": ("not_testable", "not_testable"), "R02": ("not_testable", "not_testable"),
    "R03": ("definition_differs", "definition_differs"), "R04": ("supported", "supported"),
    "R05": ("contradicted", "contradicted"), "R06": ("supported", "not_testable"),
    "R07": ("not_testable", "not_testable"), "R08": ("not_testable", "not_testable"),
    "R09": ("contradicted", "contradicted"), "R10": ("not_testable", "not_testable"),
    "R11": ("not_testable", "not_testable"), "R12": ("not_testable", "not_testable"),
    "R13": ("not_testable", "not_testable"), "R14": ("not_testable", "not_testable"),
    "R15": ("supported", "supported"), "R16": ("supported", "supported"),
    "R17": ("contradicted", "not_testable"),
}


@pytest.fixture(scope="module")
def seed(built_warehouse):
    from analysis import claims_data

    with warehouse.connect_readonly() as con, warehouse.cursor(con) as cur:
        verdicts = claims_data.evaluate_all(cur, engine.load(engine.CLAIM_SETS / "seed.yml"))
    return {v.claim.id: v for v in verdicts}


def test_every_seed_claim_has_its_two_verdicts(seed):
    assert {k: (v.verdict, v.verdict_at_statement) for k, v in seed.items()} == SEED_VERDICTS


def test_seed_stated_on_follows_the_publication_dates(seed):
    dates = {k: (v.claim.stated_on.text, v.claim.stated_on.precision,
                 v.claim.stated_on.earliest.isoformat()) for k, v in seed.items()}
    assert dates["R01"] == ("2026", "year", "2026-06-12")   # after 12 June 2026
    assert dates["R06"] == ("2016-06-07", "day", "2016-06-07")
    assert dates["R16"] == ("2025-05-23", "day", "2025-05-23")
    assert dates["R17"] == ("2024-09", "month", "2024-09-01")


def test_seed_verdicts_at_statement_say_which_vintage(seed):
    # COM(2016) 385 predates every Frontex workbook held
    assert seed["R06"].statement_note == ("no vintage held from then (2016-06-07); the earliest "
                                          "is 2018-07-06")
    # Mesnard et al. (2024-09): the 2018 workbook was held, but it stops in May 2018
    r17 = seed["R17"]
    assert r17.vintage_at_statement == "2018-07-06"
    assert r17.at_statement.results[0].data_value is None
    assert r17.results[0].data_value == pytest.approx(0.95197, abs=1e-5)
    assert seed["R15"].vintage_at_statement == "2025-06-03"


def test_seed_composite_r05_on_one_baseline(seed):
    cmr, total = seed["R05"].results
    assert cmr.data_value == pytest.approx(18_776 / 10_252 - 1)   # +83.1 %
    assert total.data_value == pytest.approx(284_525 / 60_483 - 1)  # +370.4 %: rose too
    assert (cmr.verdict, total.verdict) == ("supported", "contradicted")
    assert "baseline: January–March 2016 against January–March 2015" in total.explanation


def test_seed_r03_tests_the_gap_and_stops_at_series_breaks(seed):
    nl_gap, nl_share, eu_gap, eu_share = seed["R03"].results
    assert nl_gap.explanation.startswith("series break in 2021, 2024: NL returns")
    assert eu_gap.explanation.startswith("series break in 2024")
    # the coverage table lists the computed EU aggregate with its basis, not as "not loaded"
    assert ("migr_eiord for EU27_2020 — ordered to leave: loaded 2013–2016 (sum of the 27 "
            "member states), not for 2017–2024" in eu_gap.explanation)
    assert all(r.verdict == "definition_differs" for r in seed["R03"].results)


def test_seed_r09_computed_shares_are_not_contradicted(seed):
    verdicts = {r.label: r.verdict for r in seed["R09"].results}
    assert verdicts == {"Gambia 2023": "computed", "Nepal 2023": "contradicted",
                        "Tajikistan 2023": "computed"}


def test_seed_numbers_traceable_to_the_series(seed):
    r15 = seed["R15"].results[0]
    assert r15.data_value == 7_741  # Tunisians, Central Mediterranean, 2024
    assert set(r15.evidence["vintage"].astype(str)) == {"2025-06-03"}
    r17 = seed["R17"].results[0]
    assert r17.data_value == pytest.approx(0.95197, abs=1e-5)
    r09 = {r.label: r.data_value for r in seed["R09"].results}
    assert r09["Gambia 2023"] == pytest.approx(21.8958, abs=1e-4)
    assert r09["Nepal 2023"] == pytest.approx(26.3137, abs=1e-4)
    assert r09["Tajikistan 2023"] == pytest.approx(38.4206, abs=1e-4)
    assert "computed, not published" in seed["R09"].results[0].explanation
    assert round(seed["R09"].results[0].deviation_pct, 1) == 1.8
    r06 = seed["R06"].results[0]
    assert r06.data_value == pytest.approx(4_324 / 58_043 - 1)  # EU–Turkey: −92.6 %
    assert seed["R04"].results[0].data_value == 2015
    r15 = seed["R15"].results[0]
    assert (r15.band_text, round(r15.deviation_pct, 1)) == ("6,000 to below 8,000", 10.6)


def test_not_testable_seeds_name_the_fetch_command(seed):
    assert "`python -m etl fetch cbs`" in seed["R12"].results[0].explanation
    assert "84809NED is not loaded" in seed["R12"].results[0].explanation
    assert ("migr_eiord for NL — ordered to leave: loaded 2010–2016, not for 2024"
            in seed["R01"].results[0].explanation)
    assert "`python -m etl fetch eurostat`" in seed["R01"].results[0].explanation
    assert "not for 2017–2024" in seed["R03"].results[0].explanation
    assert "`python -m etl fetch worldbank`" in seed["R07"].results[0].explanation
    assert "bop_rem6 is not loaded" in seed["R08"].results[0].explanation


def test_coverage_is_stated_per_measure(seed):
    """A dataset code holding several series says which series is loaded for which years
    (migr_eirtn: any country 2010–2016, a third country to 2023), never one span per code."""
    r02 = seed["R02"].results[0].explanation
    assert "migr_eirtn for NL — returned (any country): loaded 2010–2016, not for 2024" in r02
    assert ("returned to a third country (a different series, not read by this check): "
            "loaded 2010–2023") in r02
    r11 = seed["R11"].results[0].explanation
    assert ("migr_asyappctza for NL — first-time asylum applicants: loaded 2008–2022, "
            "not for 2024") in r11
    assert "asylum applicants (all) (a different series, not read by this check): " \
           "loaded 2008–2024" in r11
    assert r11.endswith("— run `python -m etl fetch eurostat`")


def test_r16_moroccan_returns_to_a_third_country_rose(seed):
    """R16 became testable with the third-country extract: Moroccan citizens returned from
    the Netherlands to a third country, 40 in 2022 and 195 in 2023 (sums of the extract)."""
    r16 = seed["R16"].results[0]
    assert r16.verdict == "supported"
    assert "40 before, 195 after" in r16.explanation
    assert seed["R16"].vintage == "2024-09-20"


def test_verdicts_follow_the_data(seed, tmp_path):
    """A verdict is computed, not stored: the same claim on other data gets another verdict."""
    r15 = next(c for c in engine.load(engine.CLAIM_SETS / "seed.yml") if c.id == "R15")
    frame = pd.DataFrame({"route_code": ["CMR"], "nationality_iso3": ["TUN"], "year": [2024],
                          "detections": [8_100]})
    assert engine.evaluate(r15, FakeSource({"arrivals_yearly": frame})).verdict == "close"


REMITTANCES_2014 = """claims:
  - id: V01
    claim: The Netherlands paid about 8.3 billion US dollars of remittances in 2014.
    document: a 2021 note
    location: p. 1
    stated_on: 2021-10
    quantity: value
    unit: current US$
    period: "2014"
    datasets: [BM.TRF.PWKR.CD.DT]
    geo: NLD
    checks:
      - label: "2014"
        stated: about 8.3 billion
        query: {mart: remittances, value: paid_usd, aggregate: value,
                where: {country_iso3: NLD, year: 2014}}
"""


def test_a_verdict_changes_between_two_held_vintages(built_warehouse, tmp_path):
    """NL remittances paid 2014: 8.28 bn US$ in the World Bank's 2021 file, 12.23 bn in the
    2025 extract — supported when stated, contradicted now."""
    from analysis import claims_data

    path = tmp_path / "claims.yml"
    path.write_text(REMITTANCES_2014)
    with warehouse.connect_readonly() as con, warehouse.cursor(con) as cur:
        [v] = claims_data.evaluate_all(cur, engine.load(path))
    then, now = v.at_statement.results[0], v.results[0]
    assert then.data_value == pytest.approx(8.28e9, rel=1e-3)
    assert now.data_value == pytest.approx(12.23e9, rel=1e-3)
    assert (v.verdict_at_statement, v.verdict) == ("supported", "contradicted")
    assert (v.vintage_at_statement, v.vintage) == ("2021-09-15", "2025-02-07")
    assert v.revised


def test_cli_checks_a_claims_file(built_warehouse, tmp_path):
    path = tmp_path / "claims.yml"
    path.write_text(REMITTANCES_2014)
    out = subprocess.run([sys.executable, "-m", "etl", "claims", "--claims", str(path)],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    [row] = pd.read_csv(io.StringIO(out)).to_dict("records")
    assert (row["id"], row["verdict"], row["stated_on"], row["vintage_at_statement"],
            row["verdict_at_statement"]) == ("V01", "contradicted", "2021-10", "2021-09-15",
                                             "supported")
    assert row["deviation_pct"] == pytest.approx((12.23e9 / 8.3e9 - 1) * 100, abs=0.1)
    bad = tmp_path / "bad.yml"
    bad.write_text(REMITTANCES_2014.replace("about 8.3 billion", "lots"))
    done = subprocess.run([sys.executable, "-m", "analysis", "claims", "--claims", str(bad)],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 2 and "no number found" in done.stderr


# ----------------------------------------------------------------------------- report
def test_cli_report_csv_and_markdown(built_warehouse, capsys):
    # the alias `python -m etl claims` in a child process; the other formats in this process
    from analysis.__main__ import main as analysis_main

    out = subprocess.run([sys.executable, "-m", "etl", "claims", "--format", "csv"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    table = pd.read_csv(io.StringIO(out), dtype={"stated_on": str})
    assert list(table.columns[:8]) == ["id", "verdict", "claimed", "data_value", "stated_on",
                                       "vintage_at_statement", "verdict_at_statement",
                                       "deviation_pct"]
    r15 = table[table["id"] == "R15"].iloc[0]
    assert (r15["verdict"], float(r15["claimed"]), float(r15["data_value"]),
            r15["vintage"], r15["stated_on"], r15["verdict_at_statement"]) == (
        "supported", 7000, 7741, "2025-06-03", "2026", "supported")
    assert r15["deviation_pct"] == pytest.approx(10.59, abs=0.01)
    assert set(table["id"]) >= set(SEED_VERDICTS)
    assert analysis_main(["claims", "--format", "md"]) == 0
    md = capsys.readouterr().out
    assert md.startswith("# Claims checked against the data")
    assert ("| R15 | supported | supported | 2024 | 7,000 | 7,741 | +10.6 % | 6,000 to below "
            "8,000 | frontex_ibc | 2025-06-03 / 2025-06-03 |") in md
    assert analysis_main(["claims", "--format", "html"]) == 0
    brief = capsys.readouterr().out
    assert brief.startswith("<!doctype html>") and "@page" in brief
    assert "claims?claim=R15" in brief and brief.count("<tr>") == len(SEED_VERDICTS) + 1


# ----------------------------------------------------------------------------- page
@pytest.fixture
def user_claims(tmp_path, monkeypatch):
    path = tmp_path / "user_claims.yml"
    monkeypatch.setattr(paths, "USER_CLAIMS", path)
    return path


def test_page_lists_claims_and_shows_detail(built_warehouse, user_claims):
    from pages import run_page, specs

    at = run_page("pages/claims.py", claim="R15")
    listed = at.dataframe[0].value.set_index("id")
    assert list(listed.index) == list(SEED_VERDICTS)
    assert listed.loc["R15", ["verdict", "when stated", "deviation"]].tolist() == [
        "✓ supported", "✓ supported", "+10.6 %"]
    assert listed.loc["R06", "when stated"] == "? not testable with loaded data"
    detail = at.dataframe[1].value
    assert detail.iloc[0][["claimed", "data value", "band", "deviation"]].tolist() == [
        "7,000", "7,741", "6,000 to below 8,000", "+10.6 %"]
    [chart] = specs(at)
    assert chart["layout"]["title"]["text"].startswith("Claim R15 against the data")
    filtered = run_page("pages/claims.py", verdicts="supported")
    assert list(filtered.dataframe[0].value["id"]) == ["R04", "R06", "R15", "R16"]
    revised = run_page("pages/claims.py", revised="true")
    assert list(revised.dataframe[0].value["id"]) == ["R17"]


def test_page_numbers_are_for_people(built_warehouse, user_claims):
    from pages import run_page

    r05 = run_page("pages/claims.py", claim="R05").dataframe[1].value
    assert r05["data value"].tolist() == ["+83.1 %", "+370.4 %"]
    r09 = run_page("pages/claims.py", claim="R09").dataframe[1].value
    assert r09["data value"].tolist() == ["21.90 %", "26.31 %", "38.42 %"]
    assert r09["verdict"].tolist()[0] == "∑ computed, published series not loaded"
    r17 = run_page("pages/claims.py", claim="R17").dataframe[1].value
    assert r17.iloc[0][["claimed", "data value", "band"]].tolist() == [
        "94.5 %", "95.2 %", "94.4 % to below 94.6 %"]
    for frame in (r05, r09, r17):
        assert not frame.astype(str).apply(lambda c: c.str.contains(r"\de[+-]\d")).any().any()


def test_page_default_detail_is_the_first_claim_with_evidence(built_warehouse, user_claims):
    from pages import run_page, specs

    at = run_page("pages/claims.py")
    assert at.selectbox(key="cc_claim").value == "R04"
    assert len(specs(at)) == 1


FORM = {"id": "U01", "claim": "About 33.5 thousand asylum applicants in NL in 2024",
        "document": "test note", "location": "p. 1", "period": "2024", "unit": "persons",
        "stated": "about 33.5 thousand", "datasets": "migr_asyappctza", "value": "applicants",
        "filters": "geo = NL\ncitizenship_iso3 = TOTAL\napplicant_type = all\nyear = 2024"}


def fill(at, **values):
    for key, value in values.items():
        widget = at.text_area(key="cf_filters") if key == "filters" else at.text_input(
            key=f"cf_{key}")
        widget.set_value(value)
    return at


def save(at, **values):
    fill(at, **values)
    at.selectbox(key="cf_mart").set_value("asylum_applications")
    at.selectbox(key="cf_aggregate").set_value("value")
    at.button(key="cf_save").click().run()
    return at


def test_page_adds_a_valid_claim_and_refuses_an_invalid_one(built_warehouse, user_claims):
    from pages import run_page

    at = save(run_page("pages/claims.py"), **FORM)
    assert not at.exception and not at.error, [e.value for e in at.error]
    saved = yaml.safe_load(user_claims.read_text())["claims"]
    assert [c["id"] for c in saved] == ["U01"]
    listed = at.dataframe[0].value.set_index("id")
    assert listed.loc["U01", "verdict"] == "✓ supported"  # 33,515 in [33,400, 33,600)
    assert at.selectbox(key="cc_claim").value == "U01"

    before = user_claims.read_text()
    at = save(at, **(FORM | {"id": "U02", "filters": "geo = Netherland\nyear = 2024"}))
    assert any("no such code in asylum_applications: geo='Netherland'" in e.value
               for e in at.error)
    assert user_claims.read_text() == before  # nothing saved


@pytest.mark.parametrize("change, message", [
    ({"filters": "geo = NL\nyear = -5"}, "The year -5 is outside"),
    ({"filters": "geo = NL\nyear = 99999"}, "The year 99999 is outside"),
    ({"stated": "-200"}, "cannot be negative"),
    ({"stated": "lots"}, "could not be read"),
    ({"claim": "x" * 2001}, "longer than 2,000 characters"),
    ({"document": ""}, "Please fill in: Source document"),
    ({"id": "U 1"}, "one short word"),
    ({"filters": "geo NL"}, "Filter line 1 should read 'column = value'"),
])
def test_page_form_refuses_bad_values_in_plain_words(built_warehouse, user_claims, change,
                                                     message):
    from pages import run_page

    at = run_page("pages/claims.py")
    # max_chars stops long text in the browser; the check behind it holds without it
    if "claim" in change:
        from dashboard import claims as page_claims
        with pytest.raises(engine.ClaimError, match=message):
            page_claims.save(FORM | change | {"mart": "asylum_applications",
                                              "aggregate": "value"})
        return
    at = save(at, **(FORM | change))
    errors = [e.value for e in at.error]
    assert any(message in e for e in errors), errors
    assert not any("user_claims" in e or "yml" in e for e in errors)
    assert not user_claims.exists()


def test_page_edits_and_deletes_a_user_claim(built_warehouse, user_claims):
    from pages import run_page

    at = save(run_page("pages/claims.py"), **FORM)
    at.button(key="cf_edit").click().run()
    assert at.text_input(key="cf_stated").value == "about 33.5 thousand"
    at.text_input(key="cf_stated").set_value("about 38 thousand")
    at.button(key="cf_save").click().run()
    assert not at.error, [e.value for e in at.error]
    [saved] = yaml.safe_load(user_claims.read_text())["claims"]
    assert saved["checks"][0]["stated"] == "about 38 thousand"
    assert at.dataframe[0].value.set_index("id").loc["U01", "verdict"] == "✗ contradicted"
    at.button(key="cf_delete").click().run()
    assert yaml.safe_load(user_claims.read_text())["claims"] == []
    assert "U01" not in set(at.dataframe[0].value["id"])


def test_page_permalink_filters_by_a_document_with_a_comma(built_warehouse, user_claims):
    from pages import run_page

    key = "european-commission-partnership-framework-communication-2016"
    at = run_page("pages/claims.py", documents=key)
    assert at.multiselect(key="cc_documents").value == [key]
    assert list(at.dataframe[0].value["id"]) == ["R06"]
    assert at.selectbox(key="cc_claim").value == "R06"


def test_page_ignores_unknown_values_in_a_link(built_warehouse, user_claims):
    from pages import run_page

    at = run_page("pages/claims.py", documents="no-such-document", verdicts="maybe",
                  claim="R99")
    assert at.multiselect(key="cc_documents").value == []
    assert len(at.dataframe[0].value) == len(SEED_VERDICTS)
    assert at.selectbox(key="cc_claim").value == "R04"
