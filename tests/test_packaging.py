"""Packaging and install: the ranges, the lock, the torch-source decision, the Cloud file, the wheel.

Offline: nothing here reaches a package index. The PyTorch CPU index is simulated by local indexes
with small stand-in wheels, served on 127.0.0.1.
"""
from __future__ import annotations

import base64
import hashlib
import http.server
import json
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import tomllib
import zipfile
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version


ROOT = Path(__file__).resolve().parent.parent
CLOUD = ROOT / "deploy" / "community_cloud"


def _load_install():
    """deploy/install.py is a script (standard library only, run before anything is installed), not a package."""
    spec = importlib.util.spec_from_file_location("dreamlab_install", ROOT / "deploy" / "install.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


install = _load_install()


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def requirement_lines(path: Path) -> list[str]:
    lines = [line.split(" #")[0].strip() for line in path.read_text().splitlines()]
    return [line for line in lines if line and not line.startswith(("#", "-"))]


def requirements(path: Path) -> dict[str, Requirement]:
    return {canonicalize_name(r.name): r for r in map(Requirement, requirement_lines(path))}


def pins() -> dict[str, Version]:
    pinned = {}
    for line in requirement_lines(ROOT / "constraints.txt"):
        req = Requirement(line)
        (spec,) = req.specifier
        assert spec.operator == "==", f"constraints.txt must pin exactly: {line}"
        pinned[canonicalize_name(req.name)] = Version(spec.version)
    return pinned


# --- ranges and the lock ---------------------------------------------------------------------

def test_requirements_files_state_the_same_ranges_as_pyproject():
    project = pyproject()["project"]
    runtime = {canonicalize_name(Requirement(r).name): str(Requirement(r).specifier) for r in project["dependencies"]}
    test = {canonicalize_name(Requirement(r).name): str(Requirement(r).specifier)
            for r in project["optional-dependencies"]["test"]}
    assert {n: str(r.specifier) for n, r in requirements(ROOT / "requirements.txt").items()} == runtime
    assert {n: str(r.specifier) for n, r in requirements(ROOT / "requirements-dev.txt").items()} == test
    ray = {canonicalize_name(Requirement(r).name): str(Requirement(r).specifier)
           for r in project["optional-dependencies"]["ray"]}
    assert {n: str(r.specifier) for n, r in requirements(ROOT / "requirements-ray.txt").items()} == ray
    assert "-r requirements-ray.txt" in (ROOT / "requirements-dev.txt").read_text()


def test_every_locked_version_lies_inside_the_supported_range():
    locked = pins()
    project = pyproject()["project"]
    for line in project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]:
        req = Requirement(line)
        name = canonicalize_name(req.name)
        assert name in locked, f"{req.name} has a range in pyproject.toml but no exact version in constraints.txt"
        assert req.specifier.contains(locked[name], prereleases=True), f"{name}=={locked[name]} is outside {req}"


def dependency_closure(names: list[str]) -> set[str]:
    """Every distribution that `names` pull in here, through the installed metadata (markers evaluated)."""
    seen, todo = set(), [(n, ()) for n in names]
    while todo:
        name, extras = todo.pop()
        key = canonicalize_name(name)
        try:
            dist = distribution(key)
        except PackageNotFoundError:
            pytest.fail(f"{name} is required but not installed: run ./test.sh (it installs with the lock)")
        if key in seen and not extras:
            continue
        seen.add(key)
        for line in dist.requires or []:
            req = Requirement(line)
            environments = [{**default_environment(), "extra": e} for e in ("", *extras)]
            if req.marker is None or any(req.marker.evaluate(env) for env in environments):
                todo.append((req.name, tuple(req.extras)))
    return seen


def test_the_lock_pins_every_installed_dependency_at_the_installed_version():
    """What the tests run against is exactly what the lock says: nothing unpinned, nothing drifted."""
    locked = pins()
    direct = [name for file in ("requirements.txt", "requirements-ray.txt", "requirements-dev.txt")
              for name in requirements(ROOT / file)]
    unpinned, drifted = [], []
    for name in sorted(dependency_closure(direct)):
        installed = Version(distribution(name).version)
        if name not in locked:
            unpinned.append(f"{name}=={installed}")
        elif Version(installed.public) != locked[name]:  # 2.14.1+cpu is the CPU build of 2.14.1
            drifted.append(f"{name}: installed {installed}, locked {locked[name]}")
    assert not unpinned, f"add to constraints.txt: {unpinned}"
    assert not drifted, drifted


