"""Dutch and English: the gettext catalog is complete and compiled, Babel formats numbers
and dates the Dutch way, and ``?lang=nl`` turns the Overview into Dutch with Dutch
numbers (values from the committed staging tables, as in test_app_overview)."""
from __future__ import annotations

import datetime as dt
import gettext
import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from dashboard import i18n
from pages import APP
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "dashboard" / "locale" / "nl" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def _po():
    with PO.open("rb") as f:
        return read_po(f, locale="nl")


def test_the_compiled_catalog_is_the_po_file():
    """messages.mo holds exactly the translations of messages.po (`make messages`)."""
    def as_dict(catalog):
        return {(tuple(m.id) if isinstance(m.id, (list, tuple)) else m.id):
                (tuple(m.string) if isinstance(m.string, (list, tuple)) else m.string)
                for m in catalog if m.id and not m.fuzzy}

    with MO.open("rb") as f:
        compiled = as_dict(read_mo(f))
    source = as_dict(_po())
    assert compiled == source


def test_every_message_in_the_code_has_a_dutch_translation():
    found = set()
    for folder in ("dashboard", "pages"):
        for _file, _line, message, _comments, _ctx in extract_from_dir(
                ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS):
            found.add(message if isinstance(message, str) else message[0])
    with (ROOT / "app.py").open("rb") as f:
        from babel.messages.extract import extract

        found |= {m[1] for m in extract("python", f, keywords=KEYWORDS)}
    translated = {(m.id[0] if isinstance(m.id, tuple) else m.id):
                  (all(m.string) if isinstance(m.string, tuple) else m.string)
                  for m in _po() if m.id}
    assert found, "no messages extracted"
    untranslated = sorted(m for m in found if not translated.get(m))
    assert not untranslated, f"run `make messages` and translate: {untranslated}"


def test_placeholders_survive_translation():
    import re

    for m in _po():
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        for text in strings:
            if m.id and text:
                assert set(re.findall(r"{\w+}", ids[0])) == set(re.findall(r"{\w+}", text)), m.id


@pytest.mark.parametrize("lang, expected", [
    ("en", ("240,021", "-141,298", "35.7%", "+67.9%", "17.04 bn", "3 Jun 2025", ".,")),
    ("nl", ("240.021", "-141.298", "35,7%", "+67,9%", "17,04 mld", "3 juni 2025", ",.")),
])
def test_number_and_date_formats(lang, expected):
    with i18n.use(lang):
        got = (i18n.number(240021), i18n.signed(-141298), i18n.percent(0.357),
               i18n.percent(0.679, sign=True), i18n.billions(17.04e9),
               i18n.date(dt.date(2025, 6, 3)), i18n.separators())
    assert got == expected


@pytest.mark.parametrize("header, lang", [
    ("nl-NL,nl;q=0.9,en-US;q=0.8,en;q=0.7", "nl"),
    ("en-GB,en;q=0.9,nl;q=0.8", "en"),
    ("de-DE,de;q=0.9,nl;q=0.5,en;q=0.4", "nl"),
    ("fr-FR", None),
    ("", None),
])
def test_language_from_accept_language(header, lang):
    assert i18n.from_accept_language(header) == lang


def test_translations_load_from_the_compiled_catalog():
    nl = gettext.translation(i18n.DOMAIN, i18n.LOCALE_DIR, languages=["nl"])
    assert nl.gettext("Overview") == "Overzicht"


