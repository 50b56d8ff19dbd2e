"""Can Qt open a window here? Answered before PySide6 is imported, in one line a user can act on.

Qt itself, when its platform plugin cannot start, prints a misleading hint ("xcb-cursor0 or
libxcb-cursor0 is needed") and aborts with a core dump. This module imports nothing of Qt (nor
does anything it imports): it reads the environment the way Qt does to pick a platform, then
loads, with dlopen and no subprocess, the system libraries QtGui and the chosen plugin link to.
Only Linux is checked: on Windows and macOS the libraries come with the wheel or the bundle.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from pathlib import Path

# Library (soname) → the Debian package that ships it. Every package named here is in
# packaging/linux/apt-packages.txt (tests/gui/test_display_check.py checks it).
# From `readelf -d` of PySide6's Qt/lib/libQt6Gui.so.6 and libQt6DBus.so.6: any platform.
QTGUI_LIBRARIES = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libX11.so.6": "libx11-6",
}
# From Qt/plugins/platforms/libqxcb.so and Qt/lib/libQt6XcbQpa.so.6: a window on X11.
XCB_LIBRARIES = {
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}
# Qt/plugins/platforms/libqwayland.so: when they are missing Qt falls back to xcb.
WAYLAND_LIBRARIES = ("libwayland-client.so.0", "libwayland-cursor.so.0")

# The platforms that reach a window system, and so need a display; the others (offscreen,
# minimal, vnc, eglfs, linuxfb…) draw into memory or straight to the screen.
WINDOW_SYSTEMS = ("xcb", "wayland")

Loader = Callable[[str], bool]  # True when the shared library (a soname) can be loaded


def load_library(name: str) -> bool:
    """dlopen ``name`` as Qt would (cheap: Qt loads the same libraries a moment later)."""
    import ctypes

    try:
        ctypes.CDLL(name)
    except OSError:
        # A bundle (PyInstaller) may carry the library beside the program instead.
        bundled = getattr(sys, "_MEIPASS", None)
        return bundled is not None and any(
            (Path(bundled) / folder / name).is_file() for folder in ("", "PySide6/Qt/lib")
        )
    return True


def platforms(environ: Mapping[str, str]) -> list[str]:
    """The platform plugins Qt will try, in order (QGuiApplication's choice on Linux)."""
    # "wayland;xcb" tries each in turn; "xcb:option=value" passes options to the plugin.
    requested = environ.get("QT_QPA_PLATFORM", "").split(";")
    named = [name.split(":", 1)[0].strip() for name in requested if name.strip()]
    if named:
        return named
    if environ.get("WAYLAND_DISPLAY") or environ.get("XDG_SESSION_TYPE") == "wayland":
        return ["wayland", "xcb"]
    return ["xcb"]


def _wayland_socket(environ: Mapping[str, str]) -> bool:
    # Without WAYLAND_DISPLAY, libwayland-client connects to $XDG_RUNTIME_DIR/wayland-0.
    if environ.get("WAYLAND_DISPLAY"):
        return True
    runtime = environ.get("XDG_RUNTIME_DIR", "")
    return runtime != "" and Path(runtime, "wayland-0").exists()


def _missing(names: Iterable[str], load: Loader) -> list[str]:
    return [name for name in names if not load(name)]


def missing_message(
    what: str, missing: list[str], packages: Mapping[str, str], environ: Mapping[str, str]
) -> str:
    import shutil  # only when something is missing

    wanted = list(dict.fromkeys(packages[name] for name in missing))
    them = "it" if len(wanted) == 1 else "them"
    apt = f"sudo apt-get install {' '.join(wanted)}"
    if shutil.which("apt-get", path=environ.get("PATH", os.defpath)) is not None:
        hint = f"Install {them} with: {apt}"
    else:  # the names are Debian's: other systems name their packages otherwise
        hint = f"Install the packages that provide {them} (on Debian and Ubuntu: {apt})"
    return f"Claimdesk cannot {what}: missing {', '.join(missing)}. {hint}"


def no_display_message(unset: list[str]) -> str:
    why = f"{unset[0]} is not set" if len(unset) == 1 else " and ".join(unset) + " are not set"
    return (
        f"Claimdesk needs a desktop session: no display ({why}). Start it from a desktop, "
        "or without a screen: `claimdesk --smoke-test` checks the installation, "
        "`xvfb-run claimdesk` runs it on a virtual display."
    )


def display_problem(
    environ: Mapping[str, str] | None = None,
    load: Loader | None = None,
    system: str | None = None,
) -> str | None:
    """None when Qt can start; else one line saying what is missing and how to get it."""
    if not (system or sys.platform).startswith("linux"):
        return None
    environ = os.environ if environ is None else environ
    load = load or load_library
    wanted = platforms(environ)
    missing = _missing(QTGUI_LIBRARIES, load)
    window = any(name in WINDOW_SYSTEMS for name in wanted)
    if missing:
        what = "open a window" if window else "start Qt"
        return missing_message(what, missing, QTGUI_LIBRARIES, environ)
    unset: list[str] = []
    missing_xcb: list[str] = []
    for name in wanted:
        if name == "wayland":
            if not _wayland_socket(environ):
                unset.append("WAYLAND_DISPLAY")
            elif not _missing(WAYLAND_LIBRARIES, load):
                return None
        elif name == "xcb":
            if not environ.get("DISPLAY"):
                unset.append("DISPLAY")
            elif not (missing_xcb := _missing(XCB_LIBRARIES, load)):
                return None
        else:
            return None  # offscreen, minimal, vnc, eglfs…: no window system to reach
    if missing_xcb:
        return missing_message("open a window", missing_xcb, XCB_LIBRARIES, environ)
    return no_display_message(list(dict.fromkeys(unset)))


def offscreen_without_display(environ: MutableMapping[str, str]) -> None:
    """``--smoke-test`` runs offscreen when there is no display (and QT_QPA_PLATFORM is unset)."""
    if sys.platform.startswith("linux") and not (
        environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY")
    ):
        environ.setdefault("QT_QPA_PLATFORM", "offscreen")
