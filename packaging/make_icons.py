"""Render Claimdesk's icons from their SVG sources: PNG sizes, Windows .ico, macOS .icns.

    python packaging/make_icons.py [OUTPUT_FOLDER]     (default: resources/icons)

The SVGs in resources/icons are the sources. The generated files are committed beside them
(the app, the wheel and the Linux installer use them without a build step); run this again
after changing an SVG. QtSvg draws each size from the vector (crisper small sizes than
scaling one bitmap down); Pillow writes the .ico and .icns containers.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "resources" / "icons"
ICONS = ("claimdesk", "claimdesk-project", "claimdesk-exercise", "claimdesk-submission")
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)  # Windows takes up to 256
ICNS_SIZES = (16, 32, 64, 128, 256, 512)


def render_png(svg: Path, size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def make_icons(output: Path) -> list[Path]:
    from PIL import Image
    from PySide6.QtGui import QGuiApplication

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QGuiApplication.instance() or QGuiApplication(["make_icons"])  # kept alive
    made: list[Path] = []
    (output / "png").mkdir(parents=True, exist_ok=True)
    for name in ICONS:
        images: dict[int, Image.Image] = {}
        for size in PNG_SIZES:
            data = render_png(SOURCES / f"{name}.svg", size)
            path = output / "png" / f"{name}-{size}.png"
            path.write_bytes(data)
            made.append(path)
            images[size] = Image.open(io.BytesIO(data)).convert("RGBA")
        ico = output / f"{name}.ico"
        largest = images[max(ICO_SIZES)]
        largest.save(
            ico,
            format="ICO",
            sizes=[(s, s) for s in ICO_SIZES],
            append_images=[images[s] for s in ICO_SIZES if s != max(ICO_SIZES)],
        )
        icns = output / f"{name}.icns"
        images[512].save(
            icns, format="ICNS", append_images=[images[s] for s in ICNS_SIZES if s != 512]
        )
        made += [ico, icns]
    return made


def main(argv: list[str]) -> int:
    output = Path(argv[1]) if len(argv) > 1 else SOURCES
    made = make_icons(output)
    print(f"Wrote {len(made)} icon files to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