def test_pip_finds_the_locked_install_complete_without_an_index():
    """pip's own resolver, offline (--no-index): the requirements with the lock need nothing more here."""
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--no-index", "--disable-pip-version-check",
         "-r", str(ROOT / "requirements-dev.txt"), "-c", str(ROOT / "constraints.txt")],
        capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "Would install" not in done.stdout, done.stdout


# --- where torch comes from --------------------------------------------------------------------

def never_asked(url):
    raise AssertionError("the CPU index must not be probed here")


@pytest.mark.parametrize("system, gpu", [("Darwin", False), ("Windows", False), ("Linux", True)])
def test_macos_windows_and_gpu_machines_keep_pypi_without_probing(system, gpu):
    source = install.choose_torch_source("auto", system, gpu, install.CPU_INDEX, never_asked)
    assert source.index is None
    assert "PyPI" in source.reason


def test_linux_without_gpu_takes_the_cpu_index_when_it_answers():
    asked = []
    source = install.choose_torch_source("auto", "Linux", False, "http://cpu.example/whl/cpu",
                                         lambda url: asked.append(url) or True)
    assert asked == ["http://cpu.example/whl/cpu"]
    assert source.index == "http://cpu.example/whl/cpu"
    assert "CPU-only" in source.reason
    command = install.pip_install_command(ROOT / "requirements.txt", source)
    assert command[command.index("--extra-index-url") + 1] == "http://cpu.example/whl/cpu"
    assert command[command.index("-c") + 1] == str(ROOT / "constraints.txt")


def test_linux_without_gpu_falls_back_to_pypi_and_says_why():
    source = install.choose_torch_source("auto", "Linux", False, install.CPU_INDEX, lambda url: False)
    assert source.index is None
    assert "could not be reached" in source.reason and "PyPI" in source.reason
    assert "--extra-index-url" not in install.pip_install_command(ROOT / "requirements.txt", source)


def test_forced_modes():
    assert install.choose_torch_source("pypi", "Linux", False, install.CPU_INDEX, never_asked).index is None
    forced = install.choose_torch_source("cpu", "Darwin", False, "http://i/cpu", lambda url: True)
    assert forced.index == "http://i/cpu"
    with pytest.raises(SystemExit, match="could not be reached"):
        install.choose_torch_source("cpu", "Linux", False, "http://i/cpu", lambda url: False)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def serve(folder: Path):
    handler = lambda *a, **k: QuietHandler(*a, directory=str(folder), **k)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_probe_answers_for_a_live_index_and_not_for_a_missing_page_or_a_closed_port(tmp_path):
    (tmp_path / "cpu" / "torch").mkdir(parents=True)
    (tmp_path / "cpu" / "torch" / "index.html").write_text("<a href='x'>x</a>")
    with serve(tmp_path) as url:
        assert install.index_answers(f"{url}/cpu", timeout=5)
        assert not install.index_answers(f"{url}/nothing-here", timeout=5)
    assert not install.index_answers(f"http://127.0.0.1:{free_port()}/whl/cpu", timeout=5)
    assert not install.index_answers("not a url", timeout=5)


def test_probe_gives_up_after_its_timeout_on_a_silent_server():
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        start = time.monotonic()
        assert not install.index_answers(f"http://127.0.0.1:{silent.getsockname()[1]}/cpu", timeout=1)
        assert time.monotonic() - start < 4


def stand_in_wheel(folder: Path, name: str, version: str) -> None:
    """A tiny installable wheel, enough for pip to choose between builds."""
    folder.mkdir(parents=True, exist_ok=True)
    dist_info = f"{name}-{version}.dist-info"
    files = {f"{name}/__init__.py": f"__version__ = {version!r}\n",
             f"{dist_info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
             f"{dist_info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    record = [f"{path},sha256={base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b'=').decode()},"
              f"{len(text.encode())}" for path, text in files.items()]
    files[f"{dist_info}/RECORD"] = "\n".join(record + [f"{dist_info}/RECORD,,"]) + "\n"
    with zipfile.ZipFile(folder / f"{name}-{version}-py3-none-any.whl", "w") as wheel:
        for path, text in files.items():
            wheel.writestr(path, text)
    (folder / "index.html").write_text("".join(f"<a href='{w.name}'>{w.name}</a>\n" for w in folder.glob("*.whl")))


