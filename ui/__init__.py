"""Streamlit-side helpers shared by the pages. The engine never imports from here."""
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

# A deep link (say /deep_dream) that is the very first request of a fresh server makes Streamlit
# run that file straight from pages/ (its legacy multipage mode), without app.py's navigation.
# Every page imports this package, so on that first run we switch to app.py's navigation for
# good and run again. (Streamlit would only switch once app.py itself has run.)
if PagesManager.uses_pages_directory and get_script_run_ctx() is not None:
    PagesManager.uses_pages_directory = False
    st.rerun()
