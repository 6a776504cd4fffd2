"""How a process that runs the network should get its memory from glibc (Linux).

The network's activations are large and short-lived: each forward and backward pass allocates and
frees tens of megabytes per layer. glibc's malloc gives blocks that large straight from the kernel
(mmap) and gives them back when freed (munmap), so every pass pays again for the kernel to hand
over fresh zeroed pages: at 1024x768, 5x more page faults, and a Lite0 forward+backward 0.32 s
instead of 0.26 s on one thread (``python -m benchmarks.bench_allocator``). With
``TUNABLES`` freed blocks stay in the process and are reused; its peak memory is the same.

Tunables are read when a process starts, so they go into the environment of the processes
DreamLab starts (``worker_environment``) and, for the command line, the command starts itself
again once with them (``restart_with_tunables``), before it imports anything large. Elsewhere
(macOS, Windows, musl) nothing changes.
"""
from __future__ import annotations

import os
import sys
from typing import MutableMapping, Optional

ENV = "GLIBC_TUNABLES"
# Keep freed blocks of any size (4 GiB thresholds), rather than returning them to the kernel.
TUNABLES = "glibc.malloc.mmap_threshold=4294967296:glibc.malloc.trim_threshold=4294967296"


def applies() -> bool:
    try:
        return sys.platform.startswith("linux") and os.confstr("CS_GNU_LIBC_VERSION").startswith("glibc")
    except (ValueError, OSError, AttributeError):  # not glibc, or no confstr
        return False


def worker_environment(environ: Optional[MutableMapping[str, str]] = None) -> MutableMapping[str, str]:
    """``environ`` (default: this process's) with the tunables, unless someone chose their own."""
    environ = os.environ if environ is None else environ
    if applies():
        environ.setdefault(ENV, TUNABLES)
    return environ


def restart_with_tunables() -> None:
    """Start this command again with the tunables (once: a process that has them carries on).
    ``DREAMLAB_ALLOCATOR=default`` leaves glibc's defaults."""
    if not applies() or ENV in os.environ or os.environ.get("DREAMLAB_ALLOCATOR") == "default":
        return
    argv = list(getattr(sys, "orig_argv", []))
    if not argv:
        return
    environ = dict(os.environ, **{ENV: TUNABLES})
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execve(sys.executable, [sys.executable, *argv[1:]], environ)
    except OSError:  # cannot start again (unusual sandbox): carry on with the defaults
        return
