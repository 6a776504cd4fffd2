"""Install DreamLab's dependencies at the tested versions into the Python that runs this script.

    .venv/bin/python deploy/install.py            # what ./run.sh does
    .venv/bin/python deploy/install.py --dev      # what ./test.sh does (adds pytest, Playwright)
    python deploy/install.py --no-project         # what the Dockerfile does (the app runs from the folder)

Which torch build:
  * Linux without an NVIDIA GPU: the CPU-only build from the PyTorch CPU index (a few hundred MB),
    if that index answers within a few seconds; otherwise PyPI's build, which brings several GB of
    CUDA libraries the machine will never use. It says which it did.
  * Linux with an NVIDIA GPU: PyPI's build, with CUDA.
  * macOS and Windows: PyPI's build (CPU, and Apple's MPS on macOS).
Environment: DREAMLAB_TORCH=auto|cpu|pypi (cpu: fail rather than fall back), DREAMLAB_TORCH_CPU_INDEX
(the index's URL), DREAMLAB_INDEX_TIMEOUT (seconds to wait for it, default 5).

Standard library only: it runs before anything is installed.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CPU_INDEX = "https://download.pytorch.org/whl/cpu"


@dataclass(frozen=True)
class TorchSource:
    index: str | None  # an extra index for pip, or None for PyPI alone
    reason: str        # one plain line for the person watching the install


def has_nvidia_gpu() -> bool:
    return (shutil.which("nvidia-smi") is not None or Path("/proc/driver/nvidia/version").exists()
            or Path("/dev/nvidia0").exists())


def index_answers(url: str, timeout: float) -> bool:
    """True when the index lists torch within `timeout` seconds (PEP 503 page /torch/)."""
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/torch/", timeout=timeout) as answer:
            return answer.status == 200
    except (OSError, ValueError):  # URLError, timeouts, refused connections, bad URLs
        return False


def wants_cpu_index(system: str, gpu: bool) -> bool:
    return system == "Linux" and not gpu


def choose_torch_source(mode: str, system: str, gpu: bool, index: str, reachable) -> TorchSource:
    """Where torch comes from. `reachable(index) -> bool` is only asked when the CPU index is wanted."""
    if mode == "pypi":
        return TorchSource(None, "torch from PyPI (DREAMLAB_TORCH=pypi)")
    if mode == "auto" and not wants_cpu_index(system, gpu):
        why = "an NVIDIA GPU was found: the CUDA build" if gpu else f"{system}: PyPI's build is the right one here"
        return TorchSource(None, f"torch from PyPI ({why})")
    if reachable(index):
        return TorchSource(index, f"torch: the CPU-only build, from the PyTorch CPU index ({index})")
    if mode == "cpu":
        raise SystemExit(f"DREAMLAB_TORCH=cpu, but the PyTorch CPU index ({index}) could not be reached.")
    return TorchSource(None, f"torch from PyPI: the PyTorch CPU index ({index}) could not be reached, so this "
                             "installs PyPI's build, which includes CUDA libraries (about 6 GB in all)")


def pip_install_command(requirements: Path, source: TorchSource) -> list[str]:
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
               "-r", str(requirements), "-c", str(ROOT / "constraints.txt")]
    return command + (["--extra-index-url", source.index] if source.index else [])


def installed_torch() -> str:
    probe = "import torch; print(torch.__version__, torch.version.cuda or 'none')"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    if done.returncode != 0:
        return "torch could not be imported"
    version, cuda = done.stdout.split()
    return f"torch {version} installed ({'CPU-only build' if cuda == 'none' else f'with CUDA {cuda}'})"


def fingerprint(*parts: str) -> str:
    digest = hashlib.sha256()
    for name in ("requirements.txt", "requirements-dev.txt", "constraints.txt", "pyproject.toml"):
        path = ROOT / name
        digest.update(path.read_bytes() if path.exists() else b"")
    digest.update(" ".join(parts + (str(ROOT),)).encode())
    return digest.hexdigest()


def stamp_path(flavour: str) -> Path:
    return Path(sys.prefix) / f".dreamlab-installed-{flavour}"


def stamp_matches(flavour: str, project: bool, mode: str, index: str) -> bool:
    path = stamp_path(flavour)
    return path.exists() and path.read_text() == fingerprint(flavour, str(project), mode, index)


def install(dev: bool, project: bool, mode: str, index: str, timeout: float) -> None:
    requirements = ROOT / ("requirements-dev.txt" if dev else "requirements.txt")
    source = choose_torch_source(mode, platform.system(), has_nvidia_gpu(), index,
                                 lambda url: index_answers(url, timeout))
    print(source.reason, flush=True)
    print("Installing DreamLab's dependencies at the tested versions (first time: a few minutes)...", flush=True)
    if subprocess.run(pip_install_command(requirements, source)).returncode != 0:
        if not source.index:
            raise SystemExit("Installing the dependencies failed (pip's message is above).")
        print("The install with the PyTorch CPU index failed; trying PyPI alone.", flush=True)
        subprocess.run(pip_install_command(requirements, TorchSource(None, "")), check=True)
    if project:  # the `dreamlab` command; editable, so it always runs this checkout's code
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "--no-deps", "-e", str(ROOT)], check=True)
    print(installed_torch(), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dev", action="store_true", help="also the test tools (requirements-dev.txt)")
    parser.add_argument("--no-project", action="store_true", help="skip installing DreamLab itself (the `dreamlab` command)")
    parser.add_argument("--force", action="store_true", help="run pip even when nothing changed since the last install")
    args = parser.parse_args(argv)
    mode = os.environ.get("DREAMLAB_TORCH", "auto").strip().lower() or "auto"
    if mode not in ("auto", "cpu", "pypi"):
        parser.error(f"DREAMLAB_TORCH must be auto, cpu or pypi, not {mode!r}")
    index = os.environ.get("DREAMLAB_TORCH_CPU_INDEX", CPU_INDEX)
    timeout = float(os.environ.get("DREAMLAB_INDEX_TIMEOUT", "5"))

    flavour = "dev" if args.dev else "app"
    enough = ["dev"] if args.dev else ["app", "dev"]  # a test install has all the app needs
    if not args.force and any(stamp_matches(f, not args.no_project, mode, index) for f in enough):
        return 0  # nothing changed since the last successful install: start at once
    install(args.dev, not args.no_project, mode, index, timeout)
    stamp_path(flavour).write_text(fingerprint(flavour, str(not args.no_project), mode, index))
    return 0


if __name__ == "__main__":
    sys.exit(main())
