"""Inside the live worker process: prepare the model once (with a warm-up), then dream the newest
camera frame, again and again. Started by ``dreamlab.jobs.live.live_worker_main``, which finds this
module by name so that the server's imports never reach torch."""
from __future__ import annotations

import os
import signal
import threading
import traceback
from typing import Any

import numpy as np
import torch

from engine.motion.latest import LatestSlot
from engine.motion.live import LiveDreamer, LiveSettings, Stamped, run_live, warm_up
from engine.network.models import load_model
from engine.motion.live_instant import register_instant_mode
from engine.style.instant_files import instant_available
from dreamlab.jobs.local import _die_with_the_app
from dreamlab.jobs.spec import plain_error


def serve(conn, threads: int, niceness: int) -> None:
    """Prepare the model once (with a warm-up), then dream the newest frame, again and again."""
    _die_with_the_app()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if niceness:
        os.nice(niceness)
    torch.set_num_threads(threads)

    net = load_model("lite0")
    if instant_available()[0]:  # "Instant style" joins the modes (a frame mode: no ascent)
        register_instant_mode()
    conn.send(("ready", warm_up(net)))
    frames, stop = LatestSlot(), threading.Event()
    wanted: dict[str, Any] = {"config": None, "round": 0, "threads": threads}
    current: dict[str, Any] = {"round": -1, "dreamer": None}

    def read() -> None:
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                message = None
            if message is None:
                stop.set()
                frames.close()
                return
            if message[0] == "frame":
                frames.put(Stamped(message[1], message[2]))
            elif message[0] == "configure":
                wanted.update(config=message[1], round=wanted["round"] + 1)
            elif message[0] == "threads":  # a job started or ended: share the cores anew
                wanted["threads"] = int(message[1])

    def dreamer_for():
        if torch.get_num_threads() != wanted["threads"]:
            torch.set_num_threads(wanted["threads"])  # here, in the thread that dreams (OpenMP's setting is per thread)
        if current["round"] != wanted["round"]:
            config = wanted["config"]
            current["round"] = wanted["round"]
            current["dreamer"] = None if config is None else LiveDreamer(
                net, LiveSettings(**config["settings"]), config["mode"], config["params"])
        if current["dreamer"] is None:
            conn.send(("skipped",))  # the client waits for an answer before it sends the next frame
        return current["dreamer"]

    def emit(stamped, dreamed: np.ndarray, seconds: float) -> None:
        conn.send(("dreamed", stamped.number, dreamed, seconds, frames.dropped))

    threading.Thread(target=read, name="dreamlab-live-read", daemon=True).start()
    while not stop.is_set():
        try:
            run_live(frames, dreamer_for, emit, stop)
        except (OSError, ValueError, EOFError) as err:
            if isinstance(err, (OSError, EOFError)) and stop.is_set():
                return
            traceback.print_exc()
            current["dreamer"] = None  # until the next settings
            try:
                conn.send(("error", plain_error(err)))
            except OSError:
                return
        except Exception as err:  # noqa: BLE001 - the visitor gets one line, the log the traceback
            traceback.print_exc()
            current["dreamer"] = None
            conn.send(("error", plain_error(err)))
