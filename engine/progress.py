"""How a long job talks to whoever runs it: a progress callback and a cancel flag.

The engine never imports a UI. It calls ``report(Progress(...))`` after every step and
raises ``Cancelled`` (carrying the last preview) when the cancel flag is set.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable, Optional

from PIL import Image


@dataclass
class Progress:
    stage: str  # what the stages are called: "octave", "scale", "palette", "batch"
    stage_index: int  # 0-based
    stage_count: int
    step: int  # 1-based step within the stage
    steps: int
    fraction: float  # of the whole job, 0..1
    preview: Optional[Image.Image] = None

    def describe(self) -> str:
        return f"{self.stage} {self.stage_index + 1} of {self.stage_count}, step {self.step} of {self.steps}"


ProgressFn = Callable[[Progress], None]


class Cancelled(Exception):
    """The job was stopped on request; ``partial`` is the last picture it had."""

    def __init__(self, partial: Optional[Image.Image] = None):
        super().__init__("stopped")
        self.partial = partial


class Reporter:
    """Turns (stage, step) positions into Progress events and honours the cancel flag.

    ``weights`` give each stage's share of the job (e.g. pixels x steps per octave), so the
    bar moves at the speed the work really goes.
    """

    def __init__(self, on_progress: Optional[ProgressFn], cancel: Optional[threading.Event],
                 stage: str, weights: list[float]):
        self.on_progress = on_progress
        self.cancel = cancel
        self.stage = stage
        total = sum(weights) or 1.0
        self.shares = [w / total for w in weights]
        self.last_preview: Optional[Image.Image] = None

    def check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled(self.last_preview)

    def step(self, stage_index: int, step: int, steps: int, preview: Optional[Image.Image] = None) -> None:
        if preview is not None:
            self.last_preview = preview
        if self.on_progress is None:
            return
        done = sum(self.shares[:stage_index]) + self.shares[stage_index] * step / max(steps, 1)
        self.on_progress(Progress(self.stage, stage_index, len(self.shares), step, steps,
                                  min(done, 1.0), preview))
