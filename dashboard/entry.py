"""Every page runs inside app.py's navigation, also when a link opens it first.

Streamlit treats an app that has a ``pages/`` folder as an old-style multipage app until the
main script has called ``st.navigation`` once in the process: the first session on a new server
that opens a deep link (``/arrivals``) would run that page on its own, without app.py — no
warehouse check and the navigation shown as raw file names. A page calls :func:`through_app`
first; in that one case it switches the process to app.py's navigation and reruns, which keeps
the page and its link values. A session reruns at most once for this (the test harness, AppTest,
starts every run in the fallback mode; a second rerun there would drop a button's click).
"""
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

_RERUN = "_entry_rerun_through_app"


def through_app() -> None:
    """Rerun through app.py if this page was started by the ``pages/`` folder fallback."""
    if PagesManager.uses_pages_directory and not st.session_state.get(_RERUN):
        st.session_state[_RERUN] = True
        PagesManager.uses_pages_directory = False
        st.rerun()
