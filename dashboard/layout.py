"""Figure geometry that fits an 800 px window: wrapped titles and footers, and a legend
below the plot whose rows are reserved, so legend, footer and plot never overlap.

Plotly does not wrap text; the widths here are the characters that fit the narrowest plot
the app draws (an 800 px window with the sidebar open leaves about 460 px of figure).
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass

TITLE_CHARS = 52      # 17 px bold title font, ~8.5 px a character
FOOTER_CHARS = 80     # 11 px footer font, ~5.5 px a character
TITLE_LINE = 23       # px per title line
FOOTER_LINE = 15      # px per footer line
PLOT_AREA = 400       # px of the plot area for a figure of nominal plot_height 480
LEGEND_TOP = 52       # px from the plot area's bottom edge to the legend (below the x-axis title)
LEGEND_ROW = 21       # px per legend row
LEGEND_WIDTH = 400    # px a legend row may use at 800 px (sidebar open)
FOOTER_GAP = 58       # px from the plot area's bottom edge to the footer (no legend)
AXIS_LINE = 15        # px per extra line of a wrapped x-axis title
PLOT_WIDTH = 470      # px of the whole figure at 800 px (sidebar open)
TEXT_INSET = 4        # px from the figure's left edge to the footer and the notes


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` characters; existing <br> breaks are kept."""
    out: list[str] = []
    for part in text.split("<br>"):
        out.extend(textwrap.wrap(part, width) or [""])
    return out


def legend_rows(names: list[str], width: int = LEGEND_WIDTH) -> int:
    """How many rows a horizontal Plotly legend of these entries takes at ``width`` px
    (an entry: 40 px of symbol and padding plus ~7 px a character at 12 px). Once a legend
    wraps, Plotly sets its entries in columns as wide as the widest entry, so the rows are
    counted on that grid."""
    if not names:
        return 0
    lines = [str(name).split("<br>") for name in names]
    entries = [40 + 7 * max(len(t) for t in parts) for parts in lines]
    tall = max(len(parts) for parts in lines)  # an entry of two lines is a row twice as high
    if sum(entries) <= width:
        return tall
    per_row = max(1, width // max(entries))
    return -(-len(entries) // per_row) * tall


def legend_label(name: str, width: int = LEGEND_WIDTH) -> str:
    """A legend entry's name broken into lines ("<br>") that fit a legend row of ``width``
    px at 800 px: Plotly never wraps a legend entry, so a long one is cut at the figure's
    edge ("Europese Unie - 27 landen (vanaf 2020): Teruggekeerd (elk land) ÷ vertrekpl")."""
    chars = max(20, (width - 40) // 7)
    if len(name) <= chars:
        return name
    return "<br>".join(textwrap.wrap(name, chars, break_long_words=False,
                                     break_on_hyphens=False))


@dataclass(frozen=True)
class Frame:
    title_lines: list[str]
    footer_lines: list[str]
    top: int            # margin above the plot area (title)
    bottom: int         # margin below the plot area (axis title, legend, footer)
    height: int
    footer_offset: int  # px from the plot area's bottom edge to the footer's top
    legend_y: float     # the legend's top, in plot-area fractions (negative: below it)


def axis_title_chars(left: int) -> int:
    """Characters of a 12 px x-axis title that fit under the plot area of an 800 px window
    when the figure's left margin is ``left`` px."""
    return max(28, (PLOT_WIDTH - left) // 7)


def frame(title: str, footer: str, plot_height: int, legend: list[str], *,
          title_chars: int | None = None, footer_chars: int | None = None,
          axis_lines: int = 1, left: int | None = None) -> Frame:
    """``axis_lines``: the lines of the x-axis title (each pushes legend and footer down);
    ``left``: the figure's left margin, where the legend's rows start (the rows are counted
    for the width right of it at 800 px)."""
    titles = wrap(title, title_chars or TITLE_CHARS)
    footers = wrap(footer, footer_chars or FOOTER_CHARS)
    top = 36 + TITLE_LINE * len(titles)
    area = max(plot_height - 80, 60)
    width = LEGEND_WIDTH if left is None else max(PLOT_WIDTH - left - 20, 150)
    rows = legend_rows(legend, width) if legend else 0
    below_axis = AXIS_LINE * (max(axis_lines, 1) - 1)
    offset = (LEGEND_TOP + below_axis + LEGEND_ROW * rows + 8 if rows
              else FOOTER_GAP + below_axis)
    bottom = offset + FOOTER_LINE * len(footers) + 10
    return Frame(titles, footers, top, bottom, top + area + bottom, offset,
                 -(LEGEND_TOP + below_axis) / area)
