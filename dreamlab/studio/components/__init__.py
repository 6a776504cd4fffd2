"""The browser side of DreamLab's own Streamlit components, one folder each: ``index.js`` (the
component's script) and ``style.css``. ``st.components.v2.component`` takes them as text, so each
studio module reads its folder once, at import. The wheel carries these files (pyproject's
package-data). No Streamlit here: reading files needs none."""
from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
KINDS = {"js": "index.js", "css": "style.css"}


def frontend(name: str) -> dict[str, str]:
    """``{"js": ..., "css": ...}`` from ``components/<name>/``, as far as the folder has them."""
    found = {kind: (HERE / name / file).read_text(encoding="utf-8")
             for kind, file in KINDS.items() if (HERE / name / file).is_file()}
    if not found:
        raise FileNotFoundError(f"no index.js or style.css in {HERE / name}")
    return found
