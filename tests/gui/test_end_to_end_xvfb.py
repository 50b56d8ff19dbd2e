"""The installed ``claimdesk`` program on a real X display: keys in, SIGKILL, nothing lost."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimdesk.core.store.project import Project
from claimdesk.gui.settings import Settings

pytestmark = pytest.mark.xvfb
BIN = Path(sys.executable).parent


def _need(tool: str) -> str:
    found = shutil.which(tool) or (str(BIN / tool) if (BIN / tool).exists() else None)
    if found is None:
        message = f"{tool} is not installed (.ci/run installs it with apt)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def _wait(predicate, timeout: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@pytest.fixture
def display(tmp_path: Path) -> Iterator[str]:
    xvfb = _need("Xvfb")
    number = 90 + os.getpid() % 500
    process = subprocess.Popen(
        [xvfb, f":{number}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(lambda: Path(f"/tmp/.X11-unix/X{number}").exists(), 20, "Xvfb")
        yield f":{number}"
    finally:
        process.terminate()
        process.wait(10)


def _rows(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT quote, label_id FROM annotation").fetchall()
    finally:
        conn.close()


def test_installed_program_annotates_by_keyboard_and_survives_sigkill(
    display: str, seeded: Project, tmp_path: Path
) -> None:
    xdotool = _need("xdotool")
    program = _need("claimdesk")
    path = seeded.path
    cooperation = next(lab.id for lab in seeded.labels() if lab.name == "Military cooperation")
    seeded.close()
    Settings().annotator_name = "Desk User"  # so the first-run question does not appear
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    app = subprocess.Popen(
        [program, str(path)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:

        def window() -> str:
            found = subprocess.run(
                [xdotool, "search", "--onlyvisible", "--name", "Claimdesk"],
                env=env,
                capture_output=True,
                text=True,
            )
            return found.stdout.split()[0] if found.stdout.split() else ""

        window_id = _wait(window, 60, "the Claimdesk window")
        subprocess.run([xdotool, "windowfocus", "--sync", window_id], env=env, check=True)
        time.sleep(0.5)  # let the first paint and focus settle
        # The caret starts at the top of the article: select two words, file under key 3.
        subprocess.run(
            [xdotool, "key", "--delay", "80", "ctrl+shift+Right", "ctrl+shift+Right", "3"],
            env=env,
            check=True,
        )
        rows = _wait(lambda: _rows(path), 30, "the annotation in the project file")
        assert rows == [("China and", cooperation)]
        app.send_signal(signal.SIGKILL)
        app.wait(30)
    finally:
        if app.poll() is None:
            app.kill()
            app.wait(30)
        output = app.stdout.read().decode(errors="replace") if app.stdout else ""
    assert app.returncode == -signal.SIGKILL, output
    with Project.open(path) as reopened:
        quotes = [a.quote for d in reopened.documents() for a in reopened.annotations(d.id, None)]
    assert quotes == ["China and"]
