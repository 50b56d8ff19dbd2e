"""The file name suffixes Claimdesk writes and reads, in one place for core, the window and
the packaging (dataset formats keep theirs in core/formats/registry.py)."""

from __future__ import annotations

PROJECT_SUFFIX = ".claimdesk"
EXERCISE_SUFFIX = ".claimdesk-exercise"
SUBMISSION_SUFFIX = ".claimdesk-submission"
# Longest first, so that ".claimdesk-exercise" is never taken for ".claimdesk".
CLAIMDESK_SUFFIXES = (SUBMISSION_SUFFIX, EXERCISE_SUFFIX, PROJECT_SUFFIX)
# Articles Claimdesk imports (compared in lower case).
ARTICLE_SUFFIXES = (".txt", ".md")


def patterns(*suffixes: str) -> str:
    """'*.txt *.md': the suffixes as a file dialog's name filter wants them."""
    return " ".join(f"*{suffix}" for suffix in suffixes)


def with_suffix(name: str, suffix: str) -> str:
    """``name`` ending in ``suffix``, added when missing ("essay" -> "essay.claimdesk")."""
    return name if name.endswith(suffix) else name + suffix
