"""Before Qt starts: no display, or Qt's window libraries missing, is one line and exit 1."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from claimdesk.core.logs import log_file
from claimdesk.gui import display_check, start
from claimdesk.gui.display_check import (
    QTGUI_LIBRARIES,
    WAYLAND_LIBRARIES,
    XCB_LIBRARIES,
    display_problem,
)

ROOT = Path(__file__).resolve().parents[2]
APT_PACKAGES = ROOT / "packaging" / "linux" / "apt-packages.txt"
# What `make run` on a bare Debian machine lacked although libxcb-cursor0 was there.
BARE = {"libxcb-icccm.so.4", "libxcb-keysyms.so.1"}
MISSING_LINE = (
    "Claimdesk cannot open a window: missing libxcb-icccm.so.4, libxcb-keysyms.so.1. "
    "Install them with: sudo apt-get install libxcb-icccm4 libxcb-keysyms1"
)
NO_DISPLAY_LINE = (
    "Claimdesk needs a desktop session: no display (DISPLAY is not set). Start it from a "
    "desktop, or without a screen: `claimdesk --smoke-test` checks the installation, "
    "`xvfb-run claimdesk` runs it on a virtual display."
)


@pytest.fixture
def debian(tmp_path: Path) -> str:
    """A PATH on which apt-get is found (the unit tests do not depend on the machine's)."""
    apt = tmp_path / "bin" / "apt-get"
    apt.parent.mkdir()
    apt.write_text("#!/bin/sh\n")
    apt.chmod(0o755)
    return str(apt.parent)


class Loader:
    """Loads every library except the missing ones; records what was asked."""

    def __init__(self, *missing: str) -> None:
        self.missing = set(missing)
        self.asked: list[str] = []

    def __call__(self, name: str) -> bool:
        self.asked.append(name)
        return name not in self.missing


def test_missing_xcb_libraries_are_named_with_the_command_that_installs_them(
    debian: str,
) -> None:
    environ = {"DISPLAY": ":0", "PATH": debian}
    assert display_problem(environ, Loader(*BARE), "linux") == MISSING_LINE


def test_one_missing_library_is_named_alone(debian: str) -> None:
    environ = {"DISPLAY": ":0", "PATH": debian}
    line = display_problem(environ, Loader("libxcb-cursor.so.0"), "linux")
    assert line == (
        "Claimdesk cannot open a window: missing libxcb-cursor.so.0. "
        "Install it with: sudo apt-get install libxcb-cursor0"
    )


def test_without_apt_the_debian_names_are_given_as_such(tmp_path: Path) -> None:
    environ = {"DISPLAY": ":0", "PATH": str(tmp_path)}
    assert display_problem(environ, Loader(*BARE), "linux") == (
        "Claimdesk cannot open a window: missing libxcb-icccm.so.4, libxcb-keysyms.so.1. "
        "Install the packages that provide them "
        "(on Debian and Ubuntu: sudo apt-get install libxcb-icccm4 libxcb-keysyms1)"
    )


def test_no_display_is_said_before_any_library_of_the_window_is_tried() -> None:
    load = Loader(*BARE)
    assert display_problem({}, load, "linux") == NO_DISPLAY_LINE
    assert not set(load.asked) & set(XCB_LIBRARIES)


def test_a_wayland_session_without_either_display_names_both() -> None:
    line = display_problem({"XDG_SESSION_TYPE": "wayland"}, Loader(), "linux")
    assert line is not None
    assert "no display (WAYLAND_DISPLAY and DISPLAY are not set)" in line


def test_a_wayland_display_is_enough_and_xcb_is_the_fallback(debian: str) -> None:
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, Loader(*BARE), "linux") is None
    # Qt tries xcb when its wayland plugin cannot load: then xcb's libraries count.
    without_wayland = Loader(*BARE, *WAYLAND_LIBRARIES)
    environ = {"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0", "PATH": debian}
    assert display_problem(environ, without_wayland, "linux") == MISSING_LINE


@pytest.mark.parametrize("platform", ["offscreen", "minimal", "vnc:size=800x600"])
def test_platforms_without_a_window_system_check_only_what_qtgui_needs(platform: str) -> None:
    load = Loader(*XCB_LIBRARIES)
    assert display_problem({"QT_QPA_PLATFORM": platform}, load, "linux") is None
    assert set(load.asked) == set(QTGUI_LIBRARIES)


def test_qtgui_libraries_are_needed_by_every_platform(debian: str) -> None:
    environ = {"QT_QPA_PLATFORM": "offscreen", "PATH": debian}
    line = display_problem(environ, Loader("libEGL.so.1"), "linux")
    assert line == (
        "Claimdesk cannot start Qt: missing libEGL.so.1. "
        "Install it with: sudo apt-get install libegl1"
    )


