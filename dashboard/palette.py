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
# Beyond eight series the colours repeat; charts then vary the line dash (see charts.py).
DASHES = ["solid", "dot", "dashdot", "longdash"]

HIGHLIGHT = VERMILLION   # the series or row a chart is about (e.g. the treated route)
REFERENCE = BLUE         # the other rows
TEXT_MUTED = "#444444"   # footers and notes: 9.7:1 on white
