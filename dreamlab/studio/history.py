"""This session's results, newest first, across all pages: kept in memory only, never on disk.

Every finished (or stopped) job's picture lands here (``dreamlab.studio.runner.keep_result`` adds it). The
sidebar shows them as a strip of thumbnails; clicking one opens it with its before/after, a
download and **Restore these settings**, which puts its settings back into its page.
"""
from __future__ import annotations

import base64
import io
import itertools
import json
import re
import time
import zlib
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Optional

import streamlit as st
from PIL import Image

from dreamlab.studio import persist

HISTORY = "_history"
OPEN = "_history_open"
MAX_ENTRIES = 12
MAX_BYTES = 72_000_000  # all entries together: pictures as RGB (24 megapixels) plus the videos' MP4 bytes
THUMB_SIDE = 96
SHARE_PARAM = "recipe"


@dataclass(frozen=True)
class PageInfo:
    file: str  # for st.switch_page
    url_path: str  # for links
    title: str
    prefix: str  # the page's kept widget keys start with this


PAGES = {
    "dream": PageInfo("app_pages/deep_dream.py", "deep_dream", "Deep Dream", "dream:"),
    "style": PageInfo("app_pages/style_transfer.py", "style_transfer", "Style Transfer", "style"),
    "palette": PageInfo("app_pages/hybrid_palette.py", "hybrid_palette", "Hybrid Palette", "palette:"),
    "filter": PageInfo("app_pages/filter_gallery.py", "filter_gallery", "Filter Gallery", "gallery:"),
    "motion": PageInfo("app_pages/motion.py", "motion", "Motion", "motion"),
    "live": PageInfo("app_pages/live.py", "live", "Live mirror", "live:"),
}
KIND_PAGES = {"zoom": "motion", "video": "motion"}  # job kinds named otherwise than their page
_ids = itertools.count(1)


@dataclass
class Entry:
    page: str  # a key of PAGES
    after: Image.Image
    before: Optional[Image.Image]
    recipe: dict  # the engine's recipe plus "page", "label" and "settings" (the page's kept widgets)
    stopped: bool = False
    video: Optional[bytes] = None  # a Motion result: its MP4 (``after`` is one frame of it)
    id: int = field(default_factory=lambda: next(_ids))
    made: float = field(default_factory=time.time)
    thumb: Image.Image = field(init=False)

    def __post_init__(self):
        self.thumb = self.after.copy()
        self.thumb.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.LANCZOS)

    @property
    def size_bytes(self) -> int:
        pixels = self.after.width * self.after.height + (self.before.width * self.before.height if self.before else 0)
        return 3 * pixels + len(self.video or b"")

    @property
    def title(self) -> str:
        what = PAGES[self.page].title
        label = self.recipe.get("label")
        seed = self.recipe.get("seed")
        parts = [what] + ([label] if label else []) + ([f"seed {seed}"] if seed is not None else [])
        return " · ".join(parts) + (" (stopped)" if self.stopped else "")


def entries() -> list[Entry]:
    return st.session_state.setdefault(HISTORY, [])


def add(page: str, after: Image.Image, before: Optional[Image.Image], recipe: dict, stopped: bool = False,
        video: Optional[bytes] = None) -> Entry:
    """Keep a result; the oldest go once there are more than MAX_ENTRIES or MAX_BYTES."""
    entry = Entry(page, after, before, recipe, stopped, video)
    kept = entries()
    kept.insert(0, entry)
    while len(kept) > 1 and (len(kept) > MAX_ENTRIES or sum(e.size_bytes for e in kept) > MAX_BYTES):
        gone = kept.pop()
        st.session_state.get("_history_thumbs", {}).pop(gone.id, None)
    return entry


def find(entry_id: int) -> Optional[Entry]:
    return next((e for e in entries() if e.id == entry_id), None)


# --- names and links ---------------------------------------------------------------------------

def _slug(text: Any) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")[:40]


def filename(recipe: dict, extension: str = "png") -> str:
    """dreamlab-deep-dream-classic-seed7.png: the page, the preset (or what stands for it), the seed."""
    page = PAGES.get(recipe.get("page", ""))
    parts = ["dreamlab", _slug(page.title if page else recipe.get("kind", "picture"))]
    if recipe.get("label"):
        parts.append(_slug(recipe["label"]))
    if recipe.get("seed") is not None:
        parts.append(f"seed{recipe['seed']}")
    return "-".join(p for p in parts if p) + f".{extension}"


