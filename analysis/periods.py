"""Period lists in words: [2008, 2009, 2017, 2018, 2019] → "2008–2009, 2017–2019"."""
from __future__ import annotations

from collections.abc import Iterable


def spans(periods: Iterable[int]) -> str:
    """Consecutive integers joined into ranges, in ascending order; "" for none."""
    values = sorted(set(int(p) for p in periods))
    if not values:
        return ""
    out, start = [], values[0]
    for prev, cur in zip(values, values[1:] + [None]):
        if cur != prev + 1:
            out.append(str(start) if start == prev else f"{start}–{prev}")
            start = cur
    return ", ".join(out)
