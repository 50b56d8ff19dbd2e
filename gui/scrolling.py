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

The bar also keeps images of itself as drawn (``IMAGES`` of them, the most recently drawn): the
style's gradients and rounded handle cost ~0.5 million instructions a paint, and the list
following each new claim moves the handle among a few positions (a pixel is several rows of a
long list). A repaint at a position and look already drawn copies the image; a new one is drawn
into an image as Qt's QScrollBar draws itself, and copied. A bar under the pointer or being
dragged is drawn by Qt as it goes (its hover and pressed parts are Qt's own state).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPixmap
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

    IMAGES = 16  # images of the bar kept (~14 KB each for a 14x242 bar at a scale of 100%)

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[call-overload]
        self.setAutoFillBackground(True)  # opaque: see the module's docstring
        self._painted: tuple[QRect, bool, bool, bool] | None = None  # as last drawn
        self._images: dict[tuple[object, ...], QPixmap] = {}
        self.made = 0  # images drawn (a repaint copied from one needs none)

    def held(self) -> int:
        """How many images of the bar are kept."""
        return len(self._images)

    def _looks(self, option: QStyleOptionSlider | None = None) -> tuple[QRect, bool, bool, bool]:
        if option is None:
            option = QStyleOptionSlider()
            self.initStyleOption(option)
        handle = self.style().subControlRect(_BAR, option, _HANDLE, self)
        value = self.value()
        return handle, value <= self.minimum(), value >= self.maximum(), self.isEnabled()

    def paintEvent(self, event: QPaintEvent) -> None:
        option = QStyleOptionSlider()
        self.initStyleOption(option)
        looks = self._painted = self._looks(option)
        ratio = self.devicePixelRatio()
        if (
            self.underMouse()
            or self.isSliderDown()
            or QApplication.mouseButtons() != Qt.MouseButton.NoButton
            or not (self.width() * ratio).is_integer()
            or not (self.height() * ratio).is_integer()
        ):
            # Hovered or pressed parts are Qt's own state; at a scale such as 125% an image's
            # edges would fall between device pixels.
            super().paintEvent(event)
            return
        key = (
            looks[0].getRect(),
            *looks[1:],
            self.width(),
            self.height(),
            ratio,
            option.state.value,
            option.direction.value,
            self.palette().cacheKey(),
            id(self.style()),
        )
        images = self._images
        image = images.pop(key, None)
        if image is None:
            # As QScrollBar::paintEvent draws a bar neither hovered nor pressed, over the
            # background Qt fills for it (autoFillBackground).
            image = QPixmap(self.size() * ratio)
            image.setDevicePixelRatio(ratio)
            drawing = QPainter(image)
            drawing.fillRect(self.rect(), self.palette().brush(self.backgroundRole()))
            option.subControls = QStyle.SubControl.SC_All
            option.activeSubControls = QStyle.SubControl.SC_None
            self.style().drawComplexControl(_BAR, option, drawing, self)
            drawing.end()
            self.made += 1
            while len(images) >= self.IMAGES:
                del images[next(iter(images))]  # the least recently drawn
        images[key] = image  # the most recently drawn last
        painter = QPainter(self)
        painter.drawPixmap(QPoint(0, 0), image)
        painter.end()

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
