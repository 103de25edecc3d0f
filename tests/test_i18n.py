"""Dutch and English: the gettext catalog is complete and compiled, Babel formats numbers
and dates the Dutch way, and ``?lang=nl`` turns the Overview into Dutch with Dutch
numbers (values from the committed staging tables, as in test_app_overview)."""
from __future__ import annotations

import datetime as dt
import gettext
import io
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
    assert tiles["Terugkeerpercentage, Nederland (teruggekeerd ÷ vertrekplicht, zelfde jaar)"] == (
        "35,7%", "-0,6 pp")
    assert tiles["Persoonlijke geldovermakingen betaald door Nederland (lopende US$)"][0] == (
        "17,04 mld")
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
