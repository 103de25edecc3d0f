"""Route shifts ("waterbed effect"): one call that runs every piece for one event.

For a policy event, a treated route and a window: the event study of every route
(``analysis.its``), the displacement ratio (``analysis.displacement``), the nationality
composition test (``analysis.composition``), cross-route co-movement
(``analysis.comovement``), and plain-language readings with their limits
(``analysis.reading``). Every piece is also usable on its own.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from analysis.comovement import CoMovement, comovement
from analysis.composition import Composition, composition_test
from analysis.data import route_month_matrix
from analysis.displacement import Displacement, displacement_ratio
from analysis.events import parse_events
from analysis.its import EventModels, fit_event_models
from analysis.reading import (limits, read_comovement, read_composition, read_displacement,
                              read_event_study)


@dataclass
class WaterbedResult:
    event_date: pd.Timestamp
    treated: str
    models: EventModels              # event study, every route
    event_study: pd.DataFrame        # models.table()
    displacement: Displacement
    composition: Composition | None  # None when fewer than two nationalities are analysed
    comovement: CoMovement | None
    readings: dict[str, str] = field(default_factory=dict)
    limits: list[str] = field(default_factory=list)

    @property
    def window(self):
        return self.models.window


def analyse_event(frame: pd.DataFrame, treated: str, event_date=None, *,
                  event_id: str | None = None, events: pd.DataFrame | None = None,
                  others: Iterable[str] | None = None,
                  nationalities: str | Iterable[str] | None = None,
                  months_before: int = 12, months_after: int = 12, season_months: int = 36,
                  date_precision: str | None = None, its_options: dict | None = None,
                  displacement_options: dict | None = None) -> WaterbedResult:
    """Run the whole waterbed analysis of one event.

    ``frame``: the long monthly frame (``load_monthly(con)``, by nationality). The event is
    ``event_date``, or ``event_id`` looked up in ``events`` (which then also gives the date
    precision and the other events listed among the limits). ``nationalities`` restricts
    every piece to one ISO-3 code or a group. ``its_options`` / ``displacement_options``
    pass model options (``scale``, ``trend``, ``slope_change``, ``maxlags``) to the event
    study and to the displacement ratio, which keep their own defaults otherwise.
    """
    if event_id is not None:
        if events is None:
            raise ValueError("event_id needs the events table")
        ev = parse_events(events).set_index("id")
        if event_id not in ev.index:
            raise ValueError(f"no event {event_id!r}")
        if event_date is None:
            event_date = ev.at[event_id, "date"]
        if date_precision is None:
            date_precision = ev.at[event_id, "date_precision"]
    if event_date is None:
        raise ValueError("give event_date or event_id")
    date_precision = date_precision or "day"
    data = frame
    if nationalities is not None:
        codes = [nationalities] if isinstance(nationalities, str) else list(nationalities)
        data = frame[frame["nationality_iso3"].isin(codes)]
    wide = route_month_matrix(frame, nationalities)
    window_options = dict(months_before=months_before, months_after=months_after,
                          season_months=season_months, date_precision=date_precision)
    models = fit_event_models(wide, event_date, **window_options, **(its_options or {}))
    disp = displacement_ratio(wide, event_date, treated, others, **window_options,
                              **(displacement_options or {}))
    comp = None
    if data["nationality_iso3"].nunique() >= 2:
        comp = composition_test(data, event_date, treated, disp.others,
                                months_before=months_before, months_after=months_after,
                                date_precision=date_precision)
    w = models.window
    routes = [treated, *disp.others]
    try:
        comov = comovement(wide, [r for r in routes if r in wide.columns], start=w.start,
                           end=w.post_end)
    except ValueError:
        comov = None
    readings = {"event_study": read_event_study(models, treated),
                "displacement": read_displacement(disp)}
    if comp is not None:
        readings["composition"] = read_composition(comp)
    if comov is not None:
        readings["comovement"] = read_comovement(comov)
    lim = limits(w, treated, others=disp.others, events=events, event_id=event_id,
                 models=models, nationalities=nationalities)
    return WaterbedResult(event_date=pd.Timestamp(event_date), treated=treated, models=models,
                          event_study=models.table(), displacement=disp, composition=comp,
                          comovement=comov, readings=readings, limits=lim)
