"""Scrolling that moves pixels rather than drawing them again.

Scroll bars that are drawn again only when what they show changes:

A list of 10,000 claims gains a row with every label key: the scroll bar's range grows by one
row, its handle moves by less than a pixel, and Qt redraws the bar and everything beneath it
(the scroll area's corner, the splitters) all the same: a quarter to a half of a millisecond of
every edit. This bar is redrawn when the handle's rectangle or the arrows' states change (or
whenever Qt redraws it for any other reason: hover, press, a theme).
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
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


OPAQUE = "claimdesk_opaque"  # the property of a viewport kept opaque (keep_opaque)


def keep_opaque(area: QAbstractScrollArea) -> None:
    """Let a scroll area move its viewport's pixels when it scrolls or a row comes or goes.

    Any style sheet rule that frames an item view or a text view (the focus frames of
    resources/themes/focus.qss) turns its viewport's own background off, so that the frame's
    corners show; Qt then cannot move a viewport's pixels (a transparent widget is drawn again
    instead: at 1 MB a new claim redrew every list row below it). Such a viewport fills its
    background with the palette's base colour again, as without a style sheet, once the style
    sheet is applied (``fill_viewports_again``) or the area is shown under one (``fill_again``,
    from the area's showEvent); the frame is drawn around it.
    """
    viewport = area.viewport()
    viewport.setProperty(OPAQUE, True)
    viewport.setAutoFillBackground(True)


def fill_viewports_again(app: QApplication) -> None:
    """After a style sheet is applied: the viewports of ``keep_opaque`` fill their background."""
    for widget in app.allWidgets():
        if widget.property(OPAQUE) and not widget.autoFillBackground():
            widget.setAutoFillBackground(True)


def fill_again(area: QAbstractScrollArea) -> None:
    """A scroll area shown (its viewport polished, under a style sheet maybe): the viewport of
    ``keep_opaque`` fills its background again."""
    viewport = area.viewport()
    if viewport.property(OPAQUE) and not viewport.autoFillBackground():
        viewport.setAutoFillBackground(True)
