"""File › Export dataset… and File › Import annotations…, driven through the Prompts seam."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton
from pytestqt.qtbot import QtBot

from claimdesk.core.store.project import Project
from claimdesk.gui.dialogs import TextDialog
from claimdesk.gui.export_dialog import ExportChoice, ExportDialog, ImportChoice, ImportDialog
from claimdesk.gui.main_window import MainWindow
from claimdesk.gui.places import EXPORTS
from claimdesk.gui.settings import Settings
from tests.gui.conftest import ScriptedPrompts, db_rows, work_tasks


class DatasetPrompts(ScriptedPrompts):
    def __init__(self) -> None:
        super().__init__()
        self.export_choices: list[ExportChoice | None] = []
        self.import_choices: list[ImportChoice | None] = []
        self.reports: list[tuple[str, str]] = []
        self.folders: list[Path | None] = []  # where each dialog would have started
        self.names: list[str | None] = []  # the name each export dialog would have suggested

    def export_choice(
        self,
        annotators: list[str],
        current: str,
        document: int | None,
        *,
        project: Path | None = None,
        folder: Path | None = None,
        name: str | None = None,
    ) -> ExportChoice | None:
        self.asked.append(f"export: {annotators} {current} {document}")
        self.folders.append(folder)
        self.names.append(name)
        return self.export_choices.pop(0)

    def import_choice(self, annotator: str, *, folder: Path | None = None) -> ImportChoice | None:
        self.asked.append(f"import annotations as {annotator}")
        self.folders.append(folder)
        return self.import_choices.pop(0)

    def dataset_report(self, title: str, text: str) -> None:
        self.reports.append((title, text))


def _window(qtbot: QtBot, seeded: Project, settings, prompts: DatasetPrompts) -> MainWindow:  # type: ignore[no-untyped-def]
    annotator = seeded.ensure_annotator("Ana")
    win = MainWindow(seeded, annotator, settings, prompts)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_export_runs_off_the_gui_thread_and_shows_the_report(
    qtbot: QtBot,
    seeded: Project,
    settings,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    prompts = DatasetPrompts()
    window = _window(qtbot, seeded, settings, prompts)
    label = seeded.labels()[0]
    document = seeded.documents()[0].id
    text = seeded.document_text(document)
    seeded.add_annotation(document, label.id, window.annotator.id, 0, 6, note="<b>n</b>")
    out = tmp_path / "claims.jsonl"
    prompts.export_choices = [ExportChoice("jsonl", out)]
    window.menu_actions.export_dataset.trigger()
    qtbot.waitUntil(lambda: bool(prompts.reports), timeout=20_000)
    title, report = prompts.reports[0]
    assert title == "Export finished"
    assert "2 document(s) and 1 span(s) written to" in report
    line = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert line["label"] == [[0, 6, label.name]] and line["text"] == text
    assert prompts.asked[0] == f"export: ['Ana'] Ana {window.document_id}"


def test_cancelled_export_leaves_nothing(
    qtbot: QtBot,
    seeded: Project,
    settings,
    tmp_path: Path,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    from claimdesk.gui.workers import Task

    start = Task.start

    def cancel_at_once(task: Task) -> None:  # the user presses Cancel straight away
        task.cancel()
        start(task)

    monkeypatch.setattr(Task, "start", cancel_at_once)
    prompts = DatasetPrompts()
    window = _window(qtbot, seeded, settings, prompts)
    prompts.export_choices = [ExportChoice("csv", tmp_path / "x.csv")]
    window.menu_actions.export_dataset.trigger()
    qtbot.waitUntil(lambda: not work_tasks(window), timeout=20_000)
    assert window.statusBar().currentMessage() == "Export cancelled; nothing was written."
    assert prompts.reports == [] and prompts.errors == []
    assert [p.name for p in tmp_path.iterdir() if "x.csv" in p.name] == []


def test_export_problem_is_shown_and_nothing_written(
    qtbot: QtBot,
    seeded: Project,
    settings,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    prompts = DatasetPrompts()
    window = _window(qtbot, seeded, settings, prompts)
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine", encoding="utf-8")
    prompts.export_choices = [ExportChoice("brat", folder)]
    window.menu_actions.export_dataset.trigger()
    qtbot.waitUntil(lambda: bool(prompts.errors), timeout=20_000)
    assert "already holds files" in prompts.errors[0]
    assert [p.name for p in folder.iterdir()] == ["keep.txt"]


def test_import_annotations_refreshes_views_and_undoes(
    qtbot: QtBot,
    seeded: Project,
    settings,
    tmp_path: Path,
    project_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    prompts = DatasetPrompts()
    window = _window(qtbot, seeded, settings, prompts)
    path = tmp_path / "doccano.jsonl"
    lines = [
        {"text": "Moscow 🙂 talks <b>x</b>", "label": [[0, 6, "Place <i>"], [9, 14, "Place <i>"]]},
    ]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    prompts.import_choices = [ImportChoice("jsonl", path, "Ana")]
    before = window.documents.model.rowCount()
    window.menu_actions.import_annotations.trigger()
    qtbot.waitUntil(lambda: bool(prompts.reports), timeout=20_000)
    assert prompts.reports[0][0] == "Import finished"
    assert "2 annotation(s) imported" in prompts.reports[0][1]
    assert window.documents.model.rowCount() == before + 1
    assert "Place <i>" in {label.name for label in window.labels.values()}
    assert db_rows(project_path, "SELECT quote FROM annotation ORDER BY start") == [
        ("Moscow",),
        ("talks",),
    ]
    window.undo()
    assert window.documents.model.rowCount() == before
    assert db_rows(project_path, "SELECT count(*) FROM annotation") == [(0,)]


def test_import_of_a_bad_file_says_where_and_changes_nothing(
    qtbot: QtBot,
    seeded: Project,
    settings,
    tmp_path: Path,
    project_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    prompts = DatasetPrompts()
    window = _window(qtbot, seeded, settings, prompts)
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "ok", "label": [[0, 9, "X"]]}\n', encoding="utf-8")
    before = db_rows(project_path, "SELECT count(*) FROM document")
    prompts.import_choices = [ImportChoice("jsonl", path, "Ana")]
    window.menu_actions.import_annotations.trigger()
    qtbot.waitUntil(lambda: bool(prompts.errors), timeout=20_000)
    assert "bad.jsonl: line 1: the span 0–9 lies outside the text" in prompts.errors[0]
    assert db_rows(project_path, "SELECT count(*) FROM document") == before


def test_dialogs_render_and_give_choices(qtbot: QtBot, tmp_path: Path) -> None:
    export = ExportDialog(None, ["Ana", "<b>Bo</b>"], "Ana", 3)  # type: ignore[arg-type]
    qtbot.addWidget(export)
    export.formats.setCurrentIndex(export.formats.findData("brat"))
    assert "a new or empty folder" in export.description.text()
    export.destination.edit.setText(str(tmp_path / "out"))
    export.people.item(1).setCheckState(Qt.CheckState.Unchecked)
    export.this_one.setChecked(True)
    assert export.choice() == ExportChoice("brat", tmp_path / "out", ("Ana",), (3,))
    export.formats.setCurrentIndex(export.formats.findData("csv"))
    export.destination.edit.setText(str(tmp_path / "out.jsonl"))
    export.formats.setCurrentIndex(export.formats.findData("jsonl"))
    assert export.choice() is not None and export.choice().out.suffix == ".jsonl"
    export.show()
    export.grab().save(str(tmp_path / "export.png"))

    imp = ImportDialog(None, "Ana")  # type: ignore[arg-type]
    qtbot.addWidget(imp)
    assert imp.choice() is None  # no file yet
    imp.source.edit.setText(str(tmp_path / "in.json"))
    imp.formats.setCurrentIndex(imp.formats.findData("labelstudio"))
    imp.strict.setChecked(True)
    assert imp.choice() == ImportChoice("labelstudio", tmp_path / "in.json", "Ana", True)

    shown = TextDialog("Export finished", "label <b>x</b> & more")
    qtbot.addWidget(shown)
    assert shown.text.toPlainText() == "label <b>x</b> & more"


def test_export_dialog_says_how_to_get_spacy(qtbot: QtBot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import sys

    monkeypatch.setitem(sys.modules, "spacy", None)  # as if spaCy were not installed
    dialog = ExportDialog(None, ["Ana"], "Ana", None)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.formats.setCurrentIndex(dialog.formats.findData("spacy"))
    assert "Needs spacy: pip install 'claimdesk[spacy]'" in dialog.description.text()
    assert not dialog.this_one.isEnabled()  # no open document


def test_export_never_replaces_the_open_project_and_says_why(
    qtbot: QtBot,
    seeded: Project,
    settings,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    prompts = DatasetPrompts()
    window = _window(qtbot, seeded, settings, prompts)
    project = seeded.path
    before = project.read_bytes()
    link = tmp_path / "claims.jsonl"
    link.symlink_to(project)
    plain = tmp_path / "plain.txt"
    plain.write_text("mine", encoding="utf-8")
    for choice, words in [
        (ExportChoice("jsonl", project), "is the Claimdesk project this command reads"),
        (ExportChoice("csv", link), "claims.jsonl: is the Claimdesk project"),
        (ExportChoice("jsonl", Path(f"{project}-wal")), "belongs to the Claimdesk project"),
        (ExportChoice("brat", project), "Claimdesk project"),
        (ExportChoice("jsonl", plain / "x.jsonl"), "x.jsonl: cannot be written: "),
    ]:
        prompts.export_choices = [choice]
        window.menu_actions.export_dataset.trigger()
        assert not work_tasks(window)  # refused before any work starts
        assert prompts.errors[-1].startswith("Nothing was written.\n\n")
        assert words in prompts.errors[-1]
    assert len(prompts.errors) == 5 and prompts.reports == []
    assert project.read_bytes() == before
    assert plain.read_text(encoding="utf-8") == "mine"
    assert not [p for p in (tmp_path, project.parent) for q in p.iterdir() if ".partial" in q.name]


# -- where the dialogs start, and paths they refuse -----------------------------------------------


def _ok(dialog: ExportDialog | ImportDialog) -> QPushButton:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_export_dialog_starts_with_a_full_path_named_after_project_and_format(
    qtbot: QtBot, tmp_path: Path
) -> None:
    project = tmp_path / "My Project.claimdesk"
    (tmp_path / "my-project.csv").write_text("an earlier export", encoding="utf-8")
    dialog = ExportDialog(None, ["Ana"], "Ana", None, project=project, folder=tmp_path)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    assert dialog.formats.currentData() == "jsonl"
    assert dialog.destination.edit.text() == str(tmp_path / "my-project.jsonl")
    assert _ok(dialog).isEnabled() and dialog.destination.problem.isHidden()
    suggested = {}
    for name in ("brat", "csv", "qdpx", "uima-xmi", "jsonl"):
        dialog.formats.setCurrentIndex(dialog.formats.findData(name))
        suggested[name] = dialog.destination.edit.text()
    assert suggested == {
        "brat": str(tmp_path / "my-project-brat"),  # a folder format gets a folder name
        "csv": str(tmp_path / "my-project-2.csv"),  # never the earlier export's name
        "qdpx": str(tmp_path / "my-project.qdpx"),
        "uima-xmi": str(tmp_path / "my-project-uima-xmi"),
        "jsonl": str(tmp_path / "my-project.jsonl"),
    }
    assert dialog.choice() == ExportChoice("jsonl", tmp_path / "my-project.jsonl")


def test_a_name_the_user_typed_is_kept_when_the_format_changes(
    qtbot: QtBot, tmp_path: Path
) -> None:
    dialog = ExportDialog(
        None, ["Ana"], "Ana", None, project=tmp_path / "p.claimdesk", folder=tmp_path
    )  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.destination.edit.setText(str(tmp_path / "for-bo.jsonl"))
    dialog.formats.setCurrentIndex(dialog.formats.findData("csv"))
    assert dialog.destination.edit.text() == str(tmp_path / "for-bo.csv")  # suffix follows
    dialog.destination.edit.setText("week one")  # relative: in the folder the dialog shows
    dialog.formats.setCurrentIndex(dialog.formats.findData("w3c"))
    assert dialog.destination.edit.text() == "week one"
    choice = dialog.choice()
    assert choice is not None and choice.out == tmp_path / "week one"


def test_empty_or_unusable_path_keeps_the_dialog_open_and_says_why(
    qtbot: QtBot, tmp_path: Path
) -> None:
    project = tmp_path / "p.claimdesk"
    Project.create(project).close()
    dialog = ExportDialog(None, ["Ana"], "Ana", None, project=project, folder=tmp_path)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.destination.edit.clear()
    assert not _ok(dialog).isEnabled()
    assert dialog.destination.problem.isVisible()
    assert dialog.destination.problem.text() == "Choose where to save the export."
    dialog.grab().save(str(tmp_path / "empty.png"))
    for text, words in [
        (str(tmp_path), "is a folder; give a file name."),
        (str(project), "p.claimdesk: is the Claimdesk project this command reads"),
        (str(tmp_path / "missing" / "x.jsonl"), "x.jsonl: cannot be written"),
    ]:
        dialog.destination.edit.setText(text)
        assert _ok(dialog).isEnabled()
        qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
        assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
        assert words in dialog.destination.problem.text()
        assert dialog.destination.problem.isVisible()
    dialog.destination.edit.setText(str(tmp_path / "fine.jsonl"))
    assert dialog.destination.problem.isHidden()
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Accepted


def test_browse_starts_in_the_folder_shown(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    asked: list[tuple[str, ...]] = []

    def save(parent: object, caption: str, where: str, *rest: object) -> tuple[str, str]:
        asked.append(("save", where))
        return str(tmp_path / "picked.jsonl"), ""

    def folder(parent: object, caption: str, where: str, *rest: object) -> str:
        asked.append(("folder", where))
        return str(tmp_path)  # not empty: the suggested name is kept inside it

    def open_file(parent: object, caption: str, where: str, *rest: object) -> tuple[str, str]:
        asked.append(("open", where))
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", folder)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", open_file)
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    dialog = ExportDialog(
        None, ["Ana"], "Ana", None, project=tmp_path / "p.claimdesk", folder=tmp_path
    )  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.destination._browse()
    assert dialog.destination.edit.text() == str(tmp_path / "picked.jsonl")
    dialog.formats.setCurrentIndex(dialog.formats.findData("brat"))
    dialog.destination.edit.setText(str(tmp_path / "p-brat"))
    dialog.destination._browse()
    assert dialog.destination.edit.text() == str(tmp_path / "p-brat")
    imports = ImportDialog(None, "Ana", folder=tmp_path)  # type: ignore[arg-type]
    qtbot.addWidget(imports)
    imports.source._browse()
    assert asked == [
        ("save", str(tmp_path / "p.jsonl")),
        ("folder", str(tmp_path)),
        ("open", str(tmp_path)),
    ]


def test_import_dialog_refuses_an_empty_or_missing_path(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = ImportDialog(None, "Ana", folder=tmp_path)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert not _ok(dialog).isEnabled()
    assert dialog.source.problem.text() == "Choose the file to import."
    dialog.source.edit.setText("nothing-here.jsonl")
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.source.problem.text() == "nothing-here.jsonl: there is no such file."
    dialog.formats.setCurrentIndex(dialog.formats.findData("brat"))
    (tmp_path / "a.ann").write_text("", encoding="utf-8")
    dialog.source.edit.setText("a.ann")
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    assert dialog.source.problem.text() == "a.ann: is a file; this format reads a folder."
    dialog.source.edit.setText(str(tmp_path))
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert dialog.choice() == ImportChoice("brat", tmp_path, "Ana", False)


def test_the_last_export_folder_is_remembered_across_dialogs(
    qtbot: QtBot,
    seeded: Project,
    settings,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    prompts = DatasetPrompts()
    window = _window(qtbot, seeded, settings, prompts)
    elsewhere = tmp_path / "exports"
    elsewhere.mkdir()
    prompts.export_choices = [ExportChoice("jsonl", elsewhere / "claims.jsonl"), None]
    window.menu_actions.export_dataset.trigger()
    qtbot.waitUntil(lambda: bool(prompts.reports), timeout=20_000)
    window.menu_actions.export_dataset.trigger()
    assert prompts.folders == [seeded.path.parent, elsewhere]
    assert Settings().last_folder(EXPORTS) == elsewhere  # kept in the user's settings
    dialog = ExportDialog(
        window, ["Ana"], "Ana", None, project=seeded.path, folder=prompts.folders[1]
    )
    qtbot.addWidget(dialog)
    assert dialog.destination.edit.text() == str(elsewhere / "test.jsonl")


def test_start_folder_skips_the_hidden_data_folder_and_missing_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimdesk.core.paths import sample_project_path
    from claimdesk.gui.places import start_folder

    documents = tmp_path / "Documents"
    documents.mkdir()
    monkeypatch.setenv("CLAIMDESK_DOCUMENTS_DIR", str(documents))
    sample = sample_project_path()
    sample.parent.mkdir(parents=True, exist_ok=True)
    settings = Settings()
    assert start_folder(settings, EXPORTS, sample, writing=True) == documents
    settings.set_last_folder(EXPORTS, tmp_path / "gone")
    assert start_folder(settings, EXPORTS, sample, writing=True) == documents
    assert start_folder(settings, EXPORTS, tmp_path / "p.claimdesk", writing=True) == tmp_path
    settings.set_last_folder(EXPORTS, documents)
    assert start_folder(settings, EXPORTS, tmp_path / "p.claimdesk", writing=True) == documents
    assert start_folder(None, EXPORTS, None, writing=True) == documents
    dialog_name = ExportDialog(None, ["Ana"], "Ana", None, project=sample)  # type: ignore[arg-type]
    assert dialog_name.destination.edit.text() == str(documents / "sample-project.jsonl")
    dialog_name.deleteLater()


def test_free_names_keep_the_format_suffix(tmp_path: Path) -> None:
    from claimdesk.gui.export_dialog import free_path

    (tmp_path / "v1.2-brat").mkdir()
    (tmp_path / "v1.2.jsonl").write_text("", encoding="utf-8")
    assert free_path(tmp_path, "v1.2-brat") == tmp_path / "v1.2-brat-2"
    assert free_path(tmp_path, "v1.2.jsonl") == tmp_path / "v1.2-2.jsonl"
    assert free_path(tmp_path, "new.csv") == tmp_path / "new.csv"


def test_a_read_only_project_folder_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from claimdesk.gui import places

    documents = tmp_path / "Documents"
    documents.mkdir()
    shared = tmp_path / "shared"  # e.g. a project opened from a read-only share
    shared.mkdir()
    monkeypatch.setenv("CLAIMDESK_DOCUMENTS_DIR", str(documents))
    real_access = os.access
    monkeypatch.setattr(
        places.os,
        "access",
        lambda path, mode: Path(path) != shared and real_access(path, mode),
    )
    assert places.start_folder(None, EXPORTS, shared / "p.claimdesk", writing=True) == documents
    # Reading from there is fine: an import starts in the project's folder.
    assert places.start_folder(None, EXPORTS, shared / "p.claimdesk") == shared


def test_import_dialog_offers_the_offset_count_and_the_import_uses_it(
    qtbot: QtBot,
    seeded: Project,
    settings,
    tmp_path: Path,
    project_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    dialog = ImportDialog(None, "Ana", folder=tmp_path)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    path = tmp_path / "doccano.jsonl"
    # Written by a browser editor: after the emoji, offsets count UTF-16 code units.
    line = {"text": "🙂 Moscow talks resume", "label": [[3, 9, "Place"], [10, 15, "Place"]]}
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    dialog.formats.setCurrentIndex(dialog.formats.findData("jsonl"))
    dialog.source.edit.setText(str(path))
    assert dialog.choice() == ImportChoice("jsonl", path, "Ana", False, "codepoints")
    dialog.offsets.setCurrentIndex(dialog.offsets.findData("auto"))
    choice = dialog.choice()
    assert choice is not None and choice.offsets == "auto"
    prompts = DatasetPrompts()
    window = _window(qtbot, seeded, settings, prompts)
    prompts.import_choices = [choice]
    window.menu_actions.import_annotations.trigger()
    qtbot.waitUntil(lambda: bool(prompts.reports), timeout=20_000)
    assert "read as UTF-16 code units" in prompts.reports[0][1]
    assert db_rows(project_path, "SELECT quote FROM annotation ORDER BY start") == [
        ("Moscow",),
        ("talks",),
    ]
