"""The Sources & provenance page under AppTest: renders, lists every loaded file with the
warehouse's provenance, lists what is not loaded with its fetch command, restores its
publisher filter from the URL."""
from __future__ import annotations

import io

import pandas as pd
import pytest

from core import warehouse
from pages import as_numbers, run_page

pytestmark = pytest.mark.usefixtures("built_warehouse")  # the app reads a built warehouse

PAGE = "pages/sources.py"


@pytest.fixture(scope="module")
def provenance():
    with warehouse.connect_readonly() as con:
        return con.execute("SELECT * FROM provenance").df()


@pytest.fixture(scope="module")
def default():
    return run_page(PAGE)


def test_files_table_lists_every_file_in_the_provenance_table(default, provenance):
    assert not default.error
    shown = as_numbers(default.dataframe[0].value)
    assert sorted(shown["file_name"]) == sorted(provenance["file_name"])
    from core import inputs

    assert len(shown) == len(provenance) == len(inputs.staging_files()) == 22
    merged = shown.merge(provenance, on="file_name", suffixes=("", "_prov"))
    assert (merged["rows"] == merged["rows_prov"]).all()
    assert (merged["size"] == merged["size_prov"]).all()
    assert (pd.to_datetime(merged["vintage"]) == pd.to_datetime(merged["vintage_prov"])).all()
    assert (merged["source_url"] == merged["source_url_prov"]).all()
    assert (merged["licence"] == merged["licence_prov"]).all()
    # The checksum is shortened on screen: its first 12 hex digits and an ellipsis.
    assert (merged["sha256"] == merged["sha256_prov"].str[:12] + "…").all()
    assert set(shown["publisher"]) == {"CBS", "Eurostat", "Frontex", "IOM", "World Bank"}


def test_codes_and_coverage_come_from_the_staging_rows(default):
    shown = as_numbers(default.dataframe[0].value).set_index("file_name")
    with warehouse.connect_readonly() as con:
        geos, first, last, nl_first, nl_last = con.execute("""
            SELECT count(DISTINCT geo), min(year), max(year),
                   min(year) FILTER (WHERE geo = 'NL'), max(year) FILTER (WHERE geo = 'NL')
            FROM stg_eurostat__migr
            WHERE source_file = 'dw2017_migr_eiord_1_Data.csv' AND value IS NOT NULL""").fetchone()
        codes = con.execute("""
            SELECT string_agg(DISTINCT indicator, ', ' ORDER BY indicator)
            FROM stg_worldbank__wdi WHERE source_file = 'gdidata_wdi.rda'""").fetchone()[0]
    row = shown.loc["dw2017_migr_eiord_1_Data.csv"]
    assert row["codes"] == "migr_eiord"
    assert row["coverage"] == f"NL {nl_first}–{nl_last}; {geos} geos {first}–{last}"
    # Pinned from the bundled 2017 Eurostat export (vintage 2018-03-27).
    assert row["coverage"] == "NL 2010–2016; 33 geos 2010–2016"
    assert row["rows"] == 238
    assert shown.loc["gdidata_wdi.rda", "codes"] == codes == (
        "BM.TRF.PWKR.CD.DT, BX.TRF.PWKR.CD.DT, NY.GDP.MKTP.CD")
    frontex = shown.loc["Detections_of_IBC_2018_07_06.xlsx"]
    assert frontex["coverage"] == "9 routes 2009–2018"
    assert frontex["rows"] == 84_185
    assert pd.isna(frontex["codes"])
    assert shown.loc["80059NED_asielverzoeken_nareizigers_nationaliteit_1975-2018_codes.csv",
                     "coverage"] == "NL 1975–2018"


def test_not_loaded_table_names_the_fetch_command(default):
    missing = default.dataframe[1].value
    with warehouse.connect_readonly() as con:
        expected = con.execute("SELECT dataset, fetch_command FROM coverage WHERE NOT loaded").df()
    assert sorted(missing["dataset"]) == sorted(expected["dataset"])
    row = missing.set_index("dataset").loc["84809NED"]
    assert row["fetch_command"] == "python -m etl fetch cbs"
    assert row["publisher"] == "CBS"


def test_caveats_and_vintage_notes_from_the_metadata(default):
    from core import metadata

    labels = [e.label for e in default.expander]
    for dataset in ("cbs_statline", "eurostat_migr", "frontex_ibc", "worldbank_wdi"):
        assert any(f"· {dataset}:" in label for label in labels)
    text = " ".join(m.value for m in default.markdown)
    assert "Detections, not persons" in text
    wdi = " ".join(metadata.dataset("worldbank_wdi")["vintage_note"].split())
    assert wdi in text
    frontex = " ".join(metadata.dataset("frontex_ibc")["vintage_note"].split())
    assert frontex in text


def test_csv_of_the_files_table_has_the_full_checksum(provenance):
    from dashboard import sources as src

    view = src.SourcesView()
    text = src.csv_bytes(src.files(view), src.files_title(view), "files").decode()
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert header[0] == "# Publisher files loaded in the warehouse, all publishers"
    assert any(line.startswith("# Exported: ") for line in header)
    table = pd.read_csv(io.StringIO(text), comment="#")
    assert dict(zip(table["file_name"], table["sha256"])) == dict(
        zip(provenance["file_name"], provenance["sha256"]))
    assert table["sha256"].str.len().eq(64).all()
    assert dict(zip(table["file_name"], table["vintage"])) == dict(
        zip(provenance["file_name"], provenance["vintage"].astype(str)))


