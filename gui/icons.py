"""The toolbar's icons: one-colour SVG line drawings in resources/icons/toolbar, themed when drawn.

Each SVG strokes in ``currentColor``. The icon engine below puts the current theme's colour in
its place only when Qt first paints the icon (the button text colour, the disabled text colour
for a disabled action, the highlighted text colour on a highlighted menu row), so one file serves
the light and the dark theme, and a theme switch needs nothing but a repaint. Nothing is read or
rendered at start-up before the window paints. Each drawing is kept as a PNG in the user's
cache folder, named by its colour, size and the SVG's checksum: later launches load those
(their first paint then needs neither QtSvg nor a painter), a changed SVG or colour is drawn anew.
"""

from __future__ import annotations

import zlib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QRect, QSize
from PySide6.QtGui import QIcon, QIconEngine, QPixmap

if TYPE_CHECKING:  # Python's QPainter type is made on first use: by the first paint
    from PySide6.QtGui import QPainter

from claimdesk.core.paths import resources_dir, user_cache_dir

# The icon's mode -> the theme colour it is drawn in (gui/theme.py, resources/themes/*.json).
_ROLE_OF_MODE = {
    QIcon.Mode.Normal: "button_text",
    QIcon.Mode.Active: "button_text",
    QIcon.Mode.Selected: "highlighted_text",
    QIcon.Mode.Disabled: "disabled_text",
}


def icon_path(name: str) -> str:
    return str(resources_dir() / "icons" / "toolbar" / f"{name}.svg")


@cache
def _svg(name: str) -> str:
    with open(icon_path(name), encoding="utf-8") as file:
        return file.read()


def cached_drawing(name: str, colour: str, width: int, height: int) -> Path:
    """Where the drawing ``name`` in ``colour`` at this size is kept between launches."""
    checksum = zlib.crc32(_svg(name).encode("utf-8"))
    file = f"{name}-{colour.lstrip('#')}-{width}x{height}-{checksum:08x}.png"
    return user_cache_dir() / "icons" / file


def svg_in(name: str, colour: str) -> QByteArray:
    """The drawing ``name`` stroked in ``colour`` ("#rrggbb")."""
    return QByteArray(_svg(name).replace("currentColor", colour).encode("utf-8"))


class ThemedIconEngine(QIconEngine):
    """Draws one toolbar SVG in the colour the current theme gives the icon's mode."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self._pixmaps: dict[tuple[str, QIcon.Mode, int, int], QPixmap] = {}

    def colour(self, mode: QIcon.Mode) -> str:
        from claimdesk.gui.theme import colour_of

        return colour_of(_ROLE_OF_MODE.get(mode, "button_text"))

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        from PySide6.QtSvg import QSvgRenderer  # first paint, never at import

        QSvgRenderer(svg_in(self.name, self.colour(mode))).render(painter, rect)

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        from claimdesk.gui.theme import current_theme

        key = (current_theme(), mode, size.width(), size.height())
        cached = self._pixmaps.get(key)
        if cached is None:
            cached = self._drawing(size, mode)
            self._pixmaps[key] = cached
        return cached

    def _drawing(self, size: QSize, mode: QIcon.Mode) -> QPixmap:
        from PySide6.QtCore import Qt  # drawn anew: not a launch that has its drawings
        from PySide6.QtGui import QPainter

        colour = self.colour(mode)
        kept = cached_drawing(self.name, colour, size.width(), size.height())
        if kept.is_file():
            loaded = QPixmap(str(kept))
            if not loaded.isNull() and loaded.size() == size:
                return loaded
        drawn = QPixmap(size)
        drawn.fill(Qt.GlobalColor.transparent)
        painter = QPainter(drawn)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self.paint(painter, QRect(0, 0, size.width(), size.height()), mode, QIcon.State.Off)
        finally:
            painter.end()
        try:  # a folder that cannot be written only costs the next launch the drawing
            kept.parent.mkdir(parents=True, exist_ok=True)
            drawn.save(str(kept), "PNG")
        except OSError:
            pass
        return drawn

    def clone(self) -> QIconEngine:
        return ThemedIconEngine(self.name)

    def key(self) -> str:
        return "claimdesk-themed-svg"


def themed_icon(name: str) -> QIcon:
    """The toolbar icon ``name`` (resources/icons/toolbar/<name>.svg), drawn for the theme."""
    return QIcon(ThemedIconEngine(name))
