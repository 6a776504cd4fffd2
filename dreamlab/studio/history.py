"""This visitor's results, newest first, across all pages: in memory, and on disk under the visitor's
id (``session_store``, ``visitor``) so a reload keeps them; within ``session_store``'s bounds.

Every finished (or stopped) job's picture lands here (``dreamlab.studio.runner.keep_result`` adds it). The
sidebar shows them as a strip of thumbnails; clicking one opens it with its before/after, a
download and **Restore these settings**, which puts its settings back into its page.
"""
from __future__ import annotations

import base64
import io
import itertools
import time
from dataclasses import dataclass, field
from functools import partial
from typing import Optional

import streamlit as st
from PIL import Image

from dreamlab.studio import page_state, persist, session_store
from dreamlab.studio.components import frontend
from dreamlab.studio.photo_restore import forget_photo_values, restored_photo_values
from dreamlab.settings.reader import read_link
from dreamlab.studio.recipes import MADE, PAGES, SHARE_PARAM, filename, made_stamp, restorable
from dreamlab.studio.results import show_actions, show_native, show_picture
from dreamlab.studio.visitor import visitor_id

HISTORY = "_history"
OPEN = "_history_open"
LOADED = "_history_loaded"
MAX_ENTRIES = session_store.MAX_PICTURES
MAX_BYTES = session_store.MAX_BYTES  # in memory: pictures as RGB plus the videos' MP4 bytes
THUMB_SIDE = 96
BOUND_WORDS = session_store.BOUND_WORDS


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
    folder: Optional[object] = None  # where it is kept on disk (None: not kept there)
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
    """This visitor's results; at a session's first call, the ones kept on disk (after a reload)."""
    if not st.session_state.get(LOADED):
        st.session_state[LOADED] = True
        session_store.sweep()
        kept = st.session_state.setdefault(HISTORY, [])
        known = {str(e.folder) for e in kept if e.folder is not None}
        for stored in session_store.load(visitor_id()):
            if str(stored.folder) not in known:
                kept.append(Entry(stored.page, stored.after, stored.before, stored.recipe, stored.stopped,
                                  stored.video, made=stored.made, folder=stored.folder))
        kept.sort(key=lambda e: e.made, reverse=True)
    return st.session_state.setdefault(HISTORY, [])


def clear() -> None:
    """Forget all of this visitor's pictures, in memory and on disk (the "Clear my pictures" button)."""
    session_store.clear(visitor_id())
    st.session_state[HISTORY] = []
    st.session_state.pop("_history_thumbs", None)


def add(page: str, after: Image.Image, before: Optional[Image.Image], recipe: dict, stopped: bool = False,
        video: Optional[bytes] = None) -> Entry:
    """Keep a result; the oldest go once there are more than MAX_ENTRIES or MAX_BYTES."""
    if not recipe.get(MADE):  # when it was made: its download's name is its own (the runner's results have it)
        recipe = {**recipe, MADE: made_stamp()}
    entry = Entry(page, after, before, recipe, stopped, video)
    kept = entries()
    entry.folder = session_store.save(visitor_id(), entry.id, entry.made, page, after, before, recipe, stopped,
                                      video)
    kept.insert(0, entry)
    while len(kept) > 1 and (len(kept) > MAX_ENTRIES or sum(e.size_bytes for e in kept) > MAX_BYTES):
        gone = kept.pop()
        st.session_state.get("_history_thumbs", {}).pop(gone.id, None)
    return entry


def find(entry_id: int) -> Optional[Entry]:
    return next((e for e in entries() if e.id == entry_id), None)


# --- restoring ---------------------------------------------------------------------------------

def restore(recipe: dict, photo: Optional[Image.Image] = None, via: str = "history") -> None:
    """Put a recipe's settings (and, when given, the photo it was made from) back into its page and
    open it. Call from a button's on_click (before any widget of the next run exists).

    The settings go through the page's settings models (``page_state.restore_values``): validated,
    then assigned once at the start of the next run. ``via`` says where the recipe came from
    ("history", "link" or "picture"): a link or a PNG carries settings only, so a result made from
    the person's own photo says to upload it again."""
    carrier = _CARRIER.get(via, "the link")
    page = PAGES[recipe["page"]]
    settings = recipe.get("settings") if isinstance(recipe.get("settings"), dict) else {}
    values, notes = page_state.restore_values(recipe["page"], page.prefix, settings, carrier)
    st.session_state.pop(f"{page.prefix.rstrip(':')}:missing", None)  # a note from an earlier restore
    if photo is not None:
        extra = restored_photo_values(page.prefix, photo, {"settings": values})
        missing = []
    else:
        extra, missing = forget_photo_values(page.prefix, {"settings": settings}, carrier)
    persist.request_restore(values, extra)
    st.session_state["_restore_goto"] = page.file
    if missing:
        one = missing == ["photo"]
        note = (f"Settings restored. Your own {' and '.join(missing)} {'was' if one else 'were'} not part of "
                f"{carrier}: upload {'it' if one else 'them'} again.")
    else:
        note = "The settings of that picture are back. Press the button to make it again."
    st.session_state["_restore_note"] = [note, *notes]


