"""A job as data: which task to run and with what, so it can travel to another process or machine.

A page describes its job as a ``JobSpec`` (a task name and plain, picklable arguments: settings
dataclasses, PIL pictures, lists, numbers). Whoever runs it (a thread, a worker process, a Ray
task) calls ``spec.run(on_progress, cancel)``, which looks the task up in ``dreamlab.jobs.tasks`` and calls
it there, next to that process's own cached models. No closures over loaded models cross a
process boundary.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable

from engine.images.pictures import ImageError
from engine.network.weights import ModelUnavailable
from engine.progress import ProgressFn


class JobFailed(Exception):
    """A job ended with a message meant for the user as it stands (no traceback)."""


@dataclass(frozen=True)
class JobSpec:
    task: str  # a name in dreamlab.jobs.tasks.TASKS, or "package.module:function" (tests' fake jobs)
    params: dict = field(default_factory=dict)

    def run(self, on_progress: ProgressFn, cancel) -> Any:
        return resolve(self.task)(on_progress, cancel, **self.params)


# The tasks are found by name, in the process that runs them: the app's process (which only describes
# jobs) never loads them, nor the torch code they use.
TASKS_MODULE = "dreamlab.jobs.tasks"


def load_tasks() -> dict[str, Callable]:
    """The tasks by name (importing them loads torch and the engine)."""
    return importlib.import_module(TASKS_MODULE).TASKS


def resolve(task: str) -> Callable:
    if ":" in task:
        module, name = task.split(":", 1)
        return getattr(importlib.import_module(module), name)
    try:
        return load_tasks()[task]
    except KeyError:
        raise ValueError(f"unknown job '{task}'") from None


def plain_error(err: BaseException) -> str:
    """One line a non-programmer can act on; the traceback belongs in the server log."""
    text = str(err).lower()
    if isinstance(err, MemoryError) or "out of memory" in text or "can't allocate memory" in text:
        return OUT_OF_MEMORY
    if isinstance(err, (JobFailed, ImageError, ModelUnavailable, ValueError)):
        return str(err)
    return "Something went wrong while painting. Please try again, perhaps with a smaller picture."


OUT_OF_MEMORY = "The machine ran out of memory. Try a smaller picture or fewer steps."
