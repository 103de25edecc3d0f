"""CBS StatLine: the real files, code lists, the marts, bad input and the OData v3 download.

Real files: ../shared/data/cbs (80059NED CSV export, the unidentified international asylum
table, the 85484NED observations slice and its three code lists). Expected figures were
computed independently from the files (plain string splitting below: no csv module, no
pandas) or are the ones stated in ../shared/data/cbs/SOURCES.md.

Everything else is synthetic and labelled so: small CSVs written here in each file kind's
exact wire format, and hand-made OData answers in tests/fixtures/cbs (see its README)
replayed with ``responses``.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest

from etl import http, pipeline, staging
from etl.sources import cbs
from marts import build_from, committed_mart

FIXTURES = Path(__file__).parent / "fixtures" / "cbs"
F80059 = "80059NED_asielverzoeken_nareizigers_nationaliteit_1975-2018_codes.csv"
FINT = "cbs_asielverzoeken_internationaal_2008-2016_codes.csv"
F85484 = "85484NED.csv"
CODE_LISTS = ["85484NED_geboorteland_codes.csv", "85484NED_geslacht_codes.csv",
              "85484NED_measure_codes.csv"]
ASYLUM = "TotaalAsielverzoekenEnNareizigers_1"
INT_TABLE = "unidentified:asielverzoeken_internationaal"
POLEN, ROEMENIE, BULGARIJE = "H008718", "H008723", "H008567"

# SOURCES.md: 80059NED, Nationaliteit T001059 (all nationalities), persons.
T001059 = {1975: 390, 1994: 52_575, 1998: 45_215, 2000: 43_560, 2010: 15_155, 2011: 14_630,
           2012: 13_170, 2013: 16_725, 2014: 29_890, 2015: 58_880, 2016: 32_840, 2017: 32_755,
           2018: 30_540}
# SOURCES.md: 85484NED immigration (M000167), sums of months; 2026 is January–July.
IMMIGRATION = {
    POLEN: {2022: 26_457, 2023: 25_322, 2024: 21_963, 2025: 19_026, 2026: 9_779},
    ROEMENIE: {2022: 12_758, 2023: 12_110, 2024: 12_432, 2025: 12_249, 2026: 7_509},
    BULGARIJE: {2022: 10_892, 2023: 10_492, 2024: 9_006, 2025: 7_757, 2026: 4_137},
}


# ----------------------------------------------------------------------------- helpers
@pytest.fixture(scope="module")
def cbs_dir(shared_data) -> Path:
    return shared_data / "cbs"


def split_statline(path: Path) -> dict[tuple[str, str], float | None]:
    """The CSV export read by hand: (key, period) → value, None for "."."""
    lines = path.read_bytes().decode("utf-8-sig").split("\r\n")
    out = {}
    for line in lines[1:]:
        if line:
            _, key, period, value = (f[1:-1] for f in line.split(";"))
            out[key.strip(), period] = None if value.strip() == "." else float(value)
    return out


def split_observations(path: Path) -> list[dict]:
    lines = path.read_text("utf-8").splitlines()
    header = lines[0].split(",")
    return [dict(zip(header, line.split(","))) for line in lines[1:]]


def dims(frame: pd.DataFrame, name: str, column: str = "dimensions") -> pd.Series:
    return frame[column].map(lambda text: json.loads(text)[name])


def files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def staged(tmp_path_factory, cbs_dir):
    """Every CBS file imported into a temp raw store and staged into a temp staging folder."""
    root = tmp_path_factory.mktemp("cbs")
    results = {}
    for path in sorted(cbs_dir.iterdir()):
        if cbs.recognises(path):
            snap = pipeline.import_file(cbs, path, raw_dir=root / "raw")
            results[path.name] = (snap, pipeline.stage(cbs, snap, staging_dir=root / "stg"))
    return root, results


def staged_frame(staged, name: str) -> pd.DataFrame:
    [(target, _)] = staged[1][name][1]
    return pd.read_parquet(target)


@pytest.fixture(scope="module")
def p80059(cbs_dir):
    return cbs.parse((cbs_dir / F80059).read_bytes(), file_name=F80059)


# ----------------------------------------------------------------------------- 80059NED
def test_80059_shape_vintage_and_missing_cells(p80059, cbs_dir):
    f = p80059.frame
    assert (p80059.kind, p80059.table_id, p80059.vintage) == (
        "statline_csv", "80059NED", dt.date(2019, 3, 26))
    assert "d355b268338649c0b899030aa470e3986fbecdb1" in p80059.vintage_basis
    assert list(f.columns) == cbs.STAGING_COLUMNS
    assert len(f) == 3_828
    assert dims(f, "Nationaliteit").nunique() == 87
    assert (f["year"].min(), f["year"].max(), f["year"].nunique()) == (1975, 2018, 44)
    assert set(f["period_type"]) == {"year"} and set(f["measure"]) == {ASYLUM}
    assert f["value"].isna().sum() == 1_395  # the "." cells, staged as NULL, never 0
    assert set(f["unit"]) == {"aantal"} and f["measure_label"].isna().all()
    assert f["flag"].isna().all()
    # the file carries no labels, and none are invented (not even for the total key)
    assert set(f["dimension_labels"]) == {'{"Nationaliteit": null}'}


def test_80059_every_value_equals_the_file(p80059, cbs_dir):
    expected = split_statline(cbs_dir / F80059)
    f = p80059.frame
    got = dict(zip(zip(dims(f, "Nationaliteit"), f["period_code"]),
                   [None if math.isnan(v) else v for v in f["value"]]))
    assert got == expected
    assert sum(v is None for v in expected.values()) == 1_395


def test_80059_total_of_all_nationalities(p80059):
    f = p80059.frame
    total = f[dims(f, "Nationaliteit") == "T001059"]
    series = dict(zip(total["year"], total["value"]))
    assert {y: series[y] for y in T001059} == T001059
    assert total["source_row"].iloc[0] == 2  # line 2 of the file: 1975
    assert total["period_start"].iloc[0] == pd.Timestamp("1975-01-01")


# ----------------------------------------------------------------------------- international
def test_international_table_stays_unidentified(cbs_dir):
    p = cbs.parse((cbs_dir / FINT).read_bytes(), file_name=FINT)
    f = p.frame
    assert (p.table_id, p.vintage) == (INT_TABLE, dt.date(2019, 3, 26))
    assert len(f) == 306 and dims(f, "Landen").nunique() == 34
    assert set(f["table_id"]) == {INT_TABLE} and set(f["unit"]) == {"x 1000"}
    nl = f[dims(f, "Landen") == "L008691"]
    assert {y: v for y, v in zip(nl["year"], nl["value"]) if y >= 2014} == {
        2014: 24.5, 2015: 45.0, 2016: 20.9}
    expected = split_statline(cbs_dir / FINT)
    got = dict(zip(zip(dims(f, "Landen"), f["period_code"]),
                   [None if math.isnan(v) else v for v in f["value"]]))
    assert got == expected
    assert f["value"].isna().sum() == sum(v is None for v in expected.values())


# ----------------------------------------------------------------------------- 85484NED
def test_85484_staged_with_its_code_lists(staged, cbs_dir):
    f = staged_frame(staged, F85484)
    assert len(f) == 165 and set(f["table_id"]) == {"85484NED"}
    assert set(f["measure"]) == {"M000167"} and set(f["measure_label"]) == {"Immigratie"}
    assert set(f["unit"]) == {"aantal"} and set(f["period_type"]) == {"month"}
    assert f["flag"].isna().all()  # ValueAttribute is "None" in every row
    assert set(dims(f, "Geslacht", "dimension_labels")) == {"Totaal mannen en vrouwen"}
    assert set(dims(f, "Geboorteland", "dimension_labels")) == {"Totaal"}
    assert dims(f, "Herkomstland", "dimension_labels").isna().all()  # no code list: NULL
    assert f.groupby(dims(f, "Herkomstland"))["period_code"].nunique().to_dict() == {
        POLEN: 55, ROEMENIE: 55, BULGARIJE: 55}
    assert (f["period_start"].min(), f["period_start"].max()) == (
        pd.Timestamp("2022-01-01"), pd.Timestamp("2026-07-01"))
    sums = f.groupby([dims(f, "Herkomstland"), "year"])["value"].sum()
    assert {o: {y: sums[o, y] for y in years} for o, years in IMMIGRATION.items()} == IMMIGRATION
    polen_sep = f[(dims(f, "Herkomstland") == POLEN) & (f["period_code"] == "2022MM09")]
    assert polen_sep["value"].item() == 3_175


def test_85484_values_equal_the_file(staged, cbs_dir):
    rows = split_observations(cbs_dir / F85484)
    f = staged_frame(staged, F85484)
    assert dict(zip(zip(dims(f, "Herkomstland"), f["period_code"]), f["value"])) == {
        (r["Herkomstland"], r["Perioden"]): float(r["Value"]) for r in rows}
    assert f["source_row"].tolist() == list(range(2, 167))


def test_85484_without_code_lists_has_no_labels(cbs_dir):
    p = cbs.parse((cbs_dir / F85484).read_bytes(), file_name=F85484)
    assert p.vintage == dt.date(2026, 8, 1) and "2026MM07" in p.vintage_basis
    assert p.frame["measure_label"].isna().all() and p.frame["unit"].isna().all()
    assert set(p.frame["dimension_labels"]) == {
        '{"Geboorteland": null, "Geslacht": null, "Herkomstland": null}'}


def test_code_lists_are_read_with_multiline_descriptions(cbs_dir):
    comp = cbs.Companions()
    for name in CODE_LISTS:
        comp.add((cbs_dir / name).read_bytes(), name, "sha")
    assert list(comp.measures) == ["M000167", "M000168", "M000244", "M000094", "M000092",
                                   "M000140"]
    assert comp.measures["M000167"] == ("Immigratie", "aantal")
    assert comp.labels == {
        "geslacht": {"T001038": "Totaal mannen en vrouwen", "3000": "Mannen", "4000": "Vrouwen"},
        "geboorteland": {"T001638": "Totaal", "A051735": "Geboren in Nederland",
                         "A051736": "Geboren buiten Nederland"}}
    with pytest.raises(cbs.ParseError, match="85484NED_measure_codes.csv: a code list"):
        cbs.parse((cbs_dir / CODE_LISTS[2]).read_bytes(), file_name=CODE_LISTS[2])


@pytest.mark.parametrize("case", ["header", "duplicate", "fields"])
def test_bad_code_list(case):
    name = "85484NED_geslacht_codes.csv"
    content, message = {
        "header": ("Identifier,Index,Title,Description,Unit\nT001038,1,Totaal,,\n",
                   f"{name}: line 1: unexpected header ['Identifier', 'Index', 'Title', "
                   "'Description', 'Unit']"),
        "duplicate": ("Identifier,Index,Title,Description,DimensionGroupId\n3000,1,A,,\n"
                      "3000,2,B,,\n", f"{name}: line 3: duplicate code '3000'"),
        "fields": ("Identifier,Index,Title,Description,DimensionGroupId\n3000,1,A\n",
                   f"{name}: line 2: 3 fields, the header has 5"),
    }[case]
    with pytest.raises(cbs.ParseError) as caught:
        cbs.Companions().add(content.encode(), name, "sha")
    assert str(caught.value).startswith(message)


# ----------------------------------------------------------------------------- import/stage
def test_recognises_only_our_files(shared_data, cbs_dir):
    assert sorted(p.name for p in cbs_dir.iterdir() if cbs.recognises(p)) == sorted(
        [F80059, FINT, F85484, *CODE_LISTS])
    assert not cbs.recognises(cbs_dir / "SOURCES.md")
    others = [p for p in shared_data.glob("*/*") if p.parent.name != "cbs"]
    assert others and not [p.name for p in others if cbs.recognises(p)]


def test_import_refuses_other_files(tmp_path, cbs_dir):
    with pytest.raises(cbs.ParseError, match=r"^SOURCES\.md: not a CBS file this source reads"):
        pipeline.import_file(cbs, cbs_dir / "SOURCES.md", raw_dir=tmp_path)
    assert not any(tmp_path.iterdir())


def test_import_stores_the_code_lists_beside_the_observations(tmp_path, cbs_dir):
    snap = pipeline.import_file(cbs, cbs_dir / F85484, raw_dir=tmp_path / "raw")
    day = snap.path.parent.name
    assert files_under(tmp_path / "raw") == sorted(
        f"cbs/{day}/{n}{ext}" for n in (F85484, *CODE_LISTS) for ext in ("", ".json"))
    assert snap.meta["vintage"] == "2026-08-01" and snap.meta["publisher"] == "cbs"
    assert snap.meta["source_url"] == f"imported from {F85484}"
    [(target, written)] = pipeline.stage(cbs, snap, staging_dir=tmp_path / "stg")
    assert written and target.name == "vintage=2026-08-01.part=85484NED.parquet"
    assert pipeline.stage(cbs, snap, staging_dir=tmp_path / "stg") == [(target, False)]
    code_list = pipeline.import_file(cbs, cbs_dir / CODE_LISTS[1], raw_dir=tmp_path / "raw")
    assert not code_list.created  # stored with the observations already
    assert pipeline.stage(cbs, code_list, staging_dir=tmp_path / "stg") == [(target, False)]
    side = staging.read_sidecar(target)
    assert side["companions"] == {
        n: hashlib.sha256((cbs_dir / n).read_bytes()).hexdigest() for n in CODE_LISTS}
    assert (side["table_id"], side["file_kind"], side["rows"]) == (
        "85484NED", "observations_csv", 165)
    assert "a7eb8d98d6a34c853a670180c1165ec8f283b35b" in side["vintage_basis"]


def test_a_code_list_imported_later_restages_its_table(tmp_path, cbs_dir):
    (tmp_path / "in").mkdir()
    shutil.copy(cbs_dir / F85484, tmp_path / "in" / F85484)
    snap = pipeline.import_file(cbs, tmp_path / "in" / F85484, raw_dir=tmp_path / "raw")
    [(target, _)] = pipeline.stage(cbs, snap, staging_dir=tmp_path / "stg")
    assert dims(pd.read_parquet(target), "Geslacht", "dimension_labels").isna().all()
    shutil.copy(cbs_dir / CODE_LISTS[1], tmp_path / "in" / CODE_LISTS[1])
    code_list = pipeline.import_file(cbs, tmp_path / "in" / CODE_LISTS[1], raw_dir=tmp_path / "raw")
    assert pipeline.stage(cbs, code_list, staging_dir=tmp_path / "stg") == [(target, True)]
    f = pd.read_parquet(target)
    assert set(dims(f, "Geslacht", "dimension_labels")) == {"Totaal mannen en vrouwen"}
    assert f["measure_label"].isna().all()  # the measure list is still not stored
    assert list(staging.read_sidecar(target)["companions"]) == [CODE_LISTS[1]]


@pytest.mark.parametrize("name", [F80059, FINT, F85484])
def test_committed_staging_equals_a_fresh_stage(staged, name):
    """The offline default in data/staging must be what the ETL derives from the files now."""
    [(fresh_target, written)] = staged[1][name][1]
    assert written
    committed_target = staging.dataset_dir(cbs.DATASET) / fresh_target.name
    pd.testing.assert_frame_equal(pd.read_parquet(committed_target),
                                  pd.read_parquet(fresh_target), check_dtype=False)
    committed, fresh = (staging.read_sidecar(t) for t in (committed_target, fresh_target))
    for key in ("sha256", "rows", "vintage", "vintage_basis", "companions", "table_id",
                "licence", "source_url", "coverage_start", "coverage_end"):
        assert committed[key] == fresh[key], key
    assert committed["source_url"] == f"imported from {name}"


def test_committed_staging_files():
    assert sorted(p.name for p in staging.dataset_dir(cbs.DATASET).iterdir()) == sorted(
        f"vintage={v}.part={part}.{ext}" for v, part in (
            ("2019-03-26", cbs.part_name(F80059)), ("2019-03-26", cbs.part_name(FINT)),
            ("2026-08-01", "85484NED")) for ext in ("json", "parquet"))


# ----------------------------------------------------------------------------- vintages
HEADER = ["ID", "Nationaliteit", "Perioden", ASYLUM]


def statline_csv(rows, *, header=HEADER, encoding="utf-8") -> bytes:
    """A synthetic CSV export in the 80059NED wire format (BOM, CRLF, quoted, padded)."""
    lines = [";".join(f'"{h}"' for h in header)]
    lines += [";".join(f'"{c}"' for c in (i, f"{code:<9}", period, f"{value:>8}", *extra))
              for i, (code, period, value, *extra) in enumerate(rows)]
    return b"\xef\xbb\xbf" + "\r\n".join([*lines, ""]).encode(encoding)


GOOD = [("T001059", "2015JJ00", "5"), ("NAT0001", "2015JJ00", "."), ("T001059", "2016JJ00", "7")]


def test_undocumented_file_needs_a_vintage(tmp_path):
    content = statline_csv(GOOD)
    with pytest.raises(cbs.ParseError, match="synthetic.csv: the file states no vintage"):
        cbs.parse(content, file_name="synthetic.csv")
    p = cbs.parse(content, file_name="synthetic.csv", vintage=dt.date(2020, 1, 31))
    assert (p.vintage, p.vintage_basis) == (dt.date(2020, 1, 31), "given at import")
    assert p.frame["value"].tolist()[::2] == [5.0, 7.0] and math.isnan(p.frame["value"][1])
    path = tmp_path / "synthetic.csv"
    path.write_bytes(content)
    assert cbs.recognises(path)
    with pytest.raises(cbs.ParseError, match="states no vintage"):
        pipeline.stage(cbs, pipeline.import_file(cbs, path, raw_dir=tmp_path / "raw"), staging_dir=tmp_path / "s")
    snap = pipeline.import_file(cbs, path, raw_dir=tmp_path / "raw2", vintage=dt.date(2020, 1, 31))
    [(target, written)] = pipeline.stage(cbs, snap, staging_dir=tmp_path / "s")
    assert written and target.name == "vintage=2020-01-31.part=synthetic.parquet"


def test_a_given_vintage_overrides_the_documented_one(cbs_dir):
    p = cbs.parse((cbs_dir / F80059).read_bytes(), file_name=F80059, vintage=dt.date(2019, 1, 1))
    assert (p.vintage, p.vintage_basis) == (dt.date(2019, 1, 1), "given at import")


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("case", ["header", "period", "non-numeric", "duplicate", "negative",
                                  "encoding", "fields", "empty", "code"])
def test_bad_statline_csv(case):
    content, message = {
        "header": (statline_csv(GOOD, header=["ID", "Land", "Perioden", ASYLUM]),
                   "s.csv: line 1: unexpected header ['ID', 'Land', 'Perioden', "
                   "'TotaalAsielverzoekenEnNareizigers_1']"),
        "period": (statline_csv([("T001059", "2015X000", "5")]),
                   "s.csv: line 2: unknown period format '2015X000'"),
        "non-numeric": (statline_csv([("T001059", "2015JJ00", "x")]),
                        f"s.csv: line 2, {ASYLUM} 2015JJ00: not a number: '       x'"),
        "duplicate": (statline_csv([*GOOD, ("T001059", "2015JJ00", "6")]),
                      f"s.csv: line 2 and line 5: duplicate key ('{ASYLUM}', 'T001059', "
                      "'2015JJ00')"),
        "negative": (statline_csv([("T001059", "2015JJ00", "-5")]),
                     f"s.csv: line 2, {ASYLUM} 2015JJ00: negative count '      -5'"),
        "encoding": (statline_csv([GOOD[0], ("NATé", "2015JJ00", "1")], encoding="latin-1"),
                     "s.csv: line 3: not UTF-8 (wrong encoding): byte b'\\xe9'"),
        "fields": (statline_csv([(*GOOD[0], "extra")]), "s.csv: line 2: 5 fields, the header has 4"),
        "empty": (statline_csv([]), "s.csv: no observations"),
        "code": (statline_csv([("T0 01", "2015JJ00", "1")]), "s.csv: line 2: not a Nationaliteit "
                                                               "code: 'T0 01'"),
    }[case]
    with pytest.raises(cbs.ParseError) as caught:
        cbs.parse(content, file_name="s.csv", vintage=dt.date(2020, 1, 1))
    assert str(caught.value).startswith(message)


OBS_HEADER = "Id,Measure,ValueAttribute,Value,StringValue,Geboorteland,Geslacht,Herkomstland,Perioden"


def observations_csv(*rows: str, header=OBS_HEADER) -> bytes:
    """A synthetic OData v4 Observations CSV (85484NED layout; comma, LF, no BOM)."""
    return "\n".join([header, *rows, ""]).encode("utf-8")


def obs_row(value="1.0", measure="M000167", sex="T001038", period="2022MM01", attribute="None",
            string_value="", row_id=1) -> str:
    return f"{row_id},{measure},{attribute},{value},{string_value},T001638,{sex},H008718,{period}"


@pytest.fixture(scope="module")
def code_lists(cbs_dir) -> cbs.Companions:
    comp = cbs.Companions()
    for name in CODE_LISTS:
        comp.add((cbs_dir / name).read_bytes(), name, "sha")
    return comp


def test_synthetic_observations_flags_missing_and_balances(code_lists):
    content = observations_csv(
        obs_row("10.0"), obs_row("", attribute="Impossible", period="2022MM02"),
        obs_row("-3.0", measure="M000244"))  # a migration balance may be negative
    p = cbs.parse(content, file_name="o.csv", vintage=dt.date(2020, 1, 1), companions=code_lists)
    f = p.frame
    assert f["value"].tolist()[0] == 10.0 and math.isnan(f["value"][1]) and f["value"][2] == -3.0
    assert f["flag"].isna().tolist() == [True, False, True] and f["flag"][1] == "Impossible"
    assert f["measure_label"][2] == "Migratiesaldo inclusief administratie..."


@pytest.mark.parametrize("case", ["header", "period", "non-numeric", "duplicate", "negative",
                                  "measure", "code", "encoding", "string-value"])
def test_bad_observations_csv(case, code_lists):
    content, message = {
        "header": (observations_csv(obs_row(), header=OBS_HEADER.replace("Geslacht,", "")),
                   "o.csv: line 1: unexpected header ['Id', 'Measure', 'ValueAttribute', "
                   "'Value', 'StringValue', 'Geboorteland', 'Herkomstland', 'Perioden']"),
        "period": (observations_csv(obs_row(period="2022M01")),
                   "o.csv: line 2: unknown period format '2022M01'"),
        "non-numeric": (observations_csv(obs_row("n/a")),
                        "o.csv: line 2, M000167 2022MM01: not a number: 'n/a'"),
        "duplicate": (observations_csv(obs_row(), obs_row("2.0", row_id=2)),
                      "o.csv: line 2 and line 3: duplicate key ('M000167', 'T001638', 'T001038', "
                      "'H008718', '2022MM01')"),
        "negative": (observations_csv(obs_row("-1.0")),
                     "o.csv: line 2, M000167 2022MM01: negative count '-1.0'"),
        "measure": (observations_csv(obs_row(measure="M999999")),
                    "o.csv: line 2: unknown measure 'M999999' (not in the measure list)"),
        "code": (observations_csv(obs_row(sex="5000")),
                 "o.csv: line 2: unknown Geslacht code '5000' (not in its code list)"),
        "encoding": (observations_csv(obs_row()).replace(b"H008718", b"H\xe9"),
                     "o.csv: line 2: not UTF-8 (wrong encoding): byte b'\\xe9'"),
        "string-value": (observations_csv(obs_row("", string_value="veel")),
                         "o.csv: line 2: not a number: StringValue 'veel'"),
    }[case]
    with pytest.raises(cbs.ParseError) as caught:
        cbs.parse(content, file_name="o.csv", vintage=dt.date(2020, 1, 1), companions=code_lists)
    assert str(caught.value).startswith(message)


def fixture_companions() -> cbs.Companions:
    comp = cbs.Companions()
    for entity in ("TableInfos", "DataProperties", "Geslacht", "Herkomstland", "Geboorteland",
                   "Perioden"):
        name = f"synthetic_85484NED_{entity}.json"
        comp.add((FIXTURES / name).read_bytes(), name, "sha")
    return comp


def typed_page(*rows: dict) -> bytes:
    meta = ("https://opendata.cbs.nl/ODataApi/OData/85484NED/$metadata"
            "#Cbs.OData.WebAPI.TypedDataSet")
    return json.dumps({"odata.metadata": meta, "value": list(rows)}).encode()


def typed_row(value=1, key="Immigratie_1", period="2022MM01", row_id=0, **extra) -> dict:
    return {"ID": row_id, "Geslacht": "T001038  ", "Herkomstland": "H008718  ",
            "Geboorteland": "T001638  ", "Perioden": period, key: value, **extra}


@pytest.mark.parametrize("case", ["non-numeric", "negative", "unknown-key", "period",
                                  "duplicate", "missing-dimension", "no-properties", "encoding"])
def test_bad_typed_dataset(case):
    comp = fixture_companions()
    content, message = {
        "non-numeric": (typed_page(typed_row("n/a")),
                        "p.json: row 1, Immigratie_1 2022MM01: not a number: 'n/a'"),
        "negative": (typed_page(typed_row(-1)), "p.json: row 1, Immigratie_1 2022MM01: "
                                                "negative count -1"),
        "unknown-key": (typed_page(typed_row(1, Extra_9=2)),
                        "p.json: row 1: unknown key 'Extra_9' (not a Topic in DataProperties)"),
        "period": (typed_page(typed_row(period="2022W101")),
                   "p.json: row 1: unknown period format '2022W101'"),
        "duplicate": (typed_page(typed_row(), typed_row(row_id=1)),
                      "p.json: row 1 and row 2: duplicate key ('Immigratie_1', 'T001038', "
                      "'H008718', 'T001638', '2022MM01')"),
        "missing-dimension": (typed_page({"ID": 0, "Perioden": "2022MM01", "Immigratie_1": 1}),
                              "p.json: row 1: expected ID, ['Geslacht', 'Herkomstland', "
                              "'Geboorteland'] and 'Perioden'"),
        "no-properties": (typed_page(typed_row()), "p.json: no DataProperties of 85484NED"),
        "encoding": (typed_page(typed_row()).replace(b"H008718", b"H\xe9"),
                     "p.json: line 1: not UTF-8 (wrong encoding)"),
    }[case]
    if case == "no-properties":
        comp.properties = None
    with pytest.raises(cbs.ParseError) as caught:
        cbs.parse(content, file_name="p.json", companions=comp)
    assert str(caught.value).startswith(message)


def test_typed_dataset_balance_may_be_negative_and_vintage_is_table_infos():
    p = cbs.parse(typed_page(typed_row(-4, key="Migratiesaldo_2")), file_name="p.json",
                  companions=fixture_companions())
    assert p.frame["value"].tolist() == [-4.0]
    assert (p.vintage, p.vintage_basis) == (
        dt.date(2026, 10, 1), "the table's TableInfos 'Modified' (2026-10-01)")


# ----------------------------------------------------------------------------- fetch
BASE = cbs.SOURCE_PAGE + "85484NED/"
NEXT = "https://opendata.cbs.nl/ODataApi/OData/85484NED/TypedDataSet?$format=json&$skip=3"
ENTITIES = ["TableInfos", "DataProperties", "Geslacht", "Herkomstland", "Geboorteland",
            "Perioden"]


def url(entity: str) -> str:
    return f"{BASE}{entity}?$format=json"


def fixture(entity: str) -> bytes:
    return (FIXTURES / f"synthetic_85484NED_{entity}.json").read_bytes()


def serve_all(rs, skip=(), count="5"):
    for entity in ENTITIES:
        if entity not in skip:
            rs.get(url(entity), body=fixture(entity), content_type="application/json")
    if "count" not in skip:
        rs.get(f"{BASE}TypedDataSet/$count", body=count, content_type="text/plain")
    if "page1" not in skip:
        rs.get(url("TypedDataSet"), body=fixture("TypedDataSet_page1"))
    if "page2" not in skip:
        rs.get(NEXT, body=fixture("TypedDataSet_page2"))


def fetch(raw_dir, **options):
    return cbs.fetch(raw_dir=raw_dir, tables=["85484NED"], filters={}, backoff=0, **options)


def test_fetch_every_page_and_stage(rs, raw_dir, tmp_path):
    serve_all(rs)
    snaps = fetch(raw_dir)
    assert [c.request.url for c in rs.calls] == [
        *(url(e) for e in ENTITIES), f"{BASE}TypedDataSet/$count", url("TypedDataSet"), NEXT]
    assert all("Mozilla" in c.request.headers["User-Agent"] for c in rs.calls)
    names = [f"85484NED_{e}.json" for e in ENTITIES] + [
        "85484NED_TypedDataSet.json", "85484NED_TypedDataSet_page2.json"]
    assert [s.path.name for s in snaps] == names
    assert {s.meta["vintage"] for s in snaps} == {"2026-10-01"}
    assert snaps[-1].meta["source_url"] == NEXT
    assert snaps[-1].path.read_bytes() == fixture("TypedDataSet_page2")
    assert snaps[0].meta["licence"].startswith("Creative Commons Attribution 4.0")

    stg = tmp_path / "stg"
    results = [r for s in snaps for r in pipeline.stage(cbs, s, staging_dir=stg)]
    written = sorted({t.name for t, w in results if w})
    assert written == ["vintage=2026-10-01.part=85484NED_TypedDataSet.parquet",
                       "vintage=2026-10-01.part=85484NED_TypedDataSet_page2.parquet"]
    f = pd.concat(pd.read_parquet(stg / cbs.DATASET / n) for n in written)
    assert len(f) == 10 and f["value"].isna().sum() == 2
    key = dims(f, "Herkomstland") + " " + f["period_code"] + " " + f["measure"]
    got = dict(zip(key, f["value"]))
    assert {k: got[k] for k in ("H008718 2022MM01 Immigratie_1", "H008718 2022MM01 "
                                "Migratiesaldo_2", "H008567 2022MM01 Immigratie_1")} == {
        "H008718 2022MM01 Immigratie_1": 100.0, "H008718 2022MM01 Migratiesaldo_2": -20.0,
        "H008567 2022MM01 Immigratie_1": 300.0}
    assert math.isnan(got["H008567 2022MM02 Immigratie_1"])
    assert set(f.loc[f["period_code"] == "2022MM02", "flag"]) == {"Voorlopig"}
    assert f.loc[f["period_code"] != "2022MM02", "flag"].isna().all()
    assert set(f["measure_label"]) == {"Immigratie", "Migratiesaldo"}
    assert set(f["unit"]) == {"aantal"}
    assert set(dims(f, "Herkomstland", "dimension_labels")) == {
        "Origin A (synthetic label)", "Origin B (synthetic label)"}
    assert set(f["period_type"]) == {"month", "year"}
    side = staging.read_sidecar(stg / cbs.DATASET / written[0])
    assert side["vintage_basis"] == "the table's TableInfos 'Modified' (2026-10-01)"
    assert sorted(side["companions"]) == sorted(f"85484NED_{e}.json" for e in ENTITIES)

    again = fetch(raw_dir)  # same bytes: nothing new
    assert [s.created for s in again] == [False] * len(names)
    assert len(files_under(raw_dir)) == 2 * len(names)


def test_fetch_with_a_filter(rs, raw_dir):
    where = "Herkomstland eq 'H008718  '"
    query = "$filter=Herkomstland%20eq%20'H008718%20%20'"
    serve_all(rs, skip={"count", "page1", "page2"})
    rs.get(f"{BASE}TypedDataSet/$count?{query}", body="3")
    page = json.loads(fixture("TypedDataSet_page1"))
    del page["odata.nextLink"]
    rs.get(f"{url('TypedDataSet')}&{query}", body=json.dumps(page))
    snaps = cbs.fetch(raw_dir=raw_dir, tables=["85484NED"], filters={"85484NED": where},
                      backoff=0)
    assert rs.calls[-1].request.url == f"{url('TypedDataSet')}&{query}"
    assert snaps[-1].path.name == "85484NED_TypedDataSet.json"


def test_fetch_retries_500_then_succeeds(rs, raw_dir):
    rs.get(url("TableInfos"), body=b"busy", status=500)
    serve_all(rs)
    waits: list[float] = []
    snaps = cbs.fetch(raw_dir=raw_dir, tables=["85484NED"], filters={}, sleep=waits.append)
    assert waits == [1.0] and len(snaps) == 8 and all(s.created for s in snaps)


def test_fetch_http_404_stores_nothing(rs, raw_dir):
    rs.get(url("TableInfos"), body=b"not here", status=404)
    with pytest.raises(http.FetchError) as caught:
        fetch(raw_dir)
    assert str(caught.value) == f"{url('TableInfos')}: HTTP 404 Not Found"
    assert len(rs.calls) == 1 and files_under(raw_dir) == []


@pytest.mark.parametrize("case", ["odata-error", "html", "truncated", "wrong-entity",
                                  "count-mismatch", "too-many-rows", "foreign-next-link",
                                  "not-a-count", "no-rows"])
def test_fetch_bad_answers_store_nothing(rs, raw_dir, case):
    page1 = json.loads(fixture("TypedDataSet_page1"))
    skip, count, where, problem = {"page2"}, "5", NEXT, None
    if case == "odata-error":
        body, problem = (FIXTURES / "synthetic_odata_error.json").read_bytes(), (
            "CBS OData error: Resource not found for the segment 'TypedDataSet'.")
    elif case == "html":
        body, problem = b"<!DOCTYPE html><html>busy (synthetic)</html>", "got an HTML/XML page"
    elif case == "truncated":
        body, problem = fixture("TypedDataSet_page2")[:50], "not JSON, or cut off (50 bytes)"
    elif case == "wrong-entity":
        body, problem = fixture("Perioden"), ("odata.metadata names ('85484NED', 'Perioden'), "
                                              "expected ('85484NED', 'TypedDataSet')")
    elif case == "count-mismatch":
        body, count, problem = fixture("TypedDataSet_page2"), "6", "5 rows over 2 page(s), $count says 6"
    elif case == "too-many-rows":
        body, count, problem = fixture("TypedDataSet_page2"), "600000", "600,000 rows, more than max_rows"
        where = f"{BASE}TypedDataSet/$count"
    elif case == "no-rows":
        body, count, problem = fixture("TypedDataSet_page2"), "0", "no rows"
        where = f"{BASE}TypedDataSet/$count"
    elif case == "not-a-count":
        body, count, problem = fixture("TypedDataSet_page2"), "<html>", "expected a row count"
        where = f"{BASE}TypedDataSet/$count"
    else:
        page1["odata.nextLink"] = "https://example.org/85484NED/TypedDataSet?$skip=3"
        skip |= {"page1"}
        rs.get(url("TypedDataSet"), body=json.dumps(page1))
        body, where, problem = b"", url("TypedDataSet"), "odata.nextLink leaves opendata.cbs.nl"
    serve_all(rs, skip=skip, count=count)
    rs.get(NEXT, body=body, status=200)
    with pytest.raises(http.FetchError) as caught:
        fetch(raw_dir)
    assert caught.value.url == where
    assert caught.value.problem.startswith(problem)
    assert files_under(raw_dir) == []
    if case == "too-many-rows":
        assert url("TypedDataSet") not in [c.request.url for c in rs.calls]


def test_fetch_refuses_a_bad_table_id(raw_dir):
    with pytest.raises(ValueError, match="85484"):
        cbs.fetch(raw_dir=raw_dir, tables=["85484"])


# ----------------------------------------------------------------------------- marts
@pytest.fixture(scope="module")
def mart(tmp_path_factory):
    """The warehouse built from the committed CBS staging files only."""
    con = committed_mart(tmp_path_factory.mktemp("cbs_mart"), cbs.DATASET)
    yield con
    con.close()


def columns(con, table: str) -> list[tuple[str, str]]:
    return con.execute("""SELECT column_name, data_type FROM information_schema.columns
                          WHERE table_name = ? ORDER BY ordinal_position""", [table]).fetchall()


def test_asylum_mart(mart):
    assert columns(mart, "nl_asylum_requests") == [
        ("year", "INTEGER"), ("nationality_code", "VARCHAR"), ("nationality_label", "VARCHAR"),
        ("requests", "BIGINT"), ("measure", "VARCHAR"), ("table_id", "VARCHAR"),
        ("vintage", "DATE"), ("source_file", "VARCHAR")]
    total = dict(mart.execute("SELECT year, requests FROM nl_asylum_requests "
                              "WHERE nationality_code = 'T001059'").fetchall())
    assert {y: total[y] for y in T001059} == T001059
    assert mart.execute("""SELECT count(*), count(requests), count(DISTINCT nationality_code),
                                  count(nationality_label), min(vintage), max(vintage)
                           FROM nl_asylum_requests""").fetchone() == (
        3_828, 3_828 - 1_395, 87, 0, dt.date(2019, 3, 26), dt.date(2019, 3, 26))
    assert mart.execute("SELECT DISTINCT source_file FROM nl_asylum_requests").fetchall() == [
        (F80059,)]


def test_immigration_mart(mart):
    assert columns(mart, "nl_immigration") == [
        ("month", "DATE"), ("year", "INTEGER"), ("origin_code", "VARCHAR"),
        ("origin_label", "VARCHAR"), ("sex_code", "VARCHAR"), ("birth_country_code", "VARCHAR"),
        ("immigrants", "BIGINT"), ("table_id", "VARCHAR"), ("vintage", "DATE"),
        ("source_file", "VARCHAR")]
    sums = {(o, y): n for o, y, n in mart.execute(
        "SELECT origin_code, year, sum(immigrants) FROM nl_immigration GROUP BY ALL").fetchall()}
    assert sums[POLEN, 2022] == 26_457
    assert {o: {y: sums[o, y] for y in years} for o, years in IMMIGRATION.items()} == IMMIGRATION
    assert mart.execute("""SELECT count(*), count(origin_label), min(month), max(month),
                                  count(DISTINCT (sex_code, birth_country_code))
                           FROM nl_immigration""").fetchone() == (
        165, 0, dt.date(2022, 1, 1), dt.date(2026, 7, 1), 1)
    assert mart.execute("SELECT immigrants FROM nl_immigration WHERE origin_code = ? AND "
                        "month = DATE '2022-09-01'", [POLEN]).fetchone() == (3_175,)


def test_stg_table_and_provenance(mart):
    assert mart.execute("SELECT count(*), count(DISTINCT table_id) FROM stg_cbs__statline"
                        ).fetchone() == (3_828 + 306 + 165, 3)
    prov = mart.execute("SELECT file_name, vintage, rows FROM provenance "
                        "WHERE dataset = 'cbs_statline' ORDER BY file_name").fetchall()
    assert prov == [(F80059, dt.date(2019, 3, 26), 3_828), (F85484, dt.date(2026, 8, 1), 165),
                    (FINT, dt.date(2019, 3, 26), 306)]


def test_newer_fetched_vintage_wins_per_key(rs, tmp_path):
    """Committed staging + the synthetic 2026-10-01 pages: each key from its latest vintage."""
    stg = tmp_path / "stg"
    shutil.copytree(staging.dataset_dir(cbs.DATASET), stg / cbs.DATASET)
    serve_all(rs)
    for snap in fetch(tmp_path / "raw"):
        pipeline.stage(cbs, snap, staging_dir=stg)
    with build_from(stg, tmp_path / "w.duckdb") as con:
        got = {(o, m.isoformat()): (n, v.isoformat(), label) for o, m, n, v, label in con.execute(
            """SELECT origin_code, month, immigrants, vintage, origin_label FROM nl_immigration
               WHERE month <= DATE '2022-03-01'""").fetchall()}
    assert got[POLEN, "2022-01-01"] == (100, "2026-10-01", "Origin A (synthetic label)")
    assert got[POLEN, "2022-02-01"] == (200, "2026-10-01", "Origin A (synthetic label)")
    assert got[POLEN, "2022-03-01"][1:] == ("2026-08-01", "Origin A (synthetic label)")
    assert got[BULGARIJE, "2022-02-01"][:2] == (None, "2026-10-01")  # the latest word is null
    assert (POLEN, "2022-01-01") in got and len(got) == 9  # yearly rows are not months


# ----------------------------------------------------------------------------- live
@pytest.mark.network
def test_live_fetch_85484(tmp_path):
    """The real API (deselected unless ``-m network``): Polish immigration, one origin."""
    snaps = cbs.fetch(raw_dir=tmp_path / "raw", tables=["85484NED"],
                      filters={"85484NED": "startswith(Herkomstland,'H008718')"})
    assert snaps and all(s.created for s in snaps)
    assert dt.date.fromisoformat(snaps[0].meta["vintage"]) >= dt.date(2026, 1, 1)
    written = [t for s in snaps for t, w in pipeline.stage(cbs, s, staging_dir=tmp_path / "stg") if w]
    f = pd.concat(pd.read_parquet(t) for t in written)
    polen = f[(f["measure_label"] == "Immigratie") & (f["period_type"] == "month")
              & (dims(f, "Geslacht") == "T001038") & (dims(f, "Geboorteland") == "T001638")]
    by_year = polen.groupby("year")["value"].sum()
    assert 20_000 < by_year[2022] < 33_000  # SOURCES.md: 26,457 in the 2026 slice
    assert set(dims(polen, "Herkomstland", "dimension_labels")) <= {"Polen", "Polen en Dantzig"}


@pytest.mark.network
def test_live_fetch_84809_with_the_default_filter(tmp_path):
    """The default $filter of 84809NED selects rows (the totals of its other dimensions)."""
    snaps = cbs.fetch(raw_dir=tmp_path / "raw", tables=["84809NED"])
    written = [t for s in snaps for t, w in pipeline.stage(cbs, s, staging_dir=tmp_path / "stg") if w]
    f = pd.concat(pd.read_parquet(t) for t in written)
    assert len(f) > 0 and f["year"].max() >= 2020
    assert set(dims(f, "Nationaliteit")) == {"T001059"}
