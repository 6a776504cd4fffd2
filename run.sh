#!/usr/bin/env bash
# Install DreamLab into ./.venv (first time: a few minutes) and start it at http://localhost:8501
# On Linux without an NVIDIA GPU it installs the CPU-only torch build when the PyTorch CPU index
# answers, PyPI's otherwise, and says which (deploy/install.py; DREAMLAB_TORCH=cpu|pypi to choose).
set -euo pipefail
cd "$(dirname "$0")"
[ -x .venv/bin/python ] || "${PYTHON:-python3}" -m venv .venv
.venv/bin/python deploy/install.py
exec .venv/bin/python -m streamlit run app.py "$@"
