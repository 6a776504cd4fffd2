"""The Streamlit server's process never loads torch (it would hold about 500 MB more on a 2.7 GB machine):
everything app.py and the pages import, every studio and settings module and the job service's client side
are imported in a fresh interpreter, which must end without torch, torchvision or OpenCV. (The
import-linter contracts in .importlinter check the same statically, ./test.sh runs them; this checks what
really happens, app.py included, which is no package.)"""
import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("torch", "torchvision", "cv2")
JOB_CLIENT = ["dreamlab.jobs.queue", "dreamlab.jobs.service", "dreamlab.jobs.spec", "dreamlab.jobs.local",
              "dreamlab.jobs.shared"]


def imported_by(path: Path) -> set[str]:
    """The absolute imports of a file, function-level ones included."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def server_modules() -> list[str]:
    wanted = set(JOB_CLIENT)
    for path in [ROOT / "app.py", *sorted((ROOT / "app_pages").glob("*.py"))]:
        wanted |= imported_by(path)
    for package in ("studio", "settings"):
        folder = ROOT / "dreamlab" / package
        if folder.is_dir():
            wanted |= {f"dreamlab.{package}.{m.name}" for m in pkgutil.iter_modules([str(folder)])}
    return sorted(wanted)


def test_the_server_side_imports_no_torch():
    modules = server_modules()
    assert "dreamlab.studio.history" in modules and "dreamlab.jobs.service" in modules  # the walk found them
    script = ("import importlib, sys\n"
              f"for name in {modules!r}:\n"
              "    importlib.import_module(name)\n"
              f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})[:5])\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]", f"the server's modules loaded {done.stdout.strip()}"
