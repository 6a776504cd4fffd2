"""How a long job talks to whoever runs it: a progress callback and a cancel flag.

The engine never imports a UI. Each long job makes one ``Reporter`` from the callback and the
cancel flag it was given; the reporter sends ``Progress(...)`` after every step (with a preview
now and then) and raises ``Cancelled`` (carrying the current picture) when the flag is set.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

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
    seconds_left: Optional[float] = None  # the estimate, updated as steps complete (engine.estimate)

    def describe(self) -> str:
        if self.stage == "tile":  # a print's finish: the tiles of one size
            return f"finishing {self.stage_index + 1} of {self.stage_count}, tile {self.step} of {self.steps}"
        return f"{self.stage} {self.stage_index + 1} of {self.stage_count}, step {self.step} of {self.steps}"


ProgressFn = Callable[[Progress], None]


class Cancelled(Exception):
    """The job was stopped on request; ``partial`` is the last picture it had."""

    def __init__(self, partial: Optional[Image.Image] = None):
        super().__init__("stopped")
        self.partial = partial


@dataclass(frozen=True)
class Previews:
    """When a job shows its picture: always at the last step of a stage, and besides every
    ``every`` steps, or ``per_stage`` times per stage, evenly spaced. With ``stages`` only in
    those stages (e.g. only at full size, so that a journey's frames never blink blurry).
    ``first_look`` (a step count) also shows the picture that early in the first stage, so a
    person sees something within a second of pressing, long before the first stage ends."""
    every: int = 0
    per_stage: int = 0
    stages: Optional[frozenset[int]] = None
    first_look: int = 0

    def due(self, stage: int, step: int, steps: int) -> bool:
        if self.stages is not None and stage not in self.stages:
            return False
        if stage == 0 and step == self.first_look:
            return True
        every = self.every or (max(1, steps // self.per_stage) if self.per_stage else 0)
        return step == steps or (every > 0 and step % every == 0)


STAGE_ENDS = Previews()  # a preview at the end of each stage only
# Stage ends, and a first look after the first two steps (a dream's smallest octave).
FIRST_LOOK_AND_STAGE_ENDS = Previews(first_look=2)
NO_PREVIEWS = Previews(stages=frozenset())
EVERY_FEW_STEPS = Previews(every=8)  # the default: often enough to watch, rarely enough to cost nothing


class Reporter:
    """Everything a long job needs to talk to whoever runs it, in one object: the progress
    callback, the cancel flag, how the job is cut into stages, when to show a preview, and the
    job's current picture (so that ``Cancelled.partial`` is set here, and only here).

    ``weights`` give each stage's share of the job (e.g. pixels x steps per octave), so the bar
    moves at the speed the work really goes. A job made of parts (a journey's palettes, each
    an octave loop) moves ``first_stage`` on before each part, and the part counts from 0; a
    part that is a single stage (one frame of an animation) gets its own reporter: ``within``.
    """

    def __init__(self, on_progress: Optional[ProgressFn] = None, cancel: Optional[threading.Event] = None,
                 stage: str = "step", weights: Sequence[float] = (1.0,), previews: Previews = EVERY_FEW_STEPS):
        self.on_progress = on_progress
        self.cancel = cancel
        self.stage = stage
        total = sum(weights) or 1.0
        self.shares = [w / total for w in weights]
        self.previews = previews
        self.first_stage = 0
        self.picture: Optional[Callable[[], Image.Image]] = None

    def watch(self, picture: Callable[[], Image.Image]) -> None:
        """From now on ``picture()`` gives the job's current picture (made only when needed)."""
        self.picture = picture

    def within(self, stage_index: int, stages: int) -> Reporter:
        """A reporter for a part of ``stages`` equal stages (e.g. one frame's octaves) that is all
        of stage ``stage_index`` here: its steps move this stage's bar, the cancel flag is shared,
        and it shows no previews (the finished stage is previewed here, and reported once)."""
        def forward(progress: Progress) -> None:
            done = progress.stage_index * progress.steps + progress.step
            if done < progress.stage_count * progress.steps:
                self.step(stage_index, done, progress.stage_count * progress.steps)
        return Reporter(forward if self.on_progress else None, self.cancel, self.stage, [1.0] * stages, NO_PREVIEWS)

    def check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled(self.picture() if self.picture is not None else None)

    def step(self, stage_index: int, step: int, steps: int) -> None:
        """Step ``step`` (1-based) of ``steps`` of stage ``first_stage + stage_index`` is done."""
        if self.on_progress is None:
            return
        stage = self.first_stage + stage_index
        preview = None
        if self.picture is not None and self.previews.due(stage, step, steps):
            preview = self.picture()
        done = sum(self.shares[:stage]) + self.shares[stage] * step / max(steps, 1)
        self.on_progress(Progress(self.stage, stage, len(self.shares), step, steps, min(done, 1.0), preview))
