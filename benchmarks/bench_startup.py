"""Cold start: process launch to the first painted window, Claimdesk against a bare PySide6
window measured in the same run.

Targets: the first paint (Claimdesk's splash) within 2x the bare window, and the main window
painted (menus, toolbar, the panels' headings; the splash does not count) within 1.5x. Python
runs with its bytecode cache, as an installed Claimdesk does (pip compiles it at install time,
and the bare window's PySide6 has its own): with PYTHONDONTWRITEBYTECODE set, as on some
development machines, every launch would compile Claimdesk's modules from source again. The
warm-up launch also leaves the toolbar's drawn icons in the cache folder, as any earlier launch
of a user's does.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HELPER = Path(__file__).with_name("first_paint.py")
RUNS = 7
SPLASH_TARGET = 2.0
WINDOW_TARGET = 1.5


def first_paint_ms(args: list[str], env: dict[str, str]) -> dict[str, float]:
    """Milliseconds from process launch to each moment the helper reports."""
    started = time.time()
    result = subprocess.run(
        [sys.executable, str(HELPER), *args], env=env, capture_output=True, text=True, timeout=120
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-2000:])
    moments = dict(line.split() for line in result.stdout.splitlines() if line.strip())
    return {what: (float(when) - started) * 1000 for what, when in moments.items()}


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from claimdesk.core.sample import create_sample_project

    with tempfile.TemporaryDirectory() as home:
        env = {
            **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
            "PYTHONPYCACHEPREFIX": f"{home}/pycache",  # written by the warm-up runs below
            "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
            "CLAIMDESK_DATA_DIR": f"{home}/data",
            "CLAIMDESK_CONFIG_DIR": f"{home}/config",
            "CLAIMDESK_CACHE_DIR": f"{home}/cache",  # the toolbar's drawn icons, as a user's
            "PYTHONPATH": os.pathsep.join([str(ROOT / "packaging" / "editable"), str(ROOT)]),
        }
        Path(home, "config").mkdir()
        Path(home, "config", "claimdesk.ini").write_text("[annotator]\nname=Bench\n")
        project = create_sample_project(Path(home) / "data" / "Sample project.claimdesk")
        first_paint_ms(["bare"], env)  # warm the OS file cache (and the bytecode) for both
        first_paint_ms(["app", str(project)], env)
        bare: list[float] = []
        app: dict[str, list[float]] = {"painted": [], "window": [], "panels": [], "article": []}
        for _ in range(RUNS):  # interleaved, so both see the same machine load
            bare.append(first_paint_ms(["bare"], env)["painted"])
            moments = first_paint_ms(["app", str(project)], env)
            for what, values in app.items():
                values.append(moments[what])
    b = statistics.median(bare)
    first, window, panels, article = (
        statistics.median(app[k]) for k in ("painted", "window", "panels", "article")
    )
    ratio = first / b
    print(
        f"cold start to first paint (Claimdesk's splash): {first:.0f} ms (bare PySide6 window "
        f"{b:.0f} ms, ratio {ratio:.2f}x; target <= {SPLASH_TARGET:g}x) "
        f"{'OK' if ratio <= SPLASH_TARGET else 'SLOW'}"
    )
    ratio = window / b
    spread = f"{min(app['window']):.0f}-{max(app['window']):.0f} ms"
    print(
        f"cold start to the main window painted (menus, toolbar, panel headings): {window:.0f} ms "
        f"({spread}; ratio {ratio:.2f}x; target <= {WINDOW_TARGET:g}x) "
        f"{'OK' if ratio <= WINDOW_TARGET else 'SLOW'}"
    )
    print(f"cold start to the panels painted: {panels:.0f} ms (ratio {panels / b:.2f}x)")
    print(
        f"cold start to the sample article shown and highlighted: {article:.0f} ms "
        f"(ratio {article / b:.2f}x)"
    )


if __name__ == "__main__":
    main()
