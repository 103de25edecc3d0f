"""Plausibility at parse time, the same for every source.

- :func:`count_grid`: a grid of count cells (rows × columns, as a parser reads them) holds
  whole numbers, ≥ 0 and at most the ceiling (``etl.limits.count_ceiling``); blank cells are
  the caller's to allow or not.
- :func:`months`: month columns are contiguous and in calendar order.
- :func:`check_frame`: a staging frame's count columns (a source's ``COUNTS``) hold whole,
  non-negative numbers below the ceiling, or NULL where the publisher marks a value missing.

Every refusal is a :class:`etl.errors.ParseError` naming file, row, column and value.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from etl import errors, limits


def _shown(value):
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()  # a numpy scalar as the Python number it holds
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)  # spreadsheets read every number as float: show it as written
    return value


def problem_of(number: float) -> str | None:
    """What is wrong with one count (None: a plausible count)."""
    if np.isnan(number):
        return "not a count"
    if number < 0:
        return "negative count"
    if number > limits.count_ceiling():
        return f"above the ceiling of {limits.count_ceiling():,.0f} for one cell"
    if number != np.floor(number):
        return "not a whole number"
    return None


def count_grid(numeric: np.ndarray, raw, *, file_name: str, rows, columns) -> None:
    """Raise on the first implausible cell of ``numeric`` (float, NaN = not a number).

    ``raw`` is the grid as read (for the message), ``rows`` the file's row numbers and
    ``columns`` the column headers."""
    with np.errstate(invalid="ignore"):
        bad = (np.isnan(numeric) | (numeric < 0) | (numeric > limits.count_ceiling())
               | (numeric != np.floor(numeric)))
    if not bad.any():
        return
    r, c = (int(x[0]) for x in np.nonzero(bad))
    value = raw.iat[r, c] if hasattr(raw, "iat") else raw[r][c]
    raise errors.ParseError(f"{file_name}: row {rows[r]}, column {columns[c]}: "
                            f"{problem_of(float(numeric[r, c]))}: {_shown(value)!r}")


def months(found: list[dt.date], *, file_name: str, row: int, labels) -> None:
    """Month columns one after the other, each the month after the one before."""
    for i in range(1, len(found)):
        before, this = found[i - 1], found[i]
        expected = dt.date(before.year + before.month // 12, before.month % 12 + 1, 1)
        if this != expected:
            what = ("out of calendar order" if this < expected
                    else f"a gap: {expected:%b %Y} is missing")
            raise errors.ParseError(f"{file_name}: row {row}, column {labels[i]!r}: month "
                                    f"columns {what} (after {labels[i - 1]!r})")


def check_frame(frame: pd.DataFrame, counts, *, file_name: str) -> None:
    """The count columns of a staging frame: whole, ≥ 0, ≤ the ceiling, or NULL.

    ``counts``: {column: row mask function or None (every row)}. The row named is the
    frame's ``source_row`` where it has one, else the frame's row number (1-based)."""
    for column, rows_of in (counts or {}).items():
        if column not in frame or not len(frame):
            continue
        values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype="float64",
                                                                        na_value=np.nan)
        given = frame[column].notna().to_numpy()
        mask = given if rows_of is None else given & np.asarray(rows_of(frame), dtype=bool)
        with np.errstate(invalid="ignore"):
            bad = mask & (np.isnan(values) | (values < 0) | (values > limits.count_ceiling())
                          | (values != np.floor(values)))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            row = (int(frame["source_row"].iloc[i]) if "source_row" in frame
                   else i + 1)
            period = next((f", {p} {frame[p].iloc[i]}" for p in ("month", "year")
                           if p in frame and pd.notna(frame[p].iloc[i])), "")
            raise errors.ParseError(f"{file_name}: row {row}, column {column}{period}: "
                                    f"{problem_of(float(values[i]))}: "
                                    f"{_shown(frame[column].iloc[i])!r}")
