"""`make dist` builds a one-folder Claimdesk that runs on a real X display without Python."""

from __future__ import annotations

import configparser
import os
import shutil
import signal
import subprocess
import time
import tomllib
from pathlib import Path

import pytest
from PIL import Image

from claimdesk.core.store.project import Project
from tests.packaging.conftest import ROOT, need

pytestmark = pytest.mark.bundle


def _env(display: str, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAIMDESK_", "PYTHON"))}
    env.pop("VIRTUAL_ENV", None)
    env.update(
        DISPLAY=display,
        QT_QPA_PLATFORM="xcb",
        HOME=str(home),
        PATH="/usr/bin:/bin",  # no venv on the PATH: the bundle brings its own Python
    )
    return env


def test_bundle_passes_its_smoke_test_on_xvfb_and_shows_the_sample_project(
    bundle: Path, display: str, tmp_path: Path
) -> None:
    shot = tmp_path / "bundle.png"
    result = subprocess.run(
        [str(bundle / "claimdesk"), "--smoke-test", "--screenshot", str(shot)],
        env=_env(display, tmp_path / "home"),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "smoke test passed" in result.stdout
    assert "server projects through psycopg" in result.stdout  # libpq and keyring inside
    assert "Sample project — Claimdesk" in result.stdout
    # Modules loaded by name at run time are in the bundle: every dataset format (spaCy is an
    # extra the bundle leaves out, and says so), the REFI-QDA schema, dkpro-cassis's type
    # systems, and pyqtgraph for the agreement dashboard.
    formats = "jsonl, csv, brat, conll, labelstudio, uima-xmi, w3c, qdpx"
    assert f"exported to {formats} (not installed: spacy);" in result.stdout
    assert "drew the agreement dashboard" in result.stdout
    image = Image.open(shot).convert("RGB")
    assert image.width >= 800 and image.height >= 500
    # A drawn window, not a blank one: the article's text and the label colours are there.
    colours = image.resize((160, 100)).getcolors(16000) or []
    assert len(colours) > 50


def test_bundle_opens_the_project_given_on_its_command_line(
    bundle: Path, display: str, seeded: Project, tmp_path: Path
) -> None:
    path = tmp_path / "Week 𠀋 project.claimdesk"
    seeded.close()
    shutil.copy2(seeded.path, path)
    home = tmp_path / "home"
    config = home / "config"
    config.mkdir(parents=True)
    (config / "claimdesk.ini").write_text("[annotator]\nname=Desk User\n")
    env = {
        **_env(display, home),
        "CLAIMDESK_CONFIG_DIR": str(config),
        "CLAIMDESK_DATA_DIR": str(home / "data"),
    }
    process = subprocess.Popen([str(bundle / "claimdesk"), str(path)], env=env)
    try:
        deadline = time.monotonic() + 60
        last = ""
        while last != str(path):
            assert process.poll() is None, "the bundle exited"
            assert time.monotonic() < deadline, f"last project is {last!r}"
            time.sleep(0.2)
            ini = configparser.ConfigParser(interpolation=None)
            ini.read(config / "claimdesk.ini", encoding="utf-8")
            last = ini.get("projects", "last", fallback="")
    finally:
        process.terminate()
        process.wait(20)
    # It was opened, not replaced by the sample project.
    assert not (home / "data" / "Sample project.claimdesk").exists()


def test_bundle_is_lean(bundle: Path) -> None:
    internal = bundle / "_internal"
    names = {p.name for p in internal.iterdir()}
    for unwanted in ("tests", "pytest", "PIL", "OpenGL", "hypothesis", "mypy", "tkinter"):
        assert unwanted not in names, unwanted
    assert not list(internal.glob("PySide6/Qt/lib/libQt6Quick*"))
    assert not (internal / "PySide6" / "Qt" / "translations").exists()
    # The same bundle whether or not the build machine has GTK 3 (Qt's gtk3 theme drags it in).
    assert not list(internal.glob("PySide6/Qt/plugins/platformthemes/libqgtk3*"))
    assert not list(internal.glob("libgtk-3*")) and not list(internal.glob("libgdk-3*"))
    size = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())
    # 250 MB until server projects: psycopg's libpq with TLS and Kerberos (~10 MB) and the
    # keyring's Secret Service backend, which needs cryptography (~14 MB), came in with them.
    assert size < 280 * 1024 * 1024, f"{size / 2**20:.0f} MB"
    # A server project needs libpq (psycopg's own build); the smoke test loads it.
    assert list(internal.glob("psycopg_binary.libs/libpq*"))
    # What the app reads at run time is inside: resources, seeds, migrations.
    for needed in (
        "resources/icons/png/claimdesk-48.png",
        "resources/themes/dark.json",
        "seeds/codebook.json",
        "claimdesk/core/store/migrations/env.py",
        "claimdesk/core/formats/schemas/refi-qda-project-1.0.xsd",
    ):
        assert (internal / needed).is_file(), needed


def test_bundle_reports_the_version_of_pyproject_toml_and_hands_it_to_the_installer(
    bundle: Path, tmp_path: Path
) -> None:
    expected = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    env = {**_env(":0", tmp_path / "home"), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [str(bundle / "claimdesk"), "--version"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected
    # packaging/windows/claimdesk.iss includes this file beside the bundle.
    include = (bundle.parent / "version.iss").read_text("utf-8")
    assert f'#define AppVersion "{expected}"' in include.splitlines()


def _windows_named(env: dict[str, str], name: str) -> list[str]:
    result = subprocess.run(
        ["xdotool", "search", "--name", name], env=env, capture_output=True, text=True
    )
    return result.stdout.split()


def test_double_click_on_an_exercise_opens_it_in_the_installed_bundle(
    bundle: Path, display: str, seeded: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole path a student takes: the desktop's double-click (gio open) starts the bundle
    that install.sh registered, which asks who they are and opens their workspace."""
    from claimdesk.core.classroom.exercise import create_exercise
    from tests.packaging.test_linux_install import INSTALL

    for tool in ("xdotool", "gio", "xdg-mime", "update-mime-database"):
        need(tool)
    first = seeded.overview(seeded.ensure_annotator("Teacher").id)[0].id
    exercise = tmp_path / "Week 1 𠀋.claimdesk-exercise"
    create_exercise(seeded, exercise, title="Week 1 <b>claims</b>", document_ids=[first])
    seeded.close()
    home = tmp_path / "home"
    config = home / ".config" / "Claimdesk"
    env = {
        **_env(display, home),
        "USER": "student",
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_DIRS": "/usr/local/share:/usr/share",
        "XDG_CURRENT_DESKTOP": "GNOME",
        "CLAIMDESK_CONFIG_DIR": str(config),
        "CLAIMDESK_DATA_DIR": str(home / "data"),
    }
    config.mkdir(parents=True)
    (config / "claimdesk.ini").write_text("[annotator]\nname=Ada Student\n")
    subprocess.run(
        [str(INSTALL), "--exec", str(bundle / "claimdesk")], env=env, check=True, timeout=60
    )
    subprocess.run(["gio", "open", str(exercise)], env=env, check=True, timeout=60)
    pids: set[str] = set()
    try:
        deadline = time.monotonic() + 90
        while not (dialogs := _windows_named(env, "^Start the exercise$")):
            assert time.monotonic() < deadline, "the bundle did not ask who the student is"
            time.sleep(0.3)
        for window in dialogs:
            pid = subprocess.run(
                ["xdotool", "getwindowpid", window], env=env, capture_output=True, text=True
            ).stdout.strip()
            pids.update({pid} if pid else set())
        # The name is filled in from the settings: the student presses Enter.
        subprocess.run(["xdotool", "windowfocus", "--sync", dialogs[-1]], env=env, timeout=20)
        subprocess.run(["xdotool", "key", "Return"], env=env, check=True, timeout=20)
        while not _windows_named(env, "Week 1 <b>claims</b>"):
            assert time.monotonic() < deadline, "the exercise did not open"
            time.sleep(0.3)
    finally:
        for pid in pids:
            os.kill(int(pid), signal.SIGTERM)
    # The student's own workspace was made where Claimdesk resumes it next time.
    from claimdesk.core.classroom.workspace import workspace_path

    monkeypatch.setenv("CLAIMDESK_DATA_DIR", env["CLAIMDESK_DATA_DIR"])
    assert workspace_path(exercise, "Ada Student").is_file()
