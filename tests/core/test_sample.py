"""The sample project made on first launch: the seed articles, cleaned, with the seed codebook."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

import claimdesk.core.sample
from claimdesk.core.codebook import load_codebook
from claimdesk.core.paths import seeds_dir, user_data_dir
from claimdesk.core.sample import (
    EXAMPLE_ANNOTATOR,
    EXAMPLE_FILE,
    add_worked_example,
    ensure_sample_project,
)
from claimdesk.core.store.project import Project

TITLES = (
    "China and Soviet Union Improve Military Ties",
    "Warming Up to the `Big Polar Bear'",
)
DEBRIS = ("QR Code", "Subscribe to continue", "Article excerpt", "An unknown error has occurred")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_sample_project_is_made_in_the_user_data_folder(isolated_user_dirs: Path) -> None:
    path = ensure_sample_project()
    assert path == user_data_dir() / "Sample project.claimdesk"
    assert path.is_relative_to(isolated_user_dirs)
    assert path.is_file()
    # Only the finished file is left: no partial copy, no write-ahead log beside it.
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_sample_project_holds_the_seed_articles_and_codebook() -> None:
    with Project.open(ensure_sample_project()) as project:
        assert project.name == "Sample project"
        documents = project.documents()
        titles = sorted(doc.title for doc in documents)
        labels = [(label.name, label.colour, label.shortcut) for label in project.labels()]
        stored = [project.document_text(doc.id) for doc in documents]
    assert len(titles) == len(TITLES) == len(list(seeds_dir().glob("*.txt")))
    for title, expected in zip(titles, sorted(TITLES), strict=True):
        assert title.startswith(expected)
    codebook = load_codebook(seeds_dir() / "codebook.json")
    assert labels == [(label.name, label.colour, label.shortcut) for label in codebook.labels]
    for text in stored:
        assert text.strip()
        for debris in DEBRIS:
            assert debris not in text


def test_sample_texts_keep_the_article_itself() -> None:
    with Project.open(ensure_sample_project()) as project:
        stored = {doc.title: project.document_text(doc.id) for doc in project.documents()}
    china = next(text for title, text in stored.items() if title.startswith(TITLES[0]))
    assert "A HIGH-LEVEL military delegation from China" in china
    assert "\r" not in china


def test_second_call_leaves_the_sample_project_alone() -> None:
    path = ensure_sample_project()
    stat, content = path.stat(), digest(path)
    assert ensure_sample_project() == path
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns)
    assert digest(path) == content


def test_the_users_own_work_in_the_sample_is_kept() -> None:
    path = ensure_sample_project()
    with Project.open(path) as project:
        document = project.documents()[0]
        annotator = project.ensure_annotator("Ana").id
        label = project.labels()[1].id
        project.add_annotation(document.id, label, annotator, 0, 5)
    ensure_sample_project()
    with Project.open(path) as project:
        assert len(project.annotations(document.id, annotator)) == 1


def failing(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError("disk full")


@pytest.mark.parametrize("step", ["load_codebook", "import_paths"])
def test_failed_creation_leaves_no_file_behind(step: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(claimdesk.core.sample, step, failing)
        with pytest.raises(RuntimeError, match="disk full"):
            ensure_sample_project()
    folder = user_data_dir()
    assert folder != Path.home() / ".local/share/Claimdesk", "user folders must stay isolated"
    assert not folder.exists() or list(folder.iterdir()) == []
    # The next launch simply builds it (still in the isolated user folder).
    with Project.open(ensure_sample_project()) as project:
        assert len(project.documents()) == len(TITLES)


def test_leftover_partial_file_from_a_crash_does_not_get_in_the_way() -> None:
    folder = user_data_dir()
    folder.mkdir(parents=True)
    leftover = folder / f".Sample project.{os.getpid()}.partial.claimdesk"
    leftover.write_bytes(b"half a database")
    path = ensure_sample_project()
    with Project.open(path) as project:
        assert len(project.documents()) == len(TITLES)
    assert not leftover.exists()


def test_the_sample_ships_a_worked_example_on_the_first_article() -> None:
    example = json.loads((seeds_dir() / EXAMPLE_FILE).read_text("utf-8"))
    expected = [(a["quote"], a["label"]) for a in example["documents"][0]["annotations"]]
    assert len(expected) >= 8
    with Project.open(ensure_sample_project()) as project:
        names = {a.name: a for a in project.annotators()}
        assert list(names) == [EXAMPLE_ANNOTATOR] and not names[EXAMPLE_ANNOTATOR].is_gold
        labels = {label.id: label.name for label in project.labels()}
        first, second = project.documents()
        assert first.title.startswith(TITLES[0])
        text = project.document_text(first.id)
        made = project.annotations(first.id, names[EXAMPLE_ANNOTATOR].id)
        assert [(a.quote, labels[a.label_id]) for a in made] == expected
        assert all(text[a.start : a.end] == a.quote for a in made)
        assert any(a.note for a in made)  # notes are part of the example too
        assert project.annotations(second.id, None) == []
        # Nobody else has anything: the newcomer's own work starts empty.
        newcomer = project.ensure_annotator("Ana")
        assert project.annotations(first.id, newcomer.id) == []
        assert project.overview(newcomer.id)[0].annotation_count == 0


def test_a_worked_example_that_does_not_match_the_text_is_refused(
    project: Project, tmp_path: Path
) -> None:
    from claimdesk.core.importing import import_paths

    import_paths(project, sorted(seeds_dir().glob("*.txt")))
    data = json.loads((seeds_dir() / EXAMPLE_FILE).read_text("utf-8"))
    data["documents"][0]["annotations"][0]["start"] += 1  # the quote no longer sits there
    bad = tmp_path / "example.json"
    bad.write_text(json.dumps(data), "utf-8")
    with pytest.raises(ValueError, match="is not at"):
        add_worked_example(project, bad)
    assert all(a.name != EXAMPLE_ANNOTATOR for a in project.annotators())  # nothing written
