"""A result's recipe as names and links: which page made it (the page table's entries that recipes
name), its download's file name, the share link of its settings, and whether it can be restored.
Below history, inputs and results, which all use it (so none of them imports another in a circle)."""
from __future__ import annotations

import base64
import json
import re
import time
import zlib
from datetime import datetime, timezone, tzinfo
from typing import Any, Optional
from zoneinfo import ZoneInfo

import streamlit as st

from dreamlab.pages import RESULT_PAGES
from dreamlab.settings.reader import read_link

SHARE_PARAM = "recipe"


PAGES = RESULT_PAGES  # a recipe's "page" (its result kind) -> its row of the page table


def _slug(text: Any) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")[:40]


_FILE_ENDING = re.compile(r"\.(jpe?g|png|webp|gif|tiff?|bmp|mp4|mov|webm)\b", re.IGNORECASE)


_STAMP = re.compile(r"\d{8}-\d{6}(-\d{1,4})?")
MADE = "made"  # a result's recipe: when it was made, '20261203-091205' (see made_stamp)
_LAST_STAMP = "_made:last"


def made_stamp(now: Optional[float] = None) -> str:
    """When a result was made, in the visitor's own time where the browser tells it (else UTC), to the
    second: '20261203-091205'. Unique in the session: a second result within the same second gets
    '-2', '-3'..., so two results of identical settings never share a download name."""
    moment = datetime.fromtimestamp(time.time() if now is None else now, tz=_visitor_zone())
    stamp = moment.strftime("%Y%m%d-%H%M%S")
    last = st.session_state.get(_LAST_STAMP)
    if isinstance(last, tuple) and last[0] == stamp:
        count = last[1] + 1
        st.session_state[_LAST_STAMP] = (stamp, count)
        return f"{stamp}-{count}"
    st.session_state[_LAST_STAMP] = (stamp, 1)
    return stamp


def _visitor_zone() -> tzinfo:
    """The browser's time zone (a name it sends: untrusted, so anything unknown is UTC)."""
    try:
        name = st.context.timezone
        return ZoneInfo(name) if isinstance(name, str) and 0 < len(name) < 64 else timezone.utc
    except Exception:  # no browser (AppTest, the command line), or a name no zone has
        return timezone.utc


def filename(recipe: dict, extension: str = "png") -> str:
    """dreamlab-deep-dream-classic-small-seed7-20261203-091205.png: the page, the preset (or what stands
    for it), the size, the seed and when it was made, so no two results share a name, not even two of
    identical settings. An uploaded file's own ending ("cat.jpg") is left out of the words (no "-jpg"
    in the middle of a name)."""
    page = PAGES.get(recipe.get("page", ""))
    parts = ["dreamlab", _slug(page.title if page else recipe.get("kind", "picture"))]
    if recipe.get("label"):
        parts.append(_slug(_FILE_ENDING.sub("", str(recipe["label"]))))
    if recipe.get("size_label"):
        parts.append(_slug(str(recipe["size_label"]).split("(")[0]))
    if recipe.get("seed") is not None:
        parts.append(f"seed{recipe['seed']}")
    made = recipe.get(MADE)
    if isinstance(made, str) and _STAMP.fullmatch(made):
        parts.append(made)
    return "-".join(p for p in parts if p) + f".{extension}"


def share_token(recipe: dict) -> str:
    """The page and its settings, compressed into one URL-safe query value."""
    data = json.dumps({"page": recipe.get("page"), "settings": recipe.get("settings", {})},
                      separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(zlib.compress(data, 9)).decode().rstrip("=")


def read_share_token(token: str) -> Optional[dict]:
    """The {"page", "settings"} of a link, or None for anything that is not one of ours."""
    data = read_link(token).data
    return data if data is not None and data["page"] in PAGES else None


def share_link(recipe: dict) -> Optional[str]:
    """A link that opens the result's page with its settings (None outside a browser session)."""
    page = PAGES.get(recipe.get("page", ""))
    url = st.context.url
    if page is None or not url:
        return None
    base = url.split("?")[0].rstrip("/")
    for info in PAGES.values():
        if base.endswith("/" + info.url_path):
            base = base[: -len(info.url_path) - 1]
            break
    return f"{base}/{page.url_path}?{SHARE_PARAM}={share_token(recipe)}"


def restorable(recipe: dict) -> bool:
    return isinstance(recipe, dict) and isinstance(recipe.get("page"), str) and recipe["page"] in PAGES \
        and isinstance(recipe.get("settings"), dict) and bool(recipe["settings"])