@pytest.mark.usefixtures("built_warehouse")
def test_lang_nl_renders_dutch_overview_with_dutch_numbers():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "nl"
    at.run()
    assert not at.exception
    assert at.title[0].value == "Migratiestromen: de nieuwste cijfers"
    tiles = {m.label: (m.value, m.delta) for m in at.metric}
    assert tiles["Irreguliere grensoverschrijdingen, alle routes (detecties)"] == (
        "240.021", "-141.298 (-37,1%)")
    assert tiles["Teruggekeerd naar een derde land, Nederland (personen)"] == (
        "1.545", "+625 (+67,9%)")
    assert tiles["Terugkeerpercentage, Nederland (teruggekeerd ÷ vertrekplicht, zelfde jaar): "
                 "2016, verouderd"] == (
        "35,7%", "-0,6 pp")
    assert tiles["Persoonlijke geldovermakingen betaald door Nederland (lopende US$)"][0] == (
        "17,04 mld")
    # the route's name in Dutch (the publisher's "Eastern Mediterranean Route")
    assert tiles["Drukste route: Oostelijke Mediterrane route"] == ("69.954", "+8.658 (+14,1%)")
    captions = [c.value for c in at.caption]
    assert captions[0] == ("2024 · Frontex, frontex_ibc, FRAN-gegevens per 3 juni 2025 · "
                           "detecties, geen personen")
    # the language switch shows the linked language, and the link keeps it
    assert at.radio(key=i18n.KEY).value == "nl"
    assert at.query_params["lang"] == ["nl"] or at.query_params["lang"] == "nl"


@pytest.mark.usefixtures("built_warehouse")
def test_the_switch_changes_the_language_and_a_first_load_leaves_the_url_clean():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert "lang" not in at.query_params  # no language in the link: the URL stays clean
    assert at.title[0].value == "Migration flows: the latest figures"
    at.radio(key=i18n.KEY).set_value("nl").run()
    assert not at.exception
    assert at.title[0].value == "Migratiestromen: de nieuwste cijfers"
    # (that the URL then carries lang=nl is checked in the real browser, test_browser.py)


@pytest.mark.usefixtures("built_warehouse")
def test_lang_nl_puts_dutch_inside_the_charts_title_axes_legend_and_footer():
    """What an exported image says is Dutch too: the Irregular arrivals default chart and the
    Return gap chart of the Netherlands (bundled data, June 2025 Frontex vintage)."""
    from tests.pages import footer, run_page, specs, title

    at = run_page("pages/arrivals.py", lang="nl")
    spec = specs(at)[0]
    assert title(spec) == ("Jaarlijkse detecties van illegale grensoverschrijdingen naar route, "
                           "alle routes, 2009–2024")
    assert spec["layout"]["yaxis"]["title"]["text"] == "Detecties (aantal)"
    assert spec["layout"]["xaxis"]["title"]["text"] == "Jaar"
    assert spec["layout"]["separators"] == ",."
    # route names in Dutch in the legend and the series picker; "Other" is "Overig"
    legend = [t["name"] for t in spec["data"]]
    assert legend[:3] == ["Oostelijke Mediterrane route", "Westelijke Balkanroute",
                          "Centrale Mediterrane route"] and "Overig" in legend
    assert "Eastern Mediterranean Route" not in legend
    assert "Oostelijke Mediterrane route" in at.multiselect[0].options
    assert footer(spec).startswith(
        "Bron: Frontex, detecties van illegale grensoverschrijdingen (FRAN-gegevens per 3 juni "
        "2025). Detecties, geen personen. Dataset: frontex_ibc. Eenheid: detecties.")

    at = run_page("pages/return_gap.py", lang="nl")
    spec = specs(at)[0]
    assert title(spec).startswith("Asielaanvragers, personen aangetroffen zonder "
                                  "verblijfsrecht, vertrekplichtigen en teruggekeerden, ")
    names = [t["name"] for t in spec["data"]]
    assert names[:3] == ["Asielaanvragers", "Aangetroffen zonder verblijfsrecht",
                         "Vertrekplicht opgelegd"]
    assert spec["layout"]["yaxis"]["title"]["text"] == "Personen"
    assert "Bron: Eurostat, " in footer(spec) and "Eenheid: personen" in footer(spec)
    assert "(versie " in footer(spec) and " 2025)" in footer(spec)


# ------------------------------------------------------------- Route shifts, Claim check, Sources
from pages import MISSING_REASON  # noqa: E402