def test_the_platform_named_in_qt_qpa_platform_is_the_one_checked(debian: str) -> None:
    assert display_problem({"QT_QPA_PLATFORM": "xcb"}, Loader(), "linux") == NO_DISPLAY_LINE
    environ = {
        "QT_QPA_PLATFORM": "xcb",
        "DISPLAY": ":0",
        "WAYLAND_DISPLAY": "wayland-0",
        "PATH": debian,
    }
    assert display_problem(environ, Loader(*BARE), "linux") == MISSING_LINE


@pytest.mark.parametrize("system", ["win32", "darwin"])
def test_windows_and_macos_are_not_checked(system: str) -> None:
    load = Loader(*QTGUI_LIBRARIES, *XCB_LIBRARIES)
    assert display_problem({}, load, system) is None
    assert load.asked == []


def test_every_package_the_check_can_name_is_in_the_apt_list() -> None:
    listed = set()
    for line in APT_PACKAGES.read_text("utf-8").splitlines():
        listed.update(line.split("#", 1)[0].split())
    named = set(QTGUI_LIBRARIES.values()) | set(XCB_LIBRARIES.values())
    assert named <= listed, sorted(named - listed)


def test_the_real_loader_finds_a_library_that_is_there_and_not_one_that_is_not() -> None:
    assert display_check.load_library("libc.so.6")
    assert not display_check.load_library("libclaimdesk-nothing.so.9")


# -- the entry point ---------------------------------------------------------------------------


@pytest.fixture
def no_display(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "XDG_SESSION_TYPE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")


def _app_not_started(argv: list[str]) -> int:
    raise AssertionError("Qt was started")


def test_the_entry_point_refuses_in_one_line_on_stderr_and_in_the_log(
    no_display: None,
    debian: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setenv("PATH", debian)
    monkeypatch.setattr(display_check, "load_library", Loader(*BARE))
    monkeypatch.setattr("claimdesk.gui.app.main", _app_not_started)
    assert start.main(["claimdesk"]) == 1
    out, err = capsys.readouterr()
    assert (out, err) == ("", MISSING_LINE + "\n")
    assert MISSING_LINE in log_file("claimdesk").read_text("utf-8")


def test_the_smoke_test_runs_offscreen_without_a_display(
    no_display: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[list[str]] = []
    monkeypatch.setattr("claimdesk.gui.app.main", lambda argv: started.append(argv) or 0)
    assert start.main(["claimdesk", "--smoke-test"]) == 0
    assert started == [["claimdesk", "--smoke-test"]]
    assert os.environ["QT_QPA_PLATFORM"] == "offscreen"


def test_with_a_display_and_the_libraries_the_program_starts(
    no_display: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(display_check, "load_library", Loader())
    started: list[list[str]] = []
    monkeypatch.setattr("claimdesk.gui.app.main", lambda argv: started.append(argv) or 0)
    assert start.main(["claimdesk", "a.claimdesk"]) == 0
    assert started == [["claimdesk", "a.claimdesk"]]


def test_the_installed_program_and_the_bundle_start_through_the_check() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert pyproject["project"]["gui-scripts"]["claimdesk"] == "claimdesk.gui.start:main"
    bundled = (ROOT / "packaging" / "claimdesk_main.py").read_text("utf-8")
    assert "from claimdesk.gui.start import main" in bundled


def _run_without_display(*args: str, qt: bool = False) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "XDG_SESSION_TYPE")
    }
    # The real entry point, as `claimdesk` runs it; unless ``qt``, without importing Qt.
    code = (
        "import sys\n"
        "from claimdesk.gui.start import main\n"
        "code = main(['claimdesk', *sys.argv[1:]])\n"
        f"assert {qt} or 'PySide6' not in sys.modules, 'Qt was imported'\n"
        "sys.exit(code)"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the check is Linux's")
def test_without_a_display_the_real_program_exits_1_with_the_line_and_no_core_dump() -> None:
    result = _run_without_display()
    assert result.returncode == 1, result.stderr
    assert result.stderr == NO_DISPLAY_LINE + "\n"
    assert result.stdout == ""


def test_version_needs_neither_a_display_nor_qt() -> None:
    result = _run_without_display("--version")
    assert result.returncode == 0, result.stderr
    expected = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    assert result.stdout.strip() == expected


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the check is Linux's")
def test_the_smoke_test_still_runs_without_a_display() -> None:
    result = _run_without_display("--smoke-test", qt=True)
    assert result.returncode == 0, result.stderr
    assert "smoke test passed" in result.stdout
