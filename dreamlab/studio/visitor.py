"""Who this visitor is, across reloads: a random id (128 bits) in a first-party cookie.

The id is made on the server at a visitor's first run and written into the browser's cookie by a tiny
component; a reload sends it back (``st.context.cookies``). It is never in the address or a share link,
so a copied address never opens someone else's pictures. A cookie that is not a well-formed id is ignored
(a new id is made), so a cookie can never point outside the pictures' folder.
"""
from __future__ import annotations

import secrets
from typing import Optional

import streamlit as st

from dreamlab.studio.components import frontend
from dreamlab.studio.session_store import VISITOR_ID

COOKIE = "dreamlab_visitor"
KEY = "_visitor"

_cookie = st.components.v2.component("dreamlab_visitor", **frontend("visitor_cookie"))


def _from_cookie() -> Optional[str]:
    try:
        value = st.context.cookies.get(COOKIE)
    except Exception:  # outside a browser session (AppTest, bare mode) there are no cookies
        return None
    return value if isinstance(value, str) and VISITOR_ID.match(value) else None


def visitor_id() -> str:
    """This visitor's id (read from the cookie, or made now)."""
    if KEY not in st.session_state:
        st.session_state[KEY] = _from_cookie() or secrets.token_hex(16)
    return st.session_state[KEY]


def remember(where) -> None:
    """Write the id into the browser's cookie (drawn in ``where``, an out-of-the-way container)."""
    with where:
        _cookie(key="visitor-cookie", data={"id": visitor_id()})
