"""The Claim check page's downloads (CSV, Markdown, one-page HTML brief) in the interface
language: English as the command line writes them, Dutch in Dutch — on the bundled data.

Expected Dutch numbers and dates are derived from the English report of the same verdicts
(its plain numbers and ISO dates), written with Babel's Dutch formats."""
from __future__ import annotations

import datetime as dt
import io
import os
import re

import babel.dates
import babel.numbers
import pandas as pd
import pytest

from analysis import claims as engine
from analysis import claims_report
from core import paths, warehouse

DUTCH_VERDICTS = {"supported": "bevestigd", "close": "dichtbij",
                  "computed": "berekend, gepubliceerde reeks niet geladen",
                  "definition_differs": "definitie wijkt af",
                  "not_testable": "niet te toetsen met de geladen gegevens",
                  "contradicted": "weerlegd"}
NUMERIC = ["claimed", "data_value", "deviation_pct", "deviation", "data_value_at_statement"]


@pytest.fixture(scope="module")
def verdicts(built_warehouse):
    from analysis import claims_data

    with warehouse.connect_readonly() as con, warehouse.cursor(con) as cur:
        return claims_data.evaluate_all(cur, engine.load(engine.CLAIM_SETS / "seed.yml"))


@pytest.fixture(scope="module")
def english(verdicts):
    """The English report (the command line's), one row per check, indexed by id."""
    return engine.report(verdicts)


@pytest.fixture(scope="module")
def dutch(verdicts):
    from dashboard import claims, i18n

    with i18n.use("nl"):
        return {"csv": claims.report_csv(verdicts).decode(),
                "md": claims.report_markdown(verdicts).decode(),
                "html": claims.brief(verdicts).decode()}


def nl_number(value, digits: int = 0, sign: bool = False) -> str:
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    if sign:
        pattern = f"+{pattern};-{pattern}"
    return babel.numbers.format_decimal(value, pattern, locale="nl").replace("-", "−")


def nl_date(iso: str) -> str:
    return babel.dates.format_date(dt.date.fromisoformat(iso), "d MMMM y", locale="nl")


def row(report: pd.DataFrame, claim_id: str, n: int = 0) -> pd.Series:
    return report[report["id"] == claim_id].iloc[n]


def test_english_downloads_are_the_command_lines(verdicts):
    from dashboard import claims, i18n

    with i18n.use("en"):
        assert claims.report_markdown(verdicts) == engine.markdown(verdicts).encode()
        assert claims.brief(verdicts) == claims_report.html_brief(verdicts).encode()
        assert claims.report_csv(verdicts) == engine.report(verdicts).to_csv(
            index=False).encode()
    english = engine.Words()
    assert engine.markdown(verdicts, english) == engine.markdown(verdicts)
    assert claims_report.html_brief(verdicts, words=english) == claims_report.html_brief(
        verdicts)
    md = engine.markdown(verdicts)
    assert md.startswith("# Claims checked against the data\n")
    assert '<html lang="en">' in claims_report.html_brief(verdicts)


