"""Scrolling that moves pixels rather than drawing them again.

Scroll bars that are drawn again only when what they show changes:

A list of 10,000 claims gains a row with every label key: the scroll bar's range grows by one
row, its handle moves by less than a pixel, and Qt redraws the bar and everything beneath it
(the scroll area's corner, the splitters) all the same: a quarter to a half of a millisecond of
every edit. This bar is redrawn when the handle's rectangle or the arrows' states change (or
whenever Qt redraws it for any other reason: hover, press, a theme).

The bar fills its own background (the window colour) before the style draws it, so Qt treats it
as opaque: a redrawn bar no longer redraws the six widgets beneath it first (the main window,
two splitters, a panel, the list's frame and the bar's container), which the style's
translucent corners otherwise need. Those corners then blend with the window colour rather than
the list's frame line beneath: two pixels at the bar's top right end a shade lighter.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QScrollBar,
    QStyle,
    QStyleOptionSlider,
)

_HANDLE = QStyle.SubControl.SC_ScrollBarSlider
_BAR = QStyle.ComplexControl.CC_ScrollBar


class StillScrollBar(QScrollBar):
    """A QScrollBar whose range or value changes repaint it only when they move its pixels."""

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[call-overload]
        self.setAutoFillBackground(True)  # opaque: see the module's docstring
        self._painted: tuple[QRect, bool, bool, bool] | None = None  # as last drawn

    def _looks(self) -> tuple[QRect, bool, bool, bool]:
        option = QStyleOptionSlider()
        self.initStyleOption(option)
        handle = self.style().subControlRect(_BAR, option, _HANDLE, self)
        value = self.value()
        return handle, value <= self.minimum(), value >= self.maximum(), self.isEnabled()

    def paintEvent(self, event: QPaintEvent) -> None:
        self._painted = self._looks()
        super().paintEvent(event)

    def sliderChange(self, change: QScrollBar.SliderChange) -> None:
        # Compared with what was drawn last, so a redraw already on its way is never lost.
        if self._painted is None or self._looks() != self._painted:
            super().sliderChange(change)  # QAbstractSlider: update()


def keep_still(area: QAbstractScrollArea) -> None:
    """Give a scroll area (a list) a vertical bar drawn only when it moves."""
    old = area.verticalScrollBar()
    bar = StillScrollBar(old.orientation())
    bar.setObjectName(old.objectName())
    area.setVerticalScrollBar(bar)
