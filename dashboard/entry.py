"""Every page runs inside app.py's navigation, also when a link opens it first.

Streamlit treats an app that has a ``pages/`` folder as an old-style multipage app until the
main script has called ``st.navigation`` once in the process: the first session on a new server
that opens a deep link (``/arrivals``) would run that page on its own, without app.py — no
warehouse check and the navigation shown as raw file names. app.py marks the session
(:func:`app_ran`); a page calls :func:`through_app` first, which, in a session app.py has not
run in yet, switches the process to app.py's navigation and reruns, keeping the page and its
link values. Only a session's first run can be such a run, so no widget change is lost.
"""
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

_APP_RAN = "_entry_app_ran"


def app_ran() -> None:
    """Called by app.py on every run: this session has run through the app's navigation."""
    st.session_state[_APP_RAN] = True


def through_app() -> None:
    """Rerun through app.py if this page was started by the ``pages/`` folder fallback."""
    if PagesManager.uses_pages_directory and not st.session_state.get(_APP_RAN):
        PagesManager.uses_pages_directory = False
        st.rerun()
