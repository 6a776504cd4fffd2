"""The ``dreamlab`` command's entry point: first the allocator (``engine.allocation``), then the CLI."""
from __future__ import annotations

import sys


def main() -> int:
    from engine.allocation import restart_with_tunables
    restart_with_tunables()  # returns only when this process already has them (or cannot have them)
    from dreamlab.cli.main import main as cli_main
    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