def share_token(recipe: dict) -> str:
    """The page and its settings, compressed into one URL-safe query value."""
    data = json.dumps({"page": recipe.get("page"), "settings": recipe.get("settings", {})},
                      separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(zlib.compress(data, 9)).decode().rstrip("=")


def read_share_token(token: str) -> Optional[dict]:
    """The {"page", "settings"} of a link, or None for anything that is not one of ours."""
    try:
        raw = zlib.decompress(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)), bufsize=65536)
        data = json.loads(raw)
    except Exception:
        return None
    if not isinstance(data, dict) or data.get("page") not in PAGES or not isinstance(data.get("settings"), dict):
        return None
    return data


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


# --- restoring ---------------------------------------------------------------------------------

def restorable(recipe: dict) -> bool:
    return recipe.get("page") in PAGES and isinstance(recipe.get("settings"), dict) and bool(recipe["settings"])


def restore(recipe: dict, photo: Optional[Image.Image] = None, via: str = "history") -> None:
    """Put a recipe's settings (and, when given, the photo it was made from) back into its page and
    open it. Call from a button's on_click (before any widget of the next run exists).

    ``via`` says where the recipe came from ("history", "link" or "picture"): a link or a PNG
    carries settings only, so a result made from the person's own photo says to upload it again."""
    from dreamlab.studio.inputs import forget_photo_values, restored_photo_values
    page = PAGES[recipe["page"]]
    st.session_state.pop(f"{page.prefix.rstrip(':')}:missing", None)  # a note from an earlier restore
    if photo is not None:
        extra = restored_photo_values(page.prefix, photo, recipe)
        missing = []
    else:
        extra, missing = forget_photo_values(page.prefix, recipe, _CARRIER.get(via, "the link"))
    persist.request_restore(recipe["settings"], page.prefix, extra)
    st.session_state["_restore_goto"] = page.file
    if missing:
        one = missing == ["photo"]
        st.session_state["_restore_note"] = (f"Settings restored. Your own {' and '.join(missing)} "
                                             f"{'was' if one else 'were'} not part of {_CARRIER.get(via, 'the link')}: "
                                             f"upload {'it' if one else 'them'} again.")
    else:
        st.session_state["_restore_note"] = "The settings of that picture are back. Press the button to make it again."


_CARRIER = {"link": "the link", "picture": "the picture's recipe", "history": "the history"}


def restore_from_link() -> None:
    """A shared link (?recipe=...) restores its settings once, then the address is cleaned."""
    token = st.query_params.get(SHARE_PARAM)
    if not token:
        return
    del st.query_params[SHARE_PARAM]
    data = read_share_token(token)
    if data is None:
        st.session_state["_restore_note"] = "That link's settings could not be read; here are the usual ones."
        return
    restore(data, via="link")


def goto_restored_page(current) -> None:
    """After a restore, open its page; once it is the page about to run, put the settings back
    (call after st.navigation with the page it returned, before page.run()). Applying them only
    then matters: values written in a run that ends by switching pages do not reach the widgets."""
    target = st.session_state.get("_restore_goto")
    if target and not (current.url_path and str(target).endswith(f"/{current.url_path}.py")):
        st.switch_page(target)
    st.session_state.pop("_restore_goto", None)
    persist.carry_over()


def show_restore_note() -> None:
    note = st.session_state.pop("_restore_note", None)
    if note:
        st.toast(note, icon=":material/history:")


# --- the strip ---------------------------------------------------------------------------------

