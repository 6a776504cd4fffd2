"""How big and how slow is each way of installing DreamLab? Each path in a fresh venv under /tmp.

    .venv/bin/python -m benchmarks.install_size                      # auto, package, docker
    .venv/bin/python -m benchmarks.install_size --paths auto,cpu,pypi,package,docker,cpu-proxy
    .venv/bin/python -m benchmarks.install_size --python python3.12 --keep   # another Python; keep the venvs

Paths:
  auto       what ./run.sh does: deploy/install.py (CPU-only torch from the PyTorch CPU index on Linux
             without an NVIDIA GPU when it answers, else PyPI's) plus the `dreamlab` command
  cpu        the same with DREAMLAB_TORCH=cpu (fails where the CPU index cannot be reached)
  pypi       the same with DREAMLAB_TORCH=pypi (on Linux x86_64: torch with its CUDA libraries)
  package    `pip install <repo> -c constraints.txt` (DreamLab in an environment of your own)
  docker     the Dockerfile's pip step, with the Dockerfile's ENV, in a folder holding what it COPYs;
             then its CMD is started and /_stcore/health must answer
  cpu-proxy  an estimate where the CPU index is unreachable: the CPU-only torch wheel found on this
             disk (--cpu-wheel) with PyPI's torchvision of the matching release, and the rest of the
             lock. Size only: that torchvision is not the CPU build and may not import beside it.
Prints one row per path: seconds, venv size, the torch build, the smoke check. pip's cache is off
(--no-cache-dir), but wheels that lie on this machine's disk are not downloaded, so the times are
install times, not download times. The venvs are deleted unless --keep.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATHS = ("auto", "cpu", "pypi", "package", "docker", "cpu-proxy")


def folder_mb(path: Path) -> float:
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            file = Path(folder) / name
            if not file.is_symlink():
                total += file.stat().st_size
    return total / 1e6


def run(command: list[str], env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(command, env={**os.environ, "PIP_NO_CACHE_DIR": "1", **(env or {})}, cwd=cwd,
                          capture_output=True, text=True)


def torch_build(python: Path) -> str:
    done = run([str(python), "-c", "import torch; print(torch.__version__, torch.version.cuda or 'cpu-only')"])
    return done.stdout.strip() if done.returncode == 0 else "torch does not import"


def dreamlab_models(bin_dir: Path, cwd: Path) -> str:
    done = run([str(bin_dir / "dreamlab"), "models"], cwd=cwd)
    return "dreamlab models: ok" if done.returncode == 0 and "lite0" in done.stdout else \
        f"dreamlab models FAILED: {done.stderr.strip()[-200:]}"


def install_with_script(venv: Path, mode: str) -> str:
    done = run([str(venv / "bin" / "python"), str(ROOT / "deploy" / "install.py"), "--force"],
               env={"DREAMLAB_TORCH": mode})
    said = " / ".join(line for line in done.stdout.splitlines() if line.startswith("torch"))
    if done.returncode != 0:
        return f"install FAILED: {(done.stderr or done.stdout).strip()[-300:]}"
    return f"{said}; {dreamlab_models(venv / 'bin', venv)}"


def install_package(venv: Path) -> str:
    done = run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(ROOT),
                "-c", str(ROOT / "constraints.txt")], cwd=venv)
    if done.returncode != 0:
        return f"install FAILED: {done.stderr.strip()[-300:]}"
    return dreamlab_models(venv / "bin", venv)


def dockerfile_steps() -> tuple[dict, list[tuple[str, str]], list[str], list[str]]:
    """The Dockerfile's ENV, what it COPYs before its pip step (source, destination), its pip RUNs and CMD."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    env, copies, runs, cmd = {}, [], [], []
    for line in text.splitlines():
        word, _, rest = line.strip().partition(" ")
        if word == "ENV":
            env.update(dict(re.findall(r"(\w+)=(\S+)", rest)))
        elif word == "COPY" and not runs:
            *sources, destination = [part for part in rest.split() if not part.startswith("--")]
            copies += [(source, destination) for source in sources]
        elif word == "RUN" and ("pip" in rest or "install.py" in rest):
            runs.append(rest)
        elif word == "CMD":
            cmd = json.loads(rest)
    return env, copies, runs, cmd


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_check(venv: Path, app_dir: Path, env: dict, cmd: list[str]) -> str:
    port = free_port()
    keep = [a for a in cmd[1:] if not a.startswith(("--server.port", "--server.address"))]
    # the image listens on 0.0.0.0:8501; here, loopback and a free port
    command = [str(venv / "bin" / cmd[0]), *keep, f"--server.port={port}", "--server.address=127.0.0.1"]
    server = subprocess.Popen(command, cwd=app_dir, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as answer:
                    return f"CMD answers /_stcore/health: {answer.read().decode()}"
            except OSError:
                time.sleep(1)
        return "CMD did NOT answer /_stcore/health within 120 s"
    finally:
        server.terminate()
        server.wait(timeout=30)


def install_like_docker(venv: Path) -> str:
    env, copies, runs, cmd = dockerfile_steps()
    app_dir = venv / "app"  # the image's WORKDIR: only what the Dockerfile copied before the pip step
    app_dir.mkdir()
    for source, destination in copies:
        (app_dir / destination).mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / source, app_dir / destination / Path(source).name)
    home = venv / "home"
    home.mkdir()
    env = {**{k: v.replace("/home/user", str(home)) for k, v in env.items()},
           "PATH": f"{venv / 'bin'}:{os.environ['PATH']}"}
    said = []
    for command in runs:
        done = run(["bash", "-c", command], env=env, cwd=app_dir)
        said += [line for line in done.stdout.splitlines() if line.startswith("torch")]
        if done.returncode != 0:
            return f"RUN FAILED: {command[:80]}...: {(done.stderr or done.stdout).strip()[-300:]}"
    shutil.rmtree(app_dir)
    shutil.copytree(ROOT, app_dir, ignore=shutil.ignore_patterns(".git", ".venv", "tests", "benchmarks", "docs"))
    return " / ".join(said) + "; " + serve_check(venv, app_dir, env, cmd)


