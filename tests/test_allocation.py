"""The engine's processes keep freed memory for reuse (engine/allocation.py): the command line
starts itself again once with glibc's tunables, and worker processes inherit them."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from engine import allocation

SHOW = ("from engine.allocation import restart_with_tunables; restart_with_tunables(); "
        "import os; print(os.environ.get('GLIBC_TUNABLES'))")
needs_glibc = pytest.mark.skipif(not allocation.applies(), reason="glibc's tunables exist only on glibc")


def started(extra_env: dict) -> str:
    env = {k: v for k, v in os.environ.items() if k != allocation.ENV}
    done = subprocess.run([sys.executable, "-c", SHOW], env={**env, **extra_env}, capture_output=True, text=True,
                          check=True)
    return done.stdout.strip()


@needs_glibc
def test_the_command_line_starts_again_with_the_tunables_once():
    assert started({}) == allocation.TUNABLES


@needs_glibc
def test_the_defaults_can_be_kept():
    assert started({"DREAMLAB_ALLOCATOR": "default"}) == "None"


@needs_glibc
def test_a_choice_of_ones_own_is_left_alone():
    assert started({allocation.ENV: "glibc.malloc.arena_max=2"}) == "glibc.malloc.arena_max=2"
    env = {allocation.ENV: "mine"}
    assert allocation.worker_environment(env)[allocation.ENV] == "mine"
    assert allocation.worker_environment({})[allocation.ENV] == allocation.TUNABLES


def test_nothing_changes_where_glibc_is_not(monkeypatch):
    monkeypatch.setattr(allocation, "applies", lambda: False)
    assert allocation.ENV not in allocation.worker_environment({})
