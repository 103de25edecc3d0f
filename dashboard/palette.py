"""Colours of the charts: the Okabe–Ito palette, safe for the common colour-vision
deficiencies (Okabe & Ito, "Color Universal Design", 2008), in an order that keeps the
first series the most distinct; yellow (too light on white for a line) comes last.
"""
from __future__ import annotations

BLUE = "#0072B2"
VERMILLION = "#D55E00"
BLUISH_GREEN = "#009E73"
ORANGE = "#E69F00"
REDDISH_PURPLE = "#CC79A7"
SKY_BLUE = "#56B4E9"
BLACK = "#000000"
YELLOW = "#F0E442"

SERIES = [BLUE, VERMILLION, BLUISH_GREEN, ORANGE, REDDISH_PURPLE, SKY_BLUE, BLACK, YELLOW]
# Beyond eight series a neutral grey (4.5:1 on white) with a changing dash, so a ninth
# series ("Other" among the routes) never takes the first series' colour.
GREY = "#767676"
DASHES = ["solid", "dot", "dashdot", "longdash"]


def series_style(i: int) -> tuple[str, str]:
    """(colour, dash) of the i-th series of a chart."""
    if i < len(SERIES):
        return SERIES[i], DASHES[0]
    return GREY, DASHES[(i - len(SERIES)) % len(DASHES)]

HIGHLIGHT = VERMILLION   # the series or row a chart is about (e.g. the treated route)
REFERENCE = BLUE         # the other rows
TEXT_MUTED = "#444444"   # footers and notes: 9.7:1 on white
