#!/usr/bin/env bash
# Install the test tools (pytest, Playwright's Python package, import-linter, Debian's chromium), check the
# import contracts and run every test.
set -euo pipefail
cd "$(dirname "$0")"
[ -x .venv/bin/python ] || "${PYTHON:-python3}" -m venv .venv
.venv/bin/python deploy/install.py --dev
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  elif sudo -n true 2>/dev/null; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "note: browser tests need Debian's chromium (sudo apt-get install chromium); they are skipped" >&2
  fi
fi
# The architecture's rules first (.importlinter: layers, no Streamlit in the engine, the CLI or the jobs, no torch
# in the Streamlit server's code): a broken one fails in a second, before the long test run.
.venv/bin/lint-imports
exec .venv/bin/python -m pytest "$@"
