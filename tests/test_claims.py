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


def value_check(claimed, tolerance, year=2016, geo="NL", label="c"):
    return {"label": label, "claimed": claimed, "tolerance": tolerance,
            "query": {"mart": "m", "value": "n", "aggregate": "value",
                      "where": {"geo": geo, "year": year}}}


def test_half_open_band_boundaries():
    # "about 19 thousand" = [18,500, 19,500): 18,500 in, 19,500 out
    assert engine.grade(18_500, 19_000, 500) == "supported"
    assert engine.grade(19_499.99, 19_000, 500) == "supported"
    assert engine.grade(19_500, 19_000, 500) == "close"
    assert engine.grade(18_000, 19_000, 500) == "close"      # edge of twice the tolerance
    assert engine.grade(17_999, 19_000, 500) == "contradicted"
    assert engine.grade(20_000, 19_000, 500) == "contradicted"  # upper edge of 2× excluded
    assert engine.grade(0.2145, 0.215, 0.0005) == "supported"   # float edge kept inside


def test_value_verdicts():
    v = engine.evaluate(claim(checks=[value_check(120, 5)]), SRC)
    assert (v.verdict, v.results[0].data_value) == ("supported", 120)
    assert engine.evaluate(claim(checks=[value_check(128, 5)]), SRC).verdict == "close"
    assert engine.evaluate(claim(checks=[value_check(200, 5)]), SRC).verdict == "contradicted"


def test_not_testable_names_dataset_years_and_command():
    v = engine.evaluate(claim(checks=[value_check(120, 5, year=2024, label="2024")]), SRC)
    assert v.verdict == "not_testable"
    assert v.results[0].explanation == ("synthetic_a is loaded for NL 2014–2018, not for 2024 "
                                        "— run `python -m etl fetch synthetic`")
    other = claim(checks=[value_check(1, 1, year=2024)], datasets=["synthetic_b"])
    assert engine.evaluate(other, SRC).results[0].explanation == (
        "synthetic_b is not loaded — no fetcher for it yet")


def test_definition_differs_keeps_the_numbers():
    v = engine.evaluate(claim(checks=[value_check(120, 5)],
                              definition="The series counts decisions, the claim persons."), SRC)
    assert v.verdict == "definition_differs" and v.results[0].data_value == 120
    assert v.results[0].explanation.startswith("The series counts decisions")


def test_several_values_overall_is_the_worst():
    v = engine.evaluate(claim(checks=[value_check(120, 5, label="a"),
                                      value_check(128, 5, label="b"),
                                      value_check(1, 1, year=2030, label="c")]), SRC)
    assert [r.verdict for r in v.results] == ["supported", "close", "not_testable"]
    assert v.verdict == "not_testable"
    v = engine.evaluate(claim(checks=[value_check(120, 5, label="a"),
                                      value_check(10, 1, label="b"),
                                      value_check(1, 1, year=2030, label="c")]), SRC)
    assert v.verdict == "contradicted"


def test_share():
    check = {"label": "s", "claimed": 0.2, "tolerance": 0.01,
             "numerator": {"mart": "m", "value": "n", "where": {"geo": "BE"}},
             "denominator": {"mart": "m", "value": "n", "where": {}}}
    v = engine.evaluate(claim("share", [check]), SRC)
    assert v.results[0].data_value == pytest.approx(150 / 750) and v.verdict == "supported"


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


@pytest.mark.parametrize("raw, message", [
    ({"quantity": "guess"}, "quantity must be one of"),
    ({"checks": []}, "missing ['checks']"),
    ({"checks": [{"label": "x", "claimed": "many", "tolerance": 1,
                  "query": {"mart": "m", "value": "n"}}]}, "claimed must be a number"),
    ({"checks": [{"label": "x", "claimed": 1, "tolerance": 0,
                  "query": {"mart": "m", "value": "n"}}]}, "tolerance must be positive"),
    ({"checks": [{"label": "x", "claimed": 1, "tolerance": 1,
                  "query": {"mart": "m", "value": "n", "sql": "DROP TABLE x"}}]},
     "unknown query keys ['sql']"),
])
def test_invalid_claims_are_refused(raw, message):
    base = {"id": "T", "claim": "c", "document": "d", "location": "l", "quantity": "value",
            "period": "p", "datasets": ["x"],
            "checks": [value_check(1, 1)]}
    with pytest.raises(engine.ClaimError, match=__import__("re").escape(message)):
        engine.parse_claim(base | raw)


# ----------------------------------------------------------------------------- seed claims
SEED_VERDICTS = {
    "R01": "not_testable", "R02": "not_testable", "R03": "not_testable", "R04": "supported",
    "R05": "supported", "R06": "supported", "R07": "not_testable", "R08": "not_testable",
    "R09": "contradicted", "R10": "not_testable", "R11": "not_testable",
    "R12": "not_testable", "R13": "not_testable", "R14": "not_testable", "R15": "close",
    "R16": "not_testable", "R17": "close",
}


@pytest.fixture(scope="module")
def seed(built_warehouse):
    with warehouse.connect_readonly() as con, warehouse.cursor(con) as cur:
        source = WarehouseSource(cur)
        yield {c.id: engine.evaluate(c, source) for c in engine.load(
            engine.CLAIM_SETS / "seed.yml")}


