"""Streamlit Community Cloud's entrypoint: "Main file path" deploy/community_cloud/streamlit_app.py.

It exists for the requirements.txt beside it, which Community Cloud installs instead of the root
one: the CPU-only torch build, pinned (see docs/deploy.md). The app itself is the root app.py.
"""
import runpy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Streamlit puts only this file's folder on sys.path; DreamLab's packages live at the root.
sys.path.insert(0, str(ROOT))
runpy.run_path(str(ROOT / "app.py"), run_name="__main__")
