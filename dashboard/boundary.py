"""The app's one error boundary: a page that fails shows a plain message, never a traceback.

``app.py`` runs every page inside :func:`page_guard`. An exception a page did not handle is
logged in full (logger ``migflows.pages``, with the page's name) and the user sees what went
wrong in plain words and what to do — no file paths, SQL or stack. Streamlit's own control
flow (``st.stop``, ``st.rerun``, page switches) derives from BaseException and passes through.
"""
from __future__ import annotations

import contextlib
import logging

import duckdb
import streamlit as st

from core import warehouse

log = logging.getLogger("migflows.pages")


def message(exc: BaseException) -> str:
    """What to tell the user about ``exc``: what happened and what to do."""
    if isinstance(exc, warehouse.WarehouseBusy):
        return ("The data cannot be read right now: another program holds the warehouse "
                "for writing (a running `python -m etl` command, or a DuckDB session opened "
                "on data/warehouse.duckdb). Wait until it ends, then reload the page.")
    if isinstance(exc, FileNotFoundError):
        return ("A file this page needs is missing (the warehouse may have been removed). Run "
                "`python -m etl build`, then reload the page.")
    if isinstance(exc, duckdb.Error):
        return ("This page could not read the data it needs from the warehouse (it may be "
                "from an older build). Run `python -m etl build --force`, then reload the "
                "page; if it stays, report the page and the link you used.")
    if isinstance(exc, MemoryError):
        return "This page ran out of memory. Choose a smaller selection and reload."
    return ("This page could not be drawn with these choices. Go back to the page's defaults "
            "(open it from the menu on the left) or change a choice; if it stays, report the "
            "page and the link you used.")


@contextlib.contextmanager
def page_guard(name: str):
    """Run a page; an error becomes a message on the page and a log line with the stack."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001  (the boundary: nothing reaches the user raw)
        log.error("page %r failed: %s: %s", name, type(exc).__name__, exc, exc_info=True)
        st.error(message(exc), icon=":material/warning:")