def install_cpu_proxy(venv: Path, cpu_wheel: Path) -> str:
    if not cpu_wheel.is_file():
        return f"no CPU-only torch wheel at {cpu_wheel}"
    version = cpu_wheel.name.split("-")[1].split("+")[0]  # torch-2.13.0+cpu-... -> 2.13.0
    major, minor, _ = version.split(".")
    vision = f"0.{int(minor) + 15}.0"  # torchvision 0.(N+15) goes with torch 2.N
    constraints = venv / "constraints.txt"
    lines = [line for line in (ROOT / "constraints.txt").read_text().splitlines()
             if not line.startswith(("torch==", "torchvision=="))]
    constraints.write_text("\n".join(lines + [f"torch=={version}", f"torchvision=={vision}"]) + "\n")
    python = str(venv / "bin" / "python")
    done = run([python, "-m", "pip", "install", "--quiet", str(cpu_wheel), "-c", str(constraints)])
    if done.returncode == 0:
        done = run([python, "-m", "pip", "install", "--quiet", "-r", str(ROOT / "requirements.txt"),
                    "-c", str(constraints)])
    if done.returncode != 0:
        return f"install FAILED: {done.stderr.strip()[-300:]}"
    return f"estimate: {cpu_wheel.name} + torchvision {vision} from PyPI"


def measure(path: str, python: str, workdir: Path, cpu_wheel: Path) -> tuple[float, float, str, str]:
    venv = workdir / path
    start = time.perf_counter()
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    if path in ("auto", "cpu", "pypi"):
        note = install_with_script(venv, path)
    elif path == "package":
        note = install_package(venv)
    elif path == "docker":
        note = install_like_docker(venv)
    else:
        note = install_cpu_proxy(venv, cpu_wheel)
    seconds = time.perf_counter() - start  # the docker row includes its health check (a few seconds)
    for scratch in ("app", "home"):
        shutil.rmtree(venv / scratch, ignore_errors=True)
    return seconds, folder_mb(venv), torch_build(venv / "bin" / "python"), note


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--paths", default="auto,package,docker", help=f"comma-separated, of: {', '.join(PATHS)}")
    parser.add_argument("--python", default=sys.executable if sys.prefix == sys.base_prefix else "python3",
                        help="the Python that makes the venvs (default: python3)")
    parser.add_argument("--cpu-wheel", default="/opt/wheels/torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl",
                        help="a CPU-only torch wheel on disk, for cpu-proxy")
    parser.add_argument("--workdir", default=None, help="where the venvs go (default: a new folder in /tmp)")
    parser.add_argument("--keep", action="store_true", help="keep the venvs")
    args = parser.parse_args()
    paths = [p for p in args.paths.split(",") if p]
    unknown = set(paths) - set(PATHS)
    if unknown:
        parser.error(f"unknown paths: {', '.join(sorted(unknown))}")
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="dreamlab-install-"))
    python_version = run([args.python, "-c", "import platform; print(platform.python_version())"]).stdout.strip()
    print(f"Python {python_version}, {os.uname().sysname} {os.uname().machine}, {os.cpu_count()} cores; "
          f"venvs in {workdir}")
    print(f"{'path':<10} {'seconds':>8} {'venv MB':>8}  {'torch':<22} notes")
    try:
        for path in paths:
            seconds, size, torch, note = measure(path, args.python, workdir, Path(args.cpu_wheel))
            print(f"{path:<10} {seconds:8.0f} {size:8.0f}  {torch:<22} {note}", flush=True)
            if not args.keep:
                shutil.rmtree(workdir / path, ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
