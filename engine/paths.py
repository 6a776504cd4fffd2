"""Where DreamLab's own pictures live: ``assets/`` beside the packages in a checkout, or
``engine/assets/`` inside an installed wheel (pyproject.toml maps the folder there)."""
from pathlib import Path

_HERE = Path(__file__).resolve().parent
ASSETS_DIR = _HERE / "assets" if (_HERE / "assets").is_dir() else _HERE.parent / "assets"
