"""The desktop bundle, built once per test session with `make dist` (about a minute here)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def need(tool: str) -> str:
    """The path of a system tool; fails in CI (where .ci/run installs it), skips elsewhere."""
    found = shutil.which(tool)
    if found is None:
        message = f"{tool} is not installed (.ci/run installs it with apt)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def checkout_outputs() -> dict[str, float]:
    """The checkout's dist/ and build/ folders that exist, with their modification times."""
    return {
        name: (ROOT / name).stat().st_mtime for name in ("dist", "build") if (ROOT / name).exists()
    }


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """DISTDIR/claimdesk/, freshly built from this checkout by `make dist`.

    Built under a temporary folder (DISTDIR, BUILDDIR), so the tests leave no dist/ or build/
    in the checkout.
    """
    out = tmp_path_factory.mktemp("bundle")
    venv = Path(sys.executable).parents[1]
    command = ["make", "dist", f"VENV={venv}", f"DISTDIR={out / 'dist'}", f"BUILDDIR={out}"]
    if importlib.util.find_spec("PyInstaller") is not None:
        # The environment running the tests already has the build tools: `make dist` must not
        # reinstall the checkout into it (-o: take the stamp as up to date).
        command += ["-o", str(venv / ".installed-dist")]
    env = {**os.environ, "PYTHON": sys.executable}
    before = checkout_outputs()
    started = time.monotonic()
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    print(f"make dist took {time.monotonic() - started:.0f} s")
    # `make test` runs this: the 250 MB bundle and PyInstaller's work files stay out of the
    # checkout (a dist/ or build/ already there, from a `make dist` by hand, is not counted).
    assert checkout_outputs() == before, "building the bundle wrote dist/ or build/ in the checkout"
    bundle = out / "dist" / "claimdesk"
    assert (bundle / "claimdesk").is_file()
    return bundle


@pytest.fixture
def display(tmp_path: Path) -> Iterator[str]:
    xvfb = need("Xvfb")
    number = 600 + os.getpid() % 300
    process = subprocess.Popen(
        [xvfb, f":{number}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            assert time.monotonic() < deadline, "Xvfb did not start"
            time.sleep(0.1)
        yield f":{number}"
    finally:
        process.terminate()
        process.wait(10)
