"""Publishers' observation flags (Eurostat's b, d, e, p …): their meanings, in one place, and
the words a chart uses for them (hover text, the in-figure note, the table's column).

A flag is kept as published (``eurostat_annual.flag``; ``return_gap.flags`` holds the flags of
a row's counts, letters run together, e.g. ``dp``). Meanings are Eurostat's documented
observation flags (the code list of the data browser and the SDMX ``OBS_FLAG``).
"""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from analysis.periods import spans
from dashboard.i18n import N_, _

MEANINGS = {
    "b": N_("break in time series"),
    "c": N_("confidential"),
    "d": N_("definition differs"),
    "e": N_("estimated"),
    "f": N_("forecast"),
    "n": N_("not significant"),
    "p": N_("provisional"),
    "r": N_("revised"),
    "s": N_("Eurostat estimate"),
    "u": N_("low reliability"),
    "z": N_("not applicable"),
}
MARKER = "diamond-open"  # a flagged point's marker: open, so the line's own dots stay distinct
MARKER_SIZE = 13
NBSP = "\u00a0"


def codes(flag) -> list[str]:
    """The flag letters of a value, each once, in the order written ("dp" → ["d", "p"]);
    [] for no flag."""
    if flag is None or (not isinstance(flag, str) and pd.isna(flag)):
        return []
    return list(dict.fromkeys(c for c in str(flag).lower() if c.isalpha()))


def meaning(code: str) -> str:
    """The meaning of one flag letter in the interface's language."""
    if code in MEANINGS:
        return _(MEANINGS[code])
    return _("not documented")


def words(flag) -> str:
    """A value's flags in words, e.g. "b = break in time series"; "" for no flag."""
    return "; ".join(f"{c} = {meaning(c)}" for c in codes(flag))


def hover(flag, publisher: str = "Eurostat") -> str:
    """The hover line of a flagged point (with its leading line break); "" for no flag."""
    text = words(flag)
    return "<br>" + _("{publisher} flag: {flags}").format(publisher=publisher, flags=text) \
        if text else ""


def _places(where: list) -> str:
    """Years as spans ("2014–2015"), other places (bar labels) listed."""
    if all(isinstance(w, int) for w in where):
        return spans(where)
    return ", ".join(dict.fromkeys(str(w) for w in where))


def note(points: Iterable[tuple[str, object, object]], publisher: str = "Eurostat",
         intro: str | None = None, drawn: dict[str, int] | None = None) -> str | None:
    """One sentence for a figure's footer naming every flag drawn and where: ``points`` are
    (series name, year or bar label, flag) of the plotted values; ``drawn`` the number of
    values each series draws (a flag on all of them is said once, not listed). None when no
    point is flagged."""
    where: dict[str, dict[str, list]] = {}
    for series, place, flag in points:
        place = int(place) if isinstance(place, (int, float)) and not isinstance(place, bool) \
            else place
        for c in codes(flag):
            where.setdefault(c, {}).setdefault(str(series), []).append(place)
    if not where:
        return None
    order = list(MEANINGS) + sorted(set(where) - set(MEANINGS))
    items = []
    drawn = drawn or {}
    every = _("every value shown")

    def everywhere(series: str, places: list) -> bool:
        return drawn.get(series, 0) > 1 and len(set(places)) >= drawn[series]

    for c in (c for c in order if c in where):
        if set(where[c]) == {s for s, n in drawn.items() if n} and \
                all(everywhere(s, p) for s, p in where[c].items()):
            items.append(f"{c}{NBSP}={NBSP}{meaning(c)} ({every})")
            continue
        places = _(" and ").join(
            f"{s}: {every}" if everywhere(s, p)
            else _places(p) if not s
            else f"{s} {_places(p)}" if all(isinstance(w, int) for w in p)
            else f"{s}: {_places(p)}"
            for s, p in where[c].items())
        items.append(f"{c}{NBSP}={NBSP}{meaning(c)} ({places})")  # "b = " never wraps
    intro = intro or _("{publisher} flags (open diamonds)").format(publisher=publisher)
    return f"{intro}: {'; '.join(items)}."


def is_column(name: str) -> bool:
    """A frame's column of publisher's flags (``flag``, ``flags``, ``flag_old`` …)."""
    return (name == "flags" or name == "flag" or name.startswith("flag_")) \
        and not name.endswith("_meaning")


def column(data: pd.DataFrame) -> str | None:
    """The frame's flag column (``flag``, or ``flags`` of a computed row), if any."""
    return next((c for c in ("flag", "flags") if c in data), None)


def meaning_column(col: str) -> str:
    """The name of the column beside a flag column that says it in words."""
    return "flag_meaning" if col == "flag" else f"{col}_meaning"
