"""Server-side PNG and SVG of a figure, title and footer included (they are in the figure).

Plotly's kaleido (1.x) drives a headless Chromium; the project installs Debian's chromium
(``.ci/run``, README). Where no browser is found, pages fall back to Plotly's client-side
export (the camera button), which renders the same figure with the same title and footer.
"""
from __future__ import annotations

import shutil
from functools import cache

import plotly.graph_objects as go
import plotly.io as pio

WIDTH = 1200
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chrome")


@cache
def available() -> bool:
    """True if kaleido and a Chromium it can drive are installed."""
    try:
        import kaleido  # noqa: F401
    except ImportError:
        return False
    return any(shutil.which(b) for b in BROWSERS)


def image_bytes(fig: go.Figure, fmt: str, *, width: int = WIDTH) -> bytes:
    """The figure as ``png`` (2× scale) or ``svg``, at the figure's own height."""
    if fmt not in ("png", "svg"):
        raise ValueError(f"image format must be png or svg, not {fmt!r}")
    height = int(fig.layout.height or 600)
    return pio.to_image(fig, format=fmt, width=width, height=height,
                        scale=2 if fmt == "png" else 1)
