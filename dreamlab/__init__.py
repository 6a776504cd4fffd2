"""DreamLab's app around the engine: settings, the studio (Streamlit widgets, history), the job
service and the command line. The engine (``engine``) never imports this package."""

import logging as _logging
import os as _os


def _log_to_stderr(level: str) -> None:
    """``DREAMLAB_LOG_LEVEL=INFO``: DreamLab's own messages (each job started, with its session) go
    to the server's console; by default only warnings do, through Python's last-resort handler."""
    handler = _logging.StreamHandler()
    handler.setFormatter(_logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = _logging.getLogger(__name__)
    logger.addHandler(handler)
    known = isinstance(_logging.getLevelName(level.upper()), int)
    logger.setLevel(level.upper() if known else _logging.INFO)


if _os.environ.get("DREAMLAB_LOG_LEVEL"):
    _log_to_stderr(_os.environ["DREAMLAB_LOG_LEVEL"])
