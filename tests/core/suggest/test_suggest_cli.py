"""claimdesk-cli suggest, run as the installed console script; and the exercise flag that lets
students see suggestions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from claimdesk.core.classroom.exercise import create_exercise, exercises, read_exercise
from claimdesk.core.classroom.workspace import open_workspace, workspace_info
from claimdesk.core.store.project import Project
from tests.core.cli.test_cli import failed, ok, run


def marked_once(seeded: Project, tmp_path: Path) -> tuple[Path, int, list[int]]:
    """The seeded project with "troops" filed once by Ada; its file, the document, the others."""
    ada = seeded.ensure_annotator("Ada")
    military = next(label.id for label in seeded.labels() if label.name == "Military")
    for document in seeded.documents():
        text = seeded.document_text(document.id)
        at = [i for i in range(len(text)) if text.startswith("troops", i)]
        if len(at) >= 3:
            seeded.add_annotation(document.id, military, ada.id, at[0], at[0] + 6)
            break
    path = tmp_path / "p.claimdesk"
    seeded.close()
    shutil.copy(seeded.path, path)
    return path, document.id, at[1:]


def test_suggest_lists_then_files_those_above_a_score(seeded: Project, tmp_path: Path) -> None:
    path, document_id, others = marked_once(seeded, tmp_path)
    out = ok(run("suggest", path, "--annotator", "Ada", cwd=tmp_path))
    assert f"{len(others)} suggestion(s) for Ada." in out
    assert out.count("'troops'") == len(others)
    data = json.loads(ok(run("suggest", path, "--json", "--document", document_id, cwd=tmp_path)))
    assert data["annotator"] == "Ada"  # the only annotator
    assert [(s["start"], s["label"], s["source"]) for s in data["suggestions"]] == [
        (at, "Military", "project") for at in others
    ]
    assert data["offsets"].startswith("Unicode code points")
    # Above the score: none (they score 0.5); at it: all, filed and recorded.
    assert "0 at or above 0.9 filed" in ok(
        run("suggest", path, "--accept-above", "0.9", cwd=tmp_path)
    )
    out = ok(run("suggest", path, "--accept-above", "0.5", cwd=tmp_path))
    assert f"{len(others)} at or above 0.5 filed and recorded as accepted" in out
    with Project.open(path) as project:
        ada = next(a for a in project.annotators() if a.name == "Ada")
        assert len(project.annotations(document_id, ada.id)) == 1 + len(others)
        assert project.suggestion_stats(ada.id)["project"].accepted == len(others)
    assert "0 suggestion(s)" in ok(run("suggest", path, cwd=tmp_path))


def test_suggest_refuses_with_a_sentence(seeded: Project, tmp_path: Path) -> None:
    path, _document, _others = marked_once(seeded, tmp_path)
    assert "no annotator 'Zed'" in failed(run("suggest", path, "--annotator", "Zed", cwd=tmp_path))
    assert "from 0 to 1" in failed(run("suggest", path, "--accept-above", "2", cwd=tmp_path))
    assert "no document 999" in failed(run("suggest", path, "--document", "999", cwd=tmp_path))
    with Project.open(path) as project:
        project.ensure_annotator("Bea")
    assert "--annotator NAME" in failed(run("suggest", path, cwd=tmp_path))


def test_suggest_with_the_model(seeded: Project, tmp_path: Path) -> None:
    path, _document, _others = marked_once(seeded, tmp_path)
    out = ok(run("suggest", path, "--model", cwd=tmp_path))
    assert "Too few annotations to train a model yet" in out


def test_an_exercise_hands_out_suggestions_only_when_the_teacher_says_so(
    seeded: Project, tmp_path: Path
) -> None:
    ids = [d.id for d in seeded.documents()]
    plain = create_exercise(seeded, tmp_path / "plain", title="Plain", document_ids=ids)
    helped = create_exercise(
        seeded, tmp_path / "helped", title="Helped", document_ids=ids, suggestions=True
    )
    assert (plain.suggestions, helped.suggestions) == (False, True)
    assert {e.title: e.suggestions for e in exercises(seeded)} == {"Plain": False, "Helped": True}
    assert plain.path is not None and helped.path is not None
    assert read_exercise(plain.path).suggestions is False
    assert read_exercise(helped.path).suggestions is True
    for info, expected in ((plain, False), (helped, True)):
        assert info.path is not None
        with Project.open(open_workspace(info.path, "Ann")) as workspace:
            work = workspace_info(workspace)
            assert work is not None and work.suggestions is expected


def test_exercise_create_takes_suggestions_on_the_command_line(
    seeded: Project, tmp_path: Path
) -> None:
    path, _document, _others = marked_once(seeded, tmp_path)
    out = ok(
        run(
            "exercise", "create", path, "--out", tmp_path / "w", "--documents", "all",
            "--title", "W", "--suggestions", cwd=tmp_path,
        )
    )  # fmt: skip
    assert "Students see suggestions while they work." in out
    assert read_exercise(tmp_path / "w.claimdesk-exercise").suggestions is True


def test_the_codebooks_rules_travel_with_a_written_codebook_and_an_exercise(
    seeded: Project, tmp_path: Path
) -> None:
    from claimdesk.core.classroom.exercise_codebook import project_codebook
    from claimdesk.core.codebook import load_codebook, write_codebook
    from claimdesk.core.text.suggest_rules import SuggestRules

    military = next(label.id for label in seeded.labels() if label.name == "Military")
    rules = SuggestRules(("troop reduction",), (r"\d+ divisions",), case=True)
    seeded.set_suggestion_rules({military: rules})
    write_codebook(project_codebook(seeded), tmp_path / "out.json")
    read = load_codebook(tmp_path / "out.json")
    assert next(label.suggest for label in read.labels if label.name == "Military") == rules
    assert all(label.suggest is None for label in read.labels if label.name != "Military")
    ids = [d.id for d in seeded.documents()]
    info = create_exercise(
        seeded, tmp_path / "helped", title="Helped", document_ids=ids, suggestions=True
    )
    assert info.path is not None
    with Project.open(open_workspace(info.path, "Ann")) as workspace:
        there = {label.name: label.id for label in workspace.labels()}
        assert workspace.suggestion_rules() == {there["Military"]: rules}
