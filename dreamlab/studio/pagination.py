"""Paging through long lists (a layer's filters): which items are on a page, and the pager widget."""
from __future__ import annotations

import math

import streamlit as st


def page_count(count: int, per_page: int) -> int:
    return max(1, math.ceil(count / per_page))


def page_items(count: int, page: int, per_page: int) -> list[int]:
    """The item numbers on page ``page`` (0-based; clamped to the last page)."""
    page = min(max(page, 0), page_count(count, per_page) - 1)
    return list(range(page * per_page, min(count, (page + 1) * per_page)))


def pager(page_key: str, pages: int, key: str) -> int:
    """Previous · Page i of n · Next. The page (0-based) lives in session state under ``page_key``."""
    page = min(st.session_state.get(page_key, 0), pages - 1)
    prev_col, label_col, next_col = st.columns([1, 2, 1], vertical_alignment="center")
    if prev_col.button("Previous", key=f"{key}:prev", icon=":material/chevron_left:", disabled=page == 0,
                       width="stretch"):
        st.session_state[page_key] = page - 1
        st.rerun()
    label_col.markdown(f"<div style='text-align:center'>Page {page + 1} of {pages}</div>", unsafe_allow_html=True)
    if next_col.button("Next", key=f"{key}:next", icon=":material/chevron_right:", disabled=page >= pages - 1,
                       width="stretch"):
        st.session_state[page_key] = page + 1
        st.rerun()
    return page
