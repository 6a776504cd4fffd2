"""Pick the fastest torch device available: CUDA, then Apple's MPS, then the CPU."""
import os

import torch


def pick_device() -> torch.device:
    forced = os.environ.get("DREAMLAB_DEVICE")
    if forced:
        return torch.device(forced)
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")
