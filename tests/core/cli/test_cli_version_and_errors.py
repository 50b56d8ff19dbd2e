"""claimdesk-cli --version, and what an unexpected error looks like: one line and a log file."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from claimdesk.core import version
from claimdesk.core.cli.main import main
from claimdesk.core.paths import user_log_dir
from claimdesk.core.store.project import Project

ROOT = Path(__file__).resolve().parents[3]


def _pyproject_version() -> str:
    return str(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"])


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("claimdesk-cli")
    return [str(script)] if script.exists() else [sys.executable, "-m", "claimdesk.core.cli"]


@pytest.mark.parametrize(
    "command",
    [_cli(), [sys.executable, "-m", "claimdesk.core.cli"]],
    ids=["claimdesk-cli", "python -m claimdesk.core.cli"],
)
def test_version_is_the_one_in_pyproject_toml(command: list[str]) -> None:
    result = subprocess.run(
        [*command, "--version"], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == _pyproject_version()
    assert version() == _pyproject_version()


def test_an_unexpected_error_is_one_line_on_the_terminal_and_a_traceback_in_the_log(
    project_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def planted(self: Project) -> list[object]:
        raise RuntimeError("planted failure\nsecond line")

    monkeypatch.setattr(Project, "documents", planted)
    assert main(["list", str(project_path)]) == 1
    err = capsys.readouterr().err
    log = user_log_dir() / "claimdesk-cli.log"
    assert err == (
        "claimdesk-cli: unexpected error (RuntimeError: planted failure\\x0asecond line); "
        f"details in {log}\n"
    )
    assert "Traceback" not in err
    text = log.read_text("utf-8")
    assert f"CRITICAL claimdesk.core.cli.main: claimdesk-cli {version()}: unexpected error" in text
    assert "Traceback (most recent call last):" in text
    assert 'raise RuntimeError("planted failure\\nsecond line")' in text


def test_a_refusal_is_still_a_plain_error_line_and_not_logged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["list", str(tmp_path / "missing.claimdesk")]) == 1
    assert capsys.readouterr().err == "claimdesk-cli: error: missing.claimdesk: does not exist\n"
    log = user_log_dir() / "claimdesk-cli.log"
    assert not log.exists() or "Traceback" not in log.read_text("utf-8")


def test_the_installed_program_prints_no_traceback_either(tmp_path: Path) -> None:
    # A planted failure in a real process (sitecustomize breaks Project.open before main runs).
    plant = tmp_path / "plant"
    plant.mkdir()
    (plant / "sitecustomize.py").write_text(
        "import claimdesk.core.store.project as p\n"
        "def broken(*a, **k):\n"
        "    raise MemoryError('planted')\n"
        "p.Project.open = broken\n"
    )
    env_path = f"{plant}:{':'.join(sys.path[1:])}"
    result = subprocess.run(
        [sys.executable, "-m", "claimdesk.core.cli", "list", str(tmp_path / "x.claimdesk")],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": env_path},
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("claimdesk-cli: unexpected error (MemoryError: planted)")
    assert "Traceback" in (user_log_dir() / "claimdesk-cli.log").read_text("utf-8")
