"""The file name suffixes Claimdesk writes and reads, in one place for core, the window and
the packaging (dataset formats keep theirs in core/formats/registry.py)."""

from __future__ import annotations

PROJECT_SUFFIX = ".claimdesk"
EXERCISE_SUFFIX = ".claimdesk-exercise"
SUBMISSION_SUFFIX = ".claimdesk-submission"
# Longest first, so that ".claimdesk-exercise" is never taken for ".claimdesk".
CLAIMDESK_SUFFIXES = (SUBMISSION_SUFFIX, EXERCISE_SUFFIX, PROJECT_SUFFIX)
# Articles Claimdesk imports (compared in lower case): plain text, then the files whose text
# core/text/extract takes out (web pages, pages saved as one file, Word, ODT, RTF, EPUB).
ARTICLE_SUFFIXES = (
    ".txt",
    ".md",
    ".html",
    ".htm",
    ".xhtml",
    ".mhtml",
    ".mht",
    ".docx",
    ".odt",
    ".rtf",
    ".epub",
)
# Files people will try that Claimdesk does not read, and what to do instead.
UNREAD_ARTICLE_HINTS = {
    ".doc": "is a Word 97-2003 file, which Claimdesk does not read: save it as .docx",
    ".wps": "is a Works file, which Claimdesk does not read: save it as .docx",
    ".pages": "is a Pages file, which Claimdesk does not read: export it as .docx",
    ".webarchive": "is a Safari web archive, which Claimdesk does not read: save the page as "
    "'Page Source' (.html)",
}
# A browser saving a "Web page, complete" puts its pictures and scripts in a folder beside the
# page named after it: "News_files" (Chrome, Firefox, Edge in English; a few other languages).
SAVED_PAGE_FOLDER_ENDINGS = ("_files", "-Dateien", "_fichiers", "_archivos", "_arquivos", "_file")


def patterns(*suffixes: str) -> str:
    """'*.txt *.md': the suffixes as a file dialog's name filter wants them."""
    return " ".join(f"*{suffix}" for suffix in suffixes)


def with_suffix(name: str, suffix: str) -> str:
    """``name`` ending in ``suffix``, added when missing ("essay" -> "essay.claimdesk")."""
    return name if name.endswith(suffix) else name + suffix
