"""The project file's search index stays in step with its documents, however they came."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command

from claimdesk.core.importing import import_paths
from claimdesk.core.search.concordance import Query, search
from claimdesk.core.store import engine as store
from claimdesk.core.store import search_index
from claimdesk.core.store.project import Project


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_undone_import_leaves_nothing_to_find_and_a_reused_id_is_found(
    project: Project, tmp_path: Path
) -> None:
    first = import_paths(project, [_write(tmp_path, "a.txt", "Soviet troops left.\n")])
    project.undo()
    assert search(project, Query("troops")).hits == []
    second = import_paths(project, [_write(tmp_path, "b.txt", "Border talks resumed.\n")])
    # SQLite hands the freed id out again: the index must hold the new text, not the old.
    assert second.report.added[0][0] == first.report.added[0][0]
    assert search(project, Query("troops")).hits == []
    assert [h.match for h in search(project, Query("talks")).hits] == ["talks"]


def test_documents_added_without_the_import_commands_are_indexed_at_the_next_search(
    project: Project, tmp_path: Path
) -> None:
    import_paths(project, [_write(tmp_path, "a.txt", "Soviet troops left.\n")])
    with project.writing() as conn:  # as a pull or an exercise writes documents
        conn.exec_driver_sql(f"DELETE FROM {search_index.TABLE}_docsize")
        conn.exec_driver_sql(
            f"INSERT INTO {search_index.TABLE}({search_index.TABLE}) VALUES ('delete-all')"
        )
    assert [h.match for h in search(project, Query("troops")).hits] == ["troops"]


def test_a_file_from_before_search_is_indexed_by_its_migration(
    project_path: Path, tmp_path: Path
) -> None:
    with Project.open(project_path) as project:
        import_paths(project, [_write(tmp_path, "a.txt", "Soviet troops left.\n")])
        with project.writing() as conn:
            command.downgrade(store.migration_config(conn), "0006")
    with Project.open(project_path) as project:  # opening upgrades it (0007 fills the index)
        assert search_index.catch_up(project) == 0
        assert [h.match for h in search(project, Query("troops")).hits] == ["troops"]


@pytest.mark.parametrize(
    ("needles", "query"),
    [
        ([("troop reduction", False, False)], '"reduction"*'),
        ([("troop reduction", True, True)], '"troop" AND "reduction"'),
        ([("troop", False, False)], None),
        ([("中文字", True, True)], '"中文字"'),
        ([("a🇨🇳b", False, False)], '"b"*'),
    ],
)
def test_the_index_query_never_asks_for_more_than_a_hit_holds(
    needles: list[search_index.Needle], query: str | None
) -> None:
    assert search_index.fts_query(needles) == query
