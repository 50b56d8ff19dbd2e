"""Focus you can see (WCAG 2.4.7): the article view, the lists and the tool buttons are framed in
the theme's highlight colour while they take the keyboard.

Fusion frames focused line edits, spin boxes, push buttons and check boxes itself, but not a text
view (plain or rich), an item view or a tool button (the label panel's Add…, Edit…, Colour…,
Delete). Those are framed here, with Python called only where a frame is painted:

- ``FramedStyle`` is Fusion (a proxy of it) that, when it polishes a widget, hands a text view,
  an item view or a focusable tool button to ``_Frames``. Every other call of the style stays in
  C++: Fusion draws the application as it would on its own.
- ``_Frames`` paints the paint events of those widgets themselves: a view's border (its viewport,
  which an edit repaints, is not watched) and a tool button's edge.

An application-wide style sheet did this before; it made every widget of the window answer
through Qt's style-sheet style, about a millisecond and a half of every edit and a fifth of the
time to open an article (benchmarks/bench_keystroke.py, bench_app.py).

A framed view has a border of two pixels in the theme's mid colour, in its highlight colour when
focused, with rounded corners: the same width either way, so nothing moves when focus does.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QRectF
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QApplication,
    QFrame,
    QHeaderView,
    QPlainTextEdit,
    QProxyStyle,
    QTextEdit,
    QToolButton,
    QWidget,
)

from claimdesk.gui.theme import FUSION

_IN_USE = "claimdesk_framed_fusion"  # an application property (and FUSION, gui/theme.py)
WIDTH = 2  # pixels, focused or not
RADIUS = 3.0
_PAINT = QEvent.Type.Paint
_MID = QPalette.ColorRole.Mid
_HIGHLIGHT = QPalette.ColorRole.Highlight


def is_framed(widget: QWidget) -> bool:
    """Whether ``widget`` is one that ``FramedStyle`` frames: a text or item view (not a header,
    nor the open list of a combo box or a completer, a window of its own), or a tool button that
    takes focus."""
    if isinstance(widget, QToolButton):
        return bool(widget.focusPolicy().value & 1)  # Qt.FocusPolicy.TabFocus
    if not isinstance(widget, (QPlainTextEdit, QTextEdit, QAbstractItemView)) or isinstance(
        widget, QHeaderView
    ):
        return False
    return not (widget.isWindow() or widget.window().inherits("QComboBoxPrivateContainer"))


class _Frames(QObject):
    """The event filter that paints the frames (one per `FramedStyle`)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != _PAINT:
            return False
        if isinstance(watched, QAbstractScrollArea):
            paint_area(watched)
        else:
            assert isinstance(watched, QWidget)
            watched.event(event)  # the button as Fusion draws it, then the frame over its edge
            if watched.hasFocus():
                paint_border(watched, watched.palette().color(_HIGHLIGHT))
        return True


def paint_area(area: QAbstractScrollArea) -> None:
    """A framed view's own paint event: the corner between its scroll bars, and its border."""
    vertical = area.verticalScrollBar().parentWidget()
    horizontal = area.horizontalScrollBar().parentWidget()
    if (
        vertical is not None
        and horizontal is not None
        and vertical is not area
        and vertical.isVisible()
        and horizontal.isVisible()
    ):
        from PySide6.QtWidgets import QStyle, QStyleOption  # its enums take ~5 ms to make

        option = QStyleOption()
        option.initFrom(area)
        option.rect = QRect(vertical.x(), horizontal.y(), vertical.width(), horizontal.height())
        painter = QPainter(area)
        area.style().drawPrimitive(
            QStyle.PrimitiveElement.PE_PanelScrollAreaCorner, option, painter, area
        )
        painter.end()
    role = _HIGHLIGHT if area.hasFocus() else _MID
    paint_border(area, area.palette().color(role))


def paint_border(widget: QWidget, colour: QColor) -> None:
    painter = QPainter(widget)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(colour, WIDTH))
    half = WIDTH / 2
    painter.drawRoundedRect(
        QRectF(widget.rect()).adjusted(half, half, -half, -half), RADIUS, RADIUS
    )
    painter.end()


class FramedStyle(QProxyStyle):
    """Fusion, with the focus frames of ``is_framed`` widgets painted by ``_Frames``."""

    def __init__(self, key: str = "Fusion") -> None:
        super().__init__(key)
        self.frames = _Frames(self)  # lives as long as the style

    def polish(self, target):  # type: ignore[no-untyped-def]
        # One name for three overloads: a widget, the application, a palette (returned).
        result = super().polish(target)
        if isinstance(target, QWidget) and is_framed(target):
            if isinstance(target, QFrame):
                # The border's width, kept by Qt as the frame's: the viewport sits inside it.
                target.setFrameStyle(QFrame.Shape.Box.value | QFrame.Shadow.Plain.value)
                target.setLineWidth(WIDTH)
            target.installEventFilter(self.frames)
        return result

    def unpolish(self, target):  # type: ignore[no-untyped-def]
        if isinstance(target, QWidget):
            target.removeEventFilter(self.frames)
        return super().unpolish(target)


def use_framed_fusion(app: QApplication) -> None:
    """Draw the application with Fusion and its focus frames, once.

    Best made before widgets are polished (those already there are polished again). A launch
    makes it once the window's frame has painted, before the panels are built: the first
    widget of a class Qt keeps private (a tool bar's separator, say) that the style polishes in
    Python makes PySide build the Python type of every widget class it has, some 40 ms.
    """
    if app.property(_IN_USE):
        return
    app.setStyle(FramedStyle("Fusion"))
    app.setProperty(_IN_USE, True)
    app.setProperty(FUSION, True)
