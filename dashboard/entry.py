"""Every page runs inside app.py's navigation, also when a link opens it first.

Streamlit treats an app that has a ``pages/`` folder as an old-style multipage app until the
main script has called ``st.navigation`` once in the process: the first session on a new server
that opens a deep link (``/arrivals``) would run that page on its own, without app.py — no
warehouse check and the navigation shown as raw file names. A page calls :func:`through_app`
first; in that one case it switches the process to app.py's navigation and reruns, which keeps
the page and its link values.
"""
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def through_app() -> None:
    """Rerun through app.py if this page was started by the ``pages/`` folder fallback."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