def test_dutch_markdown_title_headings_verdicts_numbers_and_dates(dutch, english):
    md = dutch["md"]
    lines = md.splitlines()
    assert lines[0] == "# Beweringen getoetst aan de gegevens"
    assert lines[2] == ("| id | oordeel nu | oordeel toen de bewering werd gedaan | toets | "
                        "genoemd | waarde in de gegevens | afwijking | marge | reeks | "
                        "versie nu / toen | waarom |")
    r15 = row(english, "R15")
    assert (r15["verdict"], r15["verdict_at_statement"]) == ("supported", "supported")
    claimed, data = nl_number(r15["claimed"]), nl_number(r15["data_value"])
    pct = nl_number(r15["deviation_pct"], 1, sign=True) + " %"
    assert data == "7.741" and pct == "+10,6 %"  # the English report's 7741 and 10.59
    vintage = nl_date(r15["vintage"])
    assert (f"| R15 | bevestigd | bevestigd | 2024 | {claimed} | {data} | {pct} | 6.000 tot "
            f"8.000 | frontex_ibc | {vintage} / {vintage} | gegevens {data} tegenover de "
            f'marge 6.000 tot 8.000 ("about 7 thousand"); afwijking '
            f"{nl_number(r15['deviation'], sign=True)} ({pct} van de bewering) |") in lines
    # a direction: the numbers of the English explanation, in Dutch
    r05 = row(english, "R05")
    before, after, change = re.fullmatch(
        r"([\d,]+) before, ([\d,]+) after \(([+−][\d.]+ %)\); baseline: .*",
        r05["explanation"]).groups()
    swap = str.maketrans({",": ".", ".": ","})
    assert (f"| {before.translate(swap)} vóór, {after.translate(swap)} na "
            f"({change.translate(swap)}); uitgangspunt: ") in md
    # the check's label in Dutch (the claim set's label_nl)
    assert "| R05 | weerlegd | weerlegd | Centrale Mediterrane route | omhoog | +83,1 % |" in md
    table = [line.split(" | ") for line in lines[4:]]
    assert {cells[1] for cells in table} <= set(DUTCH_VERDICTS.values())
    assert {cells[2] for cells in table} <= set(DUTCH_VERDICTS.values())
    assert "| stabiel |" in md and "| stable |" not in md


def test_dutch_html_brief(dutch, english, verdicts):
    page = dutch["html"]
    assert page.startswith('<!doctype html>\n<html lang="nl">')
    assert "<title>Beweringen getoetst aan de gegevens</title>" in page
    assert "<h1>Beweringen getoetst aan de gegevens</h1>" in page
    assert ("<th>id</th><th>bewering</th><th>oordeel nu</th><th>oordeel toen de bewering "
            "werd gedaan</th><th>cijfers</th><th>reeks</th>") in page
    r15 = row(english, "R15")
    brief_r15 = re.search(r"<tr><td><b>R15</b>.*?</tr>", page).group(0)
    pct = nl_number(r15["deviation_pct"], 1, sign=True) + " %"
    assert (f"2024: genoemd {nl_number(r15['claimed'])}, gegevens "
            f"{nl_number(r15['data_value'])} ({pct})") in brief_r15
    assert f"versie {nl_date(r15['vintage'])}" in brief_r15
    assert ">bevestigd</span>" in brief_r15 and "; gedaan 2026</div>" in brief_r15
    assert "claims?claim=R15&amp;lang=nl'>grafiek</a>" in brief_r15
    assert "In 2024 kwamen ongeveer 7 duizend Tunesiërs irregulier in Italië aan." in brief_r15
    # a claim without a vintage held from then: the note, its dates as the interface's
    r07 = next(v for v in verdicts if v.claim.id == "R07")
    cut, last = re.fullmatch(r"data as held on (\S+) \(vintages up to (\S+)\)",
                             r07.statement_note).groups()
    assert (f"gegevens zoals aanwezig op {nl_date(cut)} (versies tot en met "
            f"{nl_date(last)})") in page
    text = re.sub(r"<[^>]+>", " ", page.split("<tbody>")[0])
    for english_word in ("claimed", "vintage", "verdict", "Claims checked"):
        assert english_word not in text, english_word
    for code, label in DUTCH_VERDICTS.items():
        if any(v.verdict == code for v in verdicts):
            assert f">{label}</span>" in page, code


def test_dutch_csv_keeps_columns_codes_and_numbers(dutch, english):
    table = pd.read_csv(io.StringIO(dutch["csv"]), dtype={"stated_on": str})
    assert list(table.columns) == engine.REPORT_COLUMNS
    again = pd.read_csv(io.StringIO(english.to_csv(index=False)), dtype={"stated_on": str})
    for col in ("id", "verdict", "verdict_at_statement", "check", "check_verdict",
                "check_verdict_at_statement", "vintage", "vintage_at_statement", "stated_on",
                "claim", "document", "datasets", *NUMERIC):
        pd.testing.assert_series_equal(table[col], again[col], check_names=False)
    assert set(table["verdict"]) <= set(engine.VERDICTS)
    r15 = row(table, "R15")
    assert float(r15["data_value"]) == 7741 and r15["deviation_pct"] == pytest.approx(10.59)
    assert r15["band"] == "6.000 tot 8.000"
    assert r15["explanation"].startswith(
        f"gegevens {nl_number(row(english, 'R15')['data_value'])} tegenover de marge")
    r07 = row(table, "R07")
    assert r07["explanation_at_statement"].startswith("BM.TRF.PWKR.CD.DT is geladen voor NLD")


