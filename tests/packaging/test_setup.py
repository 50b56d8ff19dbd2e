"""Set-up: `make run` installs the program only, `make test` adds the test stack; one apt list."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.packaging.conftest import ROOT

APT_PACKAGES = ROOT / "packaging" / "linux" / "apt-packages.txt"


def _make_dry_run(target: str, venv: Path, *variables: str) -> list[str]:
    """The commands `make TARGET` would run with this venv folder (make -n runs nothing)."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    # Run as from a shell, also when the suite itself runs under `make test` (a sub-make would
    # inherit MAKEFLAGS and announce the directories it enters).
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", target, f"VENV={venv}", *variables],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.splitlines()


def _venv(tmp_path: Path, *stamps: str) -> Path:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    python = venv / "bin" / "python"
    python.write_text("#!/bin/sh\n")
    python.chmod(0o755)
    newer = (ROOT / "pyproject.toml").stat().st_mtime + 10
    for stamp in stamps:
        (venv / stamp).touch()
        os.utime(venv / stamp, (newer, newer))
    return venv


def _installs(commands: list[str]) -> list[str]:
    return [c for c in commands if "pip install" in c and "--upgrade pip" not in c]


def test_make_run_installs_the_program_without_the_test_extras(tmp_path: Path) -> None:
    installs = _installs(_make_dry_run("run", _venv(tmp_path)))
    assert len(installs) == 1
    assert installs[0].endswith("pip install --quiet -e .")


def test_make_test_adds_the_test_extras(tmp_path: Path) -> None:
    installs = _installs(_make_dry_run("test", _venv(tmp_path, ".installed-run")))
    assert len(installs) == 1
    assert installs[0].endswith("pip install --quiet -e '.[test]'")


def test_make_run_after_make_test_installs_nothing(tmp_path: Path) -> None:
    venv = _venv(tmp_path, ".installed-run", ".installed-test")
    commands = _make_dry_run("run", venv)
    assert _installs(commands) == []
    assert commands == [f"{venv}/bin/claimdesk "]


def test_make_dist_builds_only_where_it_is_told(tmp_path: Path) -> None:
    """The bundle test (tests/packaging/conftest.py) builds under pytest's temporary folder,
    so `make test` leaves no dist/ or build/ in the checkout."""
    out = tmp_path / "out"
    venv = _venv(tmp_path, ".installed-run", ".installed-dist")
    dist, build = f"DISTDIR={out / 'dist'}", f"BUILDDIR={out / 'build'}"
    commands = " ".join(_make_dry_run("dist", venv, dist, build)).replace("\\ ", "")
    assert f"--distpath {out / 'dist'} --workpath {out / 'build'}/pyinstaller " in commands
    assert "--distpath dist" not in commands and "--workpath build" not in commands


def _listed() -> list[str]:
    names = []
    for line in APT_PACKAGES.read_text("utf-8").splitlines():
        names += line.split("#", 1)[0].split()
    return names


def test_the_apt_list_names_what_qt_and_the_end_to_end_tests_need() -> None:
    names = _listed()
    assert len(names) == len(set(names))
    for name in names:
        assert re.fullmatch(r"[a-z0-9][a-z0-9.+-]+", name), name
    # docs: Qt's xcb plugin on a bare Debian machine (checked with a window under Xvfb).
    needed = (
        "xvfb xdotool libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 "
        "libxcb-render-util0 libxkbcommon-x11-0 libxcb-shape0 libxcb-randr0 libxcb-xinerama0 "
        "libxcb-xfixes0 libxcb-sync1 libxcb-xkb1 libegl1 libgl1 libfontconfig1 python3-venv"
        # The shared-project tests start their own PostgreSQL cluster (tests/pgserver.py).
        " postgresql"
    )
    assert set(needed.split()) <= set(names)


def test_ci_installs_exactly_the_apt_list() -> None:
    script = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "libxcb" not in script, "the package names live in packaging/linux/apt-packages.txt"
    reader = next(
        line
        for line in script.splitlines()
        if "apt-packages.txt" in line and not line.startswith("#")
    )
    result = subprocess.run(
        ["bash", "-c", f'set -euo pipefail\n{reader}\nprintf "%s\\n" "${{packages[@]}}"'],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert result.stdout.split() == _listed()


def _run_ci_install(tmp_path: Path, before: str, after: str) -> subprocess.CompletedProcess[str]:
    """.ci/run's install step on two packages with apt-get failing; dpkg-query reports the
    `before` statuses until apt-get has run, then the `after` ones. `make` only leaves a mark."""
    (tmp_path / ".ci").mkdir()
    shutil.copy2(ROOT / ".ci" / "run", tmp_path / ".ci" / "run")
    (tmp_path / "packaging" / "linux").mkdir(parents=True)
    (tmp_path / "packaging" / "linux" / "apt-packages.txt").write_text("libxcb1\npostgresql\n")
    (tmp_path / "before").write_text(before)
    (tmp_path / "after").write_text(after)
    stubs = {
        "dpkg-query": 'state=before; [ -e "$T/apt-ran" ] && state=after\n'
        'line=$(grep "^${!#} " "$T/$state") || exit 1\nprintf "%s" "${line#* }"',
        "apt-get": 'touch "$T/apt-ran"; [ "$1" = install ] && exit 100; exit 0',
        "sudo": '"$@"',
        "make": 'touch "$T/make-ran"',
    }
    (tmp_path / "bin").mkdir()
    for name, body in stubs.items():
        (tmp_path / "bin" / name).write_text(f"#!/bin/bash\n{body}\n")
        (tmp_path / "bin" / name).chmod(0o755)
    env = {**os.environ, "T": str(tmp_path), "PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin"}
    return subprocess.run(
        ["bash", str(tmp_path / ".ci" / "run")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_ci_goes_on_when_only_postgresqls_default_cluster_failed_to_start(tmp_path: Path) -> None:
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")) or not shutil.which("psql"):
        message = "PostgreSQL's server programs are not installed (.ci/run installs them)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # What dpkg leaves when the package's own start of its default cluster fails under sysvinit.
    result = _run_ci_install(
        tmp_path,
        before="libxcb1 install ok installed\n",
        after="libxcb1 install ok installed\npostgresql install ok half-configured\n",
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "make-ran").exists()
    assert "default cluster did not start" in result.stderr


@pytest.mark.parametrize(
    "after",
    [
        "postgresql install ok half-configured\n",  # libxcb1 did not install
        "libxcb1 install ok installed\n",  # postgresql did not even unpack
    ],
)
def test_ci_stops_when_a_package_did_not_install(tmp_path: Path, after: str) -> None:
    result = _run_ci_install(tmp_path, before="", after=after)
    assert result.returncode != 0
    assert not (tmp_path / "make-ran").exists()
    assert "Installing system packages failed" in result.stderr
