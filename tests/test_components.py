"""DreamLab's own components keep their script and style in files (dreamlab/studio/components/<name>/),
not in Python strings; each studio module reads its folder at import."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from dreamlab.studio.components import HERE, frontend

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = sorted(p.name for p in HERE.iterdir() if p.is_dir() and p.name != "__pycache__")


@pytest.mark.parametrize("name", FOLDERS)
def test_each_component_folder_holds_a_script_or_a_style_and_is_used(name):
    files = frontend(name)
    if "js" in files:
        assert files["js"].lstrip().startswith("export default function")  # what st.components.v2 runs
    users = [p for p in [*(ROOT / "dreamlab").rglob("*.py"), ROOT / "app.py"] if f'frontend("{name}")' in p.read_text()]
    assert users, f"no module loads components/{name}"


def test_a_missing_folder_is_a_clear_error():
    with pytest.raises(FileNotFoundError, match="no index.js or style.css"):
        frontend("no_such_component")


def test_no_javascript_or_css_left_in_python_strings():
    code = [*(ROOT / "dreamlab").rglob("*.py"), *(ROOT / "app_pages").glob("*.py"), ROOT / "app.py"]
    # a script, or a line of CSS rules (a selector, then "{ property: value;"); the job panel's one line that
    # hands the theme's colour to its style file is neither
    marks = re.compile(r"export default function|<script|^\s*(?:[.#\[]|div\b)[^\n{]*\{\s*[\w-]+\s*:[^\n]*;",
                       re.MULTILINE)
    found = {str(p.relative_to(ROOT)): marks.findall(p.read_text()) for p in code}
    assert {p: hits for p, hits in found.items() if hits} == {}
