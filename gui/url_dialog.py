"""File › Import from URL…: the web address of an article, checked before anything is fetched."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from claimdesk.core.net.fetch import FetchError, looks_like_web_address, web_address
from claimdesk.gui.dialogs import ok_cancel
from claimdesk.gui.theme import colour_of

EXPLANATION = (
    "Claimdesk fetches the page and keeps only the article: its title and paragraphs, without "
    "menus, cookie banners, adverts or comments. The address and the time it was fetched are "
    "kept with the document."
)


class UrlDialog(QDialog):
    """One line for the address (filled from the clipboard when it holds one) and Import."""

    def __init__(self, parent: QWidget | None = None, current: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Import from URL")
        self._address = ""
        prompt = QLabel("&Web address of the article:")
        self.field = QLineEdit(current or _address_on_clipboard())
        self.field.setPlaceholderText("https://…")
        self.field.setClearButtonEnabled(True)
        self.field.selectAll()
        prompt.setBuddy(self.field)
        explanation = QLabel(EXPLANATION)
        explanation.setTextFormat(Qt.TextFormat.PlainText)
        explanation.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setTextFormat(Qt.TextFormat.PlainText)  # the address is the user's text
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {colour_of('not_saved')}; font-weight: bold;")
        self.problem.hide()
        self.buttons: QDialogButtonBox = ok_cancel(self, "&Import", self._check)
        self.field.textChanged.connect(self._edited)
        layout = QVBoxLayout(self)
        layout.addWidget(prompt)
        layout.addWidget(self.field)
        layout.addWidget(self.problem)
        layout.addWidget(explanation)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self._edited(self.field.text())
        self.resize(560, self.sizeHint().height())

    @property
    def import_button(self) -> QWidget:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def address(self) -> str:
        """The address to fetch, as checked when Import was pressed."""
        return self._address

    def _edited(self, text: str) -> None:
        self.import_button.setEnabled(bool(text.strip()))
        self.problem.hide()

    def _check(self) -> None:
        try:
            self._address = web_address(self.field.text(), assume_https=True)
        except FetchError as exc:
            self.problem.setText(f"This cannot be fetched: {exc.reason}.")
            self.problem.show()
            self.field.setFocus()
            return
        self.accept()


def _address_on_clipboard() -> str:
    """The clipboard's text when it is one web address (as after copying a browser's address)."""
    clipboard = QGuiApplication.clipboard()
    text = clipboard.text().strip() if clipboard is not None else ""
    if len(text) > 2000 or any(c.isspace() for c in text):
        return ""
    return text if looks_like_web_address(text) and text.startswith(("http", "HTTP")) else ""
