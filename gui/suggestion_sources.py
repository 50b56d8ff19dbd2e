"""Review › Suggestion sources…: each label's phrases and patterns (the codebook source), edited
in the window and saved in one undoable edit, and a line on the other two sources."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from claimdesk.core.records import LabelRecord
from claimdesk.core.text.suggest_rules import RuleError, SuggestRules, parse_rules
from claimdesk.gui.dialogs import ok_cancel
from claimdesk.gui.theme import colour_of

if TYPE_CHECKING:
    from claimdesk.core.store.project import Project

OTHERS = (
    "Also suggested: text you marked elsewhere in the project (whole words, any case; less "
    "often once rejected), and — with scikit-learn installed — a model trained on your "
    "annotations every few edits."
)


class SuggestionSourcesDialog(QDialog):
    """Phrases (one a line, whole words) and regular expressions (one a line) per label."""

    def __init__(
        self, project: Project, labels: list[LabelRecord], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Suggestion sources")
        self.labels = labels
        self.saved = project.suggestion_rules()
        self.rules: dict[int, SuggestRules] = dict(self.saved)  # as edited so far
        self.label = QComboBox()
        for label in labels:
            self.label.addItem(label.name, label.id)  # a combo box shows plain text
        self.phrases = QPlainTextEdit()
        self.phrases.setPlaceholderText("One phrase a line, e.g. troops\nwithdraw")
        self.patterns = QPlainTextEdit()
        self.patterns.setPlaceholderText(
            r"One regular expression a line, e.g. \d+ (tanks|divisions)"
        )
        self.case = QCheckBox("Match case")
        self.problem = QLabel()
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {colour_of('not_saved')};")
        note = QLabel(OTHERS)
        note.setTextFormat(Qt.TextFormat.PlainText)
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Label", self.label)
        form.addRow("&Phrases", self.phrases)
        form.addRow("P&atterns", self.patterns)
        form.addRow("", self.case)
        self.buttons = ok_cancel(self, "Save", self._accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self._shown: int | None = None
        self.label.currentIndexChanged.connect(self._show)
        self._show()
        self.resize(560, 480)

    def _show(self) -> None:
        """Keep what was typed for the label shown, then show the chosen label's rules."""
        if self._shown is not None and not self._keep():
            self.label.blockSignals(True)
            self.label.setCurrentIndex(self.label.findData(self._shown))
            self.label.blockSignals(False)
            return
        label_id = self.label.currentData()
        self._shown = label_id
        rules = self.rules.get(label_id, SuggestRules())
        self.phrases.setPlainText("\n".join(rules.phrases))
        self.patterns.setPlainText("\n".join(rules.patterns))
        self.case.setChecked(rules.case)

    def _keep(self) -> bool:
        """Check the shown label's rules; False (with the reason shown) when they are wrong."""
        if self._shown is None:
            return True
        raw = {
            "phrases": _lines(self.phrases.toPlainText()),
            "patterns": _lines(self.patterns.toPlainText()),
            "case": self.case.isChecked(),
        }
        try:
            self.rules[self._shown] = parse_rules(raw)
        except RuleError as exc:
            self.problem.setText(f"{self.label.itemText(self.label.findData(self._shown))}: {exc}")
            return False
        self.problem.setText("")
        return True

    def changed(self) -> dict[int, SuggestRules]:
        """The labels whose rules differ from the saved ones (empty rules remove them)."""
        empty = SuggestRules()
        return {
            label: rules
            for label, rules in self.rules.items()
            if rules != self.saved.get(label, empty)
        }

    def _accept(self) -> None:
        if self._keep():
            self.accept()


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]
