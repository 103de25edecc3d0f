"""Chart export: PNG and SVG carry the title and the source footer; the CSV is the plotted data.

Server-side export drives Debian's chromium through kaleido. Without a browser the tests are
skipped, unless REQUIRE_BROWSER=1 (CI), where that is a failure.
"""
from __future__ import annotations

import os
import re
import struct

import pytest

from dashboard import export
from dashboard import return_gap as rg

pytestmark = pytest.mark.usefixtures("built_warehouse")  # the app reads a built warehouse


@pytest.fixture(scope="module")
def nl_chart():
    if not export.available():
        reason = "kaleido or chromium missing: server-side PNG/SVG export unavailable"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    view = rg.ReturnGapView(geo="NL", compare="", start=2010, end=2024)
    geos = rg.geographies()
    data = rg.measures("NL", view)
    return rg.measures_figure(data, "NL", view, geos), data


def test_svg_holds_title_and_footer(nl_chart):
    fig, _ = nl_chart
    svg = export.image_bytes(fig, "svg").decode("utf-8")
    assert svg.startswith("<svg")
    svg = " ".join(re.sub(r"<[^>]+>", " ", svg).split())  # the text, footer lines joined
    assert "Netherlands, 2010–2024" in svg
    assert "Source: Eurostat, migr_asyappctza (vintage 21 May 2025)" in svg
    assert "Returns in year t are not the returns" in svg


def test_png_is_a_full_size_image(nl_chart):
    fig, _ = nl_chart
    png = export.image_bytes(fig, "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])  # IHDR
    assert (width, height) == (2 * export.WIDTH, 2 * int(fig.layout.height))
    assert len(png) > 50_000  # a drawn chart, not an empty canvas


def test_page_offers_png_svg_and_csv_per_chart():
    """CSV under every chart; PNG and SVG where a browser can render them, else the
    pointer to the camera button (a machine without chromium must not fail here)."""
    from pages import run_page

    at = run_page("pages/return_gap.py")
    labels = [b.label for b in at.get("download_button")]
    charts = len(at.get("plotly_chart"))
    assert charts >= 2
    assert labels.count("Download CSV of the plotted data") == charts, labels
    if export.available():
        for label in ("Download PNG", "Download SVG"):
            assert labels.count(label) == charts, labels
    else:
        captions = [c.value for c in at.caption]
        assert sum("camera button" in c for c in captions) == charts, captions
        assert "Download PNG" not in labels


def test_a_kept_browser_serves_the_next_export_and_survives_a_restart(nl_chart):
    fig, _ = nl_chart
    first = export.image_bytes(fig, "svg")
    export._renderer.close()  # as if the browser had died: the next export starts a new one
    again = export.image_bytes(fig, "svg")
    assert first[:4] == again[:4] == b"<svg"
    assert b"Netherlands," in again and b"2010" in again  # the title (wrapped in lines)


def test_unknown_format_is_refused(nl_chart):
    with pytest.raises(ValueError, match="png or svg"):
        export.image_bytes(nl_chart[0], "pdf")


def _stack_totals(fig) -> dict:
    import pandas as pd

    totals: dict = {}
    for trace in fig.data:
        for x, y in zip(trace.x, trace.y):
            key = pd.Timestamp(x)
            totals[key] = totals.get(key, 0.0) + float(y)
    return totals


def test_monthly_by_nationality_image_drops_what_it_cannot_show_and_keeps_the_totals():
    """160 nationalities × 192 months (June 2025 vintage): 17,869 of the 30,912 bars are zero;
    the nationalities whose every month is under one pixel become one summed series."""
    from dashboard import arrivals

    vintage = "2025-06-03"
    opts = arrivals.options(vintage)
    view = arrivals.resolve(arrivals.ArrivalsView(by="nationality", grain="month",
                                                  vintage=vintage), opts)
    fig = arrivals.figure(arrivals.series(view), view, opts)
    assert len(fig.data) == 161 and sum(len(t.x) for t in fig.data) == 30_912
    thin = export.thin_stacked_bars(fig, int(fig.layout.height))
    merged = [t for t in thin.data if "other series (each under 1 px)" in (t.name or "")]
    assert len(merged) == 1 and len(thin.data) < 40
    assert sum(len(t.x) for t in thin.data) < 30_912 - 17_869
    assert _stack_totals(thin) == pytest.approx(_stack_totals(fig))
    assert max(_stack_totals(fig).values()) == 433_620  # October 2015
    kept = {t.name: list(t.y) for t in thin.data if t not in merged}
    syria = next(t for t in fig.data if t.name == "Syria")
    assert kept["Syria"] == [y for y in syria.y if y != 0]  # visible series stay as they are


def test_a_chart_that_is_not_stacked_bars_is_exported_as_it_is(nl_chart):
    fig, _ = nl_chart
    assert export.thin_stacked_bars(fig, int(fig.layout.height)) is fig


def test_a_map_exports_offline_from_the_bundled_geometry(nl_chart):
    view = rg.resolve(rg.ReturnGapView(), rg.geographies())
    fig = rg.map_figure(rg.map_data(view), view)
    svg = export.image_bytes(fig, "svg").decode("utf-8")  # no internet: Plotly's CDN fails
    assert svg.count("choroplethlocation") > 20  # the countries were drawn
    text = " ".join(re.sub(r"<[^>]+>", " ", svg).split())
    assert "by reporting country, 2022" in text and "Not on the map" in text
