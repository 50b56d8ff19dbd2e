"""claimdesk-cli search: the concordance printed, as JSON, and Mark all from a script."""

from __future__ import annotations

import json
from pathlib import Path

from claimdesk.core.importing import import_paths
from claimdesk.core.paths import seeds_dir
from claimdesk.core.store.project import Project
from tests.core.cli.test_cli import failed, ok, run

MILITARY = r"\b(troops?|military|weapons?|arm(y|ies)|forces?|soldiers?)\b"


def _sample(project_path: Path) -> Path:
    with Project.open(project_path) as project:
        import_paths(project, sorted(seeds_dir().glob("*.txt")))
    return project_path


def test_search_prints_a_concordance_line_per_hit(project_path: Path, tmp_path: Path) -> None:
    path = _sample(project_path)
    out = ok(run("search", path, "Soviet troops", cwd=tmp_path)).splitlines()
    assert out[-1] == "2 hits."
    assert "[Soviet troops]" in out[0] and "not long ago" in out[0]


def test_search_json_gives_code_point_offsets(project_path: Path, tmp_path: Path) -> None:
    path = _sample(project_path)
    data = json.loads(ok(run("search", path, "troops", "--whole-word", "--json", cwd=tmp_path)))
    with Project.open(path) as project:
        for hit in data["hits"]:
            assert project.document_text(hit["document"])[hit["start"] : hit["end"]] == "troops"
    assert data["offsets"].startswith("Unicode code points")


def test_search_mark_files_every_hit_once(project_path: Path, tmp_path: Path) -> None:
    path = _sample(project_path)
    args = ("search", path, MILITARY, "--regex", "--label", "military", "--mark")
    out = ok(run(*args, "--annotator", "Ann", cwd=tmp_path))
    assert out.splitlines()[-2:] == [
        "30 hits.",
        "Filed 30 under 'Military' for Ann; 0 already there.",
    ]
    again = ok(run(*args, "--annotator", "Ann", "--json", cwd=tmp_path))
    assert json.loads(again)["marked"] == {
        "label": "Military",
        "annotator": "Ann",
        "added": 0,
        "skipped": 30,
    }
    with Project.open(path) as project:
        assert sum(project.annotation_counts().values()) == 30


def test_search_refusals_are_sentences(project_path: Path, tmp_path: Path) -> None:
    path = _sample(project_path)
    failed(run("search", path, "(troops", "--regex", cwd=tmp_path))
    assert "missing )" in failed(run("search", path, "(troops", "--regex", cwd=tmp_path))
    assert "No label 'Nope'" in failed(
        run("search", path, "troops", "--label", "Nope", "--mark", "--annotator", "A", cwd=tmp_path)
    )
    assert "--annotator" in failed(
        run("search", path, "troops", "--label", "Military", "--mark", cwd=tmp_path)
    )
