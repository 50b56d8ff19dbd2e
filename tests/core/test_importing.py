"""Importing a folder of articles: one document per good file, all in one undoable step or none."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest

from claimdesk.core.importing import ImportRefused, import_paths, import_plan, plan_import
from claimdesk.core.store.project import Project
from claimdesk.core.text.textio import sha256_text
from tests.committed import committed_rows, unchanged_marker

pytestmark = pytest.mark.both_dialects

# A real-looking article with the debris a browser's "save as text" leaves in it.
DEBRIS = ["Article excerpt", "Advertisement", "Subscribe to continue reading", "Share this article"]
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def article(title: str, body: str) -> str:
    return f"{title}\n\n{DEBRIS[0]}\n\n{body}\n\n{DEBRIS[1]}\n\nMore text on {title}.\n"


def good_folder(root: Path) -> dict[str, str]:
    """Write three good articles; return file name -> expected title."""
    root.mkdir(parents=True, exist_ok=True)
    files = {
        "a-plain.txt": ("Troops leave Mongolia", "Soviet troops began to leave."),
        "b-crlf.txt": ("Talks resume in Beijing", "Diplomats met on Monday."),
        "c-accent.md": ("# Cafe\u0301 diplomacy in Moscow", "A cafe\u0301 near the embassy."),
    }
    for name, (title, body) in files.items():
        text = article(title, body)
        if "crlf" in name:
            (root / name).write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
        else:
            (root / name).write_text(text, encoding="utf-8")
    return {
        name: unicodedata.normalize("NFC", title.removeprefix("# "))
        for name, (title, _) in files.items()
    }


def count_rows(project: Project, table: str) -> int:
    return int(committed_rows(project, f"SELECT count(*) FROM {table}")[0][0])


def texts(project: Project) -> dict[str, str]:
    return {doc.title: project.document_text(doc.id) for doc in project.documents()}


def test_folder_import_makes_one_clean_document_per_file(project: Project, tmp_path: Path) -> None:
    titles = good_folder(tmp_path / "in")
    report, problems = import_paths(project, [tmp_path / "in"])
    assert problems == []
    assert report.duplicates == []
    assert sorted(title for _, title in report.added) == sorted(titles.values())
    documents = project.documents()
    assert sorted(doc.title for doc in documents) == sorted(titles.values())
    assert {Path(doc.source).name for doc in documents} == set(titles)
    for doc in documents:
        text = project.document_text(doc.id)
        assert "\r" not in text
        assert text == unicodedata.normalize("NFC", text)
        assert not any(line.strip() in DEBRIS for line in text.split("\n"))
        assert text.split("\n")[-1].startswith("More text on ")
        assert doc.sha256 == sha256_text(text)
        assert doc.meta["removed_lines"] == 2


def test_crlf_and_combining_accents_are_normalised(project: Project, tmp_path: Path) -> None:
    good_folder(tmp_path / "in")
    import_paths(project, [tmp_path / "in"])
    stored = texts(project)
    crlf = stored["Talks resume in Beijing"]
    assert crlf.split("\n")[:3] == ["Talks resume in Beijing", "", "Diplomats met on Monday."]
    accent = stored["Café diplomacy in Moscow"]
    assert "A café near the embassy." in accent  # one code point, U+00E9
    assert "e\u0301" not in accent


def test_single_files_can_be_imported(project: Project, tmp_path: Path) -> None:
    good_folder(tmp_path / "in")
    report, _ = import_paths(project, [tmp_path / "in" / "a-plain.txt"])
    assert [title for _, title in report.added] == ["Troops leave Mongolia"]
    assert len(project.documents()) == 1


def test_same_text_in_two_files_is_imported_once(project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    good_folder(folder)
    (folder / "z-copy.txt").write_bytes((folder / "a-plain.txt").read_bytes())
    report, problems = import_paths(project, [folder])
    assert problems == []
    assert len(report.added) == 3
    assert report.duplicates == [(folder / "z-copy.txt", "Troops leave Mongolia")]
    assert len(project.documents()) == 3


def test_reimporting_a_folder_adds_nothing_and_says_so(project: Project, tmp_path: Path) -> None:
    titles = good_folder(tmp_path / "in")
    import_paths(project, [tmp_path / "in"])
    before = project.documents()
    report, problems = import_paths(project, [tmp_path / "in"])
    assert report.added == []
    assert problems == []
    assert sorted(title for _, title in report.duplicates) == sorted(titles.values())
    assert project.documents() == before


def test_same_file_given_twice_is_read_once(project: Project, tmp_path: Path) -> None:
    titles = good_folder(tmp_path / "in")
    report, _ = import_paths(project, [tmp_path / "in", tmp_path / "in" / "a-plain.txt"])
    assert len(report.added) == len(titles)
    assert report.duplicates == []


def bad_folder(root: Path) -> tuple[Path, Path]:
    good_folder(root)
    empty = root / "empty.txt"
    empty.write_bytes(b"")
    picture = root / "photo.txt"
    picture.write_bytes(PNG)
    return empty, picture


def test_bad_files_refuse_the_whole_import_and_change_nothing(
    project: Project, tmp_path: Path
) -> None:
    empty, picture = bad_folder(tmp_path / "in")
    documents_before = count_rows(project, "document")
    bytes_before = unchanged_marker(project)
    with pytest.raises(ImportRefused) as caught:
        import_paths(project, [tmp_path / "in"])
    message = str(caught.value)
    assert "Nothing was imported" in message
    assert str(empty) in message and "empty" in message
    assert str(picture) in message and "binary" in message
    assert {path for path, _ in caught.value.problems} == {empty, picture}
    assert project.documents() == []
    assert count_rows(project, "document") == documents_before == 0
    assert unchanged_marker(project) == bytes_before
    assert project.history.undo_text is None


def test_skip_invalid_imports_the_good_and_reports_the_bad(
    project: Project, tmp_path: Path
) -> None:
    titles = good_folder(tmp_path / "in")
    empty, picture = bad_folder(tmp_path / "in")
    report, problems = import_paths(project, [tmp_path / "in"], skip_invalid=True)
    assert sorted(title for _, title in report.added) == sorted(titles.values())
    assert dict(problems).keys() == {empty, picture}
    assert len(project.documents()) == len(titles)


def test_skip_invalid_with_nothing_good_still_refuses(project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "bin.txt").write_bytes(PNG)
    with pytest.raises(ImportRefused, match=r"empty\.txt") as caught:
        import_paths(project, [folder], skip_invalid=True)
    assert caught.value.none_valid
    assert str(caught.value).startswith("None of the 2 files could be imported:\n")
    assert project.documents() == []


def test_missing_path_and_wrong_kind_of_file_are_named(project: Project, tmp_path: Path) -> None:
    other = tmp_path / "notes.docx"
    other.write_bytes(b"PK\x03\x04")
    with pytest.raises(ImportRefused) as caught:
        import_paths(project, [tmp_path / "gone.txt", other])
    assert {path for path, _ in caught.value.problems} == {tmp_path / "gone.txt", other}
    assert project.documents() == []


def test_folder_without_articles_is_refused(project: Project, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "image.png").write_bytes(PNG)
    with pytest.raises(ImportRefused, match=r"holds no article files \(\.txt, \.md, \.html"):
        import_paths(project, [tmp_path / "in"])


def test_import_is_one_undoable_step(project: Project, tmp_path: Path) -> None:
    titles = good_folder(tmp_path / "in")
    import_paths(project, [tmp_path / "in"])
    assert project.history.undo_text == f"Import {len(titles)} documents"
    project.undo()
    assert project.documents() == []
    assert project.history.undo_text is None
    project.redo()
    assert sorted(doc.title for doc in project.documents()) == sorted(titles.values())


def test_undone_import_can_be_imported_again(project: Project, tmp_path: Path) -> None:
    titles = good_folder(tmp_path / "in")
    import_paths(project, [tmp_path / "in"])
    project.undo()
    report, _ = import_paths(project, [tmp_path / "in"])
    assert len(report.added) == len(titles)
    assert report.duplicates == []


def test_cleanup_off_keeps_debris_lines(project: Project, tmp_path: Path) -> None:
    good_folder(tmp_path / "in")
    import_paths(project, [tmp_path / "in" / "a-plain.txt"], cleanup=False)
    (doc,) = project.documents()
    lines = project.document_text(doc.id).split("\n")
    assert DEBRIS[0] in lines and DEBRIS[1] in lines
    assert doc.meta["removed_lines"] == 0


def test_cleaned_and_raw_versions_are_different_documents(project: Project, tmp_path: Path) -> None:
    good_folder(tmp_path / "in")
    path = tmp_path / "in" / "a-plain.txt"
    import_paths(project, [path])
    report, _ = import_paths(project, [path], cleanup=False)
    assert len(report.added) == 1
    assert len(project.documents()) == 2


def test_progress_is_reported_and_can_cancel(project: Project, tmp_path: Path) -> None:
    from claimdesk.core.errors import Cancelled

    titles = good_folder(tmp_path / "in")
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        seen.append((done, total))
        return done < 2

    with pytest.raises(Cancelled):
        import_paths(project, [tmp_path / "in"], progress=progress)
    assert seen == [(1, len(titles)), (2, len(titles))]
    assert project.documents() == []


# --- Hostile names and damaged files (issue 10) ------------------------------------------------


def test_a_file_name_that_is_not_utf8_imports_with_its_bytes_shown(
    project: Project, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    titles = good_folder(folder)
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.txt"), "wb") as handle:
        handle.write(article("Café owners protest", "Rents doubled.").encode("utf-8"))
    report, problems = import_paths(project, [folder])
    assert problems == []
    assert sorted(t for _, t in report.added) == sorted([*titles.values(), "Café owners protest"])
    sources = {doc.title: doc.source for doc in project.documents()}
    assert sources["Café owners protest"] == f"{folder}/caf\\xe9.txt"
    # The stored row is valid UTF-8 all the way down (sqlite3 and psycopg decode it strictly).
    query = "SELECT source FROM document WHERE title = ?"
    stored = committed_rows(project, query, ("Café owners protest",))
    assert stored == [(f"{folder}/caf\\xe9.txt",)]


def test_a_mostly_utf8_file_is_imported_with_a_warning_naming_it(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "damaged.txt"
    text = article("Talks 🙂 in 𠀀 Beijing", "Café society.").encode("utf-8")
    path.write_bytes(text.replace("Café".encode(), b"Caf\xe9"))  # one Latin-1 byte
    report, problems = import_paths(project, [path])
    assert problems == []
    assert report.warnings == [
        (
            path,
            "1 byte(s) that are not UTF-8 were replaced by \ufffd (the rest of the file is UTF-8)",
        )
    ]
    (document,) = project.documents()
    assert "Caf\ufffd society." in project.document_text(document.id)
    assert document.meta["replaced_bytes"] == 1


def test_an_import_says_what_changed_so_the_views_refresh_from_it(
    project: Project, tmp_path: Path
) -> None:
    good_folder(tmp_path / "in")
    result = import_paths(project, [tmp_path / "in"])
    assert result.changes.documents and result.changes is result.report.changes
    assert project.undo() is not None and project.documents() == []  # one undoable edit
    again = import_paths(project, [tmp_path / "in"])
    assert again.changes.documents
    # Everything already here: nothing changed, and the result says so.
    plan = plan_import([tmp_path / "in"])
    nothing = import_plan(project, plan)
    assert not nothing.changes.documents and len(nothing.report.duplicates) == 3
    assert nothing.problems == plan.problems == []