def pip_choice(source: install.TorchSource, pypi: str, torch_pin: str) -> str:
    """The torch version pip would install with install.py's options, from the stand-in indexes only."""
    command = install.pip_install_command(ROOT / "requirements.txt", source)
    extra = command[command.index("--extra-index-url"):][:2] if source.index else []
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull  # this machine's pip config must not add indexes
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--no-deps", "--quiet",
         "--disable-pip-version-check", "--report", "-", "--index-url", pypi, *extra, f"torch=={torch_pin}"],
        capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    (item,) = json.loads(done.stdout)["install"]
    return item["metadata"]["version"]


def test_with_the_cpu_index_pip_picks_the_cpu_build_for_the_locked_pin(tmp_path):
    """The lock says torch==X; pip must take X+cpu from the CPU index over PyPI's X (the CUDA build)."""
    torch_pin = str(pins()["torch"])
    stand_in_wheel(tmp_path / "pypi" / "torch", "torch", torch_pin)
    stand_in_wheel(tmp_path / "cpu" / "torch", "torch", f"{torch_pin}+cpu")
    with serve(tmp_path) as url:
        reachable = install.choose_torch_source("auto", "Linux", False, f"{url}/cpu",
                                                lambda u: install.index_answers(u, timeout=5))
        assert pip_choice(reachable, f"{url}/pypi", torch_pin) == f"{torch_pin}+cpu"
        unreachable = install.choose_torch_source("auto", "Linux", False, f"http://127.0.0.1:{free_port()}/cpu",
                                                  lambda u: install.index_answers(u, timeout=2))
        assert pip_choice(unreachable, f"{url}/pypi", torch_pin) == torch_pin


# --- Streamlit Community Cloud's requirements file ---------------------------------------------

def cloud_lines() -> list[str]:
    return [line.strip() for line in (CLOUD / "requirements.txt").read_text().splitlines()
            if line.strip() and not line.startswith("#")]


def test_cloud_requirements_use_the_lock_and_the_root_ranges():
    options = [line for line in cloud_lines() if line.startswith("-")]
    assert options == ["-c ../../constraints.txt", "-r ../../requirements.txt"]
    for option in options:  # pip and uv read nested files relative to the file that names them
        assert (CLOUD / option.split()[1]).resolve().is_file()
    assert (CLOUD / "streamlit_app.py").is_file()
    assert not any((CLOUD / name).exists() for name in ("uv.lock", "Pipfile", "environment.yml")), \
        "Community Cloud would take that file before requirements.txt"


@pytest.mark.parametrize("python", ["3.11", "3.12", "3.13", "3.14", "3.15"])
@pytest.mark.parametrize("platform", ["linux-x86_64", "linux-aarch64", "darwin-arm64", "win32-AMD64"])
def test_cloud_requirements_give_each_platform_exactly_one_torch_and_torchvision(python, platform):
    sys_platform, machine = platform.split("-")
    env = {**default_environment(), "python_version": python, "python_full_version": f"{python}.0",
           "sys_platform": sys_platform, "platform_machine": machine}
    locked = pins()
    for name in ("torch", "torchvision"):
        chosen = [r for r in map(Requirement, [line for line in cloud_lines() if not line.startswith("-")])
                  if r.name == name and (r.marker is None or r.marker.evaluate(env))]
        assert len(chosen) == 1, (name, python, platform, chosen)
        (req,) = chosen
        cpu_wheel = platform == "linux-x86_64" and python != "3.15"
        if cpu_wheel:
            tag = "cp" + python.replace(".", "")
            assert req.url.endswith(f"/{name}-{locked[name]}%2Bcpu-{tag}-{tag}-manylinux_2_28_x86_64.whl"), req.url
            assert req.url.startswith(install.CPU_INDEX + "/")
        else:
            assert req.url is None and str(req.specifier) == f"=={locked[name]}"


# --- the package ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def installed_wheel(tmp_path_factory):
    """DreamLab's wheel, built and installed (no dependencies) into a folder outside the repository."""
    folder = tmp_path_factory.mktemp("wheel")
    source = folder / "source"  # a copy: building writes build/ and *.egg-info next to pyproject.toml
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", "__pycache__",
                                                                "test-results"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--disable-pip-version-check", "-w", str(folder), str(source)], check=True, timeout=300)
    (wheel,) = folder.glob("dreamlab-*.whl")
    target = folder / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--disable-pip-version-check",
                    "--target", str(target), str(wheel)], check=True, timeout=300)
    return wheel, target


