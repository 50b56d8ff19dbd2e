"""scripts/screenshot.py (make screenshot) writes the README's five pictures of the real windows."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "screenshot.py"
NAMES = ("light", "dark", "curation", "dashboard", "student")


def _colours(image: QImage) -> set[int]:
    return {
        image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }


def test_the_screenshot_script_writes_five_pictures_of_the_real_windows(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{n}.png" for n in NAMES)
    images = {name: QImage(str(tmp_path / f"{name}.png")) for name in NAMES}
    for name, image in images.items():
        assert (image.width(), image.height()) == (1280, 800), name
        assert len(_colours(image)) > 20, f"{name}.png looks blank"

    # The light and the dark theme really differ: the dark one is darker on the whole.
    def brightness(image: QImage) -> float:
        pixels = [image.pixelColor(x, y) for x in range(0, 1280, 16) for y in range(0, 800, 16)]
        return sum(p.lightnessF() for p in pixels) / len(pixels)

    assert brightness(images["dark"]) < brightness(images["light"]) - 0.3