def _own_tables(at):
    """The page's own table elements, not the Table tab of each chart (whose last column is
    "Missing reason", in either language)."""
    return [d for d in at.dataframe
            if list(d.value.columns)[-1:] not in MISSING_REASON]


def _plot_specs(at):
    import json

    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def _text(value) -> str:
    return (value if isinstance(value, str) else value["text"]).replace("<br>", " ")


def _page(page: str, **params):
    from pages import run_page

    return run_page(page, timeout=180, **params)


def _headers(frame) -> dict[str, str]:
    """column → the header the page gives it (``column_config`` label, else the name)."""
    import json

    config = json.loads(frame.proto.columns or "{}")
    return {c: config.get(c, {}).get("label", c) for c in frame.value.columns}


def test_route_shift_readings_are_the_analysis_verdicts_in_english():
    """The page maps the analysis' verdict codes to words: in English the same words."""
    from analysis import route_event
    from analysis.panel import specifications
    from dashboard import route_shifts as rs

    assert set(rs.READINGS) == set(route_event.VERDICTS)
    for code, text in route_event.VERDICTS.items():
        assert rs.READINGS[code] == text
    assert list(rs.SPECIFICATIONS) == list(specifications())
    for spec in specifications().values():
        assert rs.describe_spec(spec) == spec.describe()
    with i18n.use("nl"):
        assert rs.READINGS["negative"] != i18n._(rs.READINGS["negative"])
        assert rs.describe_spec(specifications()["with pre-trend"]) == (
            "12 maanden erna, 24 ervoor; voortrend op de behandelde route; top 30 "
            "nationaliteiten")


def test_the_offline_line_is_the_refresh_module_s():
    from core import refresh
    from dashboard import sources as src

    assert src.OFFLINE_LINE == refresh.OFFLINE_LINE


@pytest.mark.usefixtures("built_warehouse")
def test_lang_nl_renders_route_shifts_in_dutch_with_dutch_numbers():
    at = _page("pages/route_shifts.py", lang="nl")
    assert not at.error
    assert at.title[0].value == "Routeverschuivingen"
    assert [s.value for s in at.subheader][:2] == ["Hoofdresultaat", "Verandering per route"]
    # The default headline (EU–Turkey Statement, Eastern Mediterranean; bundled June 2025
    # vintage): the English page shows 495,779 · -33,020 · -0.067.
    assert [(m.label, m.value) for m in at.metric] == [
        ("Daling op Oostelijke Mediterrane route", "495.779"),
        ("Extra grensoverschrijdingen op de andere routes", "-33.020"),
        ("Verplaatsingsratio", "-0,067")]
    text = " ".join(m.value for m in at.markdown)
    assert "de blootgestelde nationaliteiten daalden ook op de andere routes" in text
    assert "periode na de gebeurtenis april 2016 tot en met maart 2017" in text
    assert "Verplaatsingsratio: -0,067 (interval" in text
    series, effects, event_study = _plot_specs(at)
    assert series["layout"]["separators"] == ",."
    assert _text(series["layout"]["title"]).startswith(
        "Detecties per maand en per route rond Verklaring EU–Turkije van toepassing")
    # one pair of brackets: the date the event applies, then when it was agreed
    assert "(20 maart 2016; overeengekomen 18 maart 2016)" in _text(series["layout"]["title"])
    assert _text(series["layout"]["yaxis"]["title"]) == "Detecties per maand (aantal)"
    # month names in Dutch on the axis and in the hover (Plotly's own are English)
    assert series["layout"]["xaxis"]["ticktext"][:3] == ["jul 2014", "jan 2015", "jul 2015"]
    assert series["data"][0]["text"][0] == "mrt 2014"
    assert series["data"][0]["hovertemplate"].startswith("%{text}<br>")
    assert _text(effects["layout"]["title"]).startswith(
        "Verandering in detecties na Verklaring EU–Turkije van toepassing")
    assert _text(effects["layout"]["xaxis"]["title"]).startswith(
        "Detecties in de periode na de gebeurtenis")
    assert _text(event_study["layout"]["title"]).startswith("Eventstudie per kwartaal rond")
    assert _text(event_study["layout"]["yaxis"]["title"]) == (
        "Logverandering (95%-betrouwbaarheidsinterval)")
    assert "K0" in event_study["layout"]["xaxis"]["ticktext"]
    notes = " ".join(_text(a) for a in event_study["layout"]["annotations"] if "text" in a)
    assert "Toets op een voortrend" in notes
    # the routes table: Dutch headers and role words over the same numbers
    routes = _own_tables(at)[0]
    assert _headers(routes)["Change in detections"] == "Verandering in detecties"
    emr = routes.value.loc[routes.value["Route code"] == "EMR"].iloc[0]
    assert emr["Role"] == "behandeld (alle nationaliteiten)"
    # Dutch route names and Dutch numbers, whatever the browser's own locale
    assert (emr["Route"], emr["Change in detections"]) == (
        "Oostelijke Mediterrane route", "-495.779")
    assert "Centrale Mediterrane route" in effects["data"][0]["y"]
    strip = next(d for d in at.dataframe if "Specification" in d.value.columns).value
    assert strip["Specification"].tolist()[0] == "standaard"
    assert set(strip["Inside the headline interval"]) <= {"ja", "nee"}


