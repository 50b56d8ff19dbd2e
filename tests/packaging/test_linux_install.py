"""packaging/linux/install.sh in a throw-away HOME: file types, default program, double-click."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from tests.packaging.conftest import ROOT, need

INSTALL = ROOT / "packaging" / "linux" / "install.sh"
TYPES = {
    "project": "application/x-claimdesk-project",
    "exercise": "application/x-claimdesk-exercise",
    "submission": "application/x-claimdesk-submission",
}


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    for tool in ("xdg-mime", "gio", "update-mime-database", "desktop-file-validate"):
        need(tool)
    home = tmp_path / "home"  # (xdg-mime 1.1 cannot read a mimeapps.list under a path with spaces)
    home.mkdir()
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "USER": "student",
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_DIRS": "/usr/local/share:/usr/share",
        # xdg-mime asks GIO (the shared-mime-info reader GNOME and GTK programs use) for a
        # file's type when the desktop is GNOME; its generic fallback, file(1), knows no globs.
        "XDG_CURRENT_DESKTOP": "GNOME",
    }
    return env


def _run(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{args}: {result.stdout}{result.stderr}"
    return result.stdout.strip()


def _recorder(tmp_path: Path) -> tuple[Path, Path]:
    """A stand-in program that writes down the arguments it was started with."""
    log = tmp_path / "argv.txt"
    folder = tmp_path / 'my $dir "x" b`t \\ z'  # every character Exec= quoting must escape
    folder.mkdir()
    program = folder / "fake claimdesk"
    program.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{log}"\n')
    program.chmod(0o755)
    return program, log


def test_install_registers_the_types_and_a_double_click_launches_claimdesk(
    home: dict[str, str], tmp_path: Path
) -> None:
    program, log = _recorder(tmp_path)
    out = _run(home, str(INSTALL), "--exec", str(program))
    assert "registered" in out
    for mime in TYPES.values():
        assert _run(home, "xdg-mime", "query", "default", mime) == "claimdesk.desktop"
    files = {}
    for kind, mime in TYPES.items():
        path = tmp_path / f"Week 1 𠀋 <b>&amp; {kind}.claimdesk-{kind}".replace("-project", "")
        path.write_bytes(b"PK\x03\x04 a teacher's file")
        files[kind] = path
        assert _run(home, "xdg-mime", "query", "filetype", str(path)) == mime
    # Double-click, as a file manager does it: GIO starts the default program with the file.
    _run(home, "gio", "open", str(files["exercise"]))
    deadline = time.monotonic() + 20
    while not log.exists():
        assert time.monotonic() < deadline, "Claimdesk was not started"
        time.sleep(0.1)
    time.sleep(0.2)
    assert log.read_text("utf-8").splitlines() == [str(files["exercise"])]
    # The menu entry is valid and runs the program given; the icons are in the theme.
    data = Path(home["XDG_DATA_HOME"])
    entry = (data / "applications" / "claimdesk.desktop").read_text("utf-8")
    assert entry.count("Exec=") == 1 and entry.rstrip().splitlines()[-1].startswith("MimeType=")
    _run(home, "desktop-file-validate", str(data / "applications" / "claimdesk.desktop"))
    assert (data / "icons/hicolor/48x48/apps/claimdesk.png").is_file()
    assert (data / "icons/hicolor/256x256/mimetypes/application-x-claimdesk-exercise.png").is_file()


def test_uninstall_removes_everything_it_added(home: dict[str, str], tmp_path: Path) -> None:
    program, _ = _recorder(tmp_path)
    _run(home, str(INSTALL), "--exec", str(program))
    _run(home, str(INSTALL), "--uninstall")
    for mime in TYPES.values():
        assert _run(home, "xdg-mime", "query", "default", mime) == ""
    path = tmp_path / "x.claimdesk-exercise"
    path.write_bytes(b"PK\x03\x04")
    assert _run(home, "xdg-mime", "query", "filetype", str(path)) != TYPES["exercise"]
    data = Path(home["XDG_DATA_HOME"])
    left = [p for p in data.rglob("*") if p.is_file() and "claimdesk" in p.name.lower()]
    assert left == []


def test_install_without_a_program_says_what_to_do(home: dict[str, str], tmp_path: Path) -> None:
    result = subprocess.run(
        [str(INSTALL), "--exec", str(tmp_path / "missing")],
        env=home,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "missing is not an executable program" in result.stderr
    assert not (Path(home["XDG_DATA_HOME"]) / "applications" / "claimdesk.desktop").exists()


def test_install_refuses_a_program_path_with_a_percent_sign(
    home: dict[str, str], tmp_path: Path
) -> None:
    folder = tmp_path / "50%"
    folder.mkdir()
    program = folder / "claimdesk"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    result = subprocess.run(
        [str(INSTALL), "--exec", str(program)], env=home, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1 and "contains %" in result.stderr
