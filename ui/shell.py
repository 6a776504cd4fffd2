"""Make sure every page runs inside app.py's navigation.

A session whose first request is a deep link (say /deep_dream) to a fresh server can be run by
Streamlit's legacy multipage mode: the file straight from pages/, without app.py. app.py marks
each session it serves; a page that finds no mark switches the process to app.py's navigation
(Streamlit would only do that once app.py itself has run) and runs again, once.
"""
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

SHELL_KEY = "dreamlab:shell"
RETRIED_KEY = "dreamlab:shell-retried"


def mark_app_shell() -> None:
    """Called by app.py on every run."""
    st.session_state[SHELL_KEY] = True


def require_app_shell() -> None:
    """Called first by every page."""
    if st.session_state.get(SHELL_KEY) or st.session_state.get(RETRIED_KEY):
        return
    st.session_state[RETRIED_KEY] = True
    PagesManager.uses_pages_directory = False
    st.rerun()