@pytest.mark.usefixtures("built_warehouse")
def test_route_shifts_in_english_are_unchanged():
    at = _page("pages/route_shifts.py")
    assert at.title[0].value == "Route shifts"
    assert [(m.label, m.value) for m in at.metric] == [
        ("Fall on Eastern Mediterranean Route", "495,779"),
        ("Extra crossings on the other routes", "-33,020"), ("Displacement ratio", "-0.067")]
    series, effects, event_study = _plot_specs(at)
    assert _text(series["layout"]["yaxis"]["title"]) == "Detections per month (count)"
    assert "(20 Mar 2016; agreed 18 Mar 2016)" in _text(series["layout"]["title"])
    assert _text(event_study["layout"]["yaxis"]["title"]) == "Log change (95 % interval)"
    assert _headers(_own_tables(at)[0])["Change in detections"] == "Change in detections"


@pytest.fixture
def _no_user_claims(tmp_path, monkeypatch):
    from core import paths

    monkeypatch.setattr(paths, "USER_CLAIMS", tmp_path / "user_claims.yml")


@pytest.mark.usefixtures("built_warehouse", "_no_user_claims")
def test_lang_nl_renders_the_claim_check_in_dutch_with_dutch_numbers():
    at = _page("pages/claims.py", lang="nl", claim="R15")
    assert not at.error
    assert at.title[0].value == "Beweringen toetsen"
    listed = at.dataframe[0]
    assert _headers(listed)["when stated"] == "toen gedaan"
    r15 = listed.value.set_index("id").loc["R15"]
    # R15 against the bundled Frontex file (vintage 2025-06-03): 7,741 against "7,000".
    assert r15[["verdict", "when stated", "deviation"]].tolist() == [
        "✓ bevestigd", "✓ bevestigd", "+10,6 %"]
    detail = at.dataframe[1]
    assert _headers(detail)["data value"] == "waarde in de gegevens"
    assert detail.value.iloc[0][["claimed", "data value", "band", "deviation", "verdict"]
                                ].tolist() == ["7.000", "7.741", "6.000 tot 8.000", "+10,6 %",
                                               "✓ bevestigd"]
    assert detail.value.iloc[0]["why"] == (
        'gegevens 7.741 tegenover de marge 6.000 tot 8.000 ("about 7 thousand"); afwijking +741 '
        "(+10,6 % van de bewering)")
    text = " ".join(m.value for m in at.markdown)
    assert "**Nu:** ✓ bevestigd" in text and "versie 2025-06-03" in text
    assert "**Marge volgens de formulering:**" in text
    [chart] = _plot_specs(at)
    assert _text(chart["layout"]["title"]).startswith("Bewering R15 getoetst aan de gegevens")
    assert chart["layout"]["separators"] == ",."
    # the claim's own words in Dutch (the claim set's nl: texts), its unit in the title too
    assert "**R15** — In 2024 kwamen ongeveer 7 duizend Tunesiërs irregulier in Italië aan." \
        in text
    assert r15["claim"] == "In 2024 kwamen ongeveer 7 duizend Tunesiërs irregulier in Italië aan."
    assert "detecties, Centrale Mediterrane route, Tunesische nationaliteit" in _text(
        chart["layout"]["title"])
    at = _page("pages/claims.py", lang="nl", claim="R04")
    text = " ".join(m.value for m in at.markdown)
    assert ("**Toets:** Het jaar met de meeste detecties (alle routes, 2009–2024) moet in "
            "2014–2016 vallen.") in text
    assert at.dataframe[1].value.iloc[0]["check"] == "alle routes 2009–2024"


