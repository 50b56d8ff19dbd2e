"""Light and dark themes: follow the desktop's colour scheme, or override it (Preferences).

The colours are files in resources/themes/ (one JSON palette per theme, shared by the contrast
check in tests); the visible-focus frames are painted (gui/focus_frames.py).
"""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING

from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from claimdesk.core.contrast import parse_hex, readable_text, relative_luminance
from claimdesk.core.paths import resources_dir

if TYPE_CHECKING:  # named at run time where it is needed: see system_scheme
    from PySide6.QtCore import Qt

_ROLES = {
    "window": QPalette.ColorRole.Window,
    "window_text": QPalette.ColorRole.WindowText,
    "base": QPalette.ColorRole.Base,
    "alternate_base": QPalette.ColorRole.AlternateBase,
    "text": QPalette.ColorRole.Text,
    "button": QPalette.ColorRole.Button,
    "button_text": QPalette.ColorRole.ButtonText,
    "highlight": QPalette.ColorRole.Highlight,
    "highlighted_text": QPalette.ColorRole.HighlightedText,
    "link": QPalette.ColorRole.Link,
    "tooltip_base": QPalette.ColorRole.ToolTipBase,
    "tooltip_text": QPalette.ColorRole.ToolTipText,
    "placeholder_text": QPalette.ColorRole.PlaceholderText,
    "mid": QPalette.ColorRole.Mid,
}
FUSION = "claimdesk_fusion"  # an application property: drawn with Fusion (framed or not)
_DISABLED = (
    QPalette.ColorRole.WindowText,
    QPalette.ColorRole.Text,
    QPalette.ColorRole.ButtonText,
)


@cache
def theme_colours(name: str) -> dict[str, str]:
    """The named colours of theme ``name`` ("light" or "dark") from resources/themes."""
    path = resources_dir() / "themes" / f"{name}.json"
    colours: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return colours


def system_scheme() -> str:
    """ "dark" when the desktop asks for dark colours, else "light".

    The answer is one of Qt's enums: asking makes PySide build Qt's namespace (~15 ms), which
    a launch does only after the window's first paint (gui/app.py, ``system_scheme_now``).
    """
    from PySide6.QtCore import Qt

    hints = QGuiApplication.styleHints()
    return "dark" if hints.colorScheme() == Qt.ColorScheme.Dark else "light"


def effective_theme(choice: str) -> str:
    return choice if choice in ("light", "dark") else system_scheme()


def palette_for(name: str) -> QPalette:
    colours = theme_colours(name)
    palette = QPalette()
    for key, role in _ROLES.items():
        palette.setColor(role, QColor(colours[key]))
    for role in (QPalette.ColorRole.Light, QPalette.ColorRole.Midlight):
        palette.setColor(role, QColor(colours["button"]).lighter(130))
    for role in (QPalette.ColorRole.Dark, QPalette.ColorRole.Shadow):
        palette.setColor(role, QColor(colours["mid"]).darker(150))
    for role in _DISABLED:
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(colours["disabled_text"]))
    return palette


def apply_theme(app: QApplication, choice: str, *, focus_frames: bool = True) -> str:
    """Colour the whole application; returns the theme in effect ("light" or "dark").

    Claimdesk's own palettes are applied on the Fusion style, the one style that draws every
    widget from the palette on every platform, so both themes look the same everywhere: Fusion
    with the focus frames of gui/focus_frames.py. ``focus_frames=False`` leaves them for
    ``use_framed_fusion`` to add later: start-up paints the window first (see there).
    """
    name = effective_theme(choice)
    if focus_frames:
        from claimdesk.gui.focus_frames import use_framed_fusion

        use_framed_fusion(app)
    elif not app.property(FUSION):
        # Once only. Where Qt already chose Fusion (most Linux desktops), a second one is not
        # made at start-up.
        if app.style().name().lower() != "fusion":
            app.setStyle("Fusion")
        app.setProperty(FUSION, True)
    app.setPalette(palette_for(name))
    app.setProperty("claimdesk_theme", name)
    for widget in app.allWidgets():
        # A widget with a style sheet of its own (a bold heading, a chip) took the palette as
        # it was when the sheet was applied, and its palette() colours with it: again.
        sheet = widget.styleSheet()
        if sheet:
            widget.setStyleSheet(sheet)
    return name


def current_theme() -> str:
    app = QApplication.instance()
    name = app.property("claimdesk_theme") if app is not None else None
    return str(name) if name in ("light", "dark") else "light"


def colour_of(role: str, name: str | None = None) -> str:
    """One named colour (``"saved"``, ``"curation_gold"``, …) of a theme, the current by default."""
    return theme_colours(name or current_theme())[role]


def text_on(background: str, name: str | None = None) -> str:
    """The theme's text or base colour, whichever reads better on ``background`` (WCAG)."""
    colours = theme_colours(name or current_theme())
    pair = (colours["text"], colours["base"])
    dark, light = sorted(pair, key=lambda colour: relative_luminance(parse_hex(colour)))
    return readable_text(background, dark=dark, light=light)


def follow_system(app: QApplication) -> None:
    """Re-colour when the desktop switches between light and dark (while "system" is chosen)."""
    from claimdesk.gui.settings import Settings

    def changed(_scheme: Qt.ColorScheme) -> None:
        if Settings().theme == "system":
            apply_theme(app, "system")

    QGuiApplication.styleHints().colorSchemeChanged.connect(changed)
