"""The user's preferences, kept in an INI file in the user's config folder (not in projects)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from core.paths import user_config_dir

DEFAULT_FONT_SIZE = 12.0
MIN_FONT_SIZE = 7.0
MAX_FONT_SIZE = 40.0


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

    def state(self, key: str) -> QByteArray | None:
        value = self._qs.value(f"window/{key}")
        return value if isinstance(value, QByteArray) else None

    def set_state(self, key: str, value: QByteArray) -> None:
        self._qs.setValue(f"window/{key}", value)
