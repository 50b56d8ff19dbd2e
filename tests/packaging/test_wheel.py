"""The wheel installs everything under `claimdesk`, and a fresh venv with it (no extras) runs."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.packaging.conftest import ROOT

VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment of a user's shell: nothing points Python at this checkout."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTHON", "CLAIMDESK_", "VIRTUAL_ENV"))
    }
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`pip wheel . --no-deps`, built once per session into a temporary folder."""
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-w", str(out), "-q"]
    if importlib.util.find_spec("hatchling") is not None:
        command.append("--no-build-isolation")  # the build backend is here: no download
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=600, env=_clean_env(), cwd=out
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (built,) = out.glob("claimdesk-*.whl")
    return built


def test_the_wheel_installs_nothing_but_claimdesk(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names}
    assert tops == {"claimdesk", f"claimdesk-{VERSION}.dist-info"}
    assert wheel.name == f"claimdesk-{VERSION}-py3-none-any.whl"
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_the_wheel_carries_what_the_program_reads_at_run_time(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "claimdesk/__init__.py",
        "claimdesk/core/__init__.py",
        "claimdesk/gui/app.py",
        # core/paths.py looks for seeds and resources in claimdesk/core/_data.
        "claimdesk/core/_data/seeds/codebook.json",
        "claimdesk/core/_data/resources/default-codebook.json",
        "claimdesk/core/_data/resources/themes/dark.json",
        "claimdesk/core/_data/resources/icons/png/claimdesk-48.png",
        # core/store/engine.py runs the migrations from the folder beside it.
        "claimdesk/core/store/migrations/env.py",
        "claimdesk/core/store/migrations/script.py.mako",
        "claimdesk/core/store/migrations/versions/0001_initial_schema.py",
        "claimdesk/core/formats/schemas/refi-qda-project-1.0.xsd",
    ):
        assert needed in names, needed
    seeds = [n for n in names if n.startswith("claimdesk/core/_data/seeds/")]
    assert len(seeds) == len(list((ROOT / "seeds").iterdir()))
    migrations = [n for n in names if n.startswith("claimdesk/core/store/migrations/versions/")]
    shipped = list((ROOT / "core" / "store" / "migrations" / "versions").glob("*.py"))
    assert len(migrations) == len(shipped)
    assert not [n for n in names if n.startswith(("claimdesk/tests", "claimdesk/packaging"))]


def test_the_wheel_names_the_two_programs(wheel: Path) -> None:
    archive = zipfile.ZipFile(wheel)
    entry_points = archive.read(f"claimdesk-{VERSION}.dist-info/entry_points.txt").decode()
    assert "[gui_scripts]\nclaimdesk = claimdesk.gui.start:main" in entry_points
    assert "[console_scripts]\nclaimdesk-cli = claimdesk.core.cli.main:main" in entry_points


@pytest.mark.wheel
def test_a_fresh_venv_with_the_wheel_and_no_extras_runs_claimdesk(
    wheel: Path, tmp_path: Path
) -> None:
    """What a user gets from `pip install claimdesk`: the smoke test passes offscreen."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    bin_dir = venv / "bin"
    install = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheel)],
        capture_output=True,
        text=True,
        timeout=1200,
        env=_clean_env(),
    )
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    env = _clean_env(HOME=str(tmp_path / "home"), QT_QPA_PLATFORM="offscreen")
    env.pop("DISPLAY", None)
    version = subprocess.run(
        [str(bin_dir / "claimdesk-cli"), "--version"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == VERSION
    assert (
        subprocess.run(
            [str(bin_dir / "claimdesk"), "--version"],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            cwd=tmp_path,
        ).stdout.strip()
        == VERSION
    )
    smoke = subprocess.run(
        [str(bin_dir / "claimdesk"), "--smoke-test"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=tmp_path,
    )
    assert smoke.returncode == 0, smoke.stdout + smoke.stderr
    assert "smoke test passed" in smoke.stdout
    # No bare `core` or `gui` in site-packages, and no test stack came along.
    probe = subprocess.run(
        [
            str(bin_dir / "python"),
            "-c",
            "import importlib.util as u; "
            "print([m for m in ('core', 'gui', 'pytest', 'spacy', 'sklearn') if u.find_spec(m)])",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=tmp_path,
    )
    assert probe.stdout.strip() == "[]", probe.stdout + probe.stderr
