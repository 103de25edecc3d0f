"""Recorded (real) publisher answers in tests/fixtures, parsed with the project's own readers;
the values asserted are in those bytes (origins in each fixtures README)."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from etl.formats import sdmx

FIXTURES = Path(__file__).parent / "fixtures"
TPS00001 = FIXTURES / "eurostat" / "recorded_tps00001_sdmxcsv1_labels.csv"


def tps_code(cell: str) -> str | None:
    return "tps00001" if cell == "ESTAT:TPS00001(1.0)" else None


@pytest.fixture(scope="module")
def tps():
    content = TPS00001.read_bytes()
    # byte for byte the file of its origin (natix-x/Data-mining-in-Migration-Analysis,
    # data/population_data_tps00001.csv, blob 5fec7907…)
    assert hashlib.sha256(content).hexdigest() == (
        "95a69b093899e386470966079eaf0e673e1db7aee71a9195bd422979b1f4af35")
    return sdmx.read_csv1(content, TPS00001.name, tps_code)


def test_recorded_sdmx_csv1_labels_parse(tps):
    assert tps.code == "tps00001" and tps.last_update == "09/01/25 23:00:00"
    assert len(tps.value) == 557
    assert set(tps.dims[0]) == {"freq", "indic_de", "geo"}
    obs = {(d["geo"], t): (v, f) for d, t, v, f in zip(tps.dims, tps.time, tps.value, tps.flag)}
    assert obs["Netherlands", "2024"] == ("17942942", "")
    assert obs["Germany", "2024"] == ("83445000", "ep")    # estimated, provisional
    assert obs["Czechia", "2021"] == ("10494836", "b")     # break in series
    assert obs["Kosovo*", "2013"] == ("1815606", "e")
    assert {d["freq"] for d in tps.dims} == {"Annual"}     # the labels export


def test_recorded_population_matches_the_warehouse(tps, built_warehouse):
    """tps00001 is demo_pjan's total: the 2025 download and the 2024 bulk file staged in the
    warehouse agree for the Netherlands where both have the year."""
    from core import warehouse

    obs = {(d["geo"], t): float(v) for d, t, v in zip(tps.dims, tps.time, tps.value)}
    with warehouse.connect_readonly() as con:
        pop = dict(con.execute("SELECT year, population FROM population WHERE geo = 'NL' "
                               "AND year BETWEEN 2013 AND 2022").fetchall())
    assert pop and all(obs["Netherlands", str(y)] == pytest.approx(v) for y, v in pop.items())
