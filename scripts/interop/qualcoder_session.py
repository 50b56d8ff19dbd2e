"""One QualCoder session, run by ``scripts/interop/qualcoder.py`` with QualCoder's own Python.

It is not part of Claimdesk and imports nothing of it: it starts QualCoder's main window
offscreen and does what a user does, in this order, answering QualCoder's dialogs as they open:

1. Project > New project (QualCoder's ``MainWindow.new_project``: folder, data.qda, tables);
2. Manage files > Import files, picking the text file (``DialogManageFiles.import_files``);
3. Code text: adds each code with the "Add new code" dialog, opens the file from the file list,
   selects the words with a ``QTextCursor`` found in the editor's document (so positions are the
   editor's own, UTF-16 code units), picks the code in the tree and presses Q (quick mark);
   writes a coding memo through "Memo for coded text"; changes coder in Settings;
4. Project > Export REFI-QDA project (``RefiExport``), keeping line endings.

With "reimport" in the plan instead of a text file, it does Project > Import REFI-QDA project
(``RefiImport``) with that .qdpx, opens each file in the coding editor and notes which characters
the editor highlights for each coding, then exports as in step 4.

The file dialogs are the only parts replaced (they return the paths given); every other dialog
is the real one, filled in and accepted by a timer as a user would. Usage:

    QT_QPA_PLATFORM=offscreen HOME=<temp> python -P qualcoder_session.py PLAN.json

PLAN.json: {"src": QualCoder's src folder, "project" (path without .qda), "out" (export
folder), "result" (JSON written at the end), and either "text_file" and "codings": [[coder,
code, words, memo], ...] or "reimport": a .qdpx}.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import sys
import traceback
import types
from pathlib import Path
from typing import Any


def main(plan_path: str) -> int:
    plan = json.loads(Path(plan_path).read_text(encoding="utf-8"))
    sys.path.insert(0, plan["src"])
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Code colours are drawn at random from QualCoder's palette: a fixed seed makes them repeat.
    random.seed(13)

    from PyQt6 import QtCore, QtGui, QtWidgets
    from PyQt6.QtTest import QTest

    # QualCoder's AI search imports sentence-transformers (and with it PyTorch, gigabytes) at
    # start-up; nothing done here calls it, so an empty module stands in when it is missing.
    stubbed = []
    try:
        import sentence_transformers  # noqa: F401
    except ImportError:
        sys.modules["sentence_transformers"] = types.ModuleType("sentence_transformers")
        stubbed.append("sentence_transformers")

    app = QtWidgets.QApplication(sys.argv[:1])
    import qualcoder.__main__ as qc
    from qualcoder.add_item_name import DialogAddItemName
    from qualcoder.app import App
    from qualcoder.code_text import DialogCodeText
    from qualcoder.manage_files import DialogManageFiles
    from qualcoder.memo import DialogMemo
    from qualcoder.refi import RefiLineEndings
    from qualcoder.select_items import DialogSelectItems
    from qualcoder.settings import DialogSettings

    log: list[str] = []
    answers: list[tuple[type, Any]] = []  # what the user types into the next dialogs, in order
    failures: list[str] = []

    def answer_dialogs() -> None:
        widget = QtWidgets.QApplication.activeModalWidget()
        if widget is None or isinstance(widget, QtWidgets.QProgressDialog):
            return
        try:
            expected = [i for i, (kind, _) in enumerate(answers) if isinstance(widget, kind)]
            if expected:
                _, fill = answers.pop(expected[0])
                log.append(f"dialog {type(widget).__name__}: {widget.windowTitle()}")
                fill(widget)
            elif isinstance(widget, QtWidgets.QMessageBox):
                log.append(f"message {widget.windowTitle()!r}: {widget.text()}")
                widget.accept()
            else:
                failures.append(
                    f"unexpected dialog {type(widget).__name__}: {widget.windowTitle()}"
                )
                widget.reject()
        except Exception:  # a dialog that cannot be answered must not hang the session
            failures.append(traceback.format_exc())
            widget.reject()

    timer = QtCore.QTimer()
    timer.timeout.connect(answer_dialogs)
    timer.start(20)

    def type_name(name: str) -> Any:
        def fill(dialog: Any) -> None:
            dialog.ui.lineEdit.setText(name)
            dialog.accept()

        return fill

    def type_memo(text: str) -> Any:
        def fill(dialog: Any) -> None:
            dialog.ui.textEdit.setPlainText(text)
            dialog.accept()

        return fill

    def type_coder(name: str) -> Any:
        def fill(dialog: Any) -> None:
            # What Settings' coder-names dialog does when a new name is chosen there.
            dialog.settings["codername"] = name
            dialog.ui.lineEdit_coderName.setText(name)
            dialog.accept()

        return fill

    def pick_coding(who: str, code: str, words: str) -> Any:
        # Where codings overlap QualCoder asks which one the memo is for; its list shows only
        # code names, so the user counts rows: the row of this coder's coding is taken.
        def fill(dialog: Any) -> None:
            for row, item in enumerate(dialog.data_refined):
                if (item["owner"], item["name"], item["seltext"]) == (who, code, words):
                    dialog.ui.listView.setCurrentIndex(dialog.model.index(row, 0))
                    dialog.accept()
                    return
            raise LookupError(f"no {code} coding by {who} on {words!r} to pick")

        return fill

    def keep_line_endings(dialog: Any) -> None:
        dialog.ui.radioButton_no_change.setChecked(True)
        dialog.accept()

    # The first start writes ~/.qualcoder/config.ini; the coder name is set there as in Settings,
    # and the AI set-up question of a first start is answered "later".
    first = App()
    first.settings["codername"] = plan.get("coder", "Ana")
    first.settings["ai_first_startup"] = "False"
    first.settings["ai_enable"] = "False"
    first.settings["directory"] = str(Path(plan["project"]).parent)
    first.write_config_ini(first.settings, first.ai_models)
    qual_app = App()
    window = qc.MainWindow(qual_app, force_quit=True)

    dialogs = QtWidgets.QFileDialog
    dialogs.getSaveFileName = staticmethod(lambda *a, **k: (plan["project"], ""))
    dialogs.getExistingDirectory = staticmethod(lambda *a, **k: plan["out"])

    def action_log() -> str:
        return str(window.ui.textEdit.toPlainText())

    def coding_dialog() -> Any:
        window.text_coding()
        editor = window.ui.tab_coding.findChild(DialogCodeText)
        editor.show()
        editor.ui.listWidget.setCurrentRow(0)  # the user clicks the file in the list
        QtWidgets.QApplication.processEvents()
        return editor

    def open_file_with(editor: Any, words: str) -> Any:
        """The words in the file shown, or else in the first file of the list that has them."""
        found = editor.ui.plainTextEdit.document().find(words)
        for row in range(editor.ui.listWidget.count()):
            if not found.isNull():
                return found
            editor.ui.listWidget.setCurrentRow(row)  # the user clicks the next file
            QtWidgets.QApplication.processEvents()
            found = editor.ui.plainTextEdit.document().find(words)
        if found.isNull():
            raise SystemExit(f"{words!r} not found in any file in QualCoder's editor")
        return found

    def new_project_with_text(text_file: str) -> str:
        """Project > New project, then Manage files > Import the text file."""
        window.new_project()
        qda = str(window.app.project_path)
        log.append(f"new project {qda}")
        dialogs.getOpenFileNames = staticmethod(lambda *a, **k: ([text_file], ""))
        window.manage_files()
        files = window.ui.tab_manage.findChild(DialogManageFiles)
        files.ui.pushButton_import.click()
        log.append("imported " + ", ".join(s["name"] for s in files.source))
        return qda

    def import_refi_project(qdpx: str) -> str:
        """Project > Import REFI-QDA project (a new project, then the .qdpx)."""
        # A real dialog returns the path and the filter chosen (QualCoder reads it as "ok").
        dialogs.getOpenFileName = staticmethod(lambda *a, **k: (qdpx, "(*.qdpx *.QDPX)"))
        window.refi_project_import()
        qda = str(window.app.project_path)
        log.append(f"imported {Path(qdpx).name} into {qda}")
        if not window.app.get_text_filenames():
            raise SystemExit("QualCoder imported no text source:\n" + action_log())
        return qda

    def code_in_editor(codings: list[list[str]]) -> list[dict[str, Any]]:
        editor = coding_dialog()
        coder = window.app.settings["codername"]
        known = {c["name"] for c in editor.codes}
        for code in dict.fromkeys(c[1] for c in codings):
            if code not in known:
                answers.append((DialogAddItemName, type_name(code)))
                editor.code_tree.add_code()
        editor.update_dialog_codes_and_categories()
        QtWidgets.QApplication.processEvents()

        def tree_item(name: str) -> Any:
            found = editor.ui.treeWidget.findItems(
                name, QtCore.Qt.MatchFlag.MatchExactly | QtCore.Qt.MatchFlag.MatchRecursive, 0
            )
            if len(found) != 1:
                raise SystemExit(f"code {name!r} not found once in QualCoder's code tree")
            return found[0]

        made: list[dict[str, Any]] = []
        for who, code, words, memo in codings:
            if who != coder:  # Settings > coder name; QualCoder then closes its coding tabs
                answers.append((DialogSettings, type_coder(who)))
                window.change_settings()
                coder = who
                log.append(f"coder now {window.app.settings['codername']}")
                editor = coding_dialog()
            text_edit = editor.ui.plainTextEdit
            found = open_file_with(editor, words)
            cursor = text_edit.textCursor()
            cursor.clearSelection()
            text_edit.setTextCursor(cursor)
            editor.ui.treeWidget.setCurrentItem(tree_item(code))  # no selection yet: nothing marked
            text_edit.setTextCursor(found)  # the selection a user drags over the words
            # QualCoder takes its coding keys only while the text has the keyboard focus.
            window.ui.tabWidget.setCurrentWidget(window.ui.tab_coding)
            window.activateWindow()
            text_edit.setFocus()
            QtWidgets.QApplication.processEvents()
            if not text_edit.hasFocus():
                raise SystemExit("QualCoder's text editor did not take the keyboard focus")
            QTest.keyClick(text_edit, QtCore.Qt.Key.Key_Q)  # "Q": mark with the selected code
            QtWidgets.QApplication.processEvents()
            made.append(
                {
                    "file": editor.file_["name"],
                    "coder": who,
                    "code": code,
                    "words": words,
                    "cursor": [found.selectionStart(), found.selectionEnd()],
                    "selected_text": found.selectedText(),
                }
            )
            if memo:
                at = found.selectionStart() + 1  # the user right-clicks inside the coded words
                if sum(c["pos0"] <= at <= c["pos1"] for c in editor.code_text) > 1:
                    answers.append((DialogSelectItems, pick_coding(who, code, words)))
                answers.append((DialogMemo, type_memo(memo)))
                editor.coded_text_memo(at)
            if answers:
                raise SystemExit(f"QualCoder did not ask for {answers}")
        return made

    def highlighted() -> list[dict[str, Any]]:
        """For each coding, the characters QualCoder's coding editor colours for it."""
        editor = coding_dialog()
        shown: list[dict[str, Any]] = []
        for row in range(editor.ui.listWidget.count()):
            editor.ui.listWidget.setCurrentRow(row)
            QtWidgets.QApplication.processEvents()
            document = editor.ui.plainTextEdit.document()
            for coding in editor.code_text:  # the positions its highlight() colours
                cursor = QtGui.QTextCursor(document)
                cursor.setPosition(coding["pos0"])
                cursor.setPosition(coding["pos1"], QtGui.QTextCursor.MoveMode.KeepAnchor)
                shown.append(
                    {
                        "file": editor.file_["name"],
                        "coder": coding["owner"],
                        "code": coding["name"],
                        "seltext": coding["seltext"],
                        "editor_highlights": cursor.selectedText(),
                    }
                )
        if plan.get("screenshot"):  # to look at it: the file with the emoji
            heihe = editor.ui.listWidget.findItems("Heihe", QtCore.Qt.MatchFlag.MatchContains)
            editor.ui.listWidget.setCurrentItem(heihe[0])
            editor.resize(1200, 700)
            QtWidgets.QApplication.processEvents()
            editor.grab().save(plan["screenshot"])
        return shown

    if plan.get("reimport"):
        qda = import_refi_project(plan["reimport"])
    else:
        qda = new_project_with_text(plan["text_file"])
    made = code_in_editor(plan.get("codings") or [])
    shown = highlighted()

    answers.append((RefiLineEndings, keep_line_endings))
    window.refi_project_export()
    QtWidgets.QApplication.processEvents()
    timer.stop()

    connection = sqlite3.connect(Path(qda) / "data.qda")
    connection.row_factory = sqlite3.Row
    codings = [
        dict(row)
        for row in connection.execute(
            "select ctid, cid, fid, seltext, pos0, pos1, owner, memo from code_text order by ctid"
        )
    ]
    codes = [
        dict(row) for row in connection.execute("select cid, name, color, owner from code_name")
    ]
    sources = [
        {"id": r["id"], "name": r["name"], "fulltext": r["fulltext"]}
        for r in connection.execute("select id, name, fulltext from source")
    ]
    project = dict(
        connection.execute("select databaseversion, about, codername from project").fetchone()
    )
    connection.close()
    result = {
        "version": window.app.version,
        "project": project,
        "project_folder": qda,
        "codes": codes,
        "code_text": codings,
        "sources": sources,
        "selections": made,
        "editor_highlights": shown,
        "log": log,
        "failures": failures,
        "stubbed": stubbed,
        "exports": sorted(str(p) for p in Path(plan["out"]).glob("*.qdpx")),
    }
    Path(plan["result"]).write_text(json.dumps(result, ensure_ascii=False, indent=2), "utf-8")
    window.close()
    app.processEvents()
    return 1 if failures else 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1]))
    except Exception:  # QualCoder installs its own excepthook, which shows a dialog
        sys.stderr.write(traceback.format_exc())
        sys.exit(2)
