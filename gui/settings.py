"""The user's preferences, kept in an INI file in the user's config folder (not in projects)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from claimdesk.core.paths import user_config_dir

DEFAULT_FONT_SIZE = 12.0
MIN_FONT_SIZE = 7.0
MAX_FONT_SIZE = 40.0
THEMES = ("system", "light", "dark")  # "system" follows the desktop's light/dark setting
DEFAULT_RECENT_COUNT = 8
MAX_RECENT_COUNT = 9  # File › Open Recent numbers them &1 … &9


class _Switch:
    """A boolean preference stored under ``key`` (INI files keep text, not booleans)."""

    def __init__(self, key: str, default: bool = True) -> None:
        self.key = key
        self.default = default

    def __get__(self, settings: Settings, owner: type | None = None) -> bool:
        value = settings._qs.value(self.key, "true" if self.default else "false")
        return str(value).lower() == "true"

    def __set__(self, settings: Settings, value: bool) -> None:
        settings._qs.setValue(self.key, "true" if value else "false")


class Settings:
    def __init__(self, path: Path | None = None) -> None:
        path = path or user_config_dir() / "claimdesk.ini"
        path.parent.mkdir(parents=True, exist_ok=True)
        self._qs = QSettings(str(path), QSettings.Format.IniFormat)

    def sync(self) -> None:
        self._qs.sync()

    @property
    def annotator_name(self) -> str:
        return str(self._qs.value("annotator/name", "") or "")

    @annotator_name.setter
    def annotator_name(self, value: str) -> None:
        self._qs.setValue("annotator/name", value)
        self._qs.sync()

    @property
    def last_project(self) -> str:
        return str(self._qs.value("projects/last", "") or "")

    @last_project.setter
    def last_project(self, value: str) -> None:
        self._qs.setValue("projects/last", value)
        if value:
            self.add_recent(value)

    # -- preferences (Edit › Preferences…) ------------------------------------------------------

    @property
    def theme(self) -> str:
        value = str(self._qs.value("view/theme", "system") or "system")
        return value if value in THEMES else "system"

    @theme.setter
    def theme(self, value: str) -> None:
        self._qs.setValue("view/theme", value if value in THEMES else "system")

    @property
    def system_scheme(self) -> str:
        """The desktop's colour scheme ("light" or "dark") as the last launch saw it, or ""."""
        value = str(self._qs.value("view/system_scheme", "") or "")
        return value if value in ("light", "dark") else ""

    @system_scheme.setter
    def system_scheme(self, value: str) -> None:
        self._qs.setValue("view/system_scheme", value)

    @property
    def recent_count(self) -> int:
        try:
            count = int(str(self._qs.value("projects/recent_count", DEFAULT_RECENT_COUNT)))
        except (TypeError, ValueError):
            count = DEFAULT_RECENT_COUNT
        return min(max(count, 1), MAX_RECENT_COUNT)

    @recent_count.setter
    def recent_count(self, value: int) -> None:
        self._qs.setValue("projects/recent_count", value)
        self._set_recent(self.recent_projects)

    @property
    def recent_projects(self) -> list[str]:
        """Most recent first (File › Open Recent); at most ``recent_count``."""
        value = self._qs.value("projects/recent", [])
        items = [value] if isinstance(value, str) else list(value or [])  # type: ignore[call-overload]
        return [str(item) for item in items if item][: self.recent_count]

    def add_recent(self, path: str) -> None:
        self._set_recent([path, *(p for p in self.recent_projects if p != path)])

    def clear_recent(self) -> None:
        self._set_recent([])

    def _set_recent(self, paths: list[str]) -> None:
        # An INI list of one item reads back as a plain string: always store a list.
        self._qs.setValue("projects/recent", paths[: self.recent_count])

    @property
    def font_size(self) -> float:
        try:
            size = float(self._qs.value("view/font_size", DEFAULT_FONT_SIZE))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            size = DEFAULT_FONT_SIZE
        return min(max(size, MIN_FONT_SIZE), MAX_FONT_SIZE)

    @font_size.setter
    def font_size(self, value: float) -> None:
        self._qs.setValue("view/font_size", value)

    # On/off preferences, on by default: a class attribute each, read and written as "true"/"false".
    snap_to_words = _Switch("annotate/snap_to_words")
    clean_imports = _Switch("import/clean")
    # The sample's worked example (View › Show worked example): on, so the first look shows it.
    show_example = _Switch("view/show_example")
    # Suggestions in the article (View › Show suggestions): dashed outlines, on by default.
    show_suggestions = _Switch("view/show_suggestions")

    # -- where file dialogs start (gui/places.py) -------------------------------------------------

    def last_folder(self, kind: str) -> Path | None:
        """The folder last used for this kind of file ("articles", "exercises", ...), if any."""
        value = str(self._qs.value(f"folders/{kind}", "") or "")
        return Path(value) if value else None

    def set_last_folder(self, kind: str, folder: Path) -> None:
        self._qs.setValue(f"folders/{kind}", str(folder))

    def state(self, key: str) -> QByteArray | None:
        value = self._qs.value(f"window/{key}")
        return value if isinstance(value, QByteArray) else None

    def set_state(self, key: str, value: QByteArray) -> None:
        self._qs.setValue(f"window/{key}", value)