def test_permalink_round_trip_restores_the_publisher_filter(provenance):
    at = run_page(PAGE, publishers="CBS")
    assert at.multiselect(key="src_publishers").value == ["CBS"]
    shown = at.dataframe[0].value
    cbs = provenance[provenance["dataset"] == "cbs_statline"]
    assert sorted(shown["file_name"]) == sorted(cbs["file_name"])
    assert len(shown) == 3
    assert set(at.dataframe[1].value["dataset"]) == {"84809NED", "85333NED"}
    # Changing the filter writes it back to the URL; clearing it leaves the link bare.
    at.multiselect(key="src_publishers").set_value(["Eurostat", "World Bank"]).run()
    assert at.query_params["publishers"] == "Eurostat,World Bank"
    assert set(at.dataframe[0].value["publisher"]) == {"Eurostat", "World Bank"}
    at.multiselect(key="src_publishers").set_value([]).run()
    assert "publishers" not in at.query_params
    assert len(at.dataframe[0].value) == len(provenance)


def test_unknown_publisher_in_the_url_falls_back_to_all(provenance):
    at = run_page(PAGE, publishers="Nobody")
    assert not at.error
    assert at.multiselect(key="src_publishers").value == []
    assert len(at.dataframe[0].value) == len(provenance)


# ----------------------------------------------------------------------------- refresh
FAKE_FETCH = __import__("pathlib").Path(__file__).with_name("fake_fetch.py")


def fake_command(*extra):
    import sys

    return lambda names, progress: [sys.executable, str(FAKE_FETCH), *names,
                                    "--progress-file", str(progress), *extra]


def refreshed(monkeypatch, *extra):
    """The page after pressing "Refresh data", the fetch replaced by the SYNTHETIC
    tests/fake_fetch.py (same progress events, no network, no data touched)."""
    from core import refresh

    monkeypatch.setattr(refresh, "command", fake_command(*extra))
    monkeypatch.delenv(refresh.READ_ONLY_ENV, raising=False)
    at = run_page(PAGE)
    at.button(key="src_refresh").click().run(timeout=60)
    return at


def test_refresh_shows_progress_per_source_and_a_summary(monkeypatch):
    at = refreshed(monkeypatch)
    assert not at.exception
    steps = [m.value for m in at.markdown]
    from core import refresh

    for name in refresh.sources():
        assert any(s.endswith(f"· {name}: fetching …") for s in steps)
    assert at.get("progress")[0].proto.value == 100
    summary = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert ("- New: eurostat_migr vintage=2099-01-01.part=synthetic_migr_eiord.parquet: "
            "vintage 2018-03-27 → 2099-01-01; 1,200 rows (was 1,000 in vintage 2018-03-27).") \
        in summary
    assert any(s.startswith("- Failed: worldbank — ") and "HTTP 503" in s for s in summary)
    assert any(s.startswith("- Already current: ") for s in summary)


def test_refresh_without_internet_says_so_in_one_line(monkeypatch):
    at = refreshed(monkeypatch, "--offline")
    from core import refresh

    assert [w.value for w in at.warning] == [refresh.OFFLINE_LINE]
    assert not [m.value for m in at.markdown if m.value.startswith("- ")]


def test_refresh_is_off_on_a_read_only_installation(monkeypatch):
    from core import refresh
    from dashboard import sources as src

    monkeypatch.setenv(refresh.READ_ONLY_ENV, "1")
    at = run_page(PAGE)
    assert not [b for b in at.button if b.key == "src_refresh"]
    assert src.REFRESH_OFF in [c.value for c in at.caption]


def test_every_caveat_has_a_dutch_one_and_the_dutch_page_shows_it():
    from core import metadata
    from dashboard import sources as src

    for dataset in src.metadata_datasets():
        meta = metadata.dataset(dataset)
        for key in ("caveat", "vintage_note", "licence"):
            if meta.get(key):
                assert meta.get(f"{key}_nl"), (dataset, key)
                assert meta[f"{key}_nl"] != meta[key], (dataset, key)
    at = run_page(PAGE, lang="nl")
    text = " ".join(m.value for m in at.markdown)
    # vintage notes and licences in Dutch too, the commits and file names as written
    assert "Creative Commons Naamsvermelding 4.0 Internationaal (CC BY 4.0), zoals CBS" in text
    assert "de Eurostat-bijwerkdatum die de documentatie ervan noemt (26 mei 2025)" in text
    assert "reuse authorised, source to be acknowledged" not in text
    assert "Detecties, geen personen (dezelfde persoon kan meer dan eens worden " \
           "gedetecteerd)." in text
    assert "NL 2015: 58.880 tegen 44.970 bij Eurostat" in text  # CBS 80059NED vs Eurostat
    assert "Detections, not persons (the same person" not in text
    # the metadata titles are the project's descriptions of each dataset (the publishers'
    # own table titles appear as written in chart titles and footers): Dutch in Dutch
    labels = [e.label for e in at.expander]
    title = " ".join(metadata.dataset("frontex_ibc")["title_nl"].split())
    assert any(label.endswith(f"frontex_ibc: {title}") for label in labels), labels
