"""One binding of a page's widgets, its URL (the permalink) and the session state.

A page declares its defaults and one ``resolve`` (choices → usable choices); then

    b = Binding("rg", DEFAULTS, resolve)        # reads the URL once, resolves once
    st.selectbox("Geography", geos, key=b.key("geo"))   # every widget by key only
    view = b.values                              # the resolved choices of this run
    b.permalink_box()                            # writes the URL (non-defaults only)

The URL is read only when a choice is not yet in the session (a first load or a link);
widgets are created with ``key=`` alone, never ``index=``/``default=``/``value=``. A link value
that cannot be used falls back to the default with a visible notice. ``publish`` compares
with the *resolved* defaults, so a first load leaves a clean URL clean.

Each chart drawn by ``components.chart`` adds its own controls (series, log scale, index
year) under its short id (``set_chart_params``); ``publish`` writes them with the page's.
"""
from __future__ import annotations

from typing import Callable
from urllib.parse import urlencode

import streamlit as st

from dashboard import i18n
from dashboard.i18n import _


CURRENT = "_view_query"  # session-state key: the page's choices of the view being drawn
CHARTS = "_chart_links"  # session-state key: chart id → its controls' link parameters
LAST = "_chart_links_last"  # session-state key: chart id → its parameters when last drawn
PAGE = "_chart_links_page"  # session-state key: the Binding prefix those were drawn under


def chart_params() -> dict[str, str]:
    """The link parameters of the charts drawn so far in this run (their series, log and
    index choices that differ from the default view)."""
    out: dict[str, str] = {}
    for params in (st.session_state.get(CHARTS) or {}).values():
        out.update(params)
    return out


def set_chart_params(chart: str, params: dict[str, str]) -> None:
    """Record one chart's link parameters for this run's permalink."""
    st.session_state.setdefault(CHARTS, {})[chart] = dict(params)
    st.session_state.setdefault(LAST, {})[chart] = dict(params)


def last_chart_params(chart: str) -> dict[str, str] | None:
    """A chart's link parameters when it was last drawn in this session (None: never)."""
    return (st.session_state.get(LAST) or {}).get(chart)


def keep_chart(chart: str) -> None:
    """A chart not drawn in this run (its tab is closed) keeps its choices in the
    permalink: those it had when last drawn, else those the link came with."""
    params = last_chart_params(chart)
    if params is None:
        params = {k: st.query_params[k] for k in st.query_params
                  if k.startswith(f"{chart}.")}
    st.session_state.setdefault(CHARTS, {})[chart] = dict(params)


def current_query() -> str | None:
    """The query string of the view being drawn (its Binding's choices, the charts drawn so
    far, the language), None without a Binding."""
    page = st.session_state.get(CURRENT)
    if not isinstance(page, dict):
        return None
    return urlencode(page | chart_params() | i18n.url_params(), safe=",")


def encode(value) -> str:
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return str(value)


def parse(raw: str, default):
    """A URL value as the default's type; ValueError if it cannot be one."""
    if isinstance(default, (list, tuple)):
        return tuple(v for v in raw.split(",") if v)
    if isinstance(default, bool):
        if raw.lower() in ("1", "true", "yes"):
            return True
        if raw.lower() in ("0", "false", "no"):
            return False
        raise ValueError(raw)
    if isinstance(default, int):
        return int(raw)
    return raw


def _session(value):
    return list(value) if isinstance(value, tuple) else value


def _view(value):
    return tuple(value) if isinstance(value, list) else value


class Binding:
    def __init__(self, prefix: str, defaults: dict, resolve: Callable[[dict], dict],
                 describe: Callable[[str, object], str] | None = None,
                 baseline: Callable[[dict], dict] | None = None):
        """``baseline(values)``: what a permalink leaves out, when a page's defaults depend
        on other choices (e.g. a series' own vintages); default: the resolved defaults."""
        self.prefix, self.defaults, self._resolve = prefix, dict(defaults), resolve
        self._baseline = baseline
        self._describe = describe or (lambda name, value: encode(value) or "none")
        self.notices: list[str] = []
        ss = st.session_state
        linked: dict[str, str] = {}
        chosen = {}
        for name, default in self.defaults.items():
            key = self.key(name)
            if key in ss:
                chosen[name] = _view(ss[key])
            elif name in st.query_params:  # read the URL once: only for choices not yet made
                linked[name] = st.query_params[name]
                try:
                    chosen[name] = parse(linked[name], default)
                except ValueError:
                    chosen[name] = default
            else:
                chosen[name] = default
        self.values = {k: _view(v) for k, v in resolve(dict(chosen)).items()}
        for name, raw in linked.items():
            value = self.values[name]
            if encode(value) != raw and not (isinstance(value, tuple)
                                             and set(value) == set(parse(raw, ()))):
                self.notices.append(_("Link value '{raw}' for {name} not understood — "
                                      "showing {shown}.").format(
                    raw=raw, name=name, shown=self._describe(name, value)))
        for name, value in self.values.items():
            if self.key(name) not in ss or _view(ss[self.key(name)]) != value:
                ss[self.key(name)] = _session(value)
        ss[CHARTS] = {}  # the charts of this run add their choices as they are drawn
        if ss.get(PAGE) != prefix:  # another page: its charts start from the link or defaults
            ss[LAST], ss[PAGE] = {}, prefix
        ss[CURRENT] = self._page_changed()  # the view a chart's "cite this chart" links to
        for notice in self.notices:
            st.warning(notice)

    def key(self, name: str) -> str:
        return f"{self.prefix}_{name}"

    def _page_changed(self) -> dict[str, str]:
        base = (self._baseline(dict(self.values)) if self._baseline
                else self._resolve(dict(self.defaults)))
        base = {k: encode(v) for k, v in base.items()}
        return {k: encode(v) for k, v in self.values.items() if encode(v) != base.get(k)}

    def changed(self) -> dict[str, str]:
        """The choices that differ from the resolved defaults, those of the charts drawn so
        far (series, log scale, index year) and the chosen language."""
        # the chosen language stays in every permalink
        return self._page_changed() | chart_params() | i18n.url_params()

    def query(self) -> str:
        """This view's query string (what :meth:`publish` writes), before it is written."""
        return urlencode(self.changed(), safe=",")

    def publish(self) -> str:
        """Write the choices that differ from the resolved defaults to the URL (only if the
        URL says something else); return the query string."""
        changed = self.changed()
        if dict(st.query_params) != changed:
            st.query_params.from_dict(changed)
        return urlencode(changed, safe=",")

    def permalink_box(self) -> str:
        from dashboard import components

        query = self.publish()
        components.permalink_box(query)
        return query
