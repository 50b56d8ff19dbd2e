"""Where Claimdesk finds its bundled files and keeps the user's own (platformdirs)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from claimdesk.core.suffixes import PROJECT_SUFFIX

APP_NAME = "Claimdesk"
_HERE = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    # A wheel carries the folder inside the package, a PyInstaller bundle beside the program,
    # and a source checkout (editable install) at the top of the repository.
    candidates = [_HERE / "_data" / name, _HERE.parent / name]
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates.insert(0, Path(frozen) / name)
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"Claimdesk's {name!r} folder is missing from this installation")


def seeds_dir() -> Path:
    return _bundled("seeds")


def resources_dir() -> Path:
    return _bundled("resources")


def user_data_dir() -> Path:
    """Projects made by Claimdesk itself (the sample project). CLAIMDESK_DATA_DIR overrides."""
    override = os.environ.get("CLAIMDESK_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, False))


def user_documents_dir() -> Path:
    """The user's Documents folder, which they see (the data folder is hidden).

    CLAIMDESK_DOCUMENTS_DIR overrides. It may not exist (a bare account): callers check.
    """
    override = os.environ.get("CLAIMDESK_DOCUMENTS_DIR")
    return Path(override) if override else Path(platformdirs.user_documents_dir())


def visible_files_dir() -> Path:
    """Where Claimdesk writes a file for the user when no folder was given: Documents/Claimdesk."""
    return user_documents_dir() / APP_NAME


def in_data_dir(path: Path | str) -> bool:
    """Whether ``path`` lies in Claimdesk's own (hidden) data folder, e.g. the sample project."""
    try:
        Path(path).resolve().relative_to(user_data_dir().resolve())
    except ValueError:
        return False
    return True


def user_config_dir() -> Path:
    """Settings (window layout, annotator name). CLAIMDESK_CONFIG_DIR overrides."""
    override = os.environ.get("CLAIMDESK_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME, False))


def user_cache_dir() -> Path:
    """What Claimdesk can make again, kept to start faster (drawn icons). CLAIMDESK_CACHE_DIR
    overrides."""
    override = os.environ.get("CLAIMDESK_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir(APP_NAME, False))


def user_log_dir() -> Path:
    """Claimdesk's log files (core/logs.py). CLAIMDESK_LOG_DIR overrides."""
    override = os.environ.get("CLAIMDESK_LOG_DIR")
    return Path(override) if override else Path(platformdirs.user_log_dir(APP_NAME, False))


def sample_project_path() -> Path:
    return user_data_dir() / f"Sample project{PROJECT_SUFFIX}"