def test_wheel_holds_the_packages_and_the_pictures_but_not_the_pages_or_tests(installed_wheel):
    wheel, _ = installed_wheel
    names = zipfile.ZipFile(wheel).namelist()
    for expected in ("engine/ascent/loop.py", "dreamlab/cli/main.py", "dreamlab/jobs/queue.py",
                     "dreamlab/studio/runner.py", "engine/assets/gallery/lite0/manifest.json",
                     "engine/assets/styles/great_wave.jpg", "engine/assets/samples/cat.jpg"):
        assert expected in names, expected
    frontend = [p for p in (ROOT / "dreamlab" / "studio" / "components").rglob("*") if p.suffix in (".js", ".css")]
    assert frontend  # the components' scripts and styles (read at import: without them the app cannot start)
    for package in [*(ROOT / "engine").rglob("__init__.py"), *(ROOT / "dreamlab").rglob("__init__.py"), *frontend]:
        assert package.relative_to(ROOT).as_posix() in names, package  # missing from pyproject's lists
    top_level = {n.split("/")[0] for n in names if not n.split("/")[0].endswith((".dist-info", ".data"))}
    assert top_level == {"engine", "dreamlab"}, top_level
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "dreamlab = dreamlab.cli.launch:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_installed_dreamlab_command_runs_from_outside_the_repository(installed_wheel, tmp_path):
    _, target = installed_wheel
    env = {**os.environ, "PYTHONPATH": str(target)}
    done = subprocess.run([str(target / "bin" / "dreamlab"), "models"], capture_output=True, text=True,
                          timeout=300, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "lite0" in done.stdout and "block15" in done.stdout
    probe = ("import os, engine, engine.dreaming.gallery, engine.style.transfer; print(engine.__file__); "
             "print(engine.dreaming.gallery.GALLERY_DIR.is_dir(), "
             "sum(os.path.isfile(engine.style.transfer.builtin_style_path(n)) for n in engine.style.transfer.BUILTIN_STYLES))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300,
                          cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    where, found = done.stdout.splitlines()
    assert where.startswith(str(target)), "imported the repository's engine, not the installed one"
    assert found.split()[0] == "True" and int(found.split()[1]) >= 5


# --- Hugging Face Docker Space ------------------------------------------------------------------

def front_matter() -> dict[str, str]:
    text = (ROOT / "README.md").read_text()
    assert text.startswith("---\n"), "Spaces read their settings from front matter at the very top of README.md"
    block = text[4:text.index("\n---\n", 4)]
    return dict(line.split(": ", 1) for line in block.splitlines())


def test_space_front_matter_names_docker_and_the_port_the_image_serves():
    settings = front_matter()
    assert settings["sdk"] == "docker"
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert f"EXPOSE {settings['app_port']}" in dockerfile
    assert f'"--server.port={settings["app_port"]}"' in dockerfile
    assert settings["title"] and len(settings) <= 5, "keep the README's first screen short"


def test_readme_first_screen_gives_exactly_the_two_setup_commands():
    text = (ROOT / "README.md").read_text()
    setup = text[text.index("**Set up**"):]
    block = setup[setup.index("```bash\n") + 8:setup.index("```", setup.index("```bash\n") + 8)]
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.split("#")[0].strip()]
    assert commands == ["./run.sh", "./test.sh"]


def test_dockerfile_installs_with_the_lock_before_copying_the_code():
    dockerfile = (ROOT / "Dockerfile").read_text()
    before_code = dockerfile[:dockerfile.index("COPY --chown=user . .")]
    assert "deploy/install.py --no-project" in before_code
    ignored = (ROOT / ".dockerignore").read_text().split()
    for needed in ("requirements.txt", "constraints.txt", "deploy/install.py"):
        assert needed in before_code and (ROOT / needed).is_file()
        assert not any(needed == pattern or needed.startswith(pattern.rstrip("/") + "/") for pattern in ignored)


def test_cloud_entrypoint_runs_the_app_with_its_pages_and_links():
    """Streamlit resolves page paths from the entrypoint's folder; the app's own paths are absolute."""
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(CLOUD / "streamlit_app.py"), default_timeout=120).run()
    assert not at.exception, at.exception
    assert len(at.get("page_link")) >= 4  # Home links every page
    at.switch_page("../../app_pages/deep_dream.py").run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Deep Dream"]
