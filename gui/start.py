"""The ``claimdesk`` command: check that Qt can start here, then run the program (gui/app.py).

Nothing here imports Qt: without a display, or without the system libraries Qt's window
plugin needs, the user gets one line saying what is missing and how to install it (exit 1),
where Qt itself would abort with a misleading hint and a core dump (gui/display_check.py).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from claimdesk.gui.display_check import display_problem, offscreen_without_display

PROGRAM = "claimdesk"  # the window's log (gui/excepthook.py)


def main(argv: Sequence[str] | None = None) -> int:
    if getattr(sys, "frozen", False):
        # The packaged program is also the suggestions' worker process (core/suggest/process.py):
        # started that way, it serves the window and never reaches the code below.
        import multiprocessing

        multiprocessing.freeze_support()
    argv = list(sys.argv if argv is None else argv)
    options = argv[1:]
    if "--version" in options:  # answered without Qt, which may be what is missing
        from claimdesk.core import version

        print(version(), flush=True)
        return 0
    if not {"-h", "--help"} & set(options):
        if "--smoke-test" in options:
            offscreen_without_display(os.environ)
        problem = display_problem()
        if problem is not None:
            refuse(problem)
            return 1
    from claimdesk.gui.app import main as run

    return run(argv)


def refuse(problem: str) -> None:
    """Say it on the terminal (a desktop launcher's output goes to the session's log) and in
    Claimdesk's own log, where someone helping the user will look."""
    print(problem, file=sys.stderr, flush=True)
    import logging

    from claimdesk.core.logs import LOGGER, configure_logging

    configure_logging(PROGRAM)
    logging.getLogger(LOGGER).error("%s", problem)


if __name__ == "__main__":
    sys.exit(main())
