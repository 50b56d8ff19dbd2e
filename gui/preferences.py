"""Edit › Preferences…: text size, theme, snapping, annotator name and the recent-projects list."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from claimdesk.core.limits import ANNOTATOR_NAME_MAX, name_problem
from claimdesk.gui.dialogs import ok_cancel
from claimdesk.gui.settings import MAX_FONT_SIZE, MAX_RECENT_COUNT, MIN_FONT_SIZE, Settings

THEME_NAMES = {"system": "Follow the system", "light": "Light", "dark": "Dark"}


@dataclass(frozen=True)
class Preferences:
    font_size: float
    theme: str
    snap_to_words: bool
    annotator_name: str
    recent_count: int
    clear_recent: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> Preferences:
        return cls(
            font_size=settings.font_size,
            theme=settings.theme,
            snap_to_words=settings.snap_to_words,
            annotator_name=settings.annotator_name,
            recent_count=settings.recent_count,
        )


def annotator_name_problem(name: str) -> str | None:
    """Why a name typed for the annotator cannot be used (a sentence), or None."""
    if not name:
        return "Please give the annotator a name."
    problem = name_problem(name, "annotator name", ANNOTATOR_NAME_MAX)
    if problem is not None:
        return problem[0].upper() + problem[1:] + "."
    return None


class PreferencesDialog(QDialog):
    def __init__(self, current: Preferences, recent: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self._clear = False

        self.font_size = QDoubleSpinBox()
        self.font_size.setRange(MIN_FONT_SIZE, MAX_FONT_SIZE)
        self.font_size.setDecimals(0)
        self.font_size.setSuffix(" pt")
        self.font_size.setValue(current.font_size)
        self.font_size.setToolTip("Size of the article text (also Ctrl++ and Ctrl+− in the window)")

        self.theme = QComboBox()
        for key, name in THEME_NAMES.items():
            self.theme.addItem(name, key)
        self.theme.setCurrentIndex(list(THEME_NAMES).index(current.theme))

        self.snap = QCheckBox("Widen selections to whole &words")
        self.snap.setChecked(current.snap_to_words)

        self.name = QLineEdit(current.annotator_name)
        self.name.setPlaceholderText("Your name, as saved with your annotations")
        self.name.setMaxLength(200)

        self.recent_count = QSpinBox()
        self.recent_count.setRange(1, MAX_RECENT_COUNT)
        self.recent_count.setValue(current.recent_count)
        self.clear_button = QPushButton("&Clear list")
        self.clear_button.setEnabled(recent > 0)
        self.clear_button.clicked.connect(self._clear_recent)
        self.recent_note = QLabel(self._recent_text(recent))
        recent_row = QHBoxLayout()
        recent_row.addWidget(self.recent_count)
        recent_row.addWidget(self.recent_note, 1)
        recent_row.addWidget(self.clear_button)

        form = QFormLayout()
        form.addRow("Article &text size:", self.font_size)
        form.addRow("T&heme:", self.theme)
        form.addRow("Selecting:", self.snap)
        form.addRow("&Annotator name:", self.name)
        form.addRow("&Recent projects shown:", recent_row)
        for field in (self.font_size, self.theme, self.name, self.recent_count):
            label = form.labelForField(field if field is not self.recent_count else recent_row)
            if isinstance(label, QLabel):
                label.setBuddy(field)

        buttons = ok_cancel(self, accept=self._accept)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.name_problem = QLabel("")
        self.name_problem.setTextFormat(Qt.TextFormat.PlainText)  # it may quote the name
        self.name_problem.setVisible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.name_problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    @staticmethod
    def _recent_text(count: int) -> str:
        return "(list is empty)" if count == 0 else f"({count} in the list)"

    def _clear_recent(self) -> None:
        self._clear = True
        self.recent_note.setText("(list will be cleared)")
        self.clear_button.setEnabled(False)

    def _accept(self) -> None:
        problem = annotator_name_problem(self.name.text().strip())
        if problem is not None:
            self.name_problem.setText(problem)
            self.name_problem.setVisible(True)
            self.name.setFocus()
            return
        self.accept()

    def preferences(self) -> Preferences:
        return Preferences(
            font_size=self.font_size.value(),
            theme=str(self.theme.currentData()),
            snap_to_words=self.snap.isChecked(),
            annotator_name=self.name.text().strip(),
            recent_count=self.recent_count.value(),
            clear_recent=self._clear,
        )


def ask_preferences(settings: Settings, parent: QWidget | None) -> Preferences | None:
    dialog = PreferencesDialog(
        Preferences.from_settings(settings), len(settings.recent_projects), parent
    )
    return dialog.preferences() if dialog.exec() == QDialog.DialogCode.Accepted else None


def store_preferences(settings: Settings, chosen: Preferences) -> None:
    settings.font_size = chosen.font_size
    settings.theme = chosen.theme
    settings.snap_to_words = chosen.snap_to_words
    settings.annotator_name = chosen.annotator_name
    settings.recent_count = chosen.recent_count
    if chosen.clear_recent:
        settings.clear_recent()
    settings.sync()
