"""The toolbar's icons: one-colour SVG line drawings in resources/icons/toolbar, themed when drawn.

Each SVG strokes in ``currentColor``. The icon engine below puts the current theme's colour in
its place only when Qt first paints the icon (the button text colour, the disabled text colour
for a disabled action, the highlighted text colour on a highlighted menu row), so one file serves
the light and the dark theme, and a theme switch needs nothing but a repaint. Nothing is read or
rendered at start-up before the window paints: QtSvg is imported by the first paint.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QRect, QSize, Qt
from PySide6.QtGui import QIcon, QIconEngine, QPixmap

if TYPE_CHECKING:  # Python's QPainter type is made on first use: by the first paint
    from PySide6.QtGui import QPainter

from claimdesk.core.paths import resources_dir

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
            from PySide6.QtGui import QPainter

            cached = QPixmap(size)
            cached.fill(Qt.GlobalColor.transparent)
            painter = QPainter(cached)
            try:
                painter.setRenderHint(QPainter.RenderHint.Antialiasing)
                self.paint(painter, QRect(0, 0, size.width(), size.height()), mode, state)
            finally:
                painter.end()
            self._pixmaps[key] = cached
        return cached

    def clone(self) -> QIconEngine:
        return ThemedIconEngine(self.name)

    def key(self) -> str:
        return "claimdesk-themed-svg"


def themed_icon(name: str) -> QIcon:
    """The toolbar icon ``name`` (resources/icons/toolbar/<name>.svg), drawn for the theme."""
    return QIcon(ThemedIconEngine(name))
