"""The desktop bundle, built once per test session with `make dist` (about a minute here)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "dist" / "claimdesk"


def need(tool: str) -> str:
    """The path of a system tool; fails in CI (where .ci/run installs it), skips elsewhere."""
    found = shutil.which(tool)
    if found is None:
        message = f"{tool} is not installed (.ci/run installs it with apt)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="session")
def bundle() -> Path:
    """dist/claimdesk/, freshly built from this checkout by `make dist`."""
    env = {**os.environ, "PYTHON": sys.executable}
    started = time.monotonic()
    result = subprocess.run(
        ["make", "dist", f"VENV={Path(sys.executable).parents[1]}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    print(f"make dist took {time.monotonic() - started:.0f} s")
    assert (BUNDLE / "claimdesk").is_file()
    return BUNDLE


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
