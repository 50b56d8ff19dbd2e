"""Claimdesk core: the product without a screen (models, store, import, edits, CLI)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

DISTRIBUTION = "claimdesk"


def version() -> str:
    """Claimdesk's version: the installed distribution's, which is pyproject.toml's.

    The one source for `claimdesk --version`, `claimdesk-cli --version`, the desktop bundle and
    the Windows installer (packaging/claimdesk.spec copies the metadata into the bundle).
    """
    # Imported here: importlib.metadata costs start-up time (~15 ms) that only --version needs.
    import importlib.metadata

    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:  # a source tree on sys.path, not installed
        return "0+unknown"


class PrintVersion(argparse.Action):
    """``--version`` for both programs: prints the version alone and exits.

    argparse's own ``action="version"`` needs the string when the parser is built, which would
    read the package metadata on every launch.
    """

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        kwargs.setdefault("help", "print Claimdesk's version and exit")
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        print(version(), flush=True)
        parser.exit()
