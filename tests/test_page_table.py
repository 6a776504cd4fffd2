"""The one page table (dreamlab/pages.py) is what the sidebar, the Home cards, the history and the README
show, in one order."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from dreamlab.pages import HOME, PAGES, RESULT_PAGES, WORK_PAGES

ROOT = Path(__file__).resolve().parent.parent


def readme_page_rows() -> list[str]:
    """The page names in the first column of the README's "What you can do" table, top to bottom."""
    section = (ROOT / "README.md").read_text().split("## What you can do", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| \*\*(.+?)\*\* \|", section, flags=re.MULTILINE)


def test_every_page_file_exists_and_each_address_is_its_own():
    for page in PAGES:
        assert (ROOT / page.file).is_file(), page.file
    assert len({page.url_path for page in PAGES}) == len(PAGES)
    assert PAGES[0] is HOME and HOME not in WORK_PAGES


def test_the_readme_lists_the_pages_in_the_sidebars_order():
    assert readme_page_rows() == [page.title for page in WORK_PAGES]


def test_the_sidebar_and_the_home_cards_follow_the_table():
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception, at.exception
    assert [card.value for card in at.subheader] == [page.title for page in WORK_PAGES]
    assert [link.label for link in at.get("page_link")] == [f"Open {page.title}" for page in WORK_PAGES]
    assert [link.proto.page.rsplit("/", 1)[-1] for link in at.get("page_link")] == \
        [page.url_path for page in WORK_PAGES]


def test_history_reopens_each_result_kind_on_its_own_page():
    from dreamlab.studio import history
    assert history.PAGES is RESULT_PAGES
    assert {kind: page.url_path for kind, page in RESULT_PAGES.items()} == {
        "dream": "deep_dream", "filter": "filter_gallery", "style": "style_transfer",
        "palette": "hybrid_palette", "motion": "motion", "live": "live"}
    assert set(history.KIND_PAGES.values()) <= set(RESULT_PAGES)


def test_the_table_imports_neither_streamlit_nor_torch():
    code = "import sys, dreamlab.pages; print(sorted({'streamlit', 'torch'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"
