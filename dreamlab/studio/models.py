"""Models for the pages: the network picker, and the classics' weights downloaded once with a progress bar
(plain Python, no torch: the networks themselves load only in the jobs)."""
from __future__ import annotations

import streamlit as st

from engine.catalog import MODELS, weights_ready
from engine.network.weights import ModelUnavailable, ensure_weights


def model_ready(name: str) -> bool:
    """Make sure the model's weights are here (downloading them once, with a progress bar) without
    loading it in the app: jobs load models where they run. False after a plain message."""
    if not weights_ready(name):
        bar = st.progress(0.0, text=f"Downloading the {name} network (first use only)…")

        def on_download(done: int, total: int) -> None:
            mb = done / 1e6
            bar.progress(min(done / total, 1.0) if total else 0.0,
                         text=f"Downloading the {name} network: {mb:.0f} of {total / 1e6:.0f} MB")
        try:
            ensure_weights(name, on_download)
        except ModelUnavailable as err:
            bar.empty()
            st.error(str(err))
            return False
        bar.empty()
    return True


def model_picker(key: str, label: str = "Network", on_change=None) -> str:
    """The network to use; kept for the session like every page setting."""
    from dreamlab.studio.persist import kept
    names = list(MODELS)
    return st.selectbox(label, names, **kept(key), format_func=lambda n: MODELS[n].title, on_change=on_change,
                        help="Lite0 is built in and fast. The others download once (50-550 MB) and are slower.")