def test_every_seed_claim_has_its_verdict(seed):
    assert {k: v.verdict for k, v in seed.items()} == SEED_VERDICTS


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
    r06 = seed["R06"].results[0]
    assert r06.data_value == pytest.approx(4_324 / 58_043 - 1)  # EU–Turkey: −92.6 %
    assert seed["R04"].results[0].data_value == 2015


def test_not_testable_seeds_name_the_fetch_command(seed):
    assert "`python -m etl fetch cbs`" in seed["R12"].results[0].explanation
    assert "84809NED is not loaded" in seed["R12"].results[0].explanation
    assert "migr_eiord is loaded for NL 2010–2016, not for 2024" in seed["R01"].results[0].explanation
    assert "`python -m etl fetch eurostat`" in seed["R01"].results[0].explanation
    assert "not for 2017–2024" in seed["R03"].results[0].explanation
    assert "`python -m etl fetch worldbank`" in seed["R07"].results[0].explanation
    assert "bop_rem6 is not loaded" in seed["R08"].results[0].explanation


def test_verdicts_follow_the_data(seed, tmp_path):
    """A verdict is computed, not stored: the same claim on other data gets another verdict."""
    r15 = next(c for c in engine.load(engine.CLAIM_SETS / "seed.yml") if c.id == "R15")
    frame = pd.DataFrame({"route_code": ["CMR"], "nationality_iso3": ["TUN"], "year": [2024],
                          "detections": [7_100]})
    assert engine.evaluate(r15, FakeSource({"arrivals_yearly": frame})).verdict == "supported"


# ----------------------------------------------------------------------------- report
def test_cli_report_csv_and_markdown(built_warehouse):
    out = subprocess.run([sys.executable, "-m", "etl", "claims", "--format", "csv"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    table = pd.read_csv(io.StringIO(out))
    assert list(table.columns[:4]) == ["id", "verdict", "claimed", "data_value"]
    r15 = table[table["id"] == "R15"].iloc[0]
    assert (r15["verdict"], float(r15["claimed"]), float(r15["data_value"]),
            r15["vintage"]) == ("close", 7000, 7741, "2025-06-03")
    assert set(table["id"]) >= set(SEED_VERDICTS)
    md = subprocess.run([sys.executable, "-m", "etl", "claims", "--format", "md"], cwd=ROOT,
                        capture_output=True, text=True, check=True).stdout
    assert md.startswith("# Claims checked against the data")
    assert "| R15 | close | 2024 | 7,000 | 7,741 | frontex_ibc | 2025-06-03 |" in md


# ----------------------------------------------------------------------------- page
@pytest.fixture
def user_claims(tmp_path, monkeypatch):
    path = tmp_path / "user_claims.yml"
    monkeypatch.setattr(paths, "USER_CLAIMS", path)
    return path


def test_page_lists_claims_and_shows_detail(built_warehouse, user_claims):
    from pages import run_page, specs

    at = run_page("pages/claims.py", claim="R15")
    listed = at.dataframe[0].value
    assert list(listed["id"]) == list(SEED_VERDICTS)
    assert listed.set_index("id").loc["R15", "verdict"] == "🟡 close"
    detail = at.dataframe[1].value
    assert detail.iloc[0][["claimed", "data value", "band"]].tolist() == [
        "7,000", "7,741", "6,500 to below 7,500"]
    [chart] = specs(at)
    assert chart["layout"]["title"]["text"].startswith("Claim R15 against the data")
    filtered = run_page("pages/claims.py", verdicts="supported")
    assert list(filtered.dataframe[0].value["id"]) == ["R04", "R05", "R06"]


def fill(at, **values):
    form = {"id": 0, "claim": 1, "document": 2, "location": 3, "period": 4, "unit": 5,
            "datasets": 6, "value": 7}
    for key, value in values.items():
        if key in form:
            at.text_input[form[key]].set_value(value)
    return at


def test_page_adds_a_valid_claim_and_refuses_an_invalid_one(built_warehouse, user_claims):
    from pages import run_page

    at = run_page("pages/claims.py")
    fill(at, id="U01", claim="About 33.5 thousand asylum applicants in NL in 2024",
         document="test note", location="p. 1", period="2024", unit="persons",
         datasets="migr_asyappctza", value="applicants")
    at.selectbox[-2].set_value("asylum_applications")
    at.selectbox[-1].set_value("value")
    at.number_input[0].set_value(33_500.0)
    at.number_input[1].set_value(500.0)
    at.text_area[0].set_value("geo = NL\ncitizenship_iso3 = TOTAL\napplicant_type = all\n"
                              "year = 2024")
    at.button[0].click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    saved = yaml.safe_load(user_claims.read_text())["claims"]
    assert [c["id"] for c in saved] == ["U01"]
    listed = at.dataframe[0].value.set_index("id")
    assert listed.loc["U01", "verdict"] == "🟢 supported"  # 33,515 in [33,000, 34,000)

    before = user_claims.read_text()
    fill(at, id="U02", value="applicants")
    at.text_area[0].set_value("geo = Netherland\nyear = 2024")
    at.button[0].click().run()
    assert any("no such code in asylum_applications: geo='Netherland'" in e.value
               for e in at.error)
    assert user_claims.read_text() == before  # nothing saved


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
    assert at.selectbox(key="cc_claim").value == "R01"
