"""DreamLab's engine: pure torch + Pillow. No UI imports here."""
import os

# OpenMP threads that spin while they wait for work make torch crawl on a shared or busy CPU
# (a free cloud machine, a server running several sessions): measured by python -m benchmarks.bench_dream
# --omp. Passive waiting costs next to nothing on an idle machine. Must be set before torch loads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__version__ = "0.1.0"
