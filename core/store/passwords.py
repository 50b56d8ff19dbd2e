"""Passwords for server projects, remembered only in the system keyring and only when asked.

Nothing else keeps a password: not the settings, not the recent list. Without a remembered one,
libpq's own ways still work (``PGPASSWORD``, ``~/.pgpass``, a service file), and the caller asks.
A machine without a keyring (a headless server, a locked session) just remembers nothing.
"""

from __future__ import annotations

import logging

from claimdesk.core.store.location import ServerLocation

SERVICE = "Claimdesk"
log = logging.getLogger(__name__)


def to_use(location: ServerLocation, given: str | None, in_url: str | None) -> str | None:
    """The password to sign in with: the one given, else the URL's, else the remembered one;
    None leaves it to libpq (PGPASSWORD, ~/.pgpass, a service file)."""
    return given or in_url or remembered(location)


def remembered(location: ServerLocation) -> str | None:
    """The password kept for this user, server and database, or None."""
    try:
        import keyring

        return keyring.get_password(SERVICE, location.key())
    except Exception as exc:  # no backend, a locked keyring, D-Bus missing: nothing remembered
        log.info("no remembered password for %s (%s)", location.key(), type(exc).__name__)
        return None


def remember(location: ServerLocation, password: str) -> bool:
    """Keep the password in the system keyring; False when there is no keyring to keep it in."""
    try:
        import keyring

        keyring.set_password(SERVICE, location.key(), password)
    except Exception as exc:
        log.warning("could not remember the password for %s (%s)", location.key(), exc)
        return False
    return True


def forget(location: ServerLocation) -> None:
    """Drop a remembered password (it was refused, or the user unticked "remember")."""
    try:
        import keyring

        keyring.delete_password(SERVICE, location.key())
    except Exception as exc:
        log.info("no password to forget for %s (%s)", location.key(), type(exc).__name__)
