"""The one table of DreamLab's pages, in the sidebar's order.

app.py's navigation, the Home page's cards, the session's history (which page a result reopens) and
the README's page table (tests/test_page_table.py) all read this list, so they cannot drift apart.
Plain data: no Streamlit, no torch, so the server, the CLI and the tests can read it cheaply.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Optional


@dataclass(frozen=True)
class Page:
    title: str
    icon: str  # a Streamlit icon: ":material/<name>:"
    file: str  # relative to the repository root (app.py's folder): for st.Page and st.switch_page
    description: str  # one line, for the Home card
    kind: Optional[str] = None  # the result kind its recipes carry ("page" in history, links, PNGs)
    prefix: str = ""  # the page's kept widget keys start with this

    @property
    def url_path(self) -> str:
        """The address Streamlit gives the page: its file's name without .py (Home is the root)."""
        return PurePosixPath(self.file).stem


HOME = Page("Home", ":material/home:", "app_pages/home.py", "What DreamLab does, and a card for each page.")

PAGES: tuple[Page, ...] = (
    HOME,
    Page("Deep Dream", ":material/cloud:", "app_pages/deep_dream.py",
         "The network looks at your photo and paints more of whatever it sees: strokes, spirals, eyes, creatures.",
         kind="dream", prefix="dream:"),
    Page("Filter Gallery", ":material/grid_view:", "app_pages/filter_gallery.py",
         "See what each of the network's filters is looking for, from simple edges to strange objects.",
         kind="filter", prefix="gallery:"),
    Page("Style Transfer", ":material/brush:", "app_pages/style_transfer.py",
         "Paint your photo in the manner of a painting.",
         kind="style", prefix="style"),
    Page("Hybrid Palette", ":material/palette:", "app_pages/hybrid_palette.py",
         "Use the network's filters as a painter's palette: mix a few and paint with them.",
         kind="palette", prefix="palette:"),
    Page("Motion", ":material/movie:", "app_pages/motion.py",
         "Fall endlessly into a dream with a zoom journey, or dream a short video clip frame by frame.",
         kind="motion", prefix="motion"),
    Page("Live mirror", ":material/videocam:", "app_pages/live.py",
         "Your camera, dreamed in real time: hold still and watch the dream grow.",
         kind="live", prefix="live:"),
)

WORK_PAGES = tuple(page for page in PAGES if page is not HOME)  # the pages Home has a card for
RESULT_PAGES = {page.kind: page for page in PAGES if page.kind}  # a recipe's "page" -> the page it reopens
