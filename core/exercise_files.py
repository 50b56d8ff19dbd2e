"""Reading and writing exercise and submission files, which come from other people: untrusted.

Both are zip archives holding exactly two entries: ``mimetype`` (the kind of file, stored first
and uncompressed so that the file can be recognised by its first bytes) and one JSON document
(``exercise.json`` or ``submission.json``). Anything else in the archive — other entries, paths
with ``..`` or a leading ``/``, symlinks, encrypted entries, sizes or compression ratios beyond
the limits — is refused before a byte of it is used. No XML is involved.
"""

from __future__ import annotations

from core.errors import ProjectError


class ExerciseError(ProjectError):
    """An exercise action that cannot be done (unknown exercise, no key, ...); nothing changed."""


class ExerciseFileError(ProjectError):
    """A bad exercise or submission file; the message names the file and the problem."""
