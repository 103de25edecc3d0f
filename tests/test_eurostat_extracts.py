"""The three Eurostat extracts of section 5 of ../shared/data/eurostat/SOURCES.md, parsed from
the real files; expected values are the figures SOURCES.md computed from the same files."""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from etl.sources import eurostat
from etl.sources.eurostat import extracts as ex

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "eurostat"
NATIX = "natix_migr_eirtn_THRD_by_citizenship_2014-2023.csv"
ASYLUM = "rcache_migr_asyappctza_bulk_2024-01-18.rds"
POPULATION = "rcache_demo_pjan_bulk_2024-01-18.rds"


def _parse(name: str):
    content = (SHARED / name).read_bytes()
    return eurostat.parse(content, file_name=name, sha256=hashlib.sha256(content).hexdigest())


@pytest.fixture(scope="module")
def natix():
    return _parse(NATIX)


@pytest.fixture(scope="module")
def asylum():
    return _parse(ASYLUM)


@pytest.fixture(scope="module")
def population():
    return _parse(POPULATION)


def test_natix_is_returns_to_a_third_country_with_its_real_vintage(natix):
    assert natix.dataset_code == "migr_eirtn"
    assert natix.vintage == dt.date(2024, 9, 20)
    assert "zeros and flags removed by its author" in natix.vintage_basis
    assert set(natix.frame["measure"]) == {"returned_third_country"}
    assert natix.frame["flag"].isna().all()


def test_natix_nl_sums_over_citizenships_match_sources_md(natix):
    f = natix.frame
    nl = f[f["geo"] == "NL"].groupby("year")["value"].sum().to_dict()
    assert nl == {2014: 7595, 2015: 8380, 2016: 11845, 2017: 8200, 2018: 8840, 2019: 11045,
                  2020: 8700, 2021: 2505, 2022: 920, 2023: 1545}


def test_natix_asia_overlaps_the_asian_countries_and_is_not_staged(natix):
    f = natix.frame
    assert "Asia" not in set(f["citizenship_label"])
    # 12,892 data lines less the Asia rows; every other label is mapped, none dropped.
    raw = (SHARED / NATIX).read_text(encoding="utf-8").splitlines()[1:]
    asia = sum(line.startswith("Asia,") for line in raw)
    assert asia > 0 and len(f) == len(raw) - asia


def test_natix_eu27_members_2019_and_2023_by_citizenship(natix):
    f = natix.frame
    from core import reference

    geo = reference.eurostat_geo()
    members = set(geo.loc[geo["eu27_2020"] == "true", "geo"])
    assert len(members) == 27
    eu = f[f["geo"].isin(members)]
    assert eu.loc[eu["year"] == 2019, "value"].sum() == 141895
    y23 = eu[eu["year"] == 2023].groupby("citizenship_iso3")["value"].sum()
    assert (y23["GEO"], y23["ALB"], y23["TUR"]) == (10355, 7805, 5600)


def test_rcache_asylum_first_time_nl_and_eu(asylum):
    f = asylum.frame
    assert asylum.vintage == dt.date(2024, 1, 18)
    assert set(f["sex"]) == {"T"} and f["detail"].isna().all()
    nl = f[(f["geo"] == "NL") & (f["citizenship_iso3"] == "TOTAL")]
    first = nl[nl["applicant_type"] == "first_time"].set_index("year")["value"]
    assert first.loc[2014:2022].to_dict() == {
        2014: 21780, 2015: 43035, 2016: 19285, 2017: 16090, 2018: 20465, 2019: 22540,
        2020: 13720, 2021: 24755, 2022: 35530}
    eu = f[(f["geo"] == "EU27_2020") & (f["citizenship_iso3"] == "TOTAL")
           & (f["applicant_type"] == "first_time") & (f["year"] == 2017)]
    assert eu["value"].tolist() == [620465]


def test_rcache_asylum_all_applicants_equal_the_sdmx_csv_file(asylum):
    """SOURCES.md: NL all applicants 2014–2022 equal the SDMX-CSV 2.0 file exactly."""
    name = "migr_asyappctza_sdmxcsv2_TOTAL_UA_2008-2024.csv"
    sdmx = eurostat.parse((SHARED.parent / "eurostat" / name).read_bytes(), file_name=name).frame
    want = sdmx[(sdmx["geo"] == "NL") & (sdmx["citizenship_iso3"] == "TOTAL")
                & (sdmx["sex"] == "T") & sdmx["year"].between(2014, 2022)]
    f = asylum.frame
    got = f[(f["geo"] == "NL") & (f["citizenship_iso3"] == "TOTAL")
            & (f["applicant_type"] == "all") & f["year"].between(2014, 2022)]
    assert got.set_index("year")["value"].to_dict() == want.set_index("year")["value"].to_dict()


def test_rcache_asylum_keeps_subsequent_applicants_and_drops_citizen_groups(asylum):
    f = asylum.frame
    sub = f[(f["applicant_type"] == "subsequent") & (f["geo"] == "NL")
            & (f["citizenship_iso3"] == "TOTAL")]
    assert sub.set_index("year")["value"].to_dict() == {2021: 1810, 2022: 1530}
    assert not {"EU27_2020", "EXT_EU27_2020"} & set(f["citizenship_iso3"])
    assert {"XRN", "XXA", "XXX"} <= set(f["citizenship_iso3"])


def test_rcache_population_nl_2022_equals_cbs(population):
    f = population.frame
    assert population.dataset_code == "demo_pjan" and set(f["measure"]) == {"population"}
    assert set(f["citizenship_iso3"]) == {"TOTAL"}
    assert f.loc[(f["geo"] == "NL") & (f["year"] == 2022), "value"].tolist() == [17590672]
    assert f.duplicated(["geo", "year"]).sum() == 0
    assert f["year"].min() == 1960 and f["year"].max() == 2022


def test_unknown_bytes_are_refused_not_given_a_guessed_vintage(tmp_path):
    content = (SHARED / NATIX).read_bytes().replace(b"2014", b"2013", 1)
    with pytest.raises(ex.ParseError, match="states no vintage"):
        eurostat.parse(content, file_name="copy.csv", sha256=hashlib.sha256(content).hexdigest())


@pytest.mark.parametrize("cell, message", [("12.5", "not a count"), ("-5.0", "not a count"),
                                           ("abc", "not a count")])
def test_natix_cells_that_are_not_counts_are_refused(cell, message):
    """Synthetic: the real header with one bad cell."""
    content = (f"{','.join(ex.NATIX_HEADER)}\nAlbania,Netherlands,2019,{cell}\n").encode()
    with pytest.raises(ex.ParseError, match=message):
        ex.parse_natix_thrd(content, file_name="synthetic.csv", sha256="x",
                            vintage=dt.date(2024, 9, 20))