def test_dutch_explanations_of_every_seed_check(dutch, english):
    table = pd.read_csv(io.StringIO(dutch["csv"]))
    for col in ("explanation", "explanation_at_statement"):
        same = table[col].notna() & (table[col] == english[col])
        assert not same.any(), table.loc[same, ["id", col]].to_string()
    # a code's coverage series by series (R11), its years as the English report has them
    r11 = row(english, "R11")
    span, year = re.search(r"first-time asylum applicants: loaded (\d{4}–\d{4}), not for "
                           r"(\d{4})", r11["explanation"]).groups()
    assert row(table, "R11")["explanation"].startswith(
        f"migr_asyappctza voor NL — eerste asielaanvragers: geladen {span}, niet voor {year}; "
        "asielaanvragers (alle) (een andere reeks, niet gelezen door deze toets): geladen ")
    # a series break: the frame in Dutch, the documented break's own note as written
    r03 = row(english, "R03")
    years, note = re.match(r"series break in ([\d, ]+): (.+?); no trend", r03["explanation"]
                           ).groups()
    assert row(table, "R03")["explanation"].startswith(f"breuk in de reeks in {years}: {note}")
    assert "; over een breuk heen wordt geen trend gelezen. Ook ontbreekt: migr_eiord voor " in (
        row(table, "R03")["explanation"])


# ----------------------------------------------------------------------------- page
@pytest.fixture
def user_claims(tmp_path, monkeypatch):
    path = tmp_path / "user_claims.yml"
    monkeypatch.setattr(paths, "USER_CLAIMS", path)
    return path


@pytest.fixture
def served(monkeypatch):
    """What the page's download buttons serve: media file id → bytes."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    files: dict[str, bytes] = {}
    load = MemoryMediaFileStorage.load_and_get_id

    def keep(self, path_or_data, mimetype, kind, filename=None):
        file_id = load(self, path_or_data, mimetype, kind, filename)
        files[file_id] = path_or_data
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    return files


def downloads(at, served) -> dict[str, bytes]:
    """label → the bytes of each download button on the page whose file is served with
    the page (not those made on a click: a chart's Excel, PNG, SVG)."""
    out = {}
    for button in at.get("download_button"):
        if not button.proto.url:
            continue
        file_id = os.path.splitext(os.path.basename(button.proto.url))[0]
        out[button.label] = served[file_id]
    return out


def test_page_downloads_in_dutch(built_warehouse, user_claims, served, english):
    from pages import run_page

    at = run_page("pages/claims.py", lang="nl")
    files = downloads(at, served)
    assert set(files) >= {"Rapport van de beweringen (CSV)",
                          "Rapport van de beweringen (Markdown)",
                          "Notitie van één pagina (HTML, afdrukbaar)"}
    md = files["Rapport van de beweringen (Markdown)"].decode()
    r15 = row(english, "R15")
    assert md.startswith("# Beweringen getoetst aan de gegevens\n")
    assert (f"| R15 | bevestigd | bevestigd | 2024 | {nl_number(r15['claimed'])} | "
            f"{nl_number(r15['data_value'])} | ") in md
    page = files["Notitie van één pagina (HTML, afdrukbaar)"].decode()
    assert '<html lang="nl">' in page and "<h1>Beweringen getoetst aan de gegevens</h1>" in page
    table = pd.read_csv(io.BytesIO(files["Rapport van de beweringen (CSV)"]))
    assert list(table.columns) == engine.REPORT_COLUMNS
    assert row(table, "R15")["explanation"].startswith("gegevens 7.741 tegenover de marge")
    assert set(table["id"]) == set(english["id"])

    at = run_page("pages/claims.py", lang="en")
    files = downloads(at, served)
    assert files["Claims report (Markdown)"].decode().startswith(
        "# Claims checked against the data\n")
    assert '<html lang="en">' in files["One-page brief (HTML, printable)"].decode()
