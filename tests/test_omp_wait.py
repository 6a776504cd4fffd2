"""How torch's OpenMP threads wait (engine/__init__.py): a short spin unless the user chose one, and no
spin for processes that share the cores with others of their kind. libgomp reads the variables once,
when torch loads, so each case runs in a fresh process."""
from __future__ import annotations

import os
import subprocess
import sys

import engine

SHOW = ("import engine, os, sys; {before}; "
        "print(os.environ.get('OMP_WAIT_POLICY'), os.environ.get('GOMP_SPINCOUNT'))")


def started(extra_env: dict, before: str = "pass") -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMP_", "GOMP_"))}
    done = subprocess.run([sys.executable, "-c", SHOW.format(before=before)], env={**env, **extra_env},
                          capture_output=True, text=True, check=True)
    return done.stdout.split()


def test_the_engine_spins_briefly_then_sleeps():
    assert started({}) == ["PASSIVE", engine.SPIN_TURNS]


def test_a_spin_the_user_chose_is_kept():
    assert started({"GOMP_SPINCOUNT": "123"}) == ["PASSIVE", "123"]
    assert started({"GOMP_SPINCOUNT": "123"}, before="engine.share_cores()") == ["PASSIVE", "123"]


def test_processes_sharing_the_cores_do_not_spin():
    assert started({}, before="engine.share_cores()") == ["PASSIVE", "0"]


def test_the_apps_workers_share_the_cores(monkeypatch):
    """The app's job and live workers share the cores with the server, the browser and each other."""
    from dreamlab.jobs import service
    monkeypatch.setattr(service, "BACKENDS", {"processes": lambda: "queue"})
    monkeypatch.setattr(service, "backend_name", lambda: "processes")
    monkeypatch.setattr(engine, "_SPIN_CHOSEN_BY_USER", False)
    monkeypatch.setenv("GOMP_SPINCOUNT", engine.SPIN_TURNS)
    assert service.make_queue() == "queue"
    assert os.environ["GOMP_SPINCOUNT"] == "0"
