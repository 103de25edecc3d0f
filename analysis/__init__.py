"""Route-shift (waterbed) statistics on monthly Frontex detections.

Pure functions on pandas frames; the only database access is ``load_monthly(con)``.
"""
from analysis.comovement import CoMovement, comovement, deseasonalised_changes
from analysis.composition import Composition, composition_test, overlap
from analysis.data import MAIN_ROUTES, ROUTE_CODES, load_monthly, route_month_matrix
from analysis.displacement import (DOUBLE_COUNTED, Displacement, default_others,
                                   displacement_ratio, fieller_interval)
from analysis.events import events_between, parse_events
from analysis.its import EventModels, event_study, fit_event_models
from analysis.reading import (limits, read_comovement, read_composition, read_displacement,
                              read_event_study)
from analysis.waterbed import WaterbedResult, analyse_event
from analysis.window import EventWindow, event_window

__all__ = [
    "CoMovement", "Composition", "DOUBLE_COUNTED", "Displacement", "EventModels", "EventWindow",
    "MAIN_ROUTES", "ROUTE_CODES", "WaterbedResult", "analyse_event", "comovement",
    "composition_test", "default_others", "deseasonalised_changes", "displacement_ratio",
    "event_study", "event_window", "events_between", "fieller_interval", "fit_event_models",
    "limits", "load_monthly", "overlap", "parse_events", "read_comovement", "read_composition",
    "read_displacement", "read_event_study", "route_month_matrix",
]
