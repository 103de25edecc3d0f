"""Server-side PNG and SVG of a figure, title and footer included (they are in the figure).

Plotly's kaleido (1.x) drives a headless Chromium; the project installs Debian's chromium
(``.ci/run``, README). Where no browser is found, pages fall back to Plotly's client-side
export (the camera button), which renders the same figure with the same title and footer.

One headless browser is kept per server process (:class:`Renderer`): it starts on the first
export, serves every later one (a new Chromium per image costs ~2–3 s, a kept one ~0.3 s),
and is restarted when a render fails or hangs, after which the render is tried once more.
kaleido is imported only when an image is asked for: pages never pay for it.

Stacked bar charts with many series (monthly detections by nationality: 160 series × 192
months) are thinned for the image by :func:`thin_stacked_bars`: zero-height bars are not drawn,
and series whose every bar is under one pixel high at the image's size are drawn as one summed
series, named so in the legend. The stack totals and every visible bar stay exactly as on the
page.
"""
from __future__ import annotations

import asyncio
import logging
import shutil
import threading
from functools import cache
from pathlib import Path

import numpy as np
import plotly.graph_objects as go

WIDTH = 1200
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chrome")
RENDER_TIMEOUT = 60.0  # seconds for one image, browser start included
THIN_ABOVE = 25  # stacked bar series beyond which sub-pixel series are summed in an image
# Maps read the bundled geometry (static/topojson/, as the browser does), never Plotly's CDN.
TOPOJSON = (Path(__file__).resolve().parents[1] / "static" / "topojson").as_uri() + "/"

log = logging.getLogger(__name__)


@cache
def available() -> bool:
    """True if kaleido and a Chromium it can drive are installed (without importing kaleido)."""
    from importlib.util import find_spec

    return find_spec("kaleido") is not None and any(shutil.which(b) for b in BROWSERS)


class Renderer:
    """A kept kaleido browser on its own event-loop thread; thread-safe, restartable."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido = None

    def _start(self) -> None:
        import kaleido

        loop = asyncio.new_event_loop()
        threading.Thread(target=loop.run_forever, name="kaleido", daemon=True).start()
        k = kaleido.Kaleido(n=1, timeout=RENDER_TIMEOUT)
        asyncio.run_coroutine_threadsafe(k.open(), loop).result(RENDER_TIMEOUT)
        self._loop, self._kaleido = loop, k

    def _stop(self) -> None:
        loop, k = self._loop, self._kaleido
        self._loop = self._kaleido = None
        if loop is None:
            return
        try:
            if k is not None:
                asyncio.run_coroutine_threadsafe(k.close(), loop).result(10)
        except Exception as exc:  # noqa: BLE001 — a dead browser may not close cleanly
            log.warning("kaleido browser did not close cleanly: %s", exc)
        loop.call_soon_threadsafe(loop.stop)

    def _render_once(self, fig_dict: dict, opts: dict) -> bytes:
        if self._kaleido is None:
            self._start()
        job = self._kaleido.calc_fig(fig_dict, opts=opts, topojson=TOPOJSON)
        return asyncio.run_coroutine_threadsafe(job, self._loop).result(RENDER_TIMEOUT)

    def render(self, fig_dict: dict, opts: dict) -> bytes:
        with self._lock:
            try:
                return self._render_once(fig_dict, opts)
            except Exception as exc:  # noqa: BLE001 — restart the browser, try once more
                log.warning("chart export failed (%s: %s); restarting the browser",
                            type(exc).__name__, exc)
                self._stop()
                return self._render_once(fig_dict, opts)

    def close(self) -> None:
        with self._lock:
            self._stop()


_renderer = Renderer()


def _plot_height(fig: go.Figure, height: int) -> float:
    margin = fig.layout.margin
    top = 100 if margin.t is None else margin.t
    bottom = 80 if margin.b is None else margin.b
    return max(height - top - bottom, 1.0)


def _nonzero(trace: go.Bar) -> go.Bar:
    y = np.asarray(trace.y, dtype=float)
    keep = np.isfinite(y) & (y != 0)
    thinned = go.Bar(trace)
    thinned.x = [x for x, k in zip(trace.x, keep) if k]
    thinned.y = y[keep]
    for name in ("customdata", "text", "hovertext"):  # per-point arrays follow their points
        value = getattr(trace, name)
        if value is not None and not isinstance(value, str) and len(value) == len(keep):
            setattr(thinned, name, [v for v, k in zip(value, keep) if k])
    return thinned


def thin_stacked_bars(fig: go.Figure, height: int) -> go.Figure:
    """The figure with what an image of ``height`` pixels cannot show left out of its nodes.

    Only for stacked bars (``barmode`` stack/relative). Zero-height and missing bars are
    dropped (they draw nothing). With more than ``THIN_ABOVE`` bar series, the series whose
    largest bar is under one pixel are replaced by one series of their sums, named "N other
    series (each under 1 px)"; the stacks keep their exact totals."""
    if fig.layout.barmode not in ("stack", "relative"):
        return fig
    bars = [t for t in fig.data if t.type == "bar" and t.orientation in (None, "v")
            and t.x is not None and t.y is not None]
    if not bars:
        return fig
    values = [np.nan_to_num(np.asarray(t.y, dtype=float)) for t in bars]
    small: set[int] = set()
    if len(bars) > THIN_ABOVE:
        totals: dict = {}
        for t, y in zip(bars, values):
            for x, v in zip(t.x, y):
                totals[x] = totals.get(x, 0.0) + max(v, 0.0)
        one_px = max(totals.values(), default=0.0) / _plot_height(fig, height)
        small = {i for i, y in enumerate(values) if np.abs(y).max(initial=0.0) < one_px}
        if len(small) < 2:  # nothing to merge
            small = set()
    data = [_nonzero(t) for i, t in enumerate(bars) if i not in small]
    if small:
        summed: dict = {}
        for i in sorted(small):
            for x, v in zip(bars[i].x, values[i]):
                if v:
                    summed[x] = summed.get(x, 0.0) + v
        data.append(go.Bar(x=list(summed), y=list(summed.values()),
                           name=f"{len(small)} other series (each under 1 px)",
                           marker=dict(color="#bbbbbb"), showlegend=True))
    data += [t for t in fig.data if all(t is not b for b in bars)]
    return go.Figure(data=data, layout=fig.layout)


def image_bytes(fig: go.Figure, fmt: str, *, width: int = WIDTH) -> bytes:
    """The figure as ``png`` (2× scale) or ``svg``, at the figure's own height."""
    if fmt not in ("png", "svg"):
        raise ValueError(f"image format must be png or svg, not {fmt!r}")
    height = int(fig.layout.height or 600)
    opts = {"format": fmt, "width": width, "height": height, "scale": 2 if fmt == "png" else 1}
    return _renderer.render(thin_stacked_bars(fig, height).to_plotly_json(), opts)
