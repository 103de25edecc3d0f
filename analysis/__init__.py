"""Route-shift (waterbed) statistics on monthly Frontex detections.

Pure functions on pandas frames; the only database access is ``load_monthly(con)``.
Names are imported on first use, so ``import analysis`` does not load the statistics
stack (statsmodels, scipy, pyfixest).
"""
from __future__ import annotations

import importlib

_NAMES = {
    "analysis.comovement": ("CoMovement", "comovement", "deseasonalised_changes"),
    "analysis.composition": ("Composition", "composition_test", "overlap"),
    "analysis.data": ("MAIN_ROUTES", "ROUTE_CODES", "load_monthly", "route_month_matrix"),
    "analysis.displacement": ("DOUBLE_COUNTED", "Displacement", "default_others",
                              "displacement_ratio", "fieller_interval"),
    "analysis.events": ("events_between", "parse_events"),
    "analysis.its": ("EventModels", "event_study", "fit_event_models"),
    "analysis.reading": ("limits", "read_comovement", "read_composition", "read_displacement",
                         "read_event_study"),
    "analysis.waterbed": ("WaterbedResult", "analyse_event"),
    "analysis.window": ("EventWindow", "event_window"),
    "analysis.panel": ("PanelResult", "PanelSpec", "DEFAULT_SPEC", "fit_panel"),
    "analysis.route_event": ("RouteEvent", "analyse_route_event"),
}
_WHERE = {name: module for module, names in _NAMES.items() for name in names}

# ``comovement`` is both a submodule and a function: bind the function now, or the import
# system would later set the attribute to the submodule (analysis.comovement is light).
from analysis.comovement import CoMovement, comovement, deseasonalised_changes  # noqa: E402
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return __all__
