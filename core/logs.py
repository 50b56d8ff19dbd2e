"""Claimdesk's log: a rotating file per program in the user's log folder, set up by each program.

Everything under the ``claimdesk`` logger goes there; an unexpected error is logged with its
traceback, and the program tells the user the file's path instead of showing the traceback.
"""

from __future__ import annotations

import logging
from pathlib import Path

from claimdesk.core.paths import user_log_dir

LOGGER = "claimdesk"
# A log that outlives many sessions yet never grows without bound: 1 MB, then 3 older files.
MAX_BYTES = 1_000_000
BACKUPS = 3
FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"


def log_file(program: str) -> Path:
    """Where ``program`` ("claimdesk", "claimdesk-cli") writes its log."""
    return user_log_dir() / f"{program}.log"


def configure_logging(program: str) -> Path | None:
    """Send the ``claimdesk`` logger to ``log_file(program)``; return that path.

    Safe to call again (each test gets its own log folder): the handler is replaced only when
    the path changed. None when the folder cannot be written (a read-only home): the program
    then runs without a log rather than failing.
    """
    # logging.handlers costs ~15 ms of start-up: imported by the entry points only.
    from logging.handlers import RotatingFileHandler

    path = log_file(program)
    logger = logging.getLogger(LOGGER)
    for handler in list(logger.handlers):
        if isinstance(handler, RotatingFileHandler):
            if Path(handler.baseFilename) == path.absolute():
                return path
            logger.removeHandler(handler)
            handler.close()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
    except OSError:
        # Without a file the records go nowhere, rather than to Python's last-resort handler,
        # which would print tracebacks on the user's terminal.
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())
        return None
    handler.setFormatter(logging.Formatter(FORMAT))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return path
