"""DreamLab's engine: pure torch + Pillow. No UI imports here."""
import os

# How torch's OpenMP threads wait between two parallel regions. libgomp reads this once, when torch
# loads, so it is set here, before. A thread that sleeps at once (OMP_WAIT_POLICY=PASSIVE alone) must
# be woken for the next region: a style transfer runs thousands of small regions and is then about
# half as fast. A thread that spins long (libgomp's own default, about 3 ms) takes the cores from
# every other busy process: two small style transfers at once took 16 s each instead of 2 s. A spin of
# ``SPIN_TURNS`` (about 0.1 ms) is nearly as fast alone and costs less beside another busy process
# (5 s each): the command line keeps it; the app's workers, which share the cores with the server,
# a browser, each other and the live mirror, turn it off (``share_cores``).
# Measured by: python -m benchmarks.bench_omp
SPIN_TURNS = "10000"
_SPIN_CHOSEN_BY_USER = "GOMP_SPINCOUNT" in os.environ
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("GOMP_SPINCOUNT", SPIN_TURNS)


def share_cores() -> None:
    """Processes started from now on will share the cores with other busy processes: their threads
    sleep at once when they wait, unless the user chose a spin."""
    if not _SPIN_CHOSEN_BY_USER:
        os.environ["GOMP_SPINCOUNT"] = "0"


__version__ = "0.1.0"