@pytest.mark.usefixtures("built_warehouse", "_no_user_claims")
def test_claim_check_in_english_is_unchanged():
    at = _page("pages/claims.py", claim="R15")
    assert at.title[0].value == "Claim check"
    detail = at.dataframe[1]
    assert _headers(detail)["data value"] == "data value"
    assert detail.value.iloc[0][["claimed", "data value", "band", "deviation"]].tolist() == [
        "7,000", "7,741", "6,000 to below 8,000", "+10.6 %"]
    assert detail.value.iloc[0]["why"] == (
        'data 7,741 against the band 6,000 to below 8,000 ("about 7 thousand"); deviation +741 '
        "(+10.6 % of the claim)")
    text = " ".join(m.value for m in at.markdown)
    assert "**Now:** ✓ supported" in text and "vintage 2025-06-03" in text


@pytest.mark.usefixtures("built_warehouse")
def test_lang_nl_renders_sources_in_dutch():
    at = _page("pages/sources.py", lang="nl")
    assert not at.error
    assert at.title[0].value == "Bronnen en herkomst"
    assert [s.value for s in at.subheader][:2] == ["Geladen bestanden", "Niet geladen"]
    files = at.dataframe[0]
    assert _headers(files)["coverage"] == "Dekking (gebied, jaren)"
    assert _headers(files)["publisher"] == "Uitgever"
    shown = files.value.set_index("file_name")
    # pinned from the bundled 2017 Eurostat export, as in test_app_sources
    assert shown.loc["dw2017_migr_eiord_1_Data.csv", "coverage"] == (
        "NL 2010–2016; 33 gebieden 2010–2016")
    assert at.caption[0].value.startswith("Bestanden van uitgevers in de database, alle "
                                          "uitgevers: 22 bestanden.")
    labels = " ".join(m.value for m in at.markdown)
    assert "**Kanttekening.**" in labels and "**Licentie.**" in labels
    # each dataset's description in Dutch (its metadata file's title_nl)
    notes = [e.label for e in at.expander]
    assert "CBS · cbs_statline: CBS StatLine-tabellen over asielverzoeken en immigratie naar " \
           "Nederland, per jaar en per maand" in notes
    assert not any("Detections of illegal border crossings" in n for n in notes)


@pytest.mark.usefixtures("built_warehouse")
def test_sources_in_english_are_unchanged():
    at = _page("pages/sources.py")
    assert at.title[0].value == "Sources & provenance"
    files = at.dataframe[0]
    assert _headers(files)["coverage"] == "Coverage (geo, years)"
    assert files.value.set_index("file_name").loc["dw2017_migr_eiord_1_Data.csv",
                                                  "coverage"] == "NL 2010–2016; 33 geos 2010–2016"
    assert at.caption[0].value.startswith(
        "Publisher files loaded in the warehouse, all publishers: 22 file(s).")