_CARRIER = {"link": "the link", "picture": "the picture's recipe", "history": "the history"}


def restore_from_link() -> None:
    """A shared link (?recipe=...) restores its settings once, then the address is cleaned. A link
    that cannot be read (too long, not JSON, not ours) says so in one sentence."""
    token = st.query_params.get(SHARE_PARAM)
    if not token:
        return
    del st.query_params[SHARE_PARAM]
    unpacked = read_link(token)
    if unpacked.data is None or unpacked.data["page"] not in PAGES:
        st.session_state["_restore_note"] = [unpacked.refused or
                                             "That link's settings are not DreamLab's, so the usual ones are used."]
        return
    restore(unpacked.data, via="link")


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
    """The notes of the last restore (what came back, what was clamped or dropped), as toasts."""
    notes = st.session_state.pop("_restore_note", None)
    for note in [notes] if isinstance(notes, str) else notes or []:
        st.toast(note, icon=":material/history:")


# --- the strip ---------------------------------------------------------------------------------

_strip = st.components.v2.component("dreamlab_history", **frontend("history_strip"))


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
            st.caption(f"Everything you make appears here, newest first: {BOUND_WORDS}.")
        else:
            st.caption(f"Newest first. Click one to compare, download or restore its settings. "
                       f"Kept for you alone, even after a reload: {BOUND_WORDS}.")
            items = [{"id": e.id, "title": e.title, "src": _thumb_url(e), "stopped": e.stopped} for e in kept]
            key = f"history:strip:{newest}"
            _strip(key=key, data={"items": items}, on_opened_change=partial(_on_open, key))
            _clear_button(f"sidebar:{newest}")  # drawn again after a new result: a key of its own
    opened = st.session_state.pop(OPEN, None)
    entry = find(opened) if opened is not None else None
    if entry is not None:
        _entry_dialog(entry)
    return newest


def _clear_button(where: str) -> None:
    st.button("Clear my pictures", key=f"history:clear:{where}", on_click=clear, icon=":material/delete:",
              help="Delete every picture in this list, here and on the server.")


def page_section() -> None:
    """"Your pictures" at the foot of every page (reachable on a phone, where the sidebar is closed):
    the newest picture, the strip of all of them, the bound, and "Clear my pictures"."""
    kept = entries()
    with st.expander(f"Your pictures ({len(kept)})", expanded=bool(kept), icon=":material/photo_library:"):
        if not kept:
            st.caption(f"Everything you make appears here, newest first: {BOUND_WORDS}.")
            return
        newest = kept[0]
        st.caption(f"Your last picture: {newest.title}")
        if newest.video is not None:
            st.video(newest.video, format="video/mp4", loop=True, autoplay=True, muted=True)
        else:
            show_native(newest.after, key=f"history:newest:{newest.id}")
        st.caption(f"Click one to compare, download or restore its settings. Kept for you alone, even after "
                   f"a reload: {BOUND_WORDS}.")
        items = [{"id": e.id, "title": e.title, "src": _thumb_url(e), "stopped": e.stopped} for e in kept]
        key = f"history:page-strip:{newest.id}"
        _strip(key=key, data={"items": items, "kind": "dl-pictures"}, on_opened_change=partial(_on_open, key))
        _clear_button("page")


def redraw_if_new(where, drawn: int) -> None:
    """After the page ran: show the strip again if the page added a result."""
    if _newest_id() != drawn:
        sidebar_strip(where)


@st.dialog("From your session", width="large")
def _entry_dialog(entry: Entry) -> None:
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
                               type="primary", on_click="ignore")
        else:
            show_actions(entry.after, entry.recipe, key=f"history:{entry.id}")
        if restorable(entry.recipe):
            if st.button("Restore these settings", icon=":material/settings_backup_restore:",
                         key=f"history:restore:{entry.id}", on_click=restore, args=(entry.recipe, entry.before),
                         help=f"Open {PAGES[entry.page].title} with the settings (and photo) this was made with."):
                st.rerun()  # the whole app, not only this dialog: the page opens with the settings
