"""The Overview page (landing page) under AppTest: one tile per theme, values from the marts."""
from __future__ import annotations

import pytest

from pages import APP
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.usefixtures("built_warehouse")  # the app reads a built warehouse


def test_landing_page_tiles():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    tiles = {m.label: (m.value, m.delta) for m in at.metric}
    assert tiles["Irregular border crossings, all routes (detections)"] == (
        "240,021", "-141,298 (-37.1%)")
    assert tiles["Busiest route: Eastern Mediterranean Route"][0] == "69,954"
    # The newest NL return figure: to a third country, 2023 (third-party extract, SOURCES.md
    # §5.2: 920 in 2022, 1,545 in 2023); the same-year rate stops in 2016 and says so.
    assert tiles["Returned to a third country, Netherlands (persons)"] == ("1,545", "+625 (+67.9%)")
    # 2016 is the latest year loaded: the label says so, not only the caption
    assert tiles["Return rate, Netherlands (returned ÷ ordered, same year): 2016, out of date"] == (
        "35.7%", "-0.6 pp")
    assert tiles["Asylum applicants, Netherlands (all applicants)"] == ("33,515", "-6,240 (-15.7%)")
    assert tiles["Personal remittances paid by the Netherlands (current US$)"][0] == "17.04 bn"
    captions = [c.value for c in at.caption]
    assert captions[0] == "2024 · Frontex, frontex_ibc, FRAN data as of 3 Jun 2025 · detections, not persons"
    assert any(c.startswith("2016 · Eurostat, migr_eiord, migr_eirtn, vintage 27 Mar 2018")
               and "out of date: 2016 is the latest year loaded, 8 years behind the newest "
                   "Eurostat year held (2024)" in c
               and "python -m etl fetch eurostat" in c for c in captions)
    assert any(c.startswith("2023 · Eurostat, migr_eirtn, vintage 20 Sep 2024")
               and "out of date" not in c for c in captions)
    links = {p.proto.page for p in at.get("page_link")}
    assert {"arrivals", "return_gap", "remittances"} <= links