@pytest.mark.parametrize("page, params", [
    ("pages/arrivals.py", {"nationality_mode": "chosen"}), ("pages/claims.py", {}),
    ("pages/return_gap.py", {}), ("pages/sources.py", {})])
def test_no_multiselect_shows_streamlit_s_english_placeholder_in_dutch(page, params):
    """Streamlit writes "Choose options" in an empty multiselect in every language: each of
    ours names what an empty choice means, in Dutch."""
    from pages import run_page

    at = run_page(page, timeout=180, lang="nl", **params)
    placeholders = {m.label: m.proto.placeholder for m in at.multiselect}
    assert placeholders
    dutch = {m.string for m in _po() if m.string}
    for label, text in placeholders.items():
        assert text and text != "Choose options" and text in dutch, (label, text)


# A message in an f-string's braces, f"{_('policy event')}", is not seen by Babel's
# extractor (the f-string is one token to it), so it would never reach the catalog.
IN_F_STRING = re.compile(r"""\{(?:i18n\.)?_\((['"])([^'"]+)\1\)""")


def test_no_message_hides_inside_an_f_string():
    hidden = []
    for path in [ROOT / "app.py", *(ROOT / "dashboard").rglob("*.py"),
                 *(ROOT / "pages").rglob("*.py"), ROOT / "core" / "refresh.py",
                 ROOT / "analysis" / "claims.py", ROOT / "analysis" / "claims_report.py"]:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            hidden += [f"{path.relative_to(ROOT)}:{n}: {m.group(2)}"
                       for m in IN_F_STRING.finditer(line)]
    assert not hidden, hidden


def test_every_dataset_note_a_chart_footer_shows_has_its_dutch_text():
    """The metadata's reader-facing notes (caveat, footer, vintage note, licence, and the
    per-file notes under a chart) each have a ``_nl`` twin, with the same files."""
    import yaml
    missing = []
    for path in sorted((ROOT / "etl" / "metadata").glob("*.yml")):
        meta = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key in ("caveat", "footer", "vintage_note", "licence", "file_notes"):
            if key in meta and f"{key}_nl" not in meta:
                missing.append(f"{path.name}: {key}")
        if "file_notes" in meta:
            assert set(meta["file_notes_nl"]) == set(meta["file_notes"]), path.name
    assert not missing, missing


def test_the_third_country_returns_note_is_dutch_under_a_dutch_chart():
    from dashboard import charts
    file = "natix_migr_eirtn_THRD_by_citizenship_2014-2023.csv"
    with i18n.use("nl"):
        notes = charts.file_notes("eurostat_migr", [f"{file}; other.csv"])
    assert notes == ["Teruggekeerd naar een derde land 2014–2023: extract van migr_eirtn door "
                     "een derde (versie 20 sep. 2024); nullen en vlaggen door de maker "
                     "verwijderd; totalen zijn onze sommen over nationaliteiten."]


def test_country_names_come_from_cldr_by_code_whatever_the_publisher_spelling():
    """Country names in Dutch by ISO code (CLDR through Babel), Eurostat's EL/UK included; a
    name CLDR does not know stays as the publisher wrote it; English is untouched."""
    import pandas as pd

    from dashboard import names

    pairs = pd.DataFrame({"name": ["Syrian Arab Republic", "Greece", "United Kingdom",
                                   "Channel Islands", "Morocco"],
                          "iso2": ["SY", "EL", "UK", None, "MA"]})
    with i18n.use("nl"):
        shown = names.translations(pairs)
        frame = names.localize(pd.DataFrame({"country_name": list(pairs["name"]) + [None],
                                             "value": range(6)}), shown)
    assert frame["country_name"].tolist()[:5] == [
        "Syrië", "Griekenland", "Verenigd Koninkrijk", "Channel Islands", "Marokko"]
    assert frame["country_name"].isna().iloc[5]
    assert shown["Other"] == "Overig" and shown["Western Balkan Route"] == "Westelijke Balkanroute"
    with i18n.use("en"):
        assert names.translations(pairs) == {}
