"""An exercise freezes the codebook's scheme (attributes, relation types, document label sets)
with its labels: the file carries it, the fingerprint covers it, the student's workspace has it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from claimdesk.core.classroom.exercise import (
    EXERCISE_MIMETYPE,
    ExerciseFileError,
    read_exercise,
)
from claimdesk.core.classroom.exercise_codebook import (
    codebook_fingerprint,
    frozen_scheme,
    project_codebook,
)
from claimdesk.core.classroom.exercise_files import write_archive
from claimdesk.core.classroom.workspace import open_workspace
from claimdesk.core.importing import import_paths
from claimdesk.core.scheme import AttributeKind, AttributeSpec, DocLabelSpec, RelationSpec, Scheme
from claimdesk.core.store import classroom as store
from claimdesk.core.store.project import Project
from tests.core.classroom.classroom_kit import (
    CODEBOOK,
    TEXT_1,
    exercise_with_key,
    read_json,
)

SCHEME = Scheme(
    {
        "Claim": (
            AttributeSpec(
                "Stance",
                AttributeKind.CHOICE,
                ("positive", "negative", "neutral"),
                ("p", "n", "u"),
                "neutral",
                "Warming or cooling.",
                "s",
            ),
            AttributeSpec("Check-worthy", AttributeKind.BOOL, default=False, shortcut="w"),
        )
    },
    (RelationSpec("attributed to", "#7f7f7f", "", True, ("Claim",), ("<b>Source</b>",), "a"),),
    (DocLabelSpec("Topic", True, ("Military", "Economy"), ("m", "e")),),
)


def schemed_project(folder: Path) -> Project:
    folder.mkdir(parents=True, exist_ok=True)
    codebook = replace(CODEBOOK, scheme=SCHEME)
    project = Project.create(folder / "teacher.claimdesk", name="Teacher", codebook=codebook)
    (folder / "01.txt").write_text(TEXT_1, encoding="utf-8")
    import_paths(project, [folder / "01.txt"], cleanup=False)
    return project


def test_exercise_carries_the_scheme_to_the_students_workspace(tmp_path: Path) -> None:
    with schemed_project(tmp_path / "teacher") as project:
        assert project.scheme_by_name() == SCHEME
        info = exercise_with_key(project, tmp_path, [(0, "Claim", 0, 10)])
        frozen = project_codebook(project)
    assert info.path is not None
    exercise = read_exercise(info.path)
    assert exercise.codebook.scheme == SCHEME
    assert exercise.fingerprint == codebook_fingerprint(frozen)
    assert exercise.fingerprint != codebook_fingerprint(replace(frozen, scheme=Scheme()))
    assert read_json(info.path, "exercise.json")["codebook"]["version"] == 2
    with Project.open(open_workspace(info.path, "Ann")) as workspace:
        assert workspace.scheme_by_name() == SCHEME


def test_exercise_whose_scheme_was_altered_is_refused(tmp_path: Path) -> None:
    with schemed_project(tmp_path / "teacher") as project:
        info = exercise_with_key(project, tmp_path, [(0, "Claim", 0, 10)])
    assert info.path is not None

    data = read_json(info.path, "exercise.json")
    data["codebook"]["labels"][0]["attributes"][0]["default"] = "positive"
    altered = tmp_path / "altered.claimdesk-exercise"
    write_archive(altered, EXERCISE_MIMETYPE, "exercise.json", data)
    with pytest.raises(ExerciseFileError, match="does not match its fingerprint"):
        read_exercise(altered)


def test_definitions_renamed_after_handing_out_still_count(tmp_path: Path) -> None:
    with schemed_project(tmp_path / "teacher") as project:
        exercise_with_key(project, tmp_path, [(0, "Claim", 0, 10)])
        records = project.scheme()
        stance = records.attributes[0]
        project.update_attribute(stance.id, replace(SCHEME.attributes["Claim"][0], name="Tone"))
        relation = records.relation_types[0]
        project.update_relation_type(relation.id, replace(SCHEME.relations[0], name="said by"))
        (row,) = store.exercise_rows(project)
        frozen = frozen_scheme(row.codebook, project.scheme(), project.labels())
        check_worthy = records.attributes[1].id
    assert frozen.attributes == {
        ("Claim", "Stance"): stance.id,
        ("Claim", "Check-worthy"): check_worthy,
    }
    assert frozen.relations == {"attributed to": relation.id}
    assert frozen.document_labels == {"Topic": records.doc_label_sets[0].id}
    # an exercise recorded before ids were kept: today's names
    legacy = frozen_scheme({"labels": []}, records, [])
    assert legacy.relations == {"attributed to": relation.id}