STRIP_CSS = """
.dl-history { display: grid; grid-template-columns: repeat(3, 1fr); gap: 6px; }
.dl-history button { padding: 0; border: 2px solid transparent; border-radius: 6px; background: none;
  cursor: pointer; line-height: 0; aspect-ratio: 1; overflow: hidden; position: relative; }
.dl-history button:hover, .dl-history button:focus { border-color: var(--st-primary-color, #7C3AED); }
.dl-history img { width: 100%; height: 100%; object-fit: cover; }
.dl-history .dl-stopped { position: absolute; bottom: 2px; right: 2px; background: rgba(0,0,0,.6); color: white;
  font: 10px/1.2 sans-serif; padding: 1px 3px; border-radius: 3px; }
"""
STRIP_JS = """
export default function(component) {
  const { data, parentElement, setTriggerValue } = component;
  let root = parentElement.querySelector('.dl-history');
  if (!root) {
    root = document.createElement('div');
    root.className = 'dl-history';
    parentElement.appendChild(root);
  }
  root.replaceChildren(...data.items.map((item) => {
    const button = document.createElement('button');
    button.dataset.id = item.id;
    button.title = item.title;
    button.setAttribute('aria-label', item.title);
    const img = document.createElement('img');
    img.src = item.src;
    img.alt = item.title;
    button.appendChild(img);
    if (item.stopped) {
      const badge = document.createElement('span');
      badge.className = 'dl-stopped';
      badge.textContent = 'stopped';
      button.appendChild(badge);
    }
    button.onclick = () => setTriggerValue('opened', item.id);
    return button;
  }));
}
"""
_strip = st.components.v2.component("dreamlab_history", css=STRIP_CSS, js=STRIP_JS)


def _thumb_url(entry: Entry) -> str:
    cache = st.session_state.setdefault("_history_thumbs", {})
    if entry.id not in cache:
        buffer = io.BytesIO()
        entry.thumb.save(buffer, format="JPEG", quality=85)
        cache[entry.id] = "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
    return cache[entry.id]


def _on_open(key: str) -> None:
    value = st.session_state.get(key)
    opened = value.get("opened") if isinstance(value, dict) else getattr(value, "opened", None)
    if opened is not None:
        st.session_state[OPEN] = int(opened)


def _newest_id() -> int:
    kept = entries()
    return kept[0].id if kept else 0


def sidebar_strip(where) -> int:
    """The strip of this session's results in ``where`` (an st.empty in the sidebar); opens one in a
    dialog when clicked. Returns the newest entry's id, so the caller can redraw after a new result.

    It is drawn before the page runs, so a click while a page is still running is never lost,
    and drawn again after the page when the page added a result (a new key: a fresh strip)."""
    kept = entries()
    newest = _newest_id()
    with where.container():
        st.markdown("**Your pictures**")
        if not kept:
            st.caption("Everything you make in this session appears here, newest first.")
        else:
            st.caption("Newest first. Click one to compare, download or restore its settings. "
                       "Kept until you close the tab.")
            items = [{"id": e.id, "title": e.title, "src": _thumb_url(e), "stopped": e.stopped} for e in kept]
            key = f"history:strip:{newest}"
            _strip(key=key, data={"items": items}, on_opened_change=partial(_on_open, key))
    opened = st.session_state.pop(OPEN, None)
    entry = find(opened) if opened is not None else None
    if entry is not None:
        _entry_dialog(entry)
    return newest


def redraw_if_new(where, drawn: int) -> None:
    """After the page ran: show the strip again if the page added a result."""
    if _newest_id() != drawn:
        sidebar_strip(where)


@st.dialog("From your session", width="large")
def _entry_dialog(entry: Entry) -> None:
    from dreamlab.studio.results import show_actions, show_picture
    picture, actions = st.columns([3, 2])
    with picture:
        if entry.video is not None:
            st.video(entry.video, format="video/mp4", loop=True, autoplay=True, muted=True)
        else:
            show_picture(entry.before, entry.after, key=f"history:{entry.id}")
    with actions:
        st.markdown(f"**{entry.title}**")
        if entry.video is not None:
            st.download_button("Download MP4", data=entry.video, file_name=filename(entry.recipe, "mp4"),
                               mime="video/mp4", key=f"history:{entry.id}:mp4", icon=":material/movie:",
                               type="primary")
        else:
            show_actions(entry.after, entry.recipe, key=f"history:{entry.id}")
        if restorable(entry.recipe):
            if st.button("Restore these settings", icon=":material/settings_backup_restore:",
                         key=f"history:restore:{entry.id}", on_click=restore, args=(entry.recipe, entry.before),
                         help=f"Open {PAGES[entry.page].title} with the settings (and photo) this was made with."):
                st.rerun()  # the whole app, not only this dialog: the page opens with the settings
